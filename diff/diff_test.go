package diff

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/staffvoice/staffvoice/extract"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/*.txtar")

// TestCases runs the before/after cases in testdata/*.txtar. Each holds
// an "old" and a "new" document, written as parseDocument reads them,
// and the changes wanted, one JSON object a line without ops (checkCompare
// checks those). go test ./diff -update rewrites the want sections from
// what Compare returns: review the diff line by line.
func TestCases(t *testing.T) {
	paths, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no cases in testdata: %v", err)
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			old := parseDocument(t, archiveFile(t, ar, "old"))
			new := parseDocument(t, archiveFile(t, ar, "new"))
			got := withoutOps(checkCompare(t, old, new))
			if *update {
				var b strings.Builder
				for _, c := range got {
					b.WriteString(dump(c) + "\n")
				}
				for i := range ar.Files {
					if ar.Files[i].Name == "want" {
						ar.Files[i].Data = []byte(b.String())
					}
				}
				if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want := parseWant(t, archiveFile(t, ar, "want"))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Compare(old, new):\n got %s\nwant %s", dumpLines(got), dumpLines(want))
			}
		})
	}
}

func archiveFile(t *testing.T, ar *txtar.Archive, name string) string {
	t.Helper()
	for _, f := range ar.Files {
		if f.Name == name {
			return string(f.Data)
		}
	}
	t.Fatalf("no section %q", name)
	return ""
}

// parseDocument reads a document written one field a line, "name: value"
// (a value in double quotes is unquoted as in Go, for white space):
//
//	title: 職員の声
//	updated: 2024-04-01          (also updated_raw, published, published_raw,
//	page_number, breadcrumbs: a > b, contact.department, contact.phone,
//	contact.fax, contact.email, contact.form_url)
//	intro: 本文                  (the page's, or after a heading the section's)
//	## 見出し                    (starts a section)
//	Q: 質問
//	A: 回答の段落
//	N: 注記
func parseDocument(t *testing.T, text string) *extract.Document {
	t.Helper()
	d, err := readDocument(text)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func readDocument(text string) (*extract.Document, error) {
	d := &extract.Document{}
	var s *extract.Section
	var q *extract.QA
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		if h, ok := strings.CutPrefix(line, "## "); ok {
			d.Sections = append(d.Sections, extract.Section{Heading: h})
			s, q = &d.Sections[len(d.Sections)-1], nil
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("line %d: no name: %q", n, line)
		}
		value = strings.TrimPrefix(value, " ")
		if strings.HasPrefix(value, `"`) {
			v, err := strconv.Unquote(value)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", n, err)
			}
			value = v
		}
		switch name {
		case "title":
			d.Title = value
		case "page_number":
			d.PageNumber = value
		case "updated":
			d.Updated = value
		case "updated_raw":
			d.UpdatedRaw = value
		case "published":
			d.Published = value
		case "published_raw":
			d.PublishedRaw = value
		case "breadcrumbs":
			d.Breadcrumbs = strings.Split(value, " > ")
		case "contact.department":
			d.Contact.Department = value
		case "contact.phone":
			d.Contact.Phone = value
		case "contact.fax":
			d.Contact.Fax = value
		case "contact.email":
			d.Contact.Email = value
		case "contact.form_url":
			d.Contact.FormURL = value
		case "intro":
			if s == nil {
				d.Intro = append(d.Intro, value)
			} else {
				s.Intro = append(s.Intro, value)
			}
		case "Q":
			if s == nil {
				return nil, fmt.Errorf("line %d: Q: before any section", n)
			}
			s.QA = append(s.QA, extract.QA{Question: value, QuestionKey: extract.QuestionKey(value)})
			q = &s.QA[len(s.QA)-1]
		case "A", "N":
			if q == nil {
				return nil, fmt.Errorf("line %d: %s: before any Q:", n, name)
			}
			if name == "A" {
				q.Answer = append(q.Answer, value)
			} else {
				q.Notes = append(q.Notes, value)
			}
		default:
			return nil, fmt.Errorf("line %d: unknown name %q", n, name)
		}
	}
	return d, nil
}

func parseWant(t *testing.T, text string) []Change {
	t.Helper()
	var out []Change
	for i, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var c Change
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatalf("want line %d: %v", i+1, err)
		}
		out = append(out, c)
	}
	return out
}

