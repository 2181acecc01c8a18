package crawler

import (
	"context"
	"crypto/tls"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	_ "modernc.org/sqlite"

	"github.com/staffvoice/staffvoice/archive"
	"github.com/staffvoice/staffvoice/extract"
)

// testSite is one loopback web site; every test builds its own.
type testSite struct {
	srv     *httptest.Server
	mu      sync.Mutex
	routes  map[string]http.HandlerFunc
	hits    map[string]int
	sent    map[string][]http.Header // request headers per path
	queries []string                 // the query of every request
}

func newTestSite(t *testing.T) *testSite {
	ts := &testSite{routes: map[string]http.HandlerFunc{}, hits: map[string]int{}, sent: map[string][]http.Header{}}
	ts.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.mu.Lock()
		ts.hits[r.URL.Path]++
		ts.queries = append(ts.queries, r.URL.RawQuery)
		ts.sent[r.URL.Path] = append(ts.sent[r.URL.Path], r.Header.Clone())
		h := ts.routes[r.URL.Path]
		ts.mu.Unlock()
		if h == nil {
			http.NotFound(w, r)
			return
		}
		h(w, r)
	}))
	t.Cleanup(ts.srv.Close)
	return ts
}

func (ts *testSite) url(path string) string { return ts.srv.URL + path }

func (ts *testSite) handle(path string, h http.HandlerFunc) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.routes[path] = h
}

// serve serves a fixed body with the given Content-Type, and no
// validators.
func (ts *testSite) serve(path, contentType string, body []byte) {
	ts.handle(path, func(w http.ResponseWriter, r *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.Write(body)
	})
}

// html serves a UTF-8 page.
func (ts *testSite) html(path, body string) {
	ts.serve(path, "text/html; charset=utf-8", []byte(body))
}

func (ts *testSite) hitsOf(path string) int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.hits[path]
}

func (ts *testSite) headersOf(path string) []http.Header {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.sent[path]
}

// page is a small interview page linking to links.
func page(title string, links ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>%s｜テスト市</title></head><body>\n", title)
	b.WriteString("<div id=\"main\"><h1>" + title + "</h1><p>更新日：2021年2月2日</p>\n")
	b.WriteString("<h2>管理職職員の声</h2><h3>現在の担当業務を教えてください。</h3><p>区の職員採用を担当しています。</p>\n")
	for _, l := range links {
		text, href, _ := strings.Cut(l, "|")
		if href == "" {
			href, text = text, "リンク"
		}
		fmt.Fprintf(&b, "<p><a href=\"%s\">%s</a></p>\n", href, text)
	}
	b.WriteString("</div></body></html>\n")
	return b.String()
}

func testLimits() Limits {
	return Limits{Parallelism: 4, Timeout: 2 * time.Second, MaxBody: 1 << 20, MaxPages: 100, MaxDepth: 3, Retries: 2}
}

func testSiteConfig(ts *testSite, seeds ...string) Site {
	return Site{
		Name:   "test",
		Seeds:  seeds,
		Follow: []*regexp.Regexp{regexp.MustCompile(`/saiyo/`)},
		Pages:  []*regexp.Regexp{regexp.MustCompile(`koe`), regexp.MustCompile(`職員の声`)},
		Limits: testLimits(),
	}
}

// waits records the retry waits asked for, without waiting.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.d = append(w.d, d)
	return ctx.Err()
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

func testOptions(w *waits) Options {
	o := Options{UserAgent: "staffvoice-test/1.0 (+https://example.org/contact)", RetryBackoff: time.Millisecond}
	if w != nil {
		o.sleep = w.sleep
	}
	return o
}

