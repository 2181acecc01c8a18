package archive

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/staffvoice/staffvoice/extract"
)

// normalSections is secs as a structures row gives them back: empty
// lists nil.
func normalSections(secs []extract.Section) []extract.Section {
	out := make([]extract.Section, len(secs))
	for i, s := range secs {
		out[i].Heading = s.Heading
		for _, q := range s.QA {
			q.Answer, q.Notes = slices.Clip(q.Answer), slices.Clip(q.Notes)
			if len(q.Answer) == 0 {
				q.Answer = nil
			}
			if len(q.Notes) == 0 {
				q.Notes = nil
			}
			out[i].QA = append(out[i].QA, q)
		}
	}
	return out
}

// mutate returns a copy of secs with one random edit of the kinds real
// pages see: an answer, a note or a question reworded; a question added,
// removed, moved within or across sections, or doubled; an answer put
// back as it was; a section added or renamed.
func mutate(r *rand.Rand, secs []extract.Section, old []extract.QA) []extract.Section {
	out := make([]extract.Section, len(secs))
	for i, s := range secs {
		out[i] = extract.Section{Heading: s.Heading, QA: slices.Clone(s.QA)}
	}
	word := func() string { return fmt.Sprintf("文%d", r.IntN(6)) }
	si := r.IntN(len(out))
	s := &out[si]
	n := len(s.QA)
	switch k := r.IntN(10); {
	case k == 0 && n > 0:
		q := &s.QA[r.IntN(n)]
		q.Answer = append(slices.Clone(q.Answer), word())
	case k == 1 && n > 0:
		q := &s.QA[r.IntN(n)]
		q.Notes = []string{word()}
	case k == 2 && n > 0:
		q := &s.QA[r.IntN(n)]
		q.Question, q.QuestionKey = q.Question+"？", q.QuestionKey+"?"
	case k == 3:
		q := extract.QA{Question: word(), QuestionKey: word(), Answer: []string{word(), word()}}
		s.QA = slices.Insert(s.QA, r.IntN(n+1), q)
	case k == 4 && n > 0:
		i := r.IntN(n)
		s.QA = slices.Delete(s.QA, i, i+1)
	case k == 5 && n > 1:
		i, j := r.IntN(n), r.IntN(n)
		s.QA[i], s.QA[j] = s.QA[j], s.QA[i]
	case k == 6 && n > 0:
		i := r.IntN(n)
		to := &out[r.IntN(len(out))]
		to.QA = append(to.QA, s.QA[i]) // moved, or doubled when to is s
		if to != s {
			s.QA = slices.Delete(s.QA, i, i+1)
		}
	case k == 7 && n > 0 && len(old) > 0:
		s.QA[r.IntN(n)] = old[r.IntN(len(old))] // back as it once was
	case k == 8:
		out = append(out, extract.Section{Heading: word()})
	default:
		s.Heading = word()
	}
	return out
}

// TestPageEncoderRoundTrip: versions encoded one after another, each
// against the one before, decode one after another to the same sections,
// whatever the edits between them; and an unchanged question costs a
// pointer, not its text.
func TestPageEncoderRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for run := range 50 {
		var enc PageEncoder
		var dec pageDecoder
		secs := []extract.Section{
			{Heading: "職員A", QA: []extract.QA{{Question: "Q1", QuestionKey: "q1", Answer: []string{"a", "b"}, Notes: []string{"注"}}, {Question: "Q2", QuestionKey: "q2", Answer: []string{""}}}},
			{Heading: "職員B", QA: []extract.QA{{Question: "Q1", QuestionKey: "q1", Answer: []string{"c"}}}},
			{Heading: "空"},
		}
		var old []extract.QA
		for v := 1; v <= 40; v++ {
			if v > 1 {
				secs = mutate(r, secs, old)
			}
			doc := &extract.Document{Sections: secs}
			b := enc.Encode(doc)
			got, err := dec.sections("page", v, b)
			if err != nil {
				t.Fatalf("run %d version %d: %v", run, v, err)
			}
			if want := normalSections(secs); !reflect.DeepEqual(got, want) {
				t.Fatalf("run %d version %d:\n%+v\nwant\n%+v", run, v, got, want)
			}
			old = append(old, flatQA(doc)...)
		}
	}

	// The Nerima page with one answer changed: the second version's row
	// holds that answer and 17 pointers.
	doc := nerimaDocument(t)
	var enc PageEncoder
	first := enc.Encode(doc)
	changed := *doc
	changed.Sections = slices.Clone(doc.Sections)
	changed.Sections[1].QA = slices.Clone(doc.Sections[1].QA)
	changed.Sections[1].QA[2].Answer = []string{"新しい答え"}
	second := enc.Encode(&changed)
	if len(second) > len(first)/10 {
		t.Errorf("one answer changed: %d bytes, against %d for the whole page", len(second), len(first))
	}
	var dec pageDecoder
	for v, b := range [][]byte{first, second} {
		if _, err := dec.sections(nerimaURL, v+1, b); err != nil {
			t.Fatal(err)
		}
	}
	if got := dec.prev[len(doc.Sections[0].QA)+2].qa.Answer; !slices.Equal(got, []string{"新しい答え"}) {
		t.Errorf("changed answer decodes to %q", got)
	}
}