func dumpLines(cs []Change) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString("\n\t" + dump(c))
	}
	return b.String()
}

// TestFixturesAgainstThemselves checks that no fixture page differs from
// itself.
func TestFixturesAgainstThemselves(t *testing.T) {
	for _, p := range pages(t) {
		doc, err := extract.Extract(p.body, p.url, p.contentType)
		if err != nil {
			continue // the pages that are not HTML
		}
		again := p.extract(t)
		if c := Compare(*doc, *again); len(c) != 0 {
			t.Errorf("%s against itself: %s", p.name, dumpLines(c))
		}
	}
}

// TestFixturePairs compares every fixture page with every other: pages of
// different sites, whose sections and questions are mostly unmatched.
func TestFixturePairs(t *testing.T) {
	var docs []*extract.Document
	var names []string
	for _, p := range pages(t) {
		if doc, err := extract.Extract(p.body, p.url, p.contentType); err == nil {
			docs, names = append(docs, doc), append(names, p.name)
		}
	}
	for i := range docs {
		for j := range docs {
			if i < j {
				t.Run(names[i]+"/"+names[j], func(t *testing.T) {
					if got := checkCompare(t, docs[i], docs[j]); len(got) == 0 {
						t.Errorf("no change between two different pages")
					}
				})
			}
		}
	}
}

// nerimaEdits are the three edits of the benchmark: an answer
// edited, a question added, the update date changed.
var nerimaEdits = []string{
	"更新日:2021年2月2日", "更新日:2021年3月15日",
	"練馬区を選びました。", "練馬区を志望しました。",
	"<h3>現在の担当業務を教えてください</h3>",
	"<h3>休日の過ごし方を教えてください</h3>\n<p>公園を散歩しています。</p>\n\n<h3>現在の担当業務を教えてください</h3>",
}

