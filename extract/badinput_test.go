package extract

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

// pathological inputs, shared by the tests and the scaling benchmark.
func deepNesting(depth int) []byte {
	return []byte("<html><body>" + strings.Repeat("<div><p>更新日：2021年2月2日", depth) + "</body></html>")
}

func deepTables(depth int) []byte {
	return []byte("<body>" + strings.Repeat("<table><tr><td>練馬区を選んだ理由を教えてください", depth))
}

func hugePage(t testing.TB, size int) []byte {
	t.Helper()
	var b strings.Builder
	b.WriteString("<html><body><h1>職員の声</h1>")
	for i := 0; b.Len() < size; i++ {
		b.WriteString("<h2>職員の声</h2><h3>志望動機を教えてください</h3><p>区民の方々の生活に密着した仕事ができる住宅都市で働きたいと思いました。</p>")
	}
	b.WriteString("</body></html>")
	return []byte(b.String())
}

func garbage(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return b
}

func TestBadInput(t *testing.T) {
	pdf := append([]byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"), garbage(2000, 1)...)
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), garbage(2000, 2)...)
	tests := []struct {
		name        string
		body        []byte
		contentType string
		wantErr     error
	}{
		{"empty", nil, "", ErrEmpty},
		{"white space", []byte(" \r\n\t "), "text/html", ErrEmpty},
		{"pdf", pdf, "", ErrNotHTML},
		{"pdf served as html", pdf, "text/html", ErrNotHTML},
		{"png", png, "image/png", ErrNotHTML},
		{"declared pdf", []byte("<html><body>x</body></html>"), "application/pdf", ErrNotHTML},
		{"binary garbage", garbage(1<<16, 3), "", ErrNotHTML},
		{"garbage declared html", garbage(1<<16, 4), "text/html", ErrNotHTML},
		{"deep nesting", deepNesting(10000), "", nil},
		{"deep tables", deepTables(10000), "", nil},
		{"10 MB page", hugePage(t, 10<<20), "text/html; charset=utf-8", nil},
		{"unclosed everything", []byte("<html><body><h2>職員<h3>志望動機は？<p>答え<dl><dt>質問？<dd>回答<table><tr><td>"), "", nil},
		{"only text", []byte("ただのテキストです。"), "", nil},
		{"control characters", []byte("<p>a\x00b\x01c\x1bd</p>"), "text/html", nil},
	}
	for _, tt := range tests {
		doc, err := Extract(tt.body, "https://example.jp/", tt.contentType)
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("%s: err = %v, want %v", tt.name, err, tt.wantErr)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "extract: ") {
				t.Errorf("%s: error %q does not say where it comes from", tt.name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if doc.ContentHash == "" || doc.ExtractorVersion != Version {
			t.Errorf("%s: incomplete document: %+v", tt.name, doc)
		}
	}
}

func TestNotHTMLErrorNamesType(t *testing.T) {
	_, err := Extract([]byte("%PDF-1.4 ..."), "", "")
	var nh *NotHTMLError
	if !errors.As(err, &nh) || nh.MediaType != "application/pdf" {
		t.Fatalf("err = %v, want a *NotHTMLError for application/pdf", err)
	}
}

func TestHugePageKeepsEverything(t *testing.T) {
	body := hugePage(t, 10<<20)
	doc, err := Extract(body, "", "")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Count(string(body), "<h3>")
	if got := doc.QACount(); got != want {
		t.Errorf("%d questions, want %d", got, want)
	}
}

func TestDeepNestingKeepsDate(t *testing.T) {
	doc, err := Extract(deepNesting(10000), "", "")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Updated != "2021-02-02" {
		t.Errorf("updated = %q, want 2021-02-02", doc.Updated)
	}
}
