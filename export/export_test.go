package export

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/staffvoice/staffvoice/archive"
	"github.com/staffvoice/staffvoice/extract"
)

const (
	nerimaURL = "https://www.city.nerima.tokyo.jp/kusei/saiyo/mezasu/koe.html"
	otherURL  = "https://www.city.example.jp/saiyo/voice.html"
	downURL   = "https://down.example.jp/koe.html"
)

var (
	day1 = time.Date(2026, 3, 1, 6, 0, 0, 123456789, time.UTC)
	day2 = time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)
	day3 = time.Date(2026, 4, 2, 6, 0, 0, 0, time.UTC)
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "pages", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func capture(url, site string, at time.Time, body []byte) archive.Capture {
	return archive.Capture{URL: url, Site: site, Time: at, Status: 200, Body: body,
		Header:        http.Header{"Content-Type": {"text/html"}, "Etag": {`"v1"`}},
		RequestHeader: http.Header{"User-Agent": {"staffvoice-test"}}}
}

// testArchive builds an archive with: the Nerima page (site nerima) in two
// versions and three captures, another page of site "other", and a page
// with no site whose only fetch failed.
func testArchive(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	s, err := archive.Open(ctx, dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	page := fixture(t, "nerima-staff-voice.html")
	edited := strings.Replace(string(page), "23区の中で", "２３区の中でも", 1)
	if edited == string(page) {
		t.Fatal("the edit did not apply")
	}
	caps := []archive.Capture{
		capture(nerimaURL, "nerima", day1, page),
		capture(nerimaURL, "nerima", day2, page),
		capture(nerimaURL, "nerima", day3, []byte(edited)),
		capture(otherURL, "other", day2, fixture(t, "logo-h1-title-suffix.html")),
		{URL: downURL, Time: day3, Err: errors.New("connection refused")},
	}
	for _, c := range caps {
		if _, err := s.Record(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func openStore(t testing.TB, dir string) *archive.Store {
	t.Helper()
	s, err := archive.OpenReadOnly(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func runExport(t testing.TB, src Source, opts Options) Stats {
	t.Helper()
	st, err := Export(context.Background(), src, opts)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func readParquet[R any](t testing.TB, path string) []R {
	t.Helper()
	rows, err := parquet.ReadFile[R](path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return rows
}

func readLines(t testing.TB, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%s: %v: %s", path, err, sc.Bytes())
		}
		out = append(out, m)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	dir := testArchive(t)
	s := openStore(t, dir)
	out := t.TempDir()
	st := runExport(t, s, Options{Out: out, Municipalities: map[string]string{"nerima": "練馬区"}})

	ctx := context.Background()
	v1, err := s.Document(ctx, nerimaURL, 1)
	if err != nil {
		t.Fatal(err)
	}
	v2, err := s.Document(ctx, nerimaURL, 2)
	if err != nil {
		t.Fatal(err)
	}

	// qa: every question of both versions, in order, as the Documents
	// hold them.
	qa := readParquet[qaRecord](t, filepath.Join(out, "qa", "site=nerima", "part-00000.parquet"))
	var want []qaRecord
	for i, d := range []*extract.Document{v1, v2} {
		for si, sec := range d.Sections {
			for qi, q := range sec.QA {
				want = append(want, qaRecord{Version: int32(i + 1), SectionIndex: int32(si), SectionHeading: sec.Heading,
					QAIndex: int32(qi), Question: q.Question, QuestionKey: q.QuestionKey,
					Answer: strings.Join(q.Answer, "\n"), AnswerParagraphs: q.Answer, Notes: nonNil(q.Notes), Updated: days(d.Updated)})
			}
		}
	}
	if len(qa) != len(want) || len(qa) != 36 {
		t.Fatalf("qa has %d rows, the Documents %d (want 2 × 18)", len(qa), len(want))
	}
	for i, got := range qa {
		w := want[i]
		w.PageID, w.URL = got.PageID, nerimaURL
		w.CapturedAt = microseconds(day1)
		if w.Version == 2 {
			w.CapturedAt = day3
		}
		if got.PageID != archive.PageID(nerimaURL) {
			t.Errorf("qa[%d].page_id = %q", i, got.PageID)
		}
		if !equalJSON(got, w) {
			t.Errorf("qa[%d] = %+v\nwant %+v", i, got, w)
		}
	}
	if got := time.Unix(int64(qa[0].Updated)*86400, 0).UTC().Format(time.DateOnly); got != "2021-02-02" {
		t.Errorf("qa updated = %s, want 2021-02-02", got)
	}
	// Japanese text survives unchanged, full-width digits included.
	var edited bool
	for _, r := range qa {
		if r.Version == 2 && strings.Contains(r.Answer, "２３区の中でも") {
			edited = true
		}
	}
	if !edited {
		t.Error("no version 2 answer holds the edit ２３区の中でも")
	}

	versions := readParquet[versionRecord](t, filepath.Join(out, "versions", "site=nerima", "part-00000.parquet"))
	if len(versions) != 2 || versions[0].Version != 1 || versions[1].Version != 2 {
		t.Fatalf("versions = %+v", versions)
	}
	if v := versions[0]; v.PageNumber != "855-600-871" || v.Title != v1.Title || v.ContentHash != v1.ContentHash ||
		!slices.Equal(v.Breadcrumbs, v1.Breadcrumbs) || v.WARCFile == "" || v.WARCLength == 0 || !strings.HasPrefix(v.PayloadDigest, "sha1:") ||
		!v.CapturedAt.Equal(microseconds(day1)) || v.Published != days(v1.Published) {
		t.Errorf("version 1 = %+v", v)
	}

	pages := readParquet[pageRecord](t, filepath.Join(out, "pages", "site=nerima", "part-00000.parquet"))
	if len(pages) != 1 || pages[0].Municipality != "練馬区" || pages[0].LatestVersion != 2 ||
		!pages[0].FirstSeen.Equal(microseconds(day1)) || !pages[0].LastSeen.Equal(day3) {
		t.Errorf("pages = %+v", pages)
	}
	down := readParquet[pageRecord](t, filepath.Join(out, "pages", "site="+NullPartition, "part-00000.parquet"))
	if len(down) != 1 || down[0].URL != downURL || down[0].LatestVersion != 0 || down[0].Municipality != "" {
		t.Errorf("pages without a site = %+v", down)
	}

	changes := readParquet[changeRecord](t, filepath.Join(out, "changes", "site=nerima", "part-00000.parquet"))
	recorded, err := s.Changes(ctx, archive.ChangeFilter{Sites: []string{"nerima"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) == 0 || len(changes) != len(recorded) {
		t.Fatalf("%d changes exported, %d recorded", len(changes), len(recorded))
	}
	if c := changes[0]; c.FromVersion != 1 || c.ToVersion != 2 || !c.DetectedAt.Equal(day3) {
		t.Errorf("change = %+v", c)
	}

	captures := readParquet[captureRecord](t, filepath.Join(out, "captures", "site=nerima", "part-00000.parquet"))
	var outcomes []string
	for _, c := range captures {
		outcomes = append(outcomes, c.Outcome)
	}
	if want := []string{"new", "revisit", "new"}; !slices.Equal(outcomes, want) {
		t.Errorf("capture outcomes = %v, want %v", outcomes, want)
	}
	failed := readParquet[captureRecord](t, filepath.Join(out, "captures", "site="+NullPartition, "part-00000.parquet"))
	if len(failed) != 1 || failed[0].Outcome != "error" || failed[0].Status != 0 {
		t.Errorf("failed capture = %+v", failed)
	}

	counts := map[string]int64{}
	for _, ts := range st.Tables {
		counts[ts.Name] = ts.Rows
	}
	if counts["pages"] != 3 || counts["versions"] != 3 || counts["captures"] != 5 || counts["qa"] < 36 {
		t.Errorf("row counts = %v", counts)
	}
	checkMetadata(t, filepath.Join(out, "qa", "site=nerima", "part-00000.parquet"), "qa", qaText)
	checkMetadata(t, filepath.Join(out, "changes", "site=nerima", "part-00000.parquet"), "changes", changeText)
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// checkMetadata checks a Parquet file's key/value metadata, its codec,
// and that its free-text columns, and only they, lack bounds.
func checkMetadata(t *testing.T, path, table string, text [][]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"staffvoice.schema_version": SchemaVersion, "staffvoice.extractor_version": extract.Version, "staffvoice.table": table} {
		if got, _ := pf.Lookup(key); got != want {
			t.Errorf("%s: metadata %s = %q, want %q", path, key, got, want)
		}
	}
	for _, c := range pf.Metadata().RowGroups[0].Columns {
		if c.MetaData.Codec.String() != "ZSTD" {
			t.Errorf("column %v is %v, want ZSTD", c.MetaData.PathInSchema, c.MetaData.Codec)
		}
		// Free text has no bounds; the other columns have theirs.
		free := slices.ContainsFunc(text, func(p []string) bool { return slices.Equal(p, c.MetaData.PathInSchema) })
		if bounds := c.MetaData.Statistics.MaxValue != nil; bounds == free {
			t.Errorf("%s: column %v: bounds %v, free text %v", path, c.MetaData.PathInSchema, bounds, free)
		}
	}
}

// TestJSONLMatchesParquet reads every table in both formats and checks
// that each JSON line holds the Parquet row's values.
func TestJSONLMatchesParquet(t *testing.T) {
	out := t.TempDir()
	runExport(t, openStore(t, testArchive(t)), Options{Out: out})
	n := 0
	err := filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(path, ".parquet") {
			return err
		}
		lines := readLines(t, strings.TrimSuffix(path, ".parquet")+".jsonl")
		var rows []map[string]any
		switch filepath.Base(filepath.Dir(filepath.Dir(path))) {
		case "pages":
			rows = asJSON(t, readParquet[pageRecord](t, path))
		case "versions":
			rows = asJSON(t, readParquet[versionRecord](t, path))
		case "qa":
			rows = asJSON(t, readParquet[qaRecord](t, path))
		case "changes":
			rows = asJSON(t, readParquet[changeRecord](t, path))
		case "captures":
			rows = asJSON(t, readParquet[captureRecord](t, path))
		}
		if len(rows) != len(lines) {
			t.Fatalf("%s: %d Parquet rows, %d JSON lines", path, len(rows), len(lines))
		}
		for i := range rows {
			if !equalJSON(rows[i], lines[i]) {
				t.Errorf("%s row %d:\nparquet %v\njsonl   %v", path, i, rows[i], lines[i])
			}
		}
		n += len(rows)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 40 {
		t.Errorf("compared %d rows", n)
	}
}

// asJSON writes Parquet rows the way the JSONL contract says, by
// reflection on the Parquet tags, independently of the hand-written
// encoder: dates as YYYY-MM-DD or null, timestamps RFC 3339 UTC with
// microseconds, null for an optional zero.
func asJSON[R any](t *testing.T, rows []R) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range rows {
		v := reflect.ValueOf(r)
		m := map[string]any{}
		for i := 0; i < v.NumField(); i++ {
			tag := strings.Split(v.Type().Field(i).Tag.Get("parquet"), ",")
			f := v.Field(i)
			var val any = f.Interface()
			switch {
			case slices.Contains(tag, "date"):
				if f.Int() == 0 {
					val = nil
				} else {
					val = time.Unix(f.Int()*86400, 0).UTC().Format(time.DateOnly)
				}
			case len(tag) > 1 && strings.HasPrefix(tag[1], "timestamp"):
				val = f.Interface().(time.Time).UTC().Format("2006-01-02T15:04:05.000000Z")
			case slices.Contains(tag, "optional") && f.IsZero():
				val = nil
			}
			m[tag[0]] = val
		}
		// Through JSON, so that numbers compare as the decoded lines'.
		b, _ := json.Marshal(m)
		var back map[string]any
		json.Unmarshal(b, &back)
		out = append(out, back)
	}
	return out
}

// TestReexportIsByteIdentical exports twice, the second time one site at
// a time (GOMAXPROCS 1), and finds the same bytes: files depend neither
// on the run nor on the concurrency.
func TestReexportIsByteIdentical(t *testing.T) {
	s := openStore(t, testArchive(t))
	a, b := t.TempDir(), t.TempDir()
	runExport(t, s, Options{Out: a})
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	runExport(t, s, Options{Out: b})
	files := 0
	err := filepath.WalkDir(a, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.Contains(d.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", path)
		}
		rel, _ := filepath.Rel(a, path)
		x, _ := os.ReadFile(path)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil {
			t.Errorf("second export has no %s", rel)
		} else if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two exports", rel)
		}
		files++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// 5 tables × 3 site partitions at most × 2 formats; every table has
	// nerima.
	if files < 5*2*2 {
		t.Errorf("only %d files", files)
	}
}

func TestSinceAndSites(t *testing.T) {
	s := openStore(t, testArchive(t))
	out := t.TempDir()
	st := runExport(t, s, Options{Out: out, Since: "2026-04-01", Sites: []string{"nerima"}})

	versions := readParquet[versionRecord](t, filepath.Join(out, "versions", "site=nerima", "part-since-20260401.parquet"))
	if len(versions) != 1 || versions[0].Version != 2 {
		t.Errorf("versions since 2026-04-01 = %+v, want version 2 only", versions)
	}
	qa := readParquet[qaRecord](t, filepath.Join(out, "qa", "site=nerima", "part-since-20260401.parquet"))
	if len(qa) != 18 || qa[0].Version != 2 {
		t.Errorf("%d qa rows since 2026-04-01, want the 18 of version 2", len(qa))
	}
	captures := readParquet[captureRecord](t, filepath.Join(out, "captures", "site=nerima", "part-since-20260401.parquet"))
	if len(captures) != 1 || !captures[0].CapturedAt.Equal(day3) {
		t.Errorf("captures since = %+v", captures)
	}
	// pages are a snapshot, never filtered by time.
	if _, err := os.Stat(filepath.Join(out, "pages", "site=nerima", "part-00000.parquet")); err != nil {
		t.Error(err)
	}
	for _, ts := range st.Tables {
		for _, f := range ts.Files {
			if !strings.Contains(f, "site=nerima") {
				t.Errorf("--site nerima wrote %s", f)
			}
		}
	}

	// A later day's export adds files beside the first.
	runExport(t, s, Options{Out: out, Since: "2026-04-02", Sites: []string{"nerima"}})
	entries, _ := os.ReadDir(filepath.Join(out, "qa", "site=nerima"))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{"part-since-20260401.jsonl", "part-since-20260401.parquet", "part-since-20260402.jsonl", "part-since-20260402.parquet"}
	if !slices.Equal(names, want) {
		t.Errorf("qa files = %v, want %v", names, want)
	}

	// Nothing since: empty tables, with their schema, in the requested
	// site's partition.
	st = runExport(t, s, Options{Out: t.TempDir(), Since: "2030-01-01", Sites: []string{"nerima"}, Formats: Parquet})
	for _, ts := range st.Tables[1:] {
		if ts.Rows != 0 || len(ts.Files) != 1 || !strings.Contains(ts.Files[0], "site=nerima") {
			t.Errorf("%s since 2030: %d rows in %v", ts.Name, ts.Rows, ts.Files)
		}
	}

	// A --site export with nothing for a table never replaces the rows
	// of pages without a site, which a full export put in the null
	// partition.
	full := t.TempDir()
	runExport(t, s, Options{Out: full, Formats: Parquet})
	null := filepath.Join(full, "pages", "site="+NullPartition, "part-00000.parquet")
	before, err := os.ReadFile(null)
	if err != nil || len(before) == 0 {
		t.Fatalf("the full export wrote no page without a site: %v", err)
	}
	runExport(t, s, Options{Out: full, Sites: []string{"nerimaa"}, Formats: Parquet})
	if after, _ := os.ReadFile(null); !bytes.Equal(before, after) {
		t.Errorf("a --site export rewrote %s", null)
	}
}

func TestBadSince(t *testing.T) {
	_, err := Export(context.Background(), openStore(t, testArchive(t)), Options{Out: t.TempDir(), Since: "2026/04/01"})
	if err == nil || !strings.Contains(err.Error(), "YYYY-MM-DD") {
		t.Errorf("err = %v", err)
	}
}

func TestEmptyArchive(t *testing.T) {
	dir := t.TempDir()
	s, err := archive.Open(context.Background(), dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	out := t.TempDir()
	st := runExport(t, openStore(t, dir), Options{Out: out})
	schemas := map[string]*parquet.Schema{
		"pages": parquet.SchemaOf(pageRecord{}), "versions": parquet.SchemaOf(versionRecord{}),
		"qa": parquet.SchemaOf(qaRecord{}), "changes": parquet.SchemaOf(changeRecord{}), "captures": parquet.SchemaOf(captureRecord{}),
	}
	for _, ts := range st.Tables {
		if ts.Rows != 0 {
			t.Errorf("%s: %d rows", ts.Name, ts.Rows)
		}
		base := filepath.Join(out, ts.Name, "site="+NullPartition, "part-00000")
		f, err := os.Open(base + ".parquet")
		if err != nil {
			t.Fatal(err)
		}
		info, _ := f.Stat()
		pf, err := parquet.OpenFile(f, info.Size())
		if err != nil {
			t.Fatalf("%s: %v", ts.Name, err)
		}
		if pf.NumRows() != 0 || pf.Schema().String() != schemas[ts.Name].String() {
			t.Errorf("%s: %d rows, schema\n%s\nwant\n%s", ts.Name, pf.NumRows(), pf.Schema(), schemas[ts.Name])
		}
		f.Close()
		if b, err := os.ReadFile(base + ".jsonl"); err != nil || len(b) != 0 {
			t.Errorf("%s.jsonl: %q, %v", ts.Name, b, err)
		}
	}
}

// failingSource fails after some Q&A rows, as an interrupted read would,
// whichever sites they are of.
type failingSource struct {
	Source
	n *atomic.Int64
}

var errBroken = errors.New("broken")

func (f failingSource) ExportQA(ctx context.Context, flt archive.ExportFilter, fn func(archive.QARow) error) error {
	return f.Source.ExportQA(ctx, flt, func(r archive.QARow) error {
		if f.n.Add(1) > 20 {
			return errBroken
		}
		return fn(r)
	})
}

// TestInterruptedExportLeavesNoPartialFile: an export whose source fails
// returns the source's error, and leaves no file half-written: the files
// of the sites finished before the failure are complete, the others are
// not there, and no temporary file is left.
func TestInterruptedExportLeavesNoPartialFile(t *testing.T) {
	out := t.TempDir()
	_, err := Export(context.Background(), failingSource{openStore(t, testArchive(t)), new(atomic.Int64)}, Options{Out: out})
	if !errors.Is(err, errBroken) {
		t.Fatalf("err = %v, want the source's error", err)
	}
	qaRows := 0
	filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil || d.IsDir():
		case strings.Contains(d.Name(), ".tmp-"):
			t.Errorf("left %s", path)
		case strings.Contains(path, "qa") && strings.HasSuffix(path, ".parquet"):
			qaRows += len(readParquet[qaRecord](t, path))
		}
		return err
	})
	if qaRows > 20 {
		t.Errorf("%d Q&A rows written, but the source failed after 20", qaRows)
	}
	if _, err := os.Stat(filepath.Join(out, "versions", "site=nerima", "part-00000.parquet")); err != nil {
		t.Errorf("tables before the failure: %v", err)
	}
}

func TestAppendQuoted(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tnl\ncr\r\x00\x1f\x7f", "練馬区　職員の声（注）", "\u2028\u2029", "<&>", "emoji 😀"} {
		b := appendQuoted(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil || got != s {
			t.Errorf("appendQuoted(%q) = %s, decodes to %q, %v", s, b, got, err)
		}
	}
	var got string
	if err := json.Unmarshal(appendQuoted(nil, "a\xffb"), &got); err != nil || got != "a\uFFFDb" {
		t.Errorf("invalid UTF-8 decodes to %q, %v", got, err)
	}
}

func TestPartitionDir(t *testing.T) {
	for site, want := range map[string]string{
		"nerima": "site=nerima", "": "site=" + NullPartition, "a/b=c": "site=a%2Fb%3Dc", "..": "site=%2E.", "練馬": "site=練馬",
	} {
		got := partitionDir(site)
		if got != want {
			t.Errorf("partitionDir(%q) = %q, want %q", site, got, want)
		}
		if back, err := unescapeSite(got); err != nil || back != site {
			t.Errorf("unescapeSite(%q) = %q, %v", got, back, err)
		}
	}
}

// TestFailedRenameIsAnError: a file that cannot be put in place (its final
// name is taken by a directory), which is found out on a goroutine of its
// own, still fails the export, and leaves no temporary file.
func TestFailedRenameIsAnError(t *testing.T) {
	out := t.TempDir()
	taken := filepath.Join(out, "qa", "site=nerima", "part-00000.parquet")
	if err := os.MkdirAll(filepath.Join(taken, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Export(context.Background(), openStore(t, testArchive(t)), Options{Out: out})
	if err == nil || !strings.Contains(err.Error(), "export qa") || !strings.Contains(err.Error(), taken) {
		t.Fatalf("err = %v, want the qa table's failed write of %s", err, taken)
	}
	filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".tmp-") {
			t.Errorf("left %s", path)
		}
		return err
	})
	if _, err := os.Stat(filepath.Join(out, "versions", "site=nerima", "part-00000.parquet")); err != nil {
		t.Errorf("tables before the failure: %v", err)
	}
}

// TestDays: days reads dates as time.Parse(time.DateOnly) does.
func TestDays(t *testing.T) {
	want := func(s string) int32 {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return 0
		}
		return int32(d.Unix() / 86400)
	}
	inputs := []string{"", "2021-02-02", "2021-02-29", "2020-02-29", "2021-02-30", "2021-04-31", "2021-12-31", "2021-13-01",
		"2021-00-10", "2021-01-00", "0000-01-01", "9999-12-31", "1969-12-31", "2021-2-02", "2021/02/02", "２０２１-02-02",
		"2021-02-02 ", "+021-02-02", "2021-0a-02", "20210202xx", "1970-01-01"}
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		inputs = append(inputs, fmt.Sprintf("%04d-%02d-%02d", r.IntN(10000), r.IntN(14), r.IntN(33)))
	}
	for _, s := range inputs {
		if got, want := days(s), want(s); got != want {
			t.Errorf("days(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestManySites: more sites than partitions may wait for the disk
// (maxPersisting) all get their complete files, and nothing else is left.
func TestManySites(t *testing.T) {
	out := t.TempDir()
	g := newSynthetic(3*maxPersisting, 2, 2, 1, 2)
	st, err := Export(context.Background(), g, Options{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	for _, ts := range st.Tables[:3] { // pages, versions, qa: the synthetic source has no changes or captures
		if len(ts.Files) != 2*3*maxPersisting {
			t.Errorf("%s: %d files, want a Parquet and a JSONL file for each of %d sites", ts.Name, len(ts.Files), 3*maxPersisting)
		}
		rows := 0
		for _, f := range ts.Files {
			if strings.HasSuffix(f, ".jsonl") {
				b, err := os.ReadFile(filepath.Join(out, f))
				if err != nil {
					t.Fatal(err)
				}
				rows += bytes.Count(b, []byte("\n"))
			}
		}
		if int64(rows) != ts.Rows {
			t.Errorf("%s: %d JSON lines, %d rows", ts.Name, rows, ts.Rows)
		}
	}
	filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".tmp-") {
			t.Errorf("left %s", path)
		}
		return err
	})
}