// crawlInto crawls into the archive in dir and closes it again.
func crawlInto(t *testing.T, dir string, opts Options, sites ...Site) Summary {
	t.Helper()
	ctx := context.Background()
	store, err := archive.Open(ctx, dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Crawl(ctx, store, sites, opts)
	if err != nil {
		t.Fatalf("Crawl: %v", err)
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	return sum
}

// captures lists the archive's captures: url, status, outcome, truncated.
func captures(t *testing.T, dir string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "catalog.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT url, status, outcome, truncated FROM captures ORDER BY url, captured_at`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var u, outcome string
		var status, truncated int
		if err := rows.Scan(&u, &status, &outcome, &truncated); err != nil {
			t.Fatal(err)
		}
		s := fmt.Sprintf("%s %d %s", u, status, outcome)
		if truncated != 0 {
			s += " truncated"
		}
		out = append(out, s)
	}
	return out
}

func verifyClean(t *testing.T, dir string) {
	t.Helper()
	store, err := archive.OpenReadOnly(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	n, problems, err := store.Verify(context.Background())
	if err != nil || len(problems) > 0 {
		t.Fatalf("verify of %d records: %v %v", n, err, problems)
	}
}

func TestCrawlArchivesPagesAndFollowsScope(t *testing.T) {
	ts := newTestSite(t)
	ts.html("/saiyo/", page("職員採用",
		"先輩職員の声（管理職）|/saiyo/a.html", // archived for its link text
		"/saiyo/koe/b.html",      // archived for its URL
		"募集案内|/saiyo/boshu.html", // followed, not archived
		"くらし|/kurashi/",          // out of scope
		"外部|https://www.example.org/koe.html",
		"メール|mailto:jinji@example.jp",
		"#top"))
	ts.html("/saiyo/a.html", page("管理職職員の声"))
	ts.html("/saiyo/koe/b.html", page("係長級職員の声", "/saiyo/a.html#top"))
	ts.html("/saiyo/boshu.html", page("募集案内", "/saiyo/koe/c.html"))
	ts.html("/saiyo/koe/c.html", page("新規採用職員の声"))
	ts.html("/kurashi/", page("くらし"))

	dir := t.TempDir()
	sum := crawlInto(t, dir, testOptions(nil), testSiteConfig(ts, ts.url("/saiyo/")))

	got := captures(t, dir)
	want := []string{
		ts.url("/saiyo/a.html") + " 200 new",
		ts.url("/saiyo/koe/b.html") + " 200 new",
		ts.url("/saiyo/koe/c.html") + " 200 new",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("captures:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if ts.hitsOf("/kurashi/") != 0 {
		t.Errorf("an out-of-scope link was fetched")
	}
	for _, p := range []string{"/saiyo/", "/saiyo/a.html", "/saiyo/boshu.html"} {
		if n := ts.hitsOf(p); n != 1 {
			t.Errorf("%s fetched %d times, want once", p, n)
		}
	}
	if st := sum.Total; st.Fetched != 5 || st.Archived != 3 || st.NewVersions != 3 || st.Errors != 0 {
		t.Errorf("stats: %+v", st)
	}
	if ua := ts.headersOf("/saiyo/")[0].Get("User-Agent"); ua != testOptions(nil).UserAgent {
		t.Errorf("User-Agent %q", ua)
	}
	verifyClean(t, dir)
}

func TestRobotsTxtDisallowIsRespected(t *testing.T) {
	ts := newTestSite(t)
	ts.serve("/robots.txt", "text/plain", []byte("User-agent: *\nDisallow: /saiyo/private/\n"))
	ts.html("/saiyo/", page("職員採用", "/saiyo/private/koe.html", "/saiyo/koe.html"))
	ts.html("/saiyo/private/koe.html", page("秘密"))
	ts.html("/saiyo/koe.html", page("職員の声"))

	sum := crawlInto(t, t.TempDir(), testOptions(nil), testSiteConfig(ts, ts.url("/saiyo/")))
	if n := ts.hitsOf("/saiyo/private/koe.html"); n != 0 {
		t.Errorf("a page robots.txt forbids was fetched %d times", n)
	}
	if ts.hitsOf("/saiyo/koe.html") != 1 || sum.Total.RobotsBlocked != 1 {
		t.Errorf("allowed page hits %d, robots-blocked %d", ts.hitsOf("/saiyo/koe.html"), sum.Total.RobotsBlocked)
	}
	if ua := ts.headersOf("/robots.txt")[0].Get("User-Agent"); !strings.HasPrefix(ua, "staffvoice-test/") {
		t.Errorf("robots.txt fetched as %q", ua)
	}
}

func TestOffSiteLinksAndRedirectsAreNotFollowed(t *testing.T) {
	other := newTestSite(t)
	other.html("/saiyo/koe.html", page("よその職員の声"))
	// Same loopback address under another name: another host.
	offsite := strings.Replace(other.url("/saiyo/koe.html"), "127.0.0.1", "localhost", 1)

	ts := newTestSite(t)
	ts.html("/saiyo/", page("職員採用", offsite, "/saiyo/koe-moved.html"))
	ts.handle("/saiyo/koe-moved.html", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, offsite, http.StatusFound)
	})
	dir := t.TempDir()
	sum := crawlInto(t, dir, testOptions(nil), testSiteConfig(ts, ts.url("/saiyo/")))
	if n := other.hitsOf("/saiyo/koe.html"); n != 0 {
		t.Errorf("the off-site page was fetched %d times", n)
	}
	want := []string{ts.url("/saiyo/koe-moved.html") + " 302 new"}
	if got := captures(t, dir); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("captures %q, want the redirect itself recorded: %q", got, want)
	}
	if sum.Total.OffSite != 1 {
		t.Errorf("off-site redirects %d, want 1", sum.Total.OffSite)
	}
}

func TestRedirectInsideTheSiteIsFollowedAndLoopsEnd(t *testing.T) {
	ts := newTestSite(t)
	ts.html("/saiyo/", page("職員採用", "/saiyo/koe-old.html", "/saiyo/loop-koe-a.html", "/saiyo/self-koe.html"))
	ts.handle("/saiyo/koe-old.html", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/saiyo/koe-new.html", http.StatusMovedPermanently)
	})
	ts.html("/saiyo/koe-new.html", page("職員の声"))
	ts.handle("/saiyo/loop-koe-a.html", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/saiyo/loop-koe-b.html", http.StatusFound)
	})
	ts.handle("/saiyo/loop-koe-b.html", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/saiyo/loop-koe-a.html", http.StatusFound)
	})
	ts.handle("/saiyo/self-koe.html", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/saiyo/self-koe.html#x", http.StatusFound)
	})
	dir := t.TempDir()
	crawlInto(t, dir, testOptions(nil), testSiteConfig(ts, ts.url("/saiyo/")))
	for _, p := range []string{"/saiyo/koe-old.html", "/saiyo/koe-new.html", "/saiyo/loop-koe-a.html", "/saiyo/loop-koe-b.html", "/saiyo/self-koe.html"} {
		if n := ts.hitsOf(p); n != 1 {
			t.Errorf("%s fetched %d times, want once", p, n)
		}
	}
	want := []string{
		ts.url("/saiyo/koe-new.html") + " 200 new",
		ts.url("/saiyo/koe-old.html") + " 301 new",
		ts.url("/saiyo/loop-koe-a.html") + " 302 new",
		ts.url("/saiyo/loop-koe-b.html") + " 302 new",
		ts.url("/saiyo/self-koe.html") + " 302 new",
	}
	if got := captures(t, dir); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("captures:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestRetryAfterIsWaitedFor(t *testing.T) {
	ts := newTestSite(t)
	var mu sync.Mutex
	n := 0
	ts.handle("/saiyo/koe.html", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		first := n == 1
		mu.Unlock()
		if first {
			w.Header().Set("Retry-After", "7")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page("職員の声")))
	})
	w := &waits{}
	dir := t.TempDir()
	sum := crawlInto(t, dir, testOptions(w), testSiteConfig(ts, ts.url("/saiyo/koe.html")))
	if got := w.all(); len(got) != 1 || got[0] < 7*time.Second {
		t.Errorf("waits %v, want one of at least the 7s Retry-After", got)
	}
	if ts.hitsOf("/saiyo/koe.html") != 2 || sum.Total.NewVersions != 1 || sum.Total.Retries != 1 || sum.Total.Errors != 0 {
		t.Errorf("hits %d, stats %+v", ts.hitsOf("/saiyo/koe.html"), sum.Total)
	}
	if got := captures(t, dir); len(got) != 1 || !strings.HasSuffix(got[0], " 200 new") {
		t.Errorf("captures %q: only the final answer is recorded", got)
	}
}

