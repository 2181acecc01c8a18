package extract

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestContentHash: edits to menus, sidebars, footers, attributes, comments,
// white space and character width leave content_hash alone; edits to a
// question, an answer, a note, the title, the page number, a date or the
// contact change it.
func TestContentHash(t *testing.T) {
	body, err := os.ReadFile(filepath.Join(fixtureDir, "nerima-staff-voice.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(body)
	const url = "https://www.city.nerima.tokyo.jp/kusei/saiyo/mezasu/koe.html"
	base, err := Extract(body, url, "")
	if err != nil {
		t.Fatal(err)
	}
	edit := func(old, new string) string {
		t.Helper()
		if !strings.Contains(page, old) {
			t.Fatalf("fixture has no %q", old)
		}
		return strings.Replace(page, old, new, 1)
	}
	same := map[string]string{
		"menu item renamed":     edit(`<a href="/kurashi/index.html">くらし・手続き</a>`, `<a href="/kurashi/index.html">くらし・手続き・届出</a>`),
		"menu item added":       edit(`<li class="gnavi_kurashi">`, `<li><a href="/new/">新着情報</a></li><li class="gnavi_kurashi">`),
		"sidebar link added":    edit(`<div class="skip">サブナビゲーションここから</div>`, `<div class="skip">サブナビゲーションここから</div><ul class="subnav"><li><a href="/x">採用説明会のお知らせ</a></li></ul>`),
		"footer phone changed":  edit(`電話:03-3993-1111(代表)`, `電話:03-3993-9999(代表)`),
		"comment timestamp":     edit(`<!--▼ ヘッダー ▼-->`, `<!-- generated 2024-05-01 10:00:00 -->`),
		"attributes changed":    edit(`<h3>練馬区を選んだ理由、きっかけを教えてください</h3>`, `<h3 id="q1" style="color:red" data-x="1">練馬区を選んだ理由、きっかけを教えてください</h3>`),
		"white space":           strings.ReplaceAll(page, "</p>\n", "</p>\n\n   \t"),
		"space inside text":     edit(`学生の頃、通学途中の車窓から`, "学生の頃、\n  通学途中の車窓から"),
		"full-width digits":     edit(`23区の中で`, `２３区の中で`),
		"a script added":        edit(`</body>`, `<script>var t = "2024-06-01T00:00:00Z";</script></body>`),
		"related links changed": edit(`<div class="related_link">`, `<div class="related_link"><p><a href="/y">新しい関連ページ</a></p>`),
	}
	changed := map[string]string{
		"question":    edit(`<h3>練馬区を選んだ理由、きっかけを教えてください</h3>`, `<h3>練馬区を選んだ理由を教えてください</h3>`),
		"answer":      edit(`23区の中で`, `２４区の中で`),
		"note":        edit(`【注】チューター(新規採用職員育成指導者)制度`, `【注】チューター制度`),
		"title":       edit(`職員の声 ~キャリア形成・新規採用職員編~</h1>`, `職員の声 ~キャリア形成編~</h1>`),
		"page number": edit(`ページ番号:855-600-871`, `ページ番号:855-600-872`),
		"update date": edit(`更新日:2021年2月2日`, `更新日:2021年2月3日`),
		"contact":     edit(`電話:03-5984-4153(直通)`, `電話:03-5984-4154(直通)`),
	}
	for name, p := range same {
		doc, err := Extract([]byte(p), url, "")
		if err != nil {
			t.Fatal(err)
		}
		if doc.ContentHash != base.ContentHash {
			t.Errorf("%s: content_hash changed", name)
		}
	}
	for name, p := range changed {
		doc, err := Extract([]byte(p), url, "")
		if err != nil {
			t.Fatal(err)
		}
		if doc.ContentHash == base.ContentHash {
			t.Errorf("%s: content_hash did not change", name)
		}
	}
}

// ContentHash agrees with a plain rendering of its definition (each field
// folded with Fold, tagged and length-prefixed, then SHA-256) on fields
// whose folding drops white space across the lengths where a length's
// uvarint changes size, or lengthens them (㍻ → 平成).
func TestContentHashAgreesWithDefinition(t *testing.T) {
	var fields []string
	for _, n := range []int{0, 1, 60, 127, 128, 129, 200, 16383, 16384, 16390} {
		for _, pad := range []string{"", " ", "　 ", strings.Repeat(" ", 10)} {
			body := strings.Repeat("あ", n/3) + strings.Repeat("x", n%3)
			fields = append(fields, body+pad, pad+body, strings.Repeat("㍻", n/3)+pad, strings.Repeat("a ", n/2))
		}
	}
	for i, f := range fields {
		d := &Document{Title: f, Intro: []string{f, "", " "}, Sections: []Section{{Heading: f, Intro: []string{f},
			QA: []QA{{Question: f, Answer: []string{f, fields[(i*7)%len(fields)]}, Notes: []string{f}}}}},
			Contact: Contact{Department: f}}
		if got, want := ContentHash(d), plainContentHash(d); got != want {
			t.Fatalf("field %d (%d bytes): ContentHash %s, by definition %s", i, len(f), got, want)
		}
	}
}

func plainContentHash(d *Document) string {
	h := sha256.New()
	raw := func(tag, v string) {
		h.Write([]byte(tag))
		h.Write(binary.AppendUvarint(nil, uint64(len(v))))
		h.Write([]byte(v))
	}
	field := func(tag, v string) { raw(tag, Fold(v)) }
	fields := func(tag string, vs []string) {
		for _, v := range vs {
			if f := Fold(v); f != "" {
				raw(tag, f)
			}
		}
		raw("end", tag)
	}
	date := func(tag, iso, r string) {
		if iso == "" {
			iso = Fold(r)
		}
		raw(tag, iso)
	}
	field("title", d.Title)
	field("page_number", d.PageNumber)
	date("updated", d.Updated, d.UpdatedRaw)
	date("published", d.Published, d.PublishedRaw)
	fields("breadcrumbs", d.Breadcrumbs)
	fields("intro", d.Intro)
	for _, s := range d.Sections {
		field("section", s.Heading)
		fields("section_intro", s.Intro)
		for _, q := range s.QA {
			field("question", q.Question)
			fields("answer", q.Answer)
			fields("notes", q.Notes)
		}
	}
	c := d.Contact
	field("department", c.Department)
	field("phone", c.Phone)
	field("fax", c.Fax)
	field("email", c.Email)
	raw("form", formPath(c.FormURL))
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
