package extract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// TestOutlineIsPrintable: escape sequences in a page's text (title,
// question, answer, note, contact) reach the outline as U+FFFD, never as
// control characters a terminal would obey.
func TestOutlineIsPrintable(t *testing.T) {
	page := "<html><head><title>t</title></head><body><main><h1>Title\x1b[31mRED\x07</h1><h2>Sec\u009b2J</h2>" +
		"<h3>Q1 \x1b]0;pwned\x07?</h3><p>Ans\x1b[2J</p><p>【注】note\x1b[1m</p></main></body></html>"
	doc, err := Extract([]byte(page), "https://example.jp/\x1b[1m", "text/html")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := doc.WriteOutline(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, r := range out {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			t.Fatalf("control character %U in the outline:\n%q", r, out)
		}
	}
	for _, want := range []string{"Title\uFFFD[31mRED\uFFFD", "Q1. \uFFFD]0;pwned\uFFFD?", "Ans\uFFFD[2J"} {
		if !strings.Contains(out, want) {
			t.Errorf("outline lacks %q:\n%s", want, out)
		}
	}
	// Pages without control characters print as they are.
	body, err := os.ReadFile(filepath.Join(fixtureDir, "nerima-staff-voice.html"))
	if err != nil {
		t.Fatal(err)
	}
	nerima, err := Extract(body, "https://www.city.nerima.tokyo.jp/kusei/saiyo/mezasu/koe.html", "")
	if err != nil {
		t.Fatal(err)
	}
	b.Reset()
	nerima.WriteOutline(&b)
	if strings.ContainsRune(b.String(), '\uFFFD') || !strings.Contains(b.String(), nerima.Sections[2].QA[0].Answer[0]) {
		t.Errorf("the Nerima outline changed:\n%s", b.String())
	}
}
