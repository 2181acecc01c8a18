package diff

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/staffvoice/staffvoice/extract"
)

const pagesDir = "../testdata/pages"

// page is one fixture of testdata/pages with its .headers file.
type page struct {
	name        string
	body        []byte
	url         string
	contentType string
}

func (p page) extract(t testing.TB) *extract.Document {
	t.Helper()
	doc, err := extract.Extract(p.body, p.url, p.contentType)
	if err != nil {
		t.Fatalf("extract %s: %v", p.name, err)
	}
	return doc
}

// edit returns the page with each old string replaced by the new one,
// failing the test if an old string is not in the page.
func (p page) edit(t testing.TB, oldNew ...string) page {
	t.Helper()
	body := string(p.body)
	for i := 0; i < len(oldNew); i += 2 {
		if !strings.Contains(body, oldNew[i]) {
			t.Fatalf("%s: %q not in page", p.name, oldNew[i])
		}
		body = strings.Replace(body, oldNew[i], oldNew[i+1], 1)
	}
	p.body = []byte(body)
	return p
}

// pages loads every fixture page.
func pages(t testing.TB) []page {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(pagesDir, "*.html"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures in %s: %v", pagesDir, err)
	}
	var out []page
	for _, path := range paths {
		p := page{name: strings.TrimSuffix(filepath.Base(path), ".html")}
		if p.body, err = os.ReadFile(path); err != nil {
			t.Fatal(err)
		}
		h, err := os.ReadFile(strings.TrimSuffix(path, ".html") + ".headers")
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(h))
		for sc.Scan() {
			k, v, _ := strings.Cut(sc.Text(), ":")
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "url":
				p.url = strings.TrimSpace(v)
			case "content-type":
				p.contentType = strings.TrimSpace(v)
			}
		}
		out = append(out, p)
	}
	return out
}

// fixturePage returns the fixture page of that name.
func fixturePage(t testing.TB, name string) page {
	t.Helper()
	for _, p := range pages(t) {
		if p.name == name {
			return p
		}
	}
	t.Fatalf("no fixture %s", name)
	return page{}
}

// checkCompare runs Compare(a, b) and checks the properties every result
// must have, returning it:
//   - Compare(a, a) and Compare(b, b) are empty;
//   - Compare is deterministic;
//   - each text change's ops give its Old and New text, and no other
//     change has ops;
//   - Compare(b, a) is the mirror of Compare(a, b), ops included;
//   - when the content hashes agree, there is no change.
func checkCompare(t testing.TB, a, b *extract.Document) []Change {
	t.Helper()
	if c := Compare(*a, *a); len(c) != 0 {
		t.Errorf("Compare(a, a) = %v, want none", c)
	}
	if c := Compare(*b, *b); len(c) != 0 {
		t.Errorf("Compare(b, b) = %v, want none", c)
	}
	got := Compare(*a, *b)
	if again := Compare(*a, *b); !reflect.DeepEqual(got, again) {
		t.Errorf("Compare is not deterministic:\n%v\n%v", got, again)
	}
	back := Compare(*b, *a)
	checkOps(t, got)
	checkOps(t, back)

	// Section and Question name the place as in the new version; where
	// the versions spell it differently but fold it the same, the mirror
	// names it the other way.
	want, backSorted := foldPlaces(mirror(got)), foldPlaces(back)
	if ambiguous(got, b) {
		// A renamed or reworded item shares its new name with another;
		// the mirror cannot tell which to rename back.
		want, backSorted = withoutPlaces(want), withoutPlaces(backSorted)
	}
	sortChanges(want)
	sortChanges(backSorted)
	if !reflect.DeepEqual(want, backSorted) {
		t.Errorf("Compare(b, a) is not the mirror of Compare(a, b):\nmirror: %s\nback:   %s",
			dump(want), dump(backSorted))
	}
	if extract.ContentHash(a) == extract.ContentHash(b) && len(got) != 0 {
		t.Errorf("content hashes agree but Compare found %s", dump(got))
	}
	return got
}

// textKinds are the kinds that carry ops.
var textKinds = []string{KindQuestionReworded, KindAnswerChanged, KindNotesChanged, KindIntroChanged}

