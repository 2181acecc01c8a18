package extract

import (
	"strings"
	"testing"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		raw, want string
		note      bool // a note is expected (a date outside its era)
	}{
		{"2021年2月2日", "2021-02-02", false},
		{"2021/2/2", "2021-02-02", false},
		{"2021-02-02", "2021-02-02", false},
		{"2021.2.2", "2021-02-02", false},
		{"２０２１年２月２日", "2021-02-02", false},
		{"2021年 2月 2日", "2021-02-02", false},
		{"令和3年2月2日", "2021-02-02", false},
		{"令和元年5月1日", "2019-05-01", false},
		{"令和１年５月１日", "2019-05-01", false},
		{"平成31年4月30日", "2019-04-30", false},
		{"平成元年1月8日", "1989-01-08", false},
		{"昭和64年1月7日", "1989-01-07", false},
		{"昭和50年10月1日", "1975-10-01", false},
		{"大正15年12月24日", "1926-12-24", false},
		{"R3.2.2", "2021-02-02", false},
		{"Ｒ３．２．２", "2021-02-02", false},
		{"H31.4.30", "2019-04-30", false},
		{"H30.12.3", "2018-12-03", false},
		{"S64.1.7", "1989-01-07", false},
		{"㍻31年4月30日", "2019-04-30", false},
		{"平成32年3月31日", "2020-03-31", true}, // plans written before 2019 say 平成32年
		{"令和元年4月1日", "2019-04-01", true},   // still 平成 on that day
	}
	for _, tt := range tests {
		got, note, err := parseDate(tt.raw)
		if err != nil || got != tt.want || (note != "") != tt.note {
			t.Errorf("parseDate(%q) = %q, note %q, err %v; want %q, note %v", tt.raw, got, note, err, tt.want, tt.note)
		}
	}
}

func TestParseDateInvalid(t *testing.T) {
	for _, raw := range []string{"2021年2月30日", "2021/13/1", "2021-00-10", "令和0年1月1日", "2019年2月29日", "平成31年2月29日", "R3.2.30"} {
		if got, _, err := parseDate(raw); err == nil {
			t.Errorf("parseDate(%q) = %q, want an error", raw, got)
		}
	}
	if got, _, err := parseDate("2020年2月29日"); err != nil || got != "2020-02-29" {
		t.Errorf("leap day: got %q, %v", got, err)
	}
}

// TestLabelledDates checks label spellings, weekdays and times, and that
// unlabelled dates are never taken.
func TestLabelledDates(t *testing.T) {
	tests := []struct {
		html, updated, updatedRaw, published string
	}{
		{`<p>更新日:2021年2月2日</p>`, "2021-02-02", "2021年2月2日", ""},
		{`<p>更新日：2021年2月2日（火曜日）</p>`, "2021-02-02", "2021年2月2日（火曜日）", ""},
		{`<p>最終更新日 2025年10月3日</p>`, "2025-10-03", "2025年10月3日", ""},
		{`<p>更新日時：２０２２年１１月５日（土曜日）１０時００分</p>`, "2022-11-05", "２０２２年１１月５日（土曜日）１０時００分", ""},
		{`<p>更新日時 2022/11/05 10:00</p>`, "2022-11-05", "2022/11/05 10:00", ""},
		{`<p>掲載日：令和3年4月1日 更新日：令和4年1月5日</p>`, "2022-01-05", "令和4年1月5日", "2021-04-01"},
		{`<p>公開日 2023.4.1</p>`, "", "", "2023-04-01"},
		{`<p>作成日：H30.12.3</p>`, "", "", "2018-12-03"},
		{`<table><tr><th>最終更新日</th><td>2019/02/22</td></tr></table>`, "2019-02-22", "2019/02/22", ""},
		{`<dl><dt>更新日</dt><dd>令和3年2月2日</dd></dl>`, "2021-02-02", "令和3年2月2日", ""},
		{`<p>令和7年11月8日現在</p><h4>ほぅ【R7.11.6更新】</h4>`, "", "", ""},
		{`<p>2021年2月2日撮影</p>`, "", "", ""},
	}
	for _, tt := range tests {
		doc, err := Extract([]byte("<html><body>"+tt.html+"</body></html>"), "https://example.jp/", "text/html; charset=utf-8")
		if err != nil {
			t.Fatal(err)
		}
		if doc.Updated != tt.updated || doc.UpdatedRaw != tt.updatedRaw || doc.Published != tt.published {
			t.Errorf("%s: updated %q (%q), published %q; want %q (%q), %q", tt.html, doc.Updated, doc.UpdatedRaw, doc.Published, tt.updated, tt.updatedRaw, tt.published)
		}
	}
}

func TestImpossibleDateWarns(t *testing.T) {
	doc, err := Extract([]byte(`<body><p>更新日：2021年2月30日</p><p>掲載日：2021年2月1日</p></body>`), "", "")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Updated != "" || doc.UpdatedRaw != "2021年2月30日" {
		t.Errorf("updated = %q (%q), want no date and the raw text", doc.Updated, doc.UpdatedRaw)
	}
	if len(doc.Warnings) != 1 || !strings.Contains(doc.Warnings[0], "2021年2月30日") {
		t.Errorf("warnings = %q, want one naming 2021年2月30日", doc.Warnings)
	}
	if doc.Published != "2021-02-01" {
		t.Errorf("published = %q, want 2021-02-01", doc.Published)
	}
}
