package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/staffvoice/staffvoice/extract"
)

const nerimaFixture = "../../testdata/pages/nerima-staff-voice.html"

func runCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb})
	return code, out.String(), errb.String()
}

// TestExtractNerima is the acceptance check: three sections, 18
// questions, update date 2021-02-02, page number 855-600-871.
func TestExtractNerima(t *testing.T) {
	code, out, stderr := runCmd(t, "", "extract", nerimaFixture)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc extract.Document
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("output is not a Document: %v\n%s", err, out)
	}
	if len(doc.Sections) != 3 || doc.QACount() != 18 {
		t.Errorf("%d sections, %d questions; want 3 and 18", len(doc.Sections), doc.QACount())
	}
	if doc.Updated != "2021-02-02" || doc.PageNumber != "855-600-871" {
		t.Errorf("updated %q, page number %q", doc.Updated, doc.PageNumber)
	}
	abs, _ := filepath.Abs(nerimaFixture)
	if doc.URL != "file://"+filepath.ToSlash(abs) {
		t.Errorf("url = %q, want the file's URL", doc.URL)
	}
	// The JSON field names are a contract.
	var fields map[string]any
	if err := json.Unmarshal([]byte(out), &fields); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"url", "title", "page_number", "updated", "updated_raw", "published", "published_raw", "breadcrumbs", "intro", "sections", "contact", "content_hash", "extractor_version", "warnings"} {
		if _, ok := fields[k]; !ok {
			t.Errorf("JSON has no %q field", k)
		}
	}
	if len(fields) != 14 {
		t.Errorf("JSON has %d fields, want the 14 documented", len(fields))
	}
}

func TestExtractTextAndFlagsAfterFile(t *testing.T) {
	code, out, stderr := runCmd(t, "", "extract", nerimaFixture, "--format", "text", "--url", "https://www.city.nerima.tokyo.jp/kusei/saiyo/mezasu/koe.html")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"Title:        職員の声 ~キャリア形成・新規採用職員編~",
		"Updated:      2021-02-02 (2021年2月2日)",
		"Sections:     3, questions: 18",
		"## 2. 係長級職員の声(キャリア形成)",
		"form:   https://www.city.nerima.tokyo.jp/cgi-bin/inquiry.php/21?page_no=2571",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q", want)
		}
	}
}

func TestExtractStdinWithContentType(t *testing.T) {
	body, err := os.ReadFile("../../testdata/pages/qa-prefix-eucjp-header.html")
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCmd(t, string(body), "extract", "--content-type", "text/html; charset=EUC-JP", "--url", "https://example.jp/", "-")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc extract.Document
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.QACount() == 0 || doc.URL != "https://example.jp/" {
		t.Errorf("got %d questions, url %q", doc.QACount(), doc.URL)
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	pdf := filepath.Join(dir, "brochure.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.html")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args    []string
		code    int
		message string
	}{
		{nil, exitUsage, "usage: staffvoice"},
		{[]string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{[]string{"extract"}, exitUsage, "want one FILE"},
		{[]string{"extract", "a.html", "b.html"}, exitUsage, "want one FILE"},
		{[]string{"extract", "--format", "xml", nerimaFixture}, exitUsage, "--format must be json or text"},
		{[]string{"extract", "--no-such-flag", nerimaFixture}, exitUsage, "flag provided but not defined"},
		{[]string{"extract", filepath.Join(dir, "missing.html")}, exitFailure, "no such file"},
		{[]string{"extract", pdf}, exitFailure, "not an HTML page (application/pdf)"},
		{[]string{"extract", empty}, exitFailure, "empty body"},
		{[]string{"extract", "-h"}, exitOK, "usage: staffvoice extract"},
	}
	for _, tt := range tests {
		code, _, stderr := runCmd(t, "", tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.message) {
			t.Errorf("staffvoice %q: exit %d, stderr %q; want exit %d and %q", tt.args, code, stderr, tt.code, tt.message)
		}
	}
}
