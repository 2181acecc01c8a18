package extract

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRealPages checks the extractor on real municipal pages that cannot
// be committed (their text belongs to others). Point STAFFVOICE_REALPAGES
// at a directory holding them, e.g. the team's shared/realpages.
func TestRealPages(t *testing.T) {
	dir := os.Getenv("STAFFVOICE_REALPAGES")
	if dir == "" {
		t.Skip("set STAFFVOICE_REALPAGES to the directory of real pages")
	}
	tests := []struct {
		file, title, pageNumber, updated string
		crumbs                           int
	}{
		{"yokohama-city-joto-inu.html", "譲渡動物情報《犬・その他の動物》", "678-284-374", "2025-10-03", 7},
		{"naha-city-joto.html", "譲渡に関すること", "", "2025-10-14", 4},
		{"hokkaido-pref-awc-inuneko.html", "新しい飼い主さんを募集中の犬・猫", "", "2025-11-08", 4},
		{"jvndb-ipedia-sjis-declared-ncr.html", "JVNDB-2018-013542 - JVN iPedia", "", "2019-02-22", 0},
	}
	for _, tt := range tests {
		body, err := os.ReadFile(filepath.Join(dir, tt.file))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Extract(body, "https://example.jp/"+tt.file, "")
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if doc.Title != tt.title || doc.PageNumber != tt.pageNumber || doc.Updated != tt.updated || len(doc.Breadcrumbs) != tt.crumbs {
			t.Errorf("%s: title %q, page number %q, updated %q, %d breadcrumbs; want %q, %q, %q, %d",
				tt.file, doc.Title, doc.PageNumber, doc.Updated, len(doc.Breadcrumbs), tt.title, tt.pageNumber, tt.updated, tt.crumbs)
		}
		if tt.file == "jvndb-ipedia-sjis-declared-ncr.html" && len(doc.Warnings) != 0 {
			t.Errorf("%s: warnings %q", tt.file, doc.Warnings)
		}
	}
}
