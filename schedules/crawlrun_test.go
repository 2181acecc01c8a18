package schedules

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/staffvoice/staffvoice/archive"
	"github.com/staffvoice/staffvoice/config"
)

// staffSite serves an index linking two staff-voice pages; version
// selects the answers, so that a later run sees a change.
type staffSite struct{ version atomic.Int32 }

func (s *staffSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	switch r.URL.Path {
	case "/saiyo/":
		fmt.Fprint(w, `<html><body><h1>採用情報</h1><ul>
<li><a href="/saiyo/koe1.html">職員の声（事務）</a></li>
<li><a href="/saiyo/koe2.html">職員の声（土木）</a></li>
</ul></body></html>`)
	case "/saiyo/koe1.html", "/saiyo/koe2.html":
		fmt.Fprintf(w, `<html><head><title>職員の声</title></head><body><h1>職員の声</h1>
<h2>Q. 仕事のやりがいは？</h2><p>A. 区民の方から感謝されること（%d）。</p>
<h2>Q. 休日の過ごし方は？</h2><p>A. 公園を散歩しています。</p>
</body></html>`, s.version.Load())
	default:
		http.NotFound(w, r)
	}
}

func crawlConfig(t *testing.T, srvURL string, lockWait time.Duration) *config.Config {
	t.Helper()
	doc := fmt.Sprintf(`
archive = %q
lock_wait = %q
[defaults]
delay = "0s"
[[sites]]
name = "test"
seeds = [%q]
pages = ['職員の声']
schedule = "@daily"
`, filepath.Join(t.TempDir(), "archive"), lockWait, srvURL+"/saiyo/")
	cfg, err := config.Parse("staffvoice.toml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestCrawlRunner(t *testing.T) {
	site := &staffSite{}
	site.version.Store(1)
	srv := httptest.NewServer(site)
	defer srv.Close()
	cfg := crawlConfig(t, srv.URL, time.Minute)
	var notified []string
	r := &CrawlRunner{Config: cfg, Notifier: NotifierFunc(func(ctx context.Context, site string, since time.Time) int {
		notified = append(notified, site)
		return 1 // one delivery failed
	})}

	res, err := r.Run(t.Context(), "test")
	if err != nil {
		t.Fatal(err)
	}
	if got := result(res, err); got != ResultOK {
		t.Errorf("first run: result %s, want ok", got)
	}
	if res.Stats.Archived != 2 || res.Stats.NewVersions != 2 {
		t.Errorf("first run: archived %d, new versions %d; want 2 and 2", res.Stats.Archived, res.Stats.NewVersions)
	}
	if res.Statuses["2xx"] != res.Stats.Fetched || res.Stats.Fetched < 3 {
		t.Errorf("first run: statuses %v of %d fetches, want every fetch 2xx, index and two pages at least", res.Statuses, res.Stats.Fetched)
	}
	if res.Changes != 0 || len(notified) != 0 {
		t.Errorf("first run: %d changes, notified %v; want none: new pages are not changes", res.Changes, notified)
	}

	site.version.Store(2)
	res, err = r.Run(t.Context(), "test")
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.NewVersions != 2 || res.Changes != 2 {
		t.Errorf("second run: new versions %d, changes %d; want 2 and 2 (one answer per page)", res.Stats.NewVersions, res.Changes)
	}
	if len(notified) != 1 || notified[0] != "test" || res.NotifyFailures != 1 {
		t.Errorf("second run: notified %v with %d failures, want [test] once with 1", notified, res.NotifyFailures)
	}

	store, err := archive.OpenReadOnly(t.Context(), cfg.Archive)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	changes, err := store.Changes(t.Context(), archive.ChangeFilter{Sites: []string{"test"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 2 {
		t.Errorf("archive holds %d changes, want 2", len(changes))
	}
}

func TestCrawlRunnerLockWait(t *testing.T) {
	srv := httptest.NewServer(&staffSite{})
	defer srv.Close()

	t.Run("skips when the lock is held past lock_wait", func(t *testing.T) {
		cfg := crawlConfig(t, srv.URL, 50*time.Millisecond)
		holder, err := archive.Open(t.Context(), cfg.Archive, archive.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer holder.Close()
		log := make(messages, 10)
		r := &CrawlRunner{Config: cfg, Logger: slog.New(log), LockPoll: 10 * time.Millisecond}
		res, err := r.Run(t.Context(), "test")
		if !errors.Is(err, archive.ErrLocked) {
			t.Fatalf("Run: %v, want archive.ErrLocked", err)
		}
		if got := result(res, err); got != ResultLocked {
			t.Errorf("result %s, want locked", got)
		}
		waitFor(t, log, "skipping this run: the archive is still locked")
	})

	t.Run("runs when the lock is released in time", func(t *testing.T) {
		cfg := crawlConfig(t, srv.URL, time.Minute)
		holder, err := archive.Open(t.Context(), cfg.Archive, archive.Options{})
		if err != nil {
			t.Fatal(err)
		}
		log := make(messages, 10)
		r := &CrawlRunner{Config: cfg, Logger: slog.New(log), LockPoll: 10 * time.Millisecond}
		type ran struct {
			res RunResult
			err error
		}
		done := make(chan ran)
		go func() {
			res, err := r.Run(t.Context(), "test")
			done <- ran{res, err}
		}()
		waitFor(t, log, "archive locked by another writer: waiting")
		if err := holder.Close(); err != nil {
			t.Fatal(err)
		}
		got := <-done
		if got.err != nil {
			t.Fatalf("Run: %v", got.err)
		}
		if got.res.Stats.Archived != 2 {
			t.Errorf("archived %d pages, want 2", got.res.Stats.Archived)
		}
	})

	t.Run("cancelled while waiting", func(t *testing.T) {
		cfg := crawlConfig(t, srv.URL, time.Hour)
		holder, err := archive.Open(t.Context(), cfg.Archive, archive.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer holder.Close()
		ctx, cancel := context.WithCancel(t.Context())
		log := make(messages, 10)
		r := &CrawlRunner{Config: cfg, Logger: slog.New(log), LockPoll: 10 * time.Millisecond}
		done := make(chan error)
		go func() {
			_, err := r.Run(ctx, "test")
			done <- err
		}()
		waitFor(t, log, "archive locked by another writer: waiting")
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run: %v, want context.Canceled", err)
		}
	})
}
