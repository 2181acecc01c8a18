package extract

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/pages")

const fixtureDir = "../testdata/pages"

type fixture struct {
	name        string
	body        []byte
	url         string
	contentType string
}

// fixtures loads every page under testdata/pages with its .headers file.
func fixtures(t testing.TB) []fixture {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(fixtureDir, "*.html"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures in %s: %v", fixtureDir, err)
	}
	var out []fixture
	for _, p := range paths {
		f := fixture{name: strings.TrimSuffix(filepath.Base(p), ".html")}
		if f.body, err = os.ReadFile(p); err != nil {
			t.Fatal(err)
		}
		h, err := os.ReadFile(strings.TrimSuffix(p, ".html") + ".headers")
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		sc := bufio.NewScanner(bytes.NewReader(h))
		for sc.Scan() {
			k, v, ok := strings.Cut(sc.Text(), ":")
			if !ok {
				continue
			}
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "url":
				f.url = strings.TrimSpace(v)
			case "content-type":
				f.contentType = strings.TrimSpace(v)
			}
		}
		if f.url == "" {
			t.Fatalf("%s.headers has no URL", f.name)
		}
		out = append(out, f)
	}
	return out
}

func (f fixture) extract() (*Document, error) { return Extract(f.body, f.url, f.contentType) }

// errorName is the name expect.json and golden files use for an error.
func errorName(err error) string {
	switch {
	case errors.Is(err, ErrNotHTML):
		return "not_html"
	case errors.Is(err, ErrEmpty):
		return "empty"
	}
	return err.Error()
}

// TestGolden compares each fixture's full output with its golden file.
// go test ./extract -update rewrites them; review the diff line by line.
func TestGolden(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			doc, err := f.extract()
			var got []byte
			if err != nil {
				got, _ = json.MarshalIndent(map[string]string{"error": errorName(err)}, "", "  ")
			} else {
				got = marshal(t, doc)
			}
			got = append(got, '\n')
			path := filepath.Join(fixtureDir, f.name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./extract -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (go test ./extract -update rewrites it):\n%s", path, lineDiff(string(want), string(got)))
			}
		})
	}
}

func marshal(t testing.TB, doc *Document) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// lineDiff shows the first lines where two texts differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("line " + strconv.Itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl + "\n")
			if shown++; shown == 8 {
				break
			}
		}
	}
	return b.String()
}

// expectation is the hand-written spec of a fixture (NAME.expect.json);
// absent fields are not checked.
type expectation struct {
	Error       *string   `json:"error"`
	Title       *string   `json:"title"`
	PageNumber  *string   `json:"page_number"`
	Updated     *string   `json:"updated"`
	Published   *string   `json:"published"`
	Breadcrumbs *[]string `json:"breadcrumbs"`
	IntroCount  *int      `json:"intro_count"`
	Sections    *[]struct {
		Heading    string `json:"heading"`
		IntroCount *int   `json:"intro_count"`
		QA         []struct {
			Question     string  `json:"question"`
			Answers      *int    `json:"answers"`
			AnswerStarts *string `json:"answer_starts"`
			Notes        *int    `json:"notes"`
		} `json:"qa"`
	} `json:"sections"`
	Contact *struct {
		Department *string `json:"department"`
		Phone      *string `json:"phone"`
		Fax        *string `json:"fax"`
		Email      *string `json:"email"`
		FormURL    *string `json:"form_url"`
	} `json:"contact"`
	WarningsContain []string `json:"warnings_contain"`
}

// TestExpectations checks each fixture against the facts written by hand
// in its expect.json, independently of the golden files.
func TestExpectations(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(fixtureDir, f.name+".expect.json"))
			if err != nil {
				t.Fatal(err)
			}
			var x expectation
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&x); err != nil {
				t.Fatalf("%s.expect.json: %v", f.name, err)
			}
			doc, err := f.extract()
			if x.Error != nil {
				if err == nil || errorName(err) != *x.Error {
					t.Fatalf("error = %v, want %s", err, *x.Error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkExpectation(t, doc, &x)
		})
	}
}

