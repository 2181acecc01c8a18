package diff

import (
	"bytes"
	"strings"
	"testing"
)

func TestWriteHTMLEscapesPageText(t *testing.T) {
	r := Report{URL: "https://www.city.example.lg.jp/koe.html?a=1&b=<2>", FromVersion: 1, ToVersion: 2, Changes: []Change{
		{Kind: KindAnswerChanged, Section: "<b>職員A</b>", Question: "仕事は？<script>alert(1)</script>",
			Old: "答え<script>x()</script>", New: "答え<img src=x onerror=y>",
			Ops: []Op{{OpEqual, "答え"}, {OpDelete, "<script>x()</script>"}, {OpInsert, "<img src=x onerror=y>"}}},
		{Kind: KindQAAdded, Question: "新しい質問", New: `"quoted" & <i>it</i>`},
	}}
	var b bytes.Buffer
	if err := WriteHTML(&b, r); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"<script>", "<img", "<b>職員A", "<i>it", "onerror=y>"} {
		if strings.Contains(out, bad) {
			t.Errorf("page text became markup: %q in\n%s", bad, out)
		}
	}
	for _, good := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=y&gt;", `<span class="del">&lt;script&gt;x()&lt;/script&gt;</span>`, "&amp;b=&lt;2&gt;"} {
		if !strings.Contains(out, good) {
			t.Errorf("output lacks %q:\n%s", good, out)
		}
	}
}

func TestWriteTextMarksAndColours(t *testing.T) {
	r := Report{URL: "u", FromVersion: 1, ToVersion: 2, Changes: []Change{
		{Kind: KindMetadata, Field: FieldUpdated, Old: "2021-02-02", New: "2021-04-01"},
		{Kind: KindAnswerChanged, Section: "管理職", Question: "Q1", Old: "古い答え", New: "新しい答え",
			Ops: []Op{{OpDelete, "古い"}, {OpInsert, "新しい"}, {OpEqual, "答え"}}},
	}}
	var plain, color bytes.Buffer
	WriteText(&plain, r, false)
	WriteText(&color, r, true)
	want := "u: version 1 → 2, 2 changes\n  updated: [-2021-02-02-]{+2021-04-01+}\n■ 管理職\n  Q Q1\n    answer changed:\n    [-古い-]{+新しい+}答え\n"
	if plain.String() != want {
		t.Errorf("plain:\n%s\nwant:\n%s", plain.String(), want)
	}
	if !strings.Contains(color.String(), ansiRed+"[-古い-]"+ansiReset) || !strings.Contains(color.String(), ansiGreen+"{+新しい+}"+ansiReset) {
		t.Errorf("colour:\n%q", color.String())
	}
}

func TestWriteTextSendsNoEscapesFromPageText(t *testing.T) {
	evil := "答え\x1b]0;pwned\a\x1b[2J\u009b31m"
	r := Report{URL: "u\x1b[2J", FromVersion: 1, ToVersion: 2, Changes: []Change{
		{Kind: KindAnswerChanged, Section: "S\x1b[1m", Question: "Q", Old: evil, New: evil + "。",
			Ops: []Op{{OpEqual, evil}, {OpInsert, "。\x07"}}},
		{Kind: KindQAAdded, Question: "Q2\x1b[31m", New: evil},
	}}
	for _, color := range []bool{false, true} {
		var b bytes.Buffer
		WriteText(&b, r, color)
		out := strings.NewReplacer(ansiRed, "", ansiGreen, "", ansiBold, "", ansiReset, "").Replace(b.String())
		if strings.ContainsAny(out, "\x1b\a\u009b") {
			t.Errorf("color %v: control characters from page text reach the output: %q", color, out)
		}
	}
}
