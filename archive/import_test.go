package archive

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const wgetWARC = "../testdata/warc/wget-import.warc.gz"

func TestImportWget(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	ctx := context.Background()
	st, err := s.Import(ctx, wgetWARC)
	if err != nil {
		t.Fatal(err)
	}
	// 3 responses (2 HTML, 1 PDF); warcinfo, 3 requests, metadata and
	// resource ignored; 2 versions (the PDF is kept raw, not extracted).
	if st.Captures != 3 || st.Versions != 2 || st.Duplicate != 0 || len(st.Malformed) != 0 || st.Ignored != 6 {
		t.Fatalf("first import: %+v", st)
	}
	again, err := s.Import(ctx, wgetWARC)
	if err != nil || again.Captures != 0 || again.Duplicate != 3 {
		t.Fatalf("second import: %+v, %v", again, err)
	}
	doc, err := s.Document(ctx, "http://127.0.0.1:18765/saiyo/koe.html", 0)
	if err != nil || doc.QACount() != 18 || doc.Updated != "2021-02-02" {
		t.Fatalf("imported Nerima page: %v", err)
	}
	sjis, err := s.Document(ctx, "http://127.0.0.1:18765/saiyo/dl.html", 1)
	if err != nil || sjis.Charset != "shift_jis" && sjis.QACount() == 0 {
		t.Fatalf("imported Shift_JIS page: %v", err)
	}
	var pdf int
	s.db.QueryRow(`SELECT count(*) FROM captures WHERE url LIKE '%brochure.pdf' AND outcome = 'new' AND warc_file != ''`).Scan(&pdf)
	if pdf != 1 {
		t.Error("the PDF was not kept raw")
	}
	if _, problems, err := s.Verify(ctx); err != nil || len(problems) != 0 {
		t.Fatalf("verify after import: %v %v", problems, err)
	}
}

// TestImportMalformed breaks one record of the wget file: it is reported
// with its offset, and the other responses are still imported.
func TestImportMalformed(t *testing.T) {
	raw, err := os.ReadFile(wgetWARC)
	if err != nil {
		t.Fatal(err)
	}
	z, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	// Damage the header of the second response (dl.html): its
	// Content-Length becomes unreadable.
	at := bytes.Index(plain, []byte("WARC-Target-URI: <http://127.0.0.1:18765/saiyo/dl.html>\r\nWARC-Date"))
	at = bytes.Index(plain[at+10:], []byte("WARC-Target-URI: <http://127.0.0.1:18765/saiyo/dl.html>")) + at + 10
	cl := bytes.Index(plain[at:], []byte("Content-Length: ")) + at
	broken := append(append(append([]byte{}, plain[:cl]...), []byte("Content-Length: x")...), plain[cl+len("Content-Length: 1"):]...)
	path := filepath.Join(t.TempDir(), "broken.warc")
	if err := os.WriteFile(path, broken, 0o644); err != nil {
		t.Fatal(err)
	}
	s := openTest(t, t.TempDir())
	st, err := s.Import(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Malformed) == 0 || !strings.Contains(st.Malformed[0].String(), "broken.warc at offset") {
		t.Fatalf("no problem reported: %+v", st)
	}
	if st.Captures < 2 {
		t.Errorf("only %d responses imported around the broken one: %+v", st.Captures, st)
	}
}