// TestPageDecoderMalformed: a pointer to a question the version before
// does not have, or a home given in the wrong wire type, is an error.
// So is a pointer to an older decoder (before schema 5), which took
// every field for a string.
func TestPageDecoderMalformed(t *testing.T) {
	doc := nerimaDocument(t)
	var enc PageEncoder
	first := enc.Encode(doc)
	second := enc.Encode(doc) // every question a pointer
	var d pageDecoder
	if err := d.decode("p", 2, second, func(int, string, int, extract.QA) error { return nil }); err == nil {
		t.Error("pointers without the version before: no error")
	}
	d = pageDecoder{}
	for v, b := range [][]byte{first, second} {
		if err := d.decode("p", v+1, b, func(int, string, int, extract.QA) error { return nil }); err != nil {
			t.Fatalf("version %d: %v", v+1, err)
		}
	}
	// Another page's version 1 is not this one's version before.
	if err := d.decode("other", 2, second, func(int, string, int, extract.QA) error { return nil }); err == nil {
		t.Error("pointers into another page: no error")
	}
	// A home as a string.
	qa := appendString(nil, fieldHomeVersion, "1")
	sec := appendBytes(appendString(nil, fieldHeading, "h"), fieldQA, qa)
	if err := decodeSections(appendBytes(nil, fieldSection, sec), func(int, string, int, extract.QA) error { return nil }); !errors.Is(err, errSections) {
		t.Errorf("home as a string: %v", err)
	}
	// The old decoder's rule: every field length-delimited.
	err := eachField(second, bytesField(func(num protowire.Number, off int, v []byte) error {
		return eachField(v, bytesField(func(num protowire.Number, off int, v []byte) error {
			if num != fieldQA {
				return nil
			}
			return eachField(v, bytesField(func(protowire.Number, int, []byte) error { return nil }))
		}))
	}))
	if !errors.Is(err, errSections) {
		t.Errorf("a decoder older than schema 5 reads pointers: %v", err)
	}
}