func TestTransientFailuresAreRetriedWithBackoff(t *testing.T) {
	ts := newTestSite(t)
	var mu sync.Mutex
	n := 0
	ts.handle("/saiyo/koe.html", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		k := n
		mu.Unlock()
		if k <= 2 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page("職員の声")))
	})
	ts.handle("/saiyo/gone-koe.html", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "gone", http.StatusNotFound)
	})
	ts.handle("/saiyo/down-koe.html", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusBadGateway)
	})
	w := &waits{}
	opts := testOptions(w)
	opts.RetryBackoff = 100 * time.Millisecond
	dir := t.TempDir()
	sum := crawlInto(t, dir, opts, testSiteConfig(ts, ts.url("/saiyo/koe.html"), ts.url("/saiyo/gone-koe.html"), ts.url("/saiyo/down-koe.html")))

	if ts.hitsOf("/saiyo/koe.html") != 3 {
		t.Errorf("503, 503, 200: %d attempts, want 3", ts.hitsOf("/saiyo/koe.html"))
	}
	if ts.hitsOf("/saiyo/gone-koe.html") != 1 {
		t.Errorf("a 404 is not retried: %d attempts", ts.hitsOf("/saiyo/gone-koe.html"))
	}
	if ts.hitsOf("/saiyo/down-koe.html") != 3 {
		t.Errorf("a lasting 502 gets 1+2 attempts, got %d", ts.hitsOf("/saiyo/down-koe.html"))
	}
	// Backoff doubles: first waits in [100ms, 150ms], second in [200ms, 300ms].
	var first, second int
	for _, d := range w.all() {
		switch {
		case d >= 100*time.Millisecond && d <= 150*time.Millisecond:
			first++
		case d >= 200*time.Millisecond && d <= 300*time.Millisecond:
			second++
		default:
			t.Errorf("wait %v outside the backoff schedule", d)
		}
	}
	if first != 2 || second != 2 {
		t.Errorf("waits %v", w.all())
	}
	if sum.Total.Errors != 2 || sum.Total.NewVersions != 1 || sum.Total.Statuses != [6]int{2: 1, 4: 1, 5: 1} {
		t.Errorf("stats %+v", sum.Total)
	}
	want := []string{
		ts.url("/saiyo/down-koe.html") + " 502 new",
		ts.url("/saiyo/gone-koe.html") + " 404 new",
		ts.url("/saiyo/koe.html") + " 200 new",
	}
	if got := captures(t, dir); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("captures:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestServerThatNeverAnswersTimesOut(t *testing.T) {
	ts := newTestSite(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	ts.handle("/saiyo/hang-koe.html", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	ts.html("/saiyo/", page("職員採用", "/saiyo/hang-koe.html", "/saiyo/koe-1.html", "/saiyo/koe-2.html"))
	ts.html("/saiyo/koe-1.html", page("職員の声1"))
	ts.html("/saiyo/koe-2.html", page("職員の声2"))
	site := testSiteConfig(ts, ts.url("/saiyo/"))
	site.Limits.Timeout = 300 * time.Millisecond
	site.Limits.Retries = 1
	dir := t.TempDir()
	sum := crawlInto(t, dir, testOptions(&waits{}), site)
	if ts.hitsOf("/saiyo/hang-koe.html") != 2 {
		t.Errorf("a timeout is retried once: %d attempts", ts.hitsOf("/saiyo/hang-koe.html"))
	}
	if sum.Total.NewVersions != 2 || sum.Total.Errors != 1 {
		t.Errorf("the rest of the crawl goes on: %+v", sum.Total)
	}
	if len(sum.Sites[0].Failures) != 1 || !strings.Contains(sum.Sites[0].Failures[0].Err, "deadline") {
		t.Errorf("failures %+v", sum.Sites[0].Failures)
	}
	got := captures(t, dir)
	if len(got) != 3 || got[0] != ts.url("/saiyo/hang-koe.html")+" 0 error" {
		t.Errorf("captures %q", got)
	}
	verifyClean(t, dir)
}

// conditional serves body with the validators of a server kind: nginx
// sends and honours both ETag and Last-Modified; Python's http.server
// sends only Last-Modified, and answers 304 only to If-Modified-Since
// when If-None-Match is absent.
func conditional(kind string, body []byte, modified time.Time) http.HandlerFunc {
	etag := fmt.Sprintf(`"%x-%x"`, modified.Unix(), len(body))
	lastMod := modified.UTC().Format(http.TimeFormat)
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Last-Modified", lastMod)
		notModified := false
		switch kind {
		case "nginx":
			w.Header().Set("ETag", etag)
			if inm := r.Header.Get("If-None-Match"); inm != "" {
				notModified = inm == etag
			} else {
				notModified = r.Header.Get("If-Modified-Since") == lastMod
			}
		case "python":
			notModified = r.Header.Get("If-None-Match") == "" && r.Header.Get("If-Modified-Since") == lastMod
		}
		if notModified {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write(body)
	}
}

func TestSecondCrawlIsConditional(t *testing.T) {
	for _, kind := range []string{"nginx", "python"} {
		t.Run(kind, func(t *testing.T) {
			ts := newTestSite(t)
			modified := time.Date(2021, 2, 2, 9, 0, 0, 0, time.UTC)
			ts.html("/saiyo/", page("職員採用", "/saiyo/koe.html"))
			ts.handle("/saiyo/koe.html", conditional(kind, []byte(page("職員の声")), modified))
			dir := t.TempDir()
			site := testSiteConfig(ts, ts.url("/saiyo/"))
			crawlInto(t, dir, testOptions(nil), site)
			size1 := dirSize(t, filepath.Join(dir, "warc"))
			sum := crawlInto(t, dir, testOptions(nil), site)

			sent := ts.headersOf("/saiyo/koe.html")
			if len(sent) != 2 {
				t.Fatalf("%d fetches", len(sent))
			}
			if sent[0].Get("If-Modified-Since") != "" || sent[0].Get("If-None-Match") != "" {
				t.Errorf("first fetch was conditional: %v", sent[0])
			}
			if got := sent[1].Get("If-Modified-Since"); got != modified.Format(http.TimeFormat) {
				t.Errorf("If-Modified-Since %q", got)
			}
			if kind == "nginx" && sent[1].Get("If-None-Match") == "" {
				t.Errorf("no If-None-Match for a server that sent an ETag")
			}
			if sum.Total.NotModified != 1 || sum.Total.NewVersions != 0 {
				t.Errorf("stats %+v", sum.Total)
			}
			want := []string{ts.url("/saiyo/koe.html") + " 200 new", ts.url("/saiyo/koe.html") + " 304 not_modified"}
			if got := captures(t, dir); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("captures %q", got)
			}
			// No second payload: the WARC grows by a revisit record only.
			if grown := dirSize(t, filepath.Join(dir, "warc")) - size1; grown > 1500 {
				t.Errorf("the 304 added %d bytes of WARC", grown)
			}
			verifyClean(t, dir)
		})
	}
}

func dirSize(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	err := filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestShiftJISPagesAreArchivedRaw(t *testing.T) {
	cases := []struct{ file, contentType string }{
		{"sjis-header-only.html", "text/html; charset=Shift_JIS"}, // charset in the header only
		{"dl-sjis-meta.html", "text/html"},                        // in the meta only
	}
	ts := newTestSite(t)
	var seeds []string
	for _, c := range cases {
		body, err := os.ReadFile(filepath.Join("..", "testdata", "pages", c.file))
		if err != nil {
			t.Fatal(err)
		}
		ts.serve("/saiyo/koe/"+c.file, c.contentType, body)
		seeds = append(seeds, ts.url("/saiyo/koe/"+c.file))
	}
	dir := t.TempDir()
	crawlInto(t, dir, testOptions(nil), testSiteConfig(ts, seeds...))

	store, err := archive.OpenReadOnly(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for i, c := range cases {
		raw, _ := os.ReadFile(filepath.Join("..", "testdata", "pages", c.file))
		want, err := extract.Extract(raw, seeds[i], c.contentType)
		if err != nil {
			t.Fatal(err)
		}
		got, err := store.Document(context.Background(), seeds[i], 1)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != want.Title || got.QACount() != want.QACount() || got.ContentHash != want.ContentHash || want.QACount() == 0 {
			t.Errorf("%s: archived %q with %d questions, want %q with %d", c.file, got.Title, got.QACount(), want.Title, want.QACount())
		}
		body, ct, err := store.LastBody(context.Background(), seeds[i])
		if err != nil {
			t.Fatal(err)
		}
		if string(body) != string(raw) || ct != c.contentType {
			t.Errorf("%s: the archived payload is not the raw bytes (%d vs %d bytes, %q)", c.file, len(body), len(raw), ct)
		}
	}
}

func TestBodyOverTheLimitIsFlagged(t *testing.T) {
	ts := newTestSite(t)
	big := page("職員の声", strings.Repeat("x", 10)) + strings.Repeat("<p>長い本文です。</p>\n", 2000)
	ts.html("/saiyo/koe.html", big)
	site := testSiteConfig(ts, ts.url("/saiyo/koe.html"))
	site.Limits.MaxBody = 4096
	dir := t.TempDir()
	sum := crawlInto(t, dir, testOptions(nil), site)
	if sum.Total.Truncated != 1 || sum.Total.NewVersions != 0 {
		t.Errorf("stats %+v", sum.Total)
	}
	want := []string{ts.url("/saiyo/koe.html") + " 200 new truncated"}
	if got := captures(t, dir); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("captures %q, want %q", got, want)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "catalog.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var digest string
	if err := db.QueryRow(`SELECT payload_digest FROM captures`).Scan(&digest); err != nil {
		t.Fatal(err)
	}
	if want := archive.PayloadDigest([]byte(big[:4096])); digest != want {
		t.Errorf("stored payload %s, want the first 4096 bytes (%s)", digest, want)
	}
	verifyClean(t, dir)
}

func TestMenuLinksAreFilteredBeforeFetching(t *testing.T) {
	ts := newTestSite(t)
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><head><meta charset=utf-8><title>職員採用</title></head><body><nav><ul>")
	for i := range 10000 {
		fmt.Fprintf(&b, "<li><a href=\"/menu/%d.html\">メニュー%d</a></li>", i, i)
	}
	b.WriteString("</ul></nav><div id=main><h1>職員採用</h1>")
	for i := range 3 {
		fmt.Fprintf(&b, "<p><a href=\"/saiyo/koe-%d.html\">職員の声%d</a></p>", i, i)
		ts.html(fmt.Sprintf("/saiyo/koe-%d.html", i), page(fmt.Sprintf("職員の声%d", i)))
	}
	b.WriteString("</div></body></html>")
	ts.html("/saiyo/", b.String())
	sum := crawlInto(t, t.TempDir(), testOptions(nil), testSiteConfig(ts, ts.url("/saiyo/")))
	if sum.Total.Fetched != 4 || sum.Total.NewVersions != 3 {
		t.Errorf("stats %+v, want the index and 3 pages", sum.Total)
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for p := range ts.hits {
		if strings.HasPrefix(p, "/menu/") {
			t.Fatalf("menu link %s fetched", p)
		}
	}
}

func TestMaxPagesAndMaxDepthStopCrawlTraps(t *testing.T) {
	ts := newTestSite(t)
	// An endless calendar: every page links to the next.
	ts.handle("/saiyo/cal/", func(w http.ResponseWriter, r *http.Request) {
		n := 0
		fmt.Sscanf(r.URL.Query().Get("m"), "%d", &n)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page("カレンダー", fmt.Sprintf("/saiyo/cal/?m=%d", n+1), fmt.Sprintf("/saiyo/cal/?m=%d", n+2)))
	})
	site := testSiteConfig(ts, ts.url("/saiyo/cal/?m=0"))
	site.Limits.MaxDepth = 1000
	site.Limits.MaxPages = 7
	sum := crawlInto(t, t.TempDir(), testOptions(nil), site)
	if got := ts.hitsOf("/saiyo/cal/"); got != 7 || sum.Total.Fetched != 7 {
		t.Errorf("max_pages 7: %d fetches", got)
	}

	ts2 := newTestSite(t)
	ts2.handle("/saiyo/cal/", ts.routes["/saiyo/cal/"])
	site = testSiteConfig(ts2, ts2.url("/saiyo/cal/?m=0"))
	site.Limits.MaxDepth = 2
	crawlInto(t, t.TempDir(), testOptions(nil), site)
	// Depth 0: m=0; depth 1: m=1, m=2; depth 2: m=3, m=4. When m=2 is
	// first reached through m=1 (depth 2), it is fetched again at depth
	// 1 for its links.
	var months []string
	ts2.mu.Lock()
	for _, q := range ts2.queries {
		if q != "" { // robots.txt
			months = append(months, q)
		}
	}
	ts2.mu.Unlock()
	slices.Sort(months)
	months = slices.Compact(months)
	if got := strings.Join(months, " "); got != "m=0 m=1 m=2 m=3 m=4" {
		t.Errorf("max_depth 2 fetched %s, want m=0 to m=4", got)
	}
	if n := ts2.hitsOf("/saiyo/cal/"); n > 6 {
		t.Errorf("max_depth 2: %d fetches", n)
	}
}

func TestNonHTMLIsArchivedRawNotExtracted(t *testing.T) {
	ts := newTestSite(t)
	pdf := []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
	ts.serve("/saiyo/koe.pdf", "application/pdf", pdf)
	ts.html("/saiyo/", page("職員採用", "職員の声パンフレット|/saiyo/koe.pdf"))
	dir := t.TempDir()
	sum := crawlInto(t, dir, testOptions(nil), testSiteConfig(ts, ts.url("/saiyo/")))
	if sum.Total.Archived != 1 || sum.Total.NewVersions != 0 || sum.Total.Errors != 0 {
		t.Errorf("stats %+v", sum.Total)
	}
	store, err := archive.OpenReadOnly(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	body, ct, err := store.LastBody(context.Background(), ts.url("/saiyo/koe.pdf"))
	if err != nil || string(body) != string(pdf) || ct != "application/pdf" {
		t.Errorf("stored %q %q %v", body, ct, err)
	}
}

func TestSitesAreCrawledInParallel(t *testing.T) {
	// Each site's only page waits until the other site's page has been
	// asked for: a crawl that runs sites one after the other deadlocks
	// until the timeout, and fails.
	a, b := newTestSite(t), newTestSite(t)
	arrivedA, arrivedB := make(chan struct{}), make(chan struct{})
	handler := func(mine, theirs chan struct{}) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			close(mine)
			select {
			case <-theirs:
			case <-r.Context().Done():
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(page("職員の声")))
		}
	}
	a.handle("/saiyo/koe.html", handler(arrivedA, arrivedB))
	b.handle("/saiyo/koe.html", handler(arrivedB, arrivedA))
	sa, sb := testSiteConfig(a, a.url("/saiyo/koe.html")), testSiteConfig(b, b.url("/saiyo/koe.html"))
	sb.Name = "other"
	sb.AllowedDomains = []string{"localhost"}
	sb.Seeds = []string{strings.Replace(sb.Seeds[0], "127.0.0.1", "localhost", 1)}
	sa.Limits.Retries, sb.Limits.Retries = 0, 0
	sum := crawlInto(t, t.TempDir(), testOptions(nil), sa, sb)
	if sum.Total.NewVersions != 2 {
		t.Errorf("stats %+v", sum.Total)
	}
}

func TestCancelStopsFetchingAndLeavesAVerifiedArchive(t *testing.T) {
	ts := newTestSite(t)
	links := make([]string, 40)
	for i := range links {
		links[i] = fmt.Sprintf("/saiyo/koe-%d.html", i)
		ts.html(links[i], page(fmt.Sprintf("職員の声%d", i)))
	}
	ts.html("/saiyo/", page("職員採用", links...))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts := testOptions(nil)
	var once sync.Once
	opts.Progress = func(p Progress) {
		if p.Done >= 5 {
			once.Do(cancel)
		}
	}
	site := testSiteConfig(ts, ts.url("/saiyo/"))
	site.Limits.Parallelism = 1
	site.Limits.Delay = 20 * time.Millisecond
	dir := t.TempDir()
	store, err := archive.Open(ctx, dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	sum, err := Crawl(ctx, store, []Site{site}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	if !sum.Interrupted || sum.Total.Fetched >= 41 {
		t.Errorf("interrupted %v after %d fetches", sum.Interrupted, sum.Total.Fetched)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("stopping took %v", time.Since(start))
	}
	if got := captures(t, dir); len(got) != sum.Total.Archived {
		t.Errorf("%d captures, %d archived", len(got), sum.Total.Archived)
	}
	verifyClean(t, dir)
}

func TestNotModifiedHubStillLeadsToItsLinks(t *testing.T) {
	// The hub is archived (its URL matches pages) and followed (it is
	// under /saiyo/). On the second crawl it answers 304: its links come
	// from the payload the archive holds.
	ts := newTestSite(t)
	modified := time.Date(2021, 2, 2, 9, 0, 0, 0, time.UTC)
	ts.handle("/saiyo/koe/", conditional("nginx", []byte(page("職員の声一覧", "/saiyo/koe/a.html")), modified))
	ts.handle("/saiyo/koe/a.html", conditional("nginx", []byte(page("職員の声A")), modified))
	dir := t.TempDir()
	site := testSiteConfig(ts, ts.url("/saiyo/koe/"))
	crawlInto(t, dir, testOptions(nil), site)
	sum := crawlInto(t, dir, testOptions(nil), site)
	if ts.hitsOf("/saiyo/koe/a.html") != 2 || sum.Total.NotModified != 2 {
		t.Errorf("second crawl: %d fetches of the linked page, stats %+v", ts.hitsOf("/saiyo/koe/a.html"), sum.Total)
	}
}

func TestStopDoesNotWaitOutTheDelays(t *testing.T) {
	ts := newTestSite(t)
	links := make([]string, 40)
	for i := range links {
		links[i] = fmt.Sprintf("/saiyo/koe-%d.html", i)
		ts.html(links[i], page(fmt.Sprintf("職員の声%d", i)))
	}
	ts.html("/saiyo/", page("職員採用", links...))
	site := testSiteConfig(ts, ts.url("/saiyo/"))
	site.Limits.Parallelism = 1
	site.Limits.Delay = 300 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	opts := testOptions(nil)
	var once sync.Once
	var stopped time.Time // written before cancel, read after Crawl
	opts.Progress = func(p Progress) {
		if p.Done >= 2 {
			once.Do(func() { stopped = time.Now(); cancel() })
		}
	}
	store, err := archive.Open(ctx, t.TempDir(), archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	sum, err := Crawl(ctx, store, []Site{site}, opts)
	if err != nil || !sum.Interrupted {
		t.Fatalf("%v, interrupted %v", err, sum.Interrupted)
	}
	// 38 queued URLs: Colly's delay would hold the stop for 38 × 300ms.
	if d := time.Since(stopped); d > 2*time.Second {
		t.Errorf("stopping took %v", d)
	}
}

func TestRobotsTxtIsFetchedOncePerHostAndFollowsRedirects(t *testing.T) {
	ts := newTestSite(t)
	ts.handle("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/cms/robots.txt", http.StatusMovedPermanently)
	})
	ts.serve("/cms/robots.txt", "text/plain", []byte("User-agent: *\nDisallow: /saiyo/private/\n"))
	for _, p := range []string{"/saiyo/koe-1.html", "/saiyo/koe-2.html", "/saiyo/private/koe.html"} {
		ts.html(p, page("職員の声"))
	}
	sum := crawlInto(t, t.TempDir(), testOptions(nil), testSiteConfig(ts, ts.url("/saiyo/koe-1.html"), ts.url("/saiyo/koe-2.html"), ts.url("/saiyo/private/koe.html")))
	if ts.hitsOf("/robots.txt") != 1 || ts.hitsOf("/cms/robots.txt") != 1 {
		t.Errorf("robots.txt fetched %d times, its redirect target %d", ts.hitsOf("/robots.txt"), ts.hitsOf("/cms/robots.txt"))
	}
	if sum.Total.NewVersions != 2 || sum.Total.RobotsBlocked != 1 || ts.hitsOf("/saiyo/private/koe.html") != 0 {
		t.Errorf("stats %+v", sum.Total)
	}
}

func TestUnreachableRobotsTxtForbidsTheHostOnce(t *testing.T) {
	ts := newTestSite(t)
	ts.handle("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	})
	ts.html("/saiyo/koe-1.html", page("職員の声"))
	ts.html("/saiyo/koe-2.html", page("職員の声"))
	site := testSiteConfig(ts, ts.url("/saiyo/koe-1.html"), ts.url("/saiyo/koe-2.html"))
	site.Limits.Retries = 1
	sum := crawlInto(t, t.TempDir(), testOptions(&waits{}), site)
	// A 5xx robots.txt means "disallow all" (RFC 9309), once per run.
	if ts.hitsOf("/robots.txt") != 2 || ts.hitsOf("/saiyo/koe-1.html") != 0 || sum.Total.RobotsBlocked != 2 {
		t.Errorf("robots.txt hits %d, page hits %d, stats %+v", ts.hitsOf("/robots.txt"), ts.hitsOf("/saiyo/koe-1.html"), sum.Total)
	}
}

func TestStopDuringAHangingRobotsTxt(t *testing.T) {
	ts := newTestSite(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	asked := make(chan struct{}, 10)
	ts.handle("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		asked <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-asked; cancel() }()
	store, err := archive.Open(ctx, t.TempDir(), archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	start := time.Now()
	sum, err := Crawl(ctx, store, []Site{testSiteConfig(ts, ts.url("/saiyo/koe.html"))}, testOptions(nil))
	if err != nil || !sum.Interrupted || sum.Total.Errors != 0 {
		t.Errorf("%v: %+v", err, sum)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v to stop while robots.txt hung (timeout 2s, 2 retries)", d)
	}
}

func TestLinkTextMakesAPageWhateverTheLinkOrder(t *testing.T) {
	ts := newTestSite(t)
	// The menu's link comes first and says nothing; the body's link says
	// 職員の声.
	ts.html("/saiyo/", page("職員採用", "先輩紹介|/saiyo/senpai.html", "職員の声|/saiyo/senpai.html"))
	ts.html("/saiyo/senpai.html", page("先輩紹介"))
	dir := t.TempDir()
	crawlInto(t, dir, testOptions(nil), testSiteConfig(ts, ts.url("/saiyo/")))
	if got := captures(t, dir); len(got) != 1 || got[0] != ts.url("/saiyo/senpai.html")+" 200 new" {
		t.Errorf("captures %q", got)
	}
}

func TestRedirectOutOfScopeIsNotFollowed(t *testing.T) {
	ts := newTestSite(t)
	ts.handle("/saiyo/koe-old.html", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/", http.StatusFound) // a removed page sent home
	})
	ts.html("/", page("トップページ"))
	dir := t.TempDir()
	crawlInto(t, dir, testOptions(nil), testSiteConfig(ts, ts.url("/saiyo/koe-old.html")))
	if ts.hitsOf("/") != 0 {
		t.Errorf("the home page was fetched")
	}
	if got := captures(t, dir); len(got) != 1 || !strings.HasSuffix(got[0], " 302 new") {
		t.Errorf("captures %q", got)
	}
}

func TestSitesOnOneHostShareItsDelay(t *testing.T) {
	ts := newTestSite(t)
	var mu sync.Mutex
	var starts []time.Time
	for i := range 6 {
		ts.handle(fmt.Sprintf("/saiyo/koe-%d.html", i), func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			starts = append(starts, time.Now())
			mu.Unlock()
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(page("職員の声")))
		})
	}
	var sites []Site
	for i := range 3 {
		s := testSiteConfig(ts, ts.url(fmt.Sprintf("/saiyo/koe-%d.html", 2*i)), ts.url(fmt.Sprintf("/saiyo/koe-%d.html", 2*i+1)))
		s.Name = fmt.Sprintf("town%d", i)
		s.Limits.Delay = 50 * time.Millisecond
		s.Limits.Parallelism = 1
		sites = append(sites, s)
	}
	opts := testOptions(nil)
	opts.IgnoreRobots = true
	crawlInto(t, t.TempDir(), opts, sites...)
	slices.SortFunc(starts, func(a, b time.Time) int { return a.Compare(b) })
	if len(starts) != 6 {
		t.Fatalf("%d requests", len(starts))
	}
	// Five gaps of at least 50ms each, give or take the arrival jitter
	// of the first and last request.
	if span := starts[5].Sub(starts[0]); span < 225*time.Millisecond {
		t.Errorf("6 requests to one host within %v, want 5 delays of 50ms between them", span)
	}
}

func TestBodyThatBreaksOffIsRetried(t *testing.T) {
	ts := newTestSite(t)
	var mu sync.Mutex
	n := 0
	ts.handle("/saiyo/koe.html", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		first := n == 1
		mu.Unlock()
		body := page("職員の声")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		if first {
			w.Write([]byte(body[:100]))
			w.(http.Flusher).Flush()
			<-r.Context().Done() // stall until the client gives up
			return
		}
		w.Write([]byte(body))
	})
	site := testSiteConfig(ts, ts.url("/saiyo/koe.html"))
	site.Limits.Timeout = 200 * time.Millisecond
	sum := crawlInto(t, t.TempDir(), testOptions(&waits{}), site)
	if sum.Total.NewVersions != 1 || sum.Total.Retries != 1 || sum.Total.Errors != 0 {
		t.Errorf("stats %+v", sum.Total)
	}
}

func TestTransient(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{context.DeadlineExceeded, true},
		{&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, true},
		{io.ErrUnexpectedEOF, true},
		{&net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "a.example", IsNotFound: true}}, false},
		{&tls.CertificateVerificationError{Err: errors.New("x509: expired")}, false},
		{errors.New("malformed HTTP response"), false},
	}
	for _, tt := range tests {
		if got := transient(tt.err); got != tt.want {
			t.Errorf("transient(%v) = %v", tt.err, got)
		}
	}
}