func checkExpectation(t *testing.T, doc *Document, x *expectation) {
	t.Helper()
	str := func(field string, got string, want *string) {
		if want != nil && got != *want {
			t.Errorf("%s = %q, want %q", field, got, *want)
		}
	}
	num := func(field string, got int, want *int) {
		if want != nil && got != *want {
			t.Errorf("%s = %d, want %d", field, got, *want)
		}
	}
	str("title", doc.Title, x.Title)
	str("page_number", doc.PageNumber, x.PageNumber)
	str("updated", doc.Updated, x.Updated)
	str("published", doc.Published, x.Published)
	if x.Breadcrumbs != nil && strings.Join(doc.Breadcrumbs, " > ") != strings.Join(*x.Breadcrumbs, " > ") {
		t.Errorf("breadcrumbs = %q, want %q", doc.Breadcrumbs, *x.Breadcrumbs)
	}
	num("intro count", len(doc.Intro), x.IntroCount)
	if x.Sections != nil {
		want := *x.Sections
		if len(doc.Sections) != len(want) {
			t.Errorf("%d sections, want %d", len(doc.Sections), len(want))
			for _, s := range doc.Sections {
				t.Logf("  got section %q with %d questions", s.Heading, len(s.QA))
			}
		}
		for i := 0; i < len(want) && i < len(doc.Sections); i++ {
			got, w := doc.Sections[i], want[i]
			str("section heading", got.Heading, &w.Heading)
			num("section "+w.Heading+" intro count", len(got.Intro), w.IntroCount)
			if len(got.QA) != len(w.QA) {
				t.Errorf("section %q: %d questions, want %d", w.Heading, len(got.QA), len(w.QA))
				for _, q := range got.QA {
					t.Logf("  got %q", q.Question)
				}
			}
			for j := 0; j < len(w.QA) && j < len(got.QA); j++ {
				gq, wq := got.QA[j], w.QA[j]
				str("question", gq.Question, &wq.Question)
				num("answers to "+wq.Question, len(gq.Answer), wq.Answers)
				num("notes of "+wq.Question, len(gq.Notes), wq.Notes)
				if wq.AnswerStarts != nil {
					if len(gq.Answer) == 0 || !strings.HasPrefix(gq.Answer[0], *wq.AnswerStarts) {
						t.Errorf("answer to %q = %q, want it to start %q", wq.Question, gq.Answer, *wq.AnswerStarts)
					}
				}
			}
		}
	}
	if c := x.Contact; c != nil {
		str("contact.department", doc.Contact.Department, c.Department)
		str("contact.phone", doc.Contact.Phone, c.Phone)
		str("contact.fax", doc.Contact.Fax, c.Fax)
		str("contact.email", doc.Contact.Email, c.Email)
		str("contact.form_url", doc.Contact.FormURL, c.FormURL)
	}
	for _, w := range x.WarningsContain {
		found := false
		for _, got := range doc.Warnings {
			found = found || strings.Contains(got, w)
		}
		if !found {
			t.Errorf("no warning contains %q; warnings: %q", w, doc.Warnings)
		}
	}
}

// fixtureTexts returns what the analysis reads of every fixture: each
// block's text and each of its lines, as the walk makes them. The fast
// paths' agreement tests check them all.
func fixtureTexts(t testing.TB) []string {
	var texts []string
	for _, f := range fixtures(t) {
		dec := decode(f.body, f.contentType)
		root, _, err := parse(dec.text)
		if err != nil {
			continue
		}
		p := walkPage(root, len(dec.text))
		for i := range p.blocks {
			b := &p.blocks[i]
			texts = append(texts, b.text())
			texts = append(texts, b.lines()...)
		}
		p.release()
	}
	return texts
}

// pageBodies returns the bytes of every fixture and, when
// STAFFVOICE_REALPAGES names a directory, of every real page in it.
func pageBodies(t testing.TB) []string {
	var bodies []string
	for _, f := range fixtures(t) {
		bodies = append(bodies, string(f.body))
	}
	if dir := os.Getenv("STAFFVOICE_REALPAGES"); dir != "" {
		files, _ := filepath.Glob(filepath.Join(dir, "*.html"))
		for _, name := range files {
			if body, err := os.ReadFile(name); err == nil {
				bodies = append(bodies, string(body))
			}
		}
	}
	return bodies
}