// TestRecordStoresChangedQuestions: a version that changes one answer
// stores that answer and pointers; exports give every version's text in
// full, with --since too (its versions point at older ones), and so does
// Reextract, which encodes the versions again.
func TestRecordStoresChangedQuestions(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	page := string(nerimaPage(t))
	pages := []string{page,
		strings.Replace(page, "23区の中で", "２３区の中でも", 1),
		strings.Replace(page, "23区の中で", "２３区の中でも", 1) + "<!-- a menu change only -->",
	}
	pages = append(pages, strings.Replace(pages[1], "更新日:2021年2月2日", "更新日:2021年4月1日", 1))
	var times []string
	for _, p := range pages {
		res := record(t, s, htmlCapture(nerimaURL, []byte(p)))
		var at string
		s.db.QueryRow(`SELECT captured_at FROM versions WHERE version = ?`, res.Version).Scan(&at)
		times = append(times, at)
	}
	var sizes []int
	rows, err := s.db.Query(`SELECT length(sections) FROM structures ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n int
		rows.Scan(&n)
		sizes = append(sizes, n)
	}
	rows.Close()
	if len(sizes) != 3 || sizes[1] > sizes[0]/5 || sizes[2] > sizes[0]/10 {
		t.Errorf("structures rows of %v bytes; want 3, the later two a fraction of the first", sizes)
	}

	// Every version in full, as its Document has it.
	check := func(rows []QARow, from int) {
		t.Helper()
		n := 0
		for v := from; v <= 3; v++ {
			doc, err := s.Document(ctx, nerimaURL, v)
			if err != nil {
				t.Fatal(err)
			}
			for si, sec := range doc.Sections {
				for qi, q := range sec.QA {
					if n >= len(rows) {
						t.Fatalf("%d rows from version %d", len(rows), from)
					}
					got := rows[n]
					if got.Version != v || got.SectionIndex != si || got.QAIndex != qi || got.Question != q.Question ||
						!slices.Equal(got.Answer, q.Answer) || !slices.Equal(got.Notes, nonNil(q.Notes)) {
						t.Fatalf("row %d: %+v, want version %d section %d question %d %+v", n, got, v, si, qi, q)
					}
					n++
				}
			}
		}
		if n != len(rows) {
			t.Errorf("%d rows from version %d, want %d", len(rows), from, n)
		}
	}
	all := exportQA(t, s)
	check(all, 1)
	var since []QARow
	if err := s.ExportQA(ctx, ExportFilter{Since: times[3]}, func(r QARow) error { since = append(since, r); return nil }); err != nil {
		t.Fatal(err)
	}
	check(since, 3)

	// Reextract with another extractor version encodes them again.
	defer func(f func([]byte, string, string) (*extract.Document, error)) { extractPage = f }(extractPage)
	extractPage = func(body []byte, u, ct string) (*extract.Document, error) {
		doc, err := extract.Extract(body, u, ct)
		if doc != nil {
			doc.ExtractorVersion += "+test"
		}
		return doc, err
	}
	if _, changed, _, err := s.Reextract(ctx); err != nil || changed != 1 {
		t.Fatalf("Reextract: %d changed, %v", changed, err)
	}
	var again []int
	for v := 1; v <= 3; v++ {
		var n int
		s.db.QueryRow(`SELECT length(sections) FROM structures WHERE version = ?`, v).Scan(&n)
		again = append(again, n)
	}
	if !slices.Equal(again, sizes) {
		t.Errorf("after Reextract: rows of %v bytes, want %v", again, sizes)
	}
	reread := exportQA(t, s)
	for i := range reread {
		reread[i].ExtractorVersion = all[i].ExtractorVersion
	}
	if !reflect.DeepEqual(reread, all) {
		t.Error("after Reextract the Q&A rows differ")
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// TestUpgradeCompactsStructures: the rows of a schema-4 catalog, every
// question in full, are rewritten as pointers, and export the same.
func TestUpgradeCompactsStructures(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTest(t, dir)
	page := string(nerimaPage(t))
	record(t, s, htmlCapture(nerimaURL, []byte(page)))
	record(t, s, htmlCapture(nerimaURL, []byte(strings.Replace(page, "23区の中で", "２３区の中でも", 1))))
	want := exportQA(t, s)
	downgrade(t, s, 4)
	var full int
	s.db.QueryRow(`SELECT length(sections) FROM structures WHERE version = 2`).Scan(&full)
	s.Close()

	if from, to, err := Upgrade(ctx, dir); err != nil || from != 4 || to != 5 {
		t.Fatalf("Upgrade: %d → %d, %v", from, to, err)
	}
	s = openTest(t, dir)
	var compact int
	s.db.QueryRow(`SELECT length(sections) FROM structures WHERE version = 2`).Scan(&compact)
	if compact > full/5 {
		t.Errorf("version 2: %d bytes after the upgrade, %d before", compact, full)
	}
	if got := exportQA(t, s); !reflect.DeepEqual(got, want) {
		t.Errorf("after the upgrade: %d rows, want %d equal rows", len(got), len(want))
	}
}

// TestNewerSchemaIsRefused: a reader refuses a catalog a newer staffvoice
// wrote, as a writer does, rather than misread its rows.
func TestNewerSchemaIsRefused(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	if _, err := s.db.Exec(fmt.Sprintf("PRAGMA user_version = %d", len(migrations)+1)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	for name, open := range map[string]func() (*Store, error){
		"reader": func() (*Store, error) { return OpenReadOnly(context.Background(), dir) },
		"writer": func() (*Store, error) { return Open(context.Background(), dir, Options{}) },
	} {
		if r, err := open(); err == nil || !strings.Contains(err.Error(), "newer than this staffvoice") {
			if r != nil {
				r.Close()
			}
			t.Errorf("%s: %v, want a catalog newer than this staffvoice", name, err)
		}
	}
}

// FuzzPageDecoder: whatever a structures row holds, decoding it after a
// page's first version gives questions or an error, never a panic.
func FuzzPageDecoder(f *testing.F) {
	doc := &extract.Document{Sections: []extract.Section{{Heading: "h", QA: []extract.QA{
		{Question: "q", QuestionKey: "k", Answer: []string{"a"}}, {Question: "r", QuestionKey: "l", Notes: []string{"n"}}}}}}
	var enc PageEncoder
	first := enc.Encode(doc)
	f.Add(enc.Encode(doc))
	doc.Sections[0].QA[1].Answer = []string{"b"}
	f.Add(enc.Encode(doc))
	f.Add(first)
	f.Fuzz(func(t *testing.T, b []byte) {
		var d pageDecoder
		if err := d.decode("p", 1, first, func(int, string, int, extract.QA) error { return nil }); err != nil {
			t.Fatal(err)
		}
		d.sections("p", 2, b)
	})
}

// TestSinceReadsFromAFullVersion: every fullEvery-th version is stored in
// full, and an export --since reads a page from the last of them before
// its first exported version: the same rows as a whole export gives for
// those versions, and none of the rows before, so that an old damaged
// row fails only an export that reaches it.
func TestSinceReadsFromAFullVersion(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	page := string(nerimaPage(t))
	const n = fullEvery + 4
	var times []string
	for i := 1; i <= n; i++ {
		res := record(t, s, htmlCapture(nerimaURL, []byte(strings.Replace(page, "23区の中で", fmt.Sprintf("23区の中で%d", i), 1))))
		if res.Version != i {
			t.Fatalf("capture %d: version %d", i, res.Version)
		}
		var at string
		s.db.QueryRow(`SELECT captured_at FROM versions WHERE version = ?`, i).Scan(&at)
		times = append(times, at)
	}
	var full, pointers int
	s.db.QueryRow(`SELECT length(sections) FROM structures WHERE version = ?`, fullEvery+1).Scan(&full)
	s.db.QueryRow(`SELECT length(sections) FROM structures WHERE version = ?`, fullEvery).Scan(&pointers)
	if full < 5*pointers {
		t.Errorf("version %d: %d bytes, version %d: %d; want the first stored in full", fullEvery+1, full, fullEvery, pointers)
	}
	all := exportQA(t, s)
	first := fullEvery + 2
	var want []QARow
	for _, r := range all {
		if r.Version >= first {
			want = append(want, r)
		}
	}
	if _, err := s.db.Exec(`UPDATE structures SET sections = x'ff' WHERE version = 2`); err != nil {
		t.Fatal(err)
	}
	var got []QARow
	if err := s.ExportQA(ctx, ExportFilter{Since: times[first-1]}, func(r QARow) error { got = append(got, r); return nil }); err != nil {
		t.Fatalf("since version %d: %v", first, err)
	}
	if !reflect.DeepEqual(got, want) || len(got) != 18*(n-first+1) {
		t.Errorf("since version %d: %d rows, want the %d of a whole export", first, len(got), len(want))
	}
	err := s.ExportQA(ctx, ExportFilter{}, func(QARow) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "version 2") {
		t.Errorf("whole export over a damaged version 2: %v", err)
	}
}

// TestContinueAfterChecksTheRow: a version is encoded against the one
// before only when that one's row holds its Document's questions;
// otherwise in full. A pointer needs both its fields.
func TestContinueAfterChecksTheRow(t *testing.T) {
	doc := nerimaDocument(t)
	other := *doc
	other.Sections = slices.Clone(doc.Sections)
	other.Sections[0].QA = slices.Clone(doc.Sections[0].QA)
	other.Sections[0].QA[0].Answer = []string{"別の答え"}
	for name, stored := range map[string][]byte{"another Document's row": fullSections(&other), "a damaged row": {0xff}} {
		var enc PageEncoder
		enc.continueAfter(1, doc, stored)
		b := enc.Encode(doc)
		var d pageDecoder
		if _, err := d.sections("p", 2, b); err != nil {
			t.Errorf("after %s: the next version is not stored in full: %v", name, err)
		}
	}
	var enc PageEncoder
	enc.continueAfter(1, doc, fullSections(doc))
	if b := enc.Encode(doc); len(b) > 400 {
		t.Errorf("after its own row: %d bytes, want pointers", len(b))
	}

	qa := protowire.AppendVarint(protowire.AppendTag(nil, fieldHomeVersion, protowire.VarintType), 1)
	sec := appendBytes(appendString(nil, fieldHeading, "h"), fieldQA, qa)
	if err := decodeSections(appendBytes(nil, fieldSection, sec), func(int, string, int, extract.QA) error { return nil }); !errors.Is(err, errSections) {
		t.Errorf("a pointer without its index: %v", err)
	}
}

// TestUpgradeReadsTheVersionsRows: the upgrade encodes the rows the export
// reads, those of versions; a structures row without its version (left by
// a tool that wrote with foreign keys off) is no version to point at.
func TestUpgradeReadsTheVersionsRows(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTest(t, dir)
	page := string(nerimaPage(t))
	// Version 3 keeps the answer version 2 changed: pointed at from
	// version 3 once version 2 is encoded.
	changed := strings.Replace(page, "23区の中で", "23区の中でも", 1)
	for _, p := range []string{page, changed, strings.Replace(changed, "更新日:2021年2月2日", "更新日:2021年4月1日", 1)} {
		record(t, s, htmlCapture(nerimaURL, []byte(p)))
	}
	downgrade(t, s, 4)
	for _, q := range []string{`PRAGMA foreign_keys = OFF`, `DELETE FROM versions WHERE version = 2`, `PRAGMA foreign_keys = ON`} {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	want := exportQA(t, s)
	s.Close()
	if _, _, err := Upgrade(ctx, dir); err != nil {
		t.Fatal(err)
	}
	s = openTest(t, dir)
	if got := exportQA(t, s); !reflect.DeepEqual(got, want) || len(got) != 36 {
		t.Errorf("after the upgrade: %d rows, want the %d before", len(got), len(want))
	}
}