func TestNerimaEdits(t *testing.T) {
	p := fixturePage(t, "nerima-staff-voice")
	got := withoutOps(checkCompare(t, p.extract(t), p.edit(t, nerimaEdits...).extract(t)))
	want := []Change{
		{Kind: KindMetadata, Field: FieldUpdated, Old: "2021-02-02", New: "2021-03-15"},
		{Kind: KindAnswerChanged, Section: "管理職職員の声(キャリア形成)", Question: "練馬区を選んだ理由、きっかけを教えてください",
			Old: "特別区の中でもより区民の方々の生活に密着した仕事ができる住宅都市で働きたいと思い、練馬区を選びました。また、学生時代から住んでおり、第二の地元としてみどりあふれる生活しやすい街並みに愛着があったことも大きな理由のひとつです。",
			New: "特別区の中でもより区民の方々の生活に密着した仕事ができる住宅都市で働きたいと思い、練馬区を志望しました。また、学生時代から住んでおり、第二の地元としてみどりあふれる生活しやすい街並みに愛着があったことも大きな理由のひとつです。"},
		{Kind: KindQAAdded, Section: "係長級職員の声(キャリア形成)", Question: "休日の過ごし方を教えてください", New: "公園を散歩しています。"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Compare:\n got %s\nwant %s", dumpLines(got), dumpLines(want))
	}
}

// TestNerimaAnswerOps checks the ops of an edit in the middle of an
// answer: one deletion and one insertion between two equal runs.
func TestNerimaAnswerOps(t *testing.T) {
	p := fixturePage(t, "nerima-staff-voice")
	got := Compare(*p.extract(t), *p.edit(t, "練馬区を選びました。", "練馬区を志望しました。").extract(t))
	if len(got) != 1 {
		t.Fatalf("got %s, want one answer_changed", dumpLines(got))
	}
	var steps []string
	for _, op := range got[0].Ops {
		if op.Op == OpEqual {
			steps = append(steps, op.Op)
		} else {
			steps = append(steps, op.Op+" "+op.Text)
		}
	}
	if want := []string{"equal", "delete 選び", "insert 志望し", "equal"}; !reflect.DeepEqual(steps, want) {
		t.Errorf("ops = %q, want %q", steps, want)
	}
}

// TestNoChangeForSpacingAndWidth edits the page's text only in spacing and
// in full-width/half-width forms.
func TestNoChangeForSpacingAndWidth(t *testing.T) {
	p := fixturePage(t, "nerima-staff-voice")
	edited := p.edit(t,
		"練馬区を選んだ理由、きっかけを教えてください</h3>", "練馬区を選んだ理由、　きっかけを教えてください </h3>",
		"23区の中で", "２３区の中で",
		"学生時代から住んでおり、", "学生時代から  住んでおり、\n",
		"ページ番号:855-600-871", "ページ番号:８５５－６００－８７１",
		"(キャリア形成)</h2>", "（キャリア形成）</h2>",
	)
	if got := checkCompare(t, p.extract(t), edited.extract(t)); len(got) != 0 {
		t.Errorf("spacing and width edits gave %s", dumpLines(got))
	}
}

// TestReorderedQuestionsAreMoved moves the last question of a section to
// the top: one qa_moved, no removal or addition.
func TestReorderedQuestionsAreMoved(t *testing.T) {
	p := fixturePage(t, "nerima-staff-voice")
	const last = "<h3>練馬区志望者へメッセージをお願いします</h3>\n<p>私は、練馬区は職場としても、"
	body := string(p.body)
	i := strings.Index(body, last)
	end := i + strings.Index(body[i:], "</p>") + len("</p>")
	block := body[i:end]
	first := "<h3>練馬区を選んだ理由、きっかけを教えてください</h3>\n<p>特別区の中でも"
	edited := p.edit(t, block, "", first, block+"\n\n"+first)
	got := withoutOps(checkCompare(t, p.extract(t), edited.extract(t)))
	want := []Change{{Kind: KindQAMoved, Section: "管理職職員の声(キャリア形成)", Question: "練馬区志望者へメッセージをお願いします", Old: "5", New: "1"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Compare:\n got %s\nwant %s", dumpLines(got), dumpLines(want))
	}
}

// TestInsertedQuestionMovesNoOther inserts a question at the top of a
// section: every question after it has a new position, but only the
// insertion is reported.
func TestInsertedQuestionMovesNoOther(t *testing.T) {
	p := fixturePage(t, "nerima-staff-voice")
	first := "<h3>練馬区を選んだ理由、きっかけを教えてください</h3>\n<p>特別区の中でも"
	edited := p.edit(t, first, "<h3>趣味を教えてください</h3>\n<p>読書です。</p>\n"+first)
	got := withoutOps(checkCompare(t, p.extract(t), edited.extract(t)))
	want := []Change{{Kind: KindQAAdded, Section: "管理職職員の声(キャリア形成)", Question: "趣味を教えてください", New: "読書です。"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Compare:\n got %s\nwant %s", dumpLines(got), dumpLines(want))
	}
}

func TestMovedPairs(t *testing.T) {
	qs := func(texts string) []question {
		var out []question
		for _, r := range texts {
			out = append(out, question{fold: string(r)})
		}
		return out
	}
	tests := []struct {
		old, new string
		want     string // the questions reported as moved
	}{
		{"ABCDE", "ABCDE", ""},
		{"ABCDE", "EABCD", "E"},
		{"ABCDE", "BCDEA", "A"},
		{"AB", "BA", "B"}, // a tie: the text decides, not the direction
		{"ABCDEF", "BADCFE", "BDF"},
		{"ABCDE", "EDCBA", "ABDE"},
		{"ABCDE", "ACXDB", "B"}, // with E removed and X inserted
	}
	for _, tt := range tests {
		oq, nq := qs(tt.old), qs(tt.new)
		pairs := matchByKey(strings.Split(tt.old, ""), strings.Split(tt.new, ""))
		for _, dir := range []string{"forward", "backward"} {
			var moved []pair
			if dir == "forward" {
				moved = movedPairs(pairs, oq, nq)
			} else {
				back := make([]pair, len(pairs))
				for i, p := range pairs {
					back[i] = pair{p.new, p.old}
				}
				moved = movedPairs(back, nq, oq)
				for i, p := range moved {
					moved[i] = pair{p.new, p.old}
				}
			}
			var got []string
			for _, p := range moved {
				got = append(got, oq[p.old].fold)
			}
			slices.Sort(got)
			if strings.Join(got, "") != tt.want {
				t.Errorf("%s → %s (%s): moved %q, want %q", tt.old, tt.new, dir, got, tt.want)
			}
		}
	}
}

func TestSimilarity(t *testing.T) {
	tests := []struct {
		a, b     string
		min, max float64
	}{
		{"", "", 1, 1},
		{"あ", "あ", 1, 1},
		{"あ", "", 0, 0},
		{"現在の担当業務を教えてください", "現在の担当業務について教えてください", 0.7, 0.8},
		{"趣味を教えてください", "志望動機を教えてください", 0.6, 0.7}, // the template alone
		{"趣味", "志望動機", 0, 0},
	}
	for _, tt := range tests {
		got := similarity(profile(tt.a), profile(tt.b))
		if got < tt.min || got > tt.max {
			t.Errorf("similarity(%q, %q) = %.3f, want in [%.2f, %.2f]", tt.a, tt.b, got, tt.min, tt.max)
		}
		if back := similarity(profile(tt.b), profile(tt.a)); back != got {
			t.Errorf("similarity(%q, %q) = %v one way, %v the other", tt.a, tt.b, got, back)
		}
	}
}

func TestTextOps(t *testing.T) {
	tests := []struct {
		old, new string
		want     []Op
	}{
		{"", "", nil},
		{"同じ", "同じ", []Op{{OpEqual, "同じ"}}},
		{"", "新しい", []Op{{OpInsert, "新しい"}}},
		{"練馬区を選びました。", "練馬区を志望しました。",
			[]Op{{OpEqual, "練馬区を"}, {OpDelete, "選び"}, {OpInsert, "志望し"}, {OpEqual, "ました。"}}},
		{"志望しました。", "選びました。", // the mirror: deletion still first
			[]Op{{OpDelete, "志望し"}, {OpInsert, "選び"}, {OpEqual, "ました。"}}},
	}
	for _, tt := range tests {
		if got := textOps(tt.old, tt.new); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("textOps(%q, %q) = %v, want %v", tt.old, tt.new, got, tt.want)
		}
	}
}

// TestLongTextOps diffs texts past maxDiffRunes, which go sentence by
// sentence: an edit in one sentence is still found character by character.
func TestLongTextOps(t *testing.T) {
	var b strings.Builder
	for i := range 2000 {
		b.WriteString("第" + strconv.Itoa(i) + "の文です。")
	}
	old := b.String()
	new := strings.Replace(old, "第1000の文です。", "第1000の文でした。", 1)
	new = strings.Replace(new, "第5の文です。", "", 1)
	ops := textOps(old, new)
	var edits []Op
	for _, op := range ops {
		if op.Op != OpEqual {
			edits = append(edits, op)
		}
	}
	want := []Op{{OpDelete, "第5の文です。"}, {OpDelete, "す"}, {OpInsert, "した"}}
	if !reflect.DeepEqual(edits, want) {
		t.Errorf("edits = %v, want %v", edits, want)
	}
	checkOps(t, []Change{{Kind: KindAnswerChanged, Old: old, New: new, Ops: ops}})
}

// TestHugeAnswers runs BenchmarkCompareHuge's pair once, to show that it
// ends and that its ops are right; the benchmark measures the time.
func TestHugeAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("1 MB answers")
	}
	a, b := hugePair()
	got := Compare(a, b)
	if len(got) != 1 || got[0].Kind != KindAnswerChanged {
		t.Fatalf("got %d changes, want one answer_changed", len(got))
	}
	checkOps(t, got)
}

func TestSummary(t *testing.T) {
	tests := []struct {
		changes []Change
		want    string
	}{
		{nil, "no changes"},
		{[]Change{{Kind: KindQAAdded}}, "1 change: 1 qa_added"},
		{[]Change{{Kind: KindAnswerChanged}, {Kind: KindMetadata}, {Kind: KindAnswerChanged}, {Kind: "later_kind"}},
			"4 changes: 1 metadata, 2 answer_changed, 1 later_kind"},
	}
	for _, tt := range tests {
		if got := Summary(tt.changes); got != tt.want {
			t.Errorf("Summary(%v) = %q, want %q", tt.changes, got, tt.want)
		}
	}
}