func TestInternationalisedHostNames(t *testing.T) {
	opts := testOptions(nil)
	opts.Logger = slog.New(slog.DiscardHandler)
	s, err := newSiteCrawl(Site{Name: "idn", Seeds: []string{"https://テスト市.jp/saiyo/"}, Limits: testLimits()}, nil, newHostGate(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://xn--zckzah6247b.jp/saiyo/"; s.site.Seeds[0] != want || !s.allowed["xn--zckzah6247b.jp"] {
		t.Errorf("seed %q, allowed %v", s.site.Seeds[0], s.allowed)
	}
	u, _ := url.Parse("https://テスト市.jp:8443/saiyo/koe.html")
	toASCII(u)
	if u.String() != "https://xn--zckzah6247b.jp:8443/saiyo/koe.html" {
		t.Errorf("toASCII: %s", u)
	}
}

func TestNotModifiedHubWithoutUsableStoredLinks(t *testing.T) {
	for _, tc := range []string{"links not recorded", "scope widened"} {
		t.Run(tc, func(t *testing.T) {
			ts := newTestSite(t)
			modified := time.Date(2021, 2, 2, 9, 0, 0, 0, time.UTC)
			ts.handle("/saiyo/koe/", conditional("nginx", []byte(page("職員の声一覧", "/saiyo/koe/a.html", "インタビュー|/saiyo/b.html")), modified))
			ts.handle("/saiyo/koe/a.html", conditional("nginx", []byte(page("職員の声A")), modified))
			ts.html("/saiyo/b.html", page("インタビュー"))
			dir := t.TempDir()
			site := testSiteConfig(ts, ts.url("/saiyo/koe/"))
			site.Follow = nil
			crawlInto(t, dir, testOptions(nil), site)
			switch tc {
			case "links not recorded": // as in an archive made before links were kept
				db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "catalog.db"))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := db.Exec(`UPDATE captures SET links = ''`); err != nil {
					t.Fatal(err)
				}
				db.Close()
			case "scope widened":
				site.Pages = append(site.Pages, regexp.MustCompile(`インタビュー`))
			}
			sum := crawlInto(t, dir, testOptions(nil), site)
			if ts.hitsOf("/saiyo/koe/a.html") != 2 || sum.Total.NotModified != 2 {
				t.Errorf("the hub's link was not followed through its 304: %d fetches, %+v", ts.hitsOf("/saiyo/koe/a.html"), sum.Total)
			}
			if want := map[string]int{"links not recorded": 0, "scope widened": 1}[tc]; ts.hitsOf("/saiyo/b.html") != want {
				t.Errorf("the page the wider scope adds: %d fetches, want %d", ts.hitsOf("/saiyo/b.html"), want)
			}
		})
	}
}

