package archive

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// plainWARC writes uncompressed WARC records, each a response for url
// with the given HTTP message.
func plainWARC(t *testing.T, records ...[2]string) string {
	t.Helper()
	var b bytes.Buffer
	for i, r := range records {
		fmt.Fprintf(&b, "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-%012d>\r\nWARC-Target-URI: <%s>\r\nWARC-Date: 2024-01-02T03:04:05Z\r\nContent-Type: application/http;msgtype=response\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n",
			i+1, r[0], len(r[1]), r[1])
	}
	path := filepath.Join(t.TempDir(), "other.warc")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestImportDecodesWireEncodings(t *testing.T) {
	page := nerimaPage(t)
	var chunked bytes.Buffer
	for rest := page; len(rest) > 0; {
		n := min(4000, len(rest))
		fmt.Fprintf(&chunked, "%x\r\n%s\r\n", n, rest[:n])
		rest = rest[n:]
	}
	chunked.WriteString("0\r\n\r\n")
	var gz bytes.Buffer
	z := gzip.NewWriter(&gz)
	z.Write(page)
	z.Close()
	path := plainWARC(t,
		[2]string{"http://a.example.jp/koe.html", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked.String()},
		[2]string{"http://b.example.jp/koe.html", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n" + gz.String()},
		[2]string{"http://exa mple.jp/bad.html", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>x</p>"},
		[2]string{"http://c.example.jp/koe.html", "HTTP/1.1 2x0 OK\r\nContent-Type: text/html\r\n\r\n<p>x</p>"},
		[2]string{"http://d.example.jp/koe.html", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>after the bad ones</p>"},
	)
	s := openTest(t, t.TempDir())
	st, err := s.Import(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Captures != 3 || len(st.Malformed) != 2 {
		t.Fatalf("import: %+v", st)
	}
	// The decoded bodies are the page itself: a crawl of it is a revisit.
	for _, u := range []string{"http://a.example.jp/koe.html", "http://b.example.jp/koe.html"} {
		res := record(t, s, htmlCapture(u, page))
		if res.Outcome != OutcomeRevisit || res.Version != 1 {
			t.Errorf("%s: a crawl of the imported page is %s, version %d", u, res.Outcome, res.Version)
		}
	}
}

func TestTruncatedAndFirst304(t *testing.T) {
	s := openTest(t, t.TempDir())
	big := Capture{URL: nerimaURL, Status: 200, Header: http.Header{}, Body: nerimaPage(t)[:5000], Truncated: true}
	record(t, s, big)
	if res := record(t, s, big); res.Outcome != OutcomeRevisit {
		t.Errorf("the same truncated body again: %s, want a revisit", res.Outcome)
	}
	first := record(t, s, Capture{URL: "https://example.jp/new.html", Status: http.StatusNotModified, Header: http.Header{}})
	if first.Outcome != OutcomeNotModified {
		t.Errorf("a 304 with nothing before it: %s", first.Outcome)
	}
	if _, problems, err := s.Verify(context.Background()); err != nil || len(problems) != 0 {
		t.Fatalf("verify: %v %v", problems, err)
	}
}

func TestArchiveDirWithHash(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "arch#1?x")
	s := openTest(t, dir)
	record(t, s, htmlCapture(nerimaURL, nerimaPage(t)))
	s.Close()
	if _, err := os.Stat(filepath.Join(dir, "catalog.db")); err != nil {
		t.Fatalf("the catalog is not in %s: %v", dir, err)
	}
}

func TestDamagedRecordIsAProblemNotAPanic(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	record(t, s, htmlCapture(nerimaURL, nerimaPage(t)))
	var file string
	var off int64
	s.db.QueryRow(`SELECT warc_file, warc_offset FROM captures WHERE outcome = 'new'`).Scan(&file, &off)
	s.Close()
	path := s.warcPath(file)
	// Replace the record by a whole gzip member holding a broken header.
	var gz bytes.Buffer
	z := gzip.NewWriter(&gz)
	z.Write([]byte("WARC/\n"))
	z.Close()
	raw, _ := os.ReadFile(path)
	os.WriteFile(path, append(raw[:off:off], gz.Bytes()...), 0o644)
	r, err := OpenReadOnly(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, problems, err := r.Verify(context.Background()); err != nil || len(problems) != 1 {
		t.Errorf("verify: %v %v", problems, err)
	}
}

func TestCanonicalIPv6(t *testing.T) {
	for in, want := range map[string]string{"http://[::1]:8080/x": "http://[::1]:8080/x", "http://[::1]/x": "http://[::1]/x"} {
		if got, err := CanonicalURL(in); err != nil || got != want {
			t.Errorf("CanonicalURL(%q) = %q, %v", in, got, err)
		}
	}
	if !strings.HasPrefix(PageID("x"), "2d711642b726b044") {
		t.Errorf("PageID changed: %s", PageID("x"))
	}
}

// TestOlderImportFitsInTime: a capture older than the page's versions (an
// old WARC file imported after crawls) takes its place in time.
func TestOlderImportFitsInTime(t *testing.T) {
	s := openTest(t, t.TempDir())
	page := nerimaPage(t)
	old := []byte(strings.Replace(string(page), "23区の中で", "当時の23区の中で", 1))
	now := htmlCapture(nerimaURL, page)
	now.Time = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	record(t, s, now)
	past := htmlCapture(nerimaURL, old)
	past.Time = time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	res := record(t, s, past)
	if res.Outcome != OutcomeNew || res.Version != 2 {
		t.Fatalf("older capture: %+v", res)
	}
	versions, caps, err := s.History(context.Background(), nerimaURL)
	if err != nil || len(versions) != 2 || !strings.HasPrefix(versions[0].CapturedAt, "2024") || !strings.HasPrefix(versions[1].CapturedAt, "2026") {
		t.Fatalf("versions not in time order: %+v %v", versions, err)
	}
	if !strings.HasPrefix(caps.First, "2024") || !strings.HasPrefix(caps.Last, "2026") {
		t.Errorf("captures from %s to %s", caps.First, caps.Last)
	}
	var first string
	s.db.QueryRow(`SELECT first_seen FROM pages`).Scan(&first)
	if !strings.HasPrefix(first, "2024") {
		t.Errorf("first_seen = %s", first)
	}
	// The next crawl of today's page is a revisit of today's capture.
	next := htmlCapture(nerimaURL, page)
	next.Time = time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	if res := record(t, s, next); res.Outcome != OutcomeRevisit || res.Version != 2 {
		t.Errorf("next crawl: %+v", res)
	}
}
