package extract

import (
	"strings"
	"testing"
)

// Regression tests for defects found in review, one case each.

func extractPage(t *testing.T, body, contentType string) *Document {
	t.Helper()
	doc, err := Extract([]byte(body), "https://www.city.example.lg.jp/saiyo/koe.html", contentType)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func questions(d *Document) []string {
	var qs []string
	for _, s := range d.Sections {
		for _, q := range s.QA {
			qs = append(qs, q.Question)
		}
	}
	return qs
}

func TestProseWithKokoKaraIsNotAMarker(t *testing.T) {
	doc := extractPage(t, `<main><h1>職員の声</h1><h2>Aさん</h2><h3>志望動機を教えてください</h3><p>ここから新しいキャリアが始まりました。</p><p>先輩に支えられ、<strong>ここまで来られた</strong>と思います。</p></main>`, "")
	got := strings.Join(doc.Sections[0].QA[0].Answer, "|")
	if got != "ここから新しいキャリアが始まりました。|先輩に支えられ、ここまで来られたと思います。" {
		t.Errorf("answer = %q", got)
	}
	// Real region markers are still recognised and never become text.
	doc = extractPage(t, `<div>サイトメニューここから</div><ul><li><a href="/a">くらし</a></li></ul><div>サイトメニューここまで</div><div>本文ここから</div><h1>職員の声</h1><p>はじめに。</p><div>本文ここまで</div><div>フッターここまで</div>`, "")
	if strings.Join(doc.Intro, "|") != "はじめに。" {
		t.Errorf("intro = %q", doc.Intro)
	}
}

func TestIdeographicSpaceAfterLabels(t *testing.T) {
	doc := extractPage(t, `<main><h1>職員の声</h1><p>更新日　2021年2月2日</p><p>ページ番号　855-600-871</p><h2>Aさん</h2><p>Q1　志望動機を教えてください</p><p>A　まちが好きだから。</p><p>Q2　休日は？</p><p>A　山に登ります。</p><h2>お問い合わせ</h2><p>人事課</p><p>電話　03-1234-5678</p><p>TEL.03-1234-0000 FAX（代表）03-1234-9999</p></main>`, "")
	if doc.Updated != "2021-02-02" || doc.PageNumber != "855-600-871" {
		t.Errorf("updated %q, page number %q", doc.Updated, doc.PageNumber)
	}
	if got := strings.Join(questions(doc), "|"); got != "志望動機を教えてください|休日は？" {
		t.Errorf("questions = %q", got)
	}
	if doc.Contact.Phone != "03-1234-5678" || doc.Contact.Fax != "03-1234-9999" || doc.Contact.Department != "人事課" {
		t.Errorf("contact = %+v", doc.Contact)
	}
}

func TestStrayByteInUTF8(t *testing.T) {
	page := `<html><head><title>職員の声</title></head><body><main><h1>職員の声</h1><p>練馬区で働く職員に聞きました。職員の仕事とやりがいを紹介します。</p></main><footer>Copyright ` + "\xa9" + ` 練馬区</footer></body></html>`
	for _, ct := range []string{"text/html; charset=UTF-8", ""} {
		doc := extractPage(t, page, ct)
		if doc.Charset != "utf-8" || doc.Title != "職員の声" {
			t.Errorf("%q: charset %s, title %q", ct, doc.Charset, doc.Title)
		}
		if !strings.Contains(strings.Join(doc.Warnings, "\n"), "invalid utf-8") {
			t.Errorf("%q: no warning about the invalid byte: %q", ct, doc.Warnings)
		}
	}
}

func TestOneColumnTableIsLayout(t *testing.T) {
	doc := extractPage(t, `<main><h1>職員の声</h1><table width="100%"><tr><td><p>Q1. 志望動機は？</p><p>A. 区が好きだから。</p><p>Q2. やりがいは？</p><p>A. 区民の笑顔です。</p></td></tr></table></main>`, "")
	if got := strings.Join(questions(doc), "|"); got != "志望動機は？|やりがいは？" {
		t.Errorf("questions = %q", got)
	}
}

func TestThreeHeadingLevels(t *testing.T) {
	doc := extractPage(t, `<main><h1>職員の声</h1><h2>事務職</h2><h3>総務課 Aさん</h3><h4>志望動機を教えてください</h4><p>まち。</p><h4>休日は？</h4><p>山。</p><h2>技術職</h2><h3>道路課 Bさん</h3><h4>志望動機を教えてください</h4><p>橋。</p></main>`, "")
	var heads []string
	for _, s := range doc.Sections {
		heads = append(heads, s.Heading)
	}
	if strings.Join(heads, "|") != "事務職|総務課 Aさん|技術職|道路課 Bさん" || doc.QACount() != 3 {
		t.Errorf("sections %q, %d questions", heads, doc.QACount())
	}
}

func TestCareerPathIsNotABreadcrumb(t *testing.T) {
	doc := extractPage(t, `<main><h1>職員の声</h1><p>はじめに。</p><h2>Aさん</h2><p>経歴：区民課→税務課→人事課</p><p>一日：8:30 出勤 &gt; 9:00 窓口 &gt; 17:15 退庁</p><h3>志望動機は？</h3><p>まち。</p></main>`, "")
	if len(doc.Breadcrumbs) != 0 {
		t.Errorf("breadcrumbs = %q", doc.Breadcrumbs)
	}
	if len(doc.Sections) != 1 || len(doc.Sections[0].Intro) != 2 {
		t.Errorf("sections = %+v", doc.Sections)
	}
}

func TestWrapperWithMenuWordKeepsContent(t *testing.T) {
	doc := extractPage(t, `<div id="contents"><div id="print_area"><h1>職員の声</h1><h2>Aさん</h2><h3>志望動機は？</h3><p>まちが好きだから。</p></div><div class="side"><ul><li><a href="/x">採用</a></li></ul></div></div>`, "")
	if doc.Title != "職員の声" || doc.QACount() != 1 {
		t.Errorf("title %q, %d questions", doc.Title, doc.QACount())
	}
}

func TestSectionStartingWithALink(t *testing.T) {
	doc := extractPage(t, `<main><h1>職員の声</h1><h2>総務課 Aさん</h2><h3>志望動機は？</h3><p>まち。</p><h2>税務課 Bさん</h2><p><a href="b.pdf">プロフィール（PDF）</a></p><h3>志望動機は？</h3><p>数字。</p></main>`, "")
	if len(doc.Sections) != 2 || len(doc.Sections[1].QA) != 1 || doc.Sections[1].Heading != "税務課 Bさん" {
		t.Errorf("sections = %+v", doc.Sections)
	}
}

func TestQATableRows(t *testing.T) {
	doc := extractPage(t, `<main><h1>職員の声</h1><h2>Aさん</h2><table><tr><th>質問</th><th>回答</th></tr><tr><td>志望動機は？</td><td>まち。</td></tr><tr><td colspan="2">【注】本人の感想です。</td></tr></table>
		<table><tr><th>項目</th><th>内容</th></tr><tr><td>所属</td><td>人事課</td></tr><tr><td>入庁年</td><td>2015年</td></tr></table></main>`, "")
	if got := strings.Join(questions(doc), "|"); got != "志望動機は？" {
		t.Errorf("questions = %q", got)
	}
	q := doc.Sections[0].QA[0]
	if len(q.Notes) != 1 || q.Notes[0] != "本人の感想です。" {
		t.Errorf("notes = %q", q.Notes)
	}
	if !strings.Contains(strings.Join(q.Answer, "|"), "所属：人事課") {
		t.Errorf("the profile table is not text: %q", q.Answer)
	}
}

func TestLogoHeadingIsNotTheTitle(t *testing.T) {
	doc := extractPage(t, `<html><head><title>職員の声｜〇〇市</title></head><body><div id="logo"><h1><a href="/">〇〇市</a></h1></div><main><h2>総務課 Aさん</h2><h3>志望動機は？</h3><p>まち。</p></main></body></html>`, "")
	if doc.Title != "職員の声" {
		t.Errorf("title = %q", doc.Title)
	}
}

func TestOverDeepMarkupKeepsStructure(t *testing.T) {
	page := strings.Repeat("<div>", 600) + `<script>var gaq = "tracking-123";</script><style>.a{color:red}</style><h1>職員の声</h1><h2>総務課 Aさん</h2><h3>志望動機は？</h3><p>まち。</p><h3>休日は？</h3><p>山。</p>`
	doc := extractPage(t, page, "")
	if doc.Title != "職員の声" || doc.QACount() != 2 {
		t.Errorf("title %q, %d questions", doc.Title, doc.QACount())
	}
	all := strings.Join(doc.Intro, "") + strings.Join(questions(doc), "")
	if strings.Contains(all, "tracking") || strings.Contains(all, "color") {
		t.Errorf("script or style text leaked: %q", all)
	}
	if len(doc.Warnings) != 1 || !strings.Contains(doc.Warnings[0], "nested deeper") {
		t.Errorf("warnings = %q", doc.Warnings)
	}
}

func TestContentHashDetails(t *testing.T) {
	const base = `<main><h1>職員の声</h1><h2>お問い合わせ</h2><p>人事課</p>%s</main>`
	phoneOnly := extractPage(t, strings.Replace(base, "%s", "<p>電話：03-1234-5678</p>", 1), "")
	faxOnly := extractPage(t, strings.Replace(base, "%s", "<p>ファクス：03-1234-5678</p>", 1), "")
	if phoneOnly.ContentHash == faxOnly.ContentHash {
		t.Error("a phone number and the same fax number hash alike")
	}
	form := `<main><h1>職員の声</h1><h2>お問い合わせ</h2><p>人事課</p><p><a href="/cgi-bin/inquiry.php/21">メールを送る</a></p></main>`
	a, _ := Extract([]byte(form), "https://www.city.example.lg.jp/a.html", "")
	b, _ := Extract([]byte(form), "file:///home/alice/a.html", "")
	if a.ContentHash != b.ContentHash {
		t.Error("the hash depends on where the page was read from")
	}
	d1 := extractPage(t, `<p>更新日：2021年2月30日</p><p>本文</p>`, "")
	d2 := extractPage(t, `<p>更新日：2021年2月31日</p><p>本文</p>`, "")
	if d1.ContentHash == d2.ContentHash {
		t.Error("editing an invalid date does not change the hash")
	}
}

func TestFoldSpacesAndVariants(t *testing.T) {
	tests := []struct{ a, b string }{
		{"練馬区を\u2028選んだ", "練馬区を選んだ"},
		{"練馬区を\u3000選んだ", "練馬区を選んだ"},
		{"21\u301C22時", "21\uFF5E22時"},
		{"A\u2212B", "A\uFF0DB"},
		{"\u2015", "\u2014"},
	}
	for _, tt := range tests {
		if Fold(tt.a) != Fold(tt.b) {
			t.Errorf("Fold(%q) = %q, Fold(%q) = %q; want equal", tt.a, Fold(tt.a), tt.b, Fold(tt.b))
		}
	}
}

func TestAnswerStartingWithShitsumon(t *testing.T) {
	doc := extractPage(t, `<main><h1>職員の声</h1><h2>Aさん</h2><h3>研修は？</h3><p>質問、相談がしやすい環境です。</p></main>`, "")
	if doc.QACount() != 1 || doc.Sections[0].QA[0].Answer[0] != "質問、相談がしやすい環境です。" {
		t.Errorf("sections = %+v", doc.Sections)
	}
}

func TestPhoneAndFaxOnOneLabel(t *testing.T) {
	doc := extractPage(t, `<main><h1>職員の声</h1><h2>お問い合わせ</h2><p>人事課</p><p>電話・ファクス：03-1234-5678</p></main>`, "")
	if doc.Contact.Phone != "03-1234-5678" || doc.Contact.Fax != "03-1234-5678" {
		t.Errorf("contact = %+v", doc.Contact)
	}
}

// A contact label written with ㉄ (U+3244, which folds to 問) is a label
// like お問い合わせ: the block it heads is the contact, and the label is
// not taken for the department.
func TestCircledToiContactLabel(t *testing.T) {
	for _, label := range []string{"問合せ先", "㉄合せ先"} {
		// In a contact container, and as a heading in the content.
		for _, page := range []string{
			`<main><h1>職員の声</h1><p>はじめに。</p></main><div class="contact"><p>` + label + `</p><p>人事課</p><p>電話：03-1234-5678</p></div>`,
			`<main><h1>職員の声</h1><p>はじめに。</p><h2>` + label + `</h2><p>人事課</p><p>電話：03-1234-5678</p></main>`,
		} {
			doc := extractPage(t, page, "")
			if doc.Contact.Department != "人事課" || doc.Contact.Phone != "03-1234-5678" {
				t.Errorf("%s: contact = %+v", page, doc.Contact)
			}
		}
	}
}