// TestScopeMemo: the remembered verdicts on menu links give what judging
// every link afresh gives, on pages at different paths, ports, schemes
// and hosts, for relative, absolute-path, scheme-relative and absolute
// links, link texts that make a page, and past the memo's size.
func TestScopeMemo(t *testing.T) {
	opts := testOptions(nil)
	opts.Logger = slog.New(slog.DiscardHandler)
	site := Site{Name: "memo", Seeds: []string{"https://www.city.example.lg.jp/saiyo/"},
		AllowedDomains: []string{"www.city.example.lg.jp", "city.example.lg.jp"},
		Follow:         []*regexp.Regexp{regexp.MustCompile(`/saiyo/`)},
		Pages:          []*regexp.Regexp{regexp.MustCompile(`koe`), regexp.MustCompile(`職員の声`)},
		Limits:         testLimits()}
	s, err := newSiteCrawl(site, nil, newHostGate(), opts)
	if err != nil {
		t.Fatal(err)
	}
	links := []extract.Link{
		{Href: "koe.html"}, {Href: "../saiyo/list.html"}, {Href: "?page=2"}, {Href: "/saiyo/koe/1.html"},
		{Href: "/kurashi/"}, {Href: "/kurashi/", Text: "職員の声"}, {Href: "//city.example.lg.jp/saiyo/"},
		{Href: "https://www.city.example.lg.jp/saiyo/koe/2.html#q1"}, {Href: "https://other.example.jp/saiyo/"},
		{Href: "mailto:jinji@example.jp"}, {Href: "javascript:void(0)"}, {Href: "#top"}, {Href: "/saiyo/%zz"},
	}
	var many []extract.Link
	for i := range memoSize + 10 { // more menu links than the memo holds
		many = append(many, extract.Link{Href: fmt.Sprintf("/saiyo/menu/%d.html", i)})
	}
	check := func(page string, links []extract.Link) {
		t.Helper()
		base, _ := url.Parse(page)
		var want []extract.Link
		for _, l := range links {
			if l.Href == "" || l.Href[0] == '#' {
				continue
			}
			if v := s.judge(base, l); v.keep {
				want = append(want, extract.Link{Href: v.abs, Text: l.Text})
			}
		}
		if got := s.scope(base, links); !slices.Equal(got, want) {
			t.Errorf("%s: in scope\n%v\nwant\n%v", page, got[:min(len(got), 8)], want[:min(len(want), 8)])
		}
	}
	pages := []string{"https://www.city.example.lg.jp/saiyo/a/index.html", "https://www.city.example.lg.jp/saiyo/b/c/d.html",
		"http://www.city.example.lg.jp/saiyo/", "https://city.example.lg.jp:8443/saiyo/x.html", "https://www.city.example.lg.jp/saiyo/a/index.html"}
	for _, page := range pages {
		check(page, links)
	}
	for _, page := range pages {
		check(page, many)
		check(page, links)
	}
}

// TestScopeMemoHoldsNoPage: the memo keeps copies of a link's strings, not
// the strings themselves, which may share memory with the whole page (an
// extraction's text buffer): otherwise it held a page per entry, 600 MB
// in the crawl benchmark.
func TestScopeMemoHoldsNoPage(t *testing.T) {
	page := strings.Repeat("x", 1<<16) + "/saiyo/koe/1.html職員の声"
	l := extract.Link{Href: page[1<<16 : 1<<16+17], Text: page[1<<16+17:]}
	base, _ := url.Parse("https://www.city.example.lg.jp/saiyo/")
	key, ok := keyOf(base, l)
	if !ok {
		t.Fatal("an absolute-path link is not remembered")
	}
	var m scopeMemo
	m.put(key, verdict{})
	for k := range m.m {
		if unsafe.StringData(k.href) == unsafe.StringData(l.Href) || unsafe.StringData(k.text) == unsafe.StringData(l.Text) {
			t.Error("the memo holds the page's own strings")
		}
	}
}
