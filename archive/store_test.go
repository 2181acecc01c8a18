package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nlnwa/gowarc"

	"github.com/staffvoice/staffvoice/extract"
)

const nerimaURL = "https://www.city.nerima.tokyo.jp/kusei/saiyo/mezasu/koe.html"

func nerimaPage(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("../testdata/pages/nerima-staff-voice.html")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// clock is a test clock that moves one minute each call.
func clock() func() time.Time {
	t := time.Date(2026, 4, 1, 6, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Minute); return t }
}

func openTest(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dir, Options{Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func htmlCapture(url string, body []byte) Capture {
	return Capture{URL: url, Status: 200, Header: http.Header{"Content-Type": {"text/html"}, "Etag": {`"v1"`}}, Body: body,
		RequestHeader: http.Header{"User-Agent": {"staffvoice-test"}}}
}

func record(t testing.TB, s *Store, c Capture) Result {
	t.Helper()
	res, err := s.Record(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestRecordVersions(t *testing.T) {
	s := openTest(t, t.TempDir())
	page := nerimaPage(t)

	first := record(t, s, htmlCapture(nerimaURL, page))
	if first.Outcome != OutcomeNew || first.Version != 1 || !first.NewVersion {
		t.Fatalf("first capture: %+v", first)
	}
	same := record(t, s, htmlCapture(nerimaURL, page))
	if same.Outcome != OutcomeRevisit || same.Version != 1 || same.NewVersion {
		t.Fatalf("same payload: %+v", same)
	}
	menu := strings.Replace(string(page), "くらし・手続き</a>", "くらし・届出</a>", 1)
	menuOnly := record(t, s, htmlCapture(nerimaURL, []byte(menu)))
	if menuOnly.Outcome != OutcomeNew || menuOnly.Version != 1 || menuOnly.NewVersion {
		t.Fatalf("menu-only change: %+v", menuOnly)
	}
	answer := strings.Replace(menu, "23区の中で", "２３区の中でも", 1)
	changed := record(t, s, htmlCapture(nerimaURL, []byte(answer)))
	if changed.Outcome != OutcomeNew || changed.Version != 2 || !changed.NewVersion {
		t.Fatalf("changed answer: %+v", changed)
	}
	notModified := record(t, s, Capture{URL: nerimaURL, Status: http.StatusNotModified, Header: http.Header{}})
	if notModified.Outcome != OutcomeNotModified || notModified.Version != 2 {
		t.Fatalf("304: %+v", notModified)
	}
	failed := record(t, s, Capture{URL: nerimaURL, Err: errors.New("dial tcp: connection refused")})
	if failed.Outcome != OutcomeError {
		t.Fatalf("error: %+v", failed)
	}

	var captures, versions, qa int
	s.db.QueryRow(`SELECT count(*) FROM captures`).Scan(&captures)
	s.db.QueryRow(`SELECT count(*) FROM versions`).Scan(&versions)
	s.db.QueryRow(`SELECT qa_count FROM versions WHERE version = 2`).Scan(&qa)
	if captures != 6 || versions != 2 || qa != 18 {
		t.Errorf("%d captures, %d versions, %d Q&A rows in version 2; want 6, 2, 18", captures, versions, qa)
	}
	var stored int
	s.db.QueryRow(`SELECT count(*) FROM captures WHERE outcome = 'new'`).Scan(&stored)
	if stored != 3 {
		t.Errorf("%d payloads stored whole, want 3", stored)
	}
}

// TestWARCReadBack reads every record the store wrote with gowarc's own
// reader, at the offsets the catalog gives.
func TestWARCReadBack(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	page := nerimaPage(t)
	record(t, s, htmlCapture(nerimaURL, page))
	record(t, s, htmlCapture(nerimaURL, page))
	record(t, s, Capture{URL: nerimaURL, Status: http.StatusNotModified, Header: http.Header{}})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := OpenReadOnly(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rows, err := r.db.Query(`SELECT outcome, warc_file, warc_offset, record_id, payload_digest FROM captures ORDER BY capture_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	wantTypes := map[string]gowarc.RecordType{"new": gowarc.Response, "revisit": gowarc.Revisit, "not_modified": gowarc.Revisit}
	n := 0
	for rows.Next() {
		var outcome, file, id, digest string
		var off int64
		if err := rows.Scan(&outcome, &file, &off, &id, &digest); err != nil {
			t.Fatal(err)
		}
		wr, err := gowarc.NewWarcFileReader(filepath.Join(WARCDir(dir), file), off, gowarc.WithStrictValidation())
		if err != nil {
			t.Fatal(err)
		}
		rec, _, validation, err := wr.Next()
		if err != nil || !validation.Valid() {
			t.Fatalf("%s: %v %v", outcome, err, validation)
		}
		if rec.Type() != wantTypes[outcome] || rec.WarcHeader().GetId(gowarc.WarcRecordID) != id || rec.WarcHeader().Get(gowarc.WarcTargetURI) != nerimaURL {
			t.Errorf("%s: record %s %s", outcome, rec.Type(), rec.WarcHeader().GetId(gowarc.WarcRecordID))
		}
		if outcome == "new" {
			body, _ := rec.Block().(gowarc.PayloadBlock).PayloadBytes()
			b, _ := io.ReadAll(body)
			if PayloadDigest(b) != digest || len(b) != len(page) {
				t.Errorf("payload read back differs")
			}
		} else if got := rec.WarcHeader().Get(gowarc.WarcProfile); !strings.Contains(got, "revisit") {
			t.Errorf("%s: profile %q", outcome, got)
		}
		wr.Close()
		n++
	}
	if n != 3 {
		t.Errorf("%d captures read back, want 3", n)
	}
}

func TestSecondWriterIsRefused(t *testing.T) {
	dir := t.TempDir()
	openTest(t, dir)
	_, err := Open(context.Background(), dir, Options{})
	var locked *LockedError
	if !errors.As(err, &locked) || !errors.Is(err, ErrLocked) || locked.PID != os.Getpid() {
		t.Fatalf("second Open: %v", err)
	}
	if !strings.Contains(err.Error(), "pid ") || !strings.Contains(err.Error(), "running since") {
		t.Errorf("message %q does not name the holder", err)
	}
	// Readers are not refused.
	r, err := OpenReadOnly(context.Background(), dir)
	if err != nil {
		t.Fatalf("reader refused: %v", err)
	}
	r.Close()
}

func TestCanonicalURL(t *testing.T) {
	for in, want := range map[string]string{
		"HTTPS://WWW.City.Nerima.Tokyo.JP:443/kusei/koe.html#top": "https://www.city.nerima.tokyo.jp/kusei/koe.html",
		"http://example.jp:80":         "http://example.jp/",
		"http://example.jp:8080/a?b=1": "http://example.jp:8080/a?b=1",
	} {
		if got, err := CanonicalURL(in); err != nil || got != want {
			t.Errorf("CanonicalURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := CanonicalURL("/relative"); err == nil {
		t.Error("a relative URL was accepted")
	}
}

func TestVerifyAndReextract(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	page := nerimaPage(t)
	record(t, s, htmlCapture(nerimaURL, page))
	record(t, s, htmlCapture(nerimaURL, page))
	record(t, s, htmlCapture(nerimaURL, []byte(strings.Replace(string(page), "23区の中で", "２３区の中でも", 1))))
	record(t, s, Capture{URL: nerimaURL, Status: http.StatusNotModified, Header: http.Header{}})
	ctx := context.Background()

	checked, problems, err := s.Verify(ctx)
	if err != nil || len(problems) != 0 || checked != 4 {
		t.Fatalf("verify: %d checked, %v, %v", checked, problems, err)
	}
	pages, changed, _, err := s.Reextract(ctx)
	if err != nil || pages != 1 || changed != 0 {
		t.Fatalf("reextract of an up-to-date archive: %d pages, %d changed, %v", pages, changed, err)
	}
	// An old extractor's version is rebuilt; a second run changes nothing.
	if _, err := s.db.Exec(`UPDATE versions SET extractor_version = '0.9.0', content_hash = 'sha256:old' WHERE version = 1`); err != nil {
		t.Fatal(err)
	}
	if _, changed, _, err = s.Reextract(ctx); err != nil || changed != 1 {
		t.Fatalf("reextract: %d changed, %v", changed, err)
	}
	if _, changed, _, err = s.Reextract(ctx); err != nil || changed != 0 {
		t.Fatalf("second reextract: %d changed, %v", changed, err)
	}
	versions, caps, err := s.History(ctx, nerimaURL)
	if err != nil || len(versions) != 2 || caps.Total != 4 || caps.Revisit != 1 || caps.NotModified != 1 || versions[1].QACount != 18 {
		t.Fatalf("history: %+v %+v %v", versions, caps, err)
	}

	// A WARC file damaged on disk is reported.
	var file string
	var off int64
	s.db.QueryRow(`SELECT warc_file, warc_offset FROM captures WHERE outcome = 'new' ORDER BY capture_id LIMIT 1`).Scan(&file, &off)
	f, err := os.OpenFile(filepath.Join(WARCDir(dir), file+openSuffix), os.O_WRONLY, 0)
	if err != nil {
		f, err = os.OpenFile(filepath.Join(WARCDir(dir), file), os.O_WRONLY, 0)
	}
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte("garbage!"), off+40)
	f.Close()
	if _, problems, _ := s.Verify(ctx); len(problems) == 0 {
		t.Error("verify found nothing wrong in a damaged WARC file")
	}
}

func TestCatalogSettingsAndRotation(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(context.Background(), dir, Options{MaxWARCSize: 30 << 10, Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	var mode string
	var fk, schema int
	s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
	s.db.QueryRow(`PRAGMA foreign_keys`).Scan(&fk)
	s.db.QueryRow(`PRAGMA user_version`).Scan(&schema)
	if mode != "wal" || fk != 1 || schema != len(migrations) {
		t.Errorf("journal_mode %s, foreign_keys %d, schema %d", mode, fk, schema)
	}
	page := string(nerimaPage(t))
	for i := 0; i < 5; i++ {
		body := strings.Replace(page, "23区の中で", fmt.Sprintf("23区の中で(%d)", i), 1)
		record(t, s, htmlCapture(nerimaURL, []byte(body)))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(WARCDir(dir), "staffvoice-*.warc.gz"))
	if len(files) < 3 {
		t.Errorf("%d WARC files for 5 captures of ~10 KB with a 30 KB limit, want rotation", len(files))
	}
	// Reopening runs no migration twice and keeps numbering files.
	s = openTest(t, dir)
	record(t, s, htmlCapture(nerimaURL, []byte(page)))
	if _, problems, err := s.Verify(context.Background()); err != nil || len(problems) != 0 {
		t.Fatalf("verify: %v %v", problems, err)
	}
}

// TestNotModifiedRefersToTheLast200 checks that a 304 after an error
// answer means the last complete 200, whose validators were sent.
func TestNotModifiedRefersToTheLast200(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	const u = "https://www.city.example.lg.jp/saiyo/koe.html"
	ok := htmlCapture(u, nerimaPage(t))
	ok.Header.Set("ETag", `"A"`)
	ok.Header.Set("Last-Modified", "Tue, 02 Feb 2021 00:00:00 GMT")
	first := record(t, s, ok)

	v, err := s.Validators(ctx, u)
	if err != nil || v.ETag != `"A"` || v.LastModified != "Tue, 02 Feb 2021 00:00:00 GMT" {
		t.Fatalf("validators %+v %v", v, err)
	}
	gone := Capture{URL: u, Status: 404, Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("maintenance\n")}
	record(t, s, gone)
	if v2, _ := s.Validators(ctx, u); v2 != v {
		t.Errorf("validators after a 404: %+v, want those of the 200", v2)
	}
	cut := htmlCapture(u, nerimaPage(t)[:1000])
	cut.Truncated = true
	cut.Header.Set("ETag", `"B"`)
	record(t, s, cut)
	if v2, _ := s.Validators(ctx, u); v2 != v {
		t.Errorf("validators after a truncated 200: %+v, want those of the complete one", v2)
	}

	nm := record(t, s, Capture{URL: u, Status: 304, Header: http.Header{"ETag": {`"A"`}}})
	if nm.Outcome != OutcomeNotModified || nm.Version != first.Version || nm.NewVersion {
		t.Errorf("304: %+v", nm)
	}
	var payload int64
	if err := s.db.QueryRowContext(ctx, `SELECT payload_capture FROM captures WHERE capture_id = ?`, nm.CaptureID).Scan(&payload); err != nil || payload != first.CaptureID {
		t.Errorf("the 304 refers to capture %d (%v), want the 200's %d", payload, err, first.CaptureID)
	}
	body, ct, err := s.LastBody(ctx, u)
	if err != nil || string(body) != string(nerimaPage(t)) || ct != "text/html" {
		t.Errorf("LastBody: %d bytes, %q, %v", len(body), ct, err)
	}
	if n, problems, err := s.Verify(ctx); err != nil || len(problems) > 0 {
		t.Errorf("verify %d: %v %v", n, problems, err)
	}
}

// TestReextractKeepsAPageTheExtractorFailsOn: when the extractor meets a
// bug (extract.ErrInternal) on one of a page's payloads, reextract keeps
// the page's versions and changes as they were and reports the page,
// instead of dropping that payload's version.
func TestReextractKeepsAPageTheExtractorFailsOn(t *testing.T) {
	_, s, _ := twoVersions(t)
	defer s.Close()
	ctx := context.Background()
	var before int
	s.db.QueryRow(`SELECT count(*) FROM changes`).Scan(&before)
	defer func(f func([]byte, string, string) (*extract.Document, error)) { extractPage = f }(extractPage)
	extractPage = func(body []byte, pageURL, contentType string) (*extract.Document, error) {
		if strings.Contains(string(body), "2021年4月1日") {
			return nil, fmt.Errorf("%w on %s: index out of range", extract.ErrInternal, pageURL)
		}
		return extract.Extract(body, pageURL, contentType)
	}
	pages, changed, problems, err := s.Reextract(ctx)
	if err != nil || pages != 0 || changed != 0 || len(problems) != 1 || !strings.Contains(problems[0], "internal error") {
		t.Fatalf("reextract: %d pages, %d changed, problems %q, %v; want the page kept and reported", pages, changed, problems, err)
	}
	var after int
	s.db.QueryRow(`SELECT count(*) FROM changes`).Scan(&after)
	versions, _, err := s.History(ctx, nerimaURL)
	if err != nil || len(versions) != 2 || after != before || before == 0 {
		t.Errorf("after the failed reextract: %d versions (%v), %d changes (were %d); want both versions and their changes", len(versions), err, after, before)
	}
}