func checkOps(t testing.TB, changes []Change) {
	t.Helper()
	for _, c := range changes {
		if !slices.Contains(textKinds, c.Kind) {
			if c.Ops != nil {
				t.Errorf("%s has ops: %v", c.Kind, c.Ops)
			}
			continue
		}
		if len(c.Ops) == 0 {
			t.Errorf("%s %q has no ops", c.Kind, c.Question)
		}
		var o, n strings.Builder
		for i, op := range c.Ops {
			if op.Text == "" {
				t.Errorf("%s: empty op %d", c.Kind, i)
			}
			if i > 0 && c.Ops[i-1].Op == op.Op {
				t.Errorf("%s: two %s ops in a row", c.Kind, op.Op)
			}
			switch op.Op {
			case OpEqual:
				o.WriteString(op.Text)
				n.WriteString(op.Text)
			case OpDelete:
				o.WriteString(op.Text)
			case OpInsert:
				n.WriteString(op.Text)
			default:
				t.Errorf("%s: unknown op %q", c.Kind, op.Op)
			}
		}
		if o.String() != c.Old || n.String() != c.New {
			t.Errorf("%s %q: ops give\n%q → %q, want\n%q → %q", c.Kind, c.Question, o.String(), n.String(), c.Old, c.New)
		}
	}
}

// mirror is what Compare(b, a) must be, given Compare(a, b), up to order:
// added and removed swap, so do Old and New, insertions and deletions,
// and a renamed section's or reworded question's changes name it as it is
// in a.
func mirror(changes []Change) []Change {
	if changes == nil {
		return nil
	}
	renamed := make(map[string]string)
	reworded := make(map[[2]string]string)
	for _, c := range changes {
		switch c.Kind {
		case KindSectionRenamed:
			renamed[c.New] = c.Old
		case KindQuestionReworded:
			reworded[[2]string{c.Section, c.New}] = c.Old
		}
	}
	swap := map[string]string{
		KindSectionAdded: KindSectionRemoved, KindSectionRemoved: KindSectionAdded,
		KindQAAdded: KindQARemoved, KindQARemoved: KindQAAdded,
	}
	out := make([]Change, len(changes))
	for i, c := range changes {
		m := c
		m.Old, m.New = c.New, c.Old
		m.Ops = mirrorOps(c.Ops)
		if k, ok := swap[c.Kind]; ok {
			m.Kind = k
		}
		if c.Kind != KindSectionAdded && c.Kind != KindSectionRemoved {
			if h, ok := renamed[c.Section]; ok {
				m.Section = h
			}
		}
		switch c.Kind {
		case KindQuestionReworded, KindQAMoved, KindAnswerChanged, KindNotesChanged:
			if q, ok := reworded[[2]string{c.Section, c.Question}]; ok {
				m.Question = q
			}
		}
		out[i] = m
	}
	return out
}

// mirrorOps swaps insertions and deletions, keeping each run of changes
// deletion first, as Compare lists them.
func mirrorOps(ops []Op) []Op {
	if ops == nil {
		return nil
	}
	out := slices.Clone(ops)
	for i := range out {
		switch out[i].Op {
		case OpInsert:
			out[i].Op = OpDelete
		case OpDelete:
			out[i].Op = OpInsert
		}
	}
	for i := 1; i < len(out); i++ {
		if out[i-1].Op == OpInsert && out[i].Op == OpDelete {
			out[i-1], out[i] = out[i], out[i-1]
		}
	}
	return out
}

// ambiguous reports a renamed section or reworded question whose new
// name another item of b has too.
func ambiguous(changes []Change, b *extract.Document) bool {
	headings := make(map[string]int)
	questions := make(map[[2]string]int)
	for _, s := range b.Sections {
		headings[s.Heading]++
		for _, q := range s.QA {
			questions[[2]string{s.Heading, q.Question}]++
		}
	}
	for _, c := range changes {
		switch {
		case c.Kind == KindSectionRenamed && headings[c.New] > 1:
			return true
		case c.Kind == KindQuestionReworded && questions[[2]string{c.Section, c.New}] > 1:
			return true
		}
	}
	return false
}

func foldPlaces(changes []Change) []Change {
	out := slices.Clone(changes)
	for i := range out {
		out[i].Section, out[i].Question = extract.Fold(out[i].Section), extract.Fold(out[i].Question)
	}
	return out
}

func withoutPlaces(changes []Change) []Change {
	out := slices.Clone(changes)
	for i := range out {
		out[i].Section, out[i].Question = "", ""
	}
	return out
}

func sortChanges(cs []Change) {
	slices.SortStableFunc(cs, func(a, b Change) int { return cmp.Compare(dump(a), dump(b)) })
}

// dump is v as JSON, Japanese unescaped, for messages and sorting.
func dump(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err.Error()
	}
	return strings.TrimSpace(b.String())
}

// withoutOps is changes with their ops left out, as the cases list them.
func withoutOps(changes []Change) []Change {
	out := slices.Clone(changes)
	for i := range out {
		out[i].Ops = nil
	}
	return out
}
