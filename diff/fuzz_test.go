package diff

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/staffvoice/staffvoice/extract"
)

// FuzzCompare extracts two pages from arbitrary HTML and compares them,
// seeded with every fixture page against itself, against an edited copy
// and against the next fixture. Compare must not panic, and its result
// must have the properties checkCompare checks: none for a page against
// itself, ops that give Old and New, the mirror both ways round.
//
// Minimizing a new input of two 40 KB pages takes the default minute, in
// which the fuzzer runs nothing else, so run it with a shorter limit:
//
//	go test ./diff -run '^$' -fuzz FuzzCompare -fuzztime 60s -fuzzminimizetime 3s
func FuzzCompare(f *testing.F) {
	ps := pages(f)
	for i, p := range ps {
		next := ps[(i+1)%len(ps)]
		f.Add(p.body, p.body, p.contentType)
		f.Add(p.body, next.body, p.contentType)
	}
	nerima := fixturePage(f, "nerima-staff-voice")
	f.Add(nerima.body, nerima.edit(f, nerimaEdits...).body, nerima.contentType)
	f.Fuzz(func(t *testing.T, a, b []byte, contentType string) {
		da, err := extract.Extract(a, "https://example.jp/a.html", contentType)
		if err != nil {
			return
		}
		db, err := extract.Extract(b, "https://example.jp/a.html", contentType)
		if err != nil {
			return
		}
		checkCompare(t, da, db)
	})
}

// FuzzCompareDocuments compares two documents written as the cases in
// testdata/*.txtar write them, seeded with those cases. Without the
// extractor in the way, it reaches sections and questions added, removed,
// reordered and renamed many times faster than FuzzCompare.
func FuzzCompareDocuments(f *testing.F) {
	paths, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(paths) == 0 {
		f.Fatalf("no cases in testdata: %v", err)
	}
	for _, path := range paths {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			f.Fatal(err)
		}
		var old, new string
		for _, file := range ar.Files {
			switch file.Name {
			case "old":
				old = string(file.Data)
			case "new":
				new = string(file.Data)
			}
		}
		f.Add(old, new)
	}
	f.Fuzz(func(t *testing.T, old, new string) {
		a, err := readDocument(old)
		if err != nil {
			return
		}
		b, err := readDocument(new)
		if err != nil {
			return
		}
		checkCompare(t, a, b)
	})
}
