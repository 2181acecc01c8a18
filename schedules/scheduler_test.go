package schedules

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/goleak"

	"github.com/staffvoice/staffvoice/config"
	"github.com/staffvoice/staffvoice/crawler"
)

// runnerFunc adapts a function to Runner.
type runnerFunc func(ctx context.Context, site string) (RunResult, error)

func (f runnerFunc) Run(ctx context.Context, site string) (RunResult, error) { return f(ctx, site) }

// messages is a slog handler that sends each record's message to a
// channel, so that a test can wait for a log line instead of sleeping.
type messages chan string

func (m messages) Enabled(context.Context, slog.Level) bool { return true }
func (m messages) Handle(_ context.Context, r slog.Record) error {
	select {
	case m <- r.Message:
	default: // nobody is waiting for this one
	}
	return nil
}
func (m messages) WithAttrs([]slog.Attr) slog.Handler { return m }
func (m messages) WithGroup(string) slog.Handler      { return m }

// waitFor waits for the log message msg, failing after a generous time.
func waitFor(t *testing.T, m messages, msg string) {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case got := <-m:
			if got == msg {
				return
			}
		case <-timeout:
			t.Fatalf("no log message %q", msg)
		}
	}
}

// testConfig is a configuration of the given sites and schedules
// ("name", "spec", ...), in UTC.
func testConfig(t *testing.T, grace time.Duration, siteSpecs ...string) *config.Config {
	t.Helper()
	cfg := &config.Config{Location: time.UTC, Timezone: "UTC", Grace: grace}
	for i := 0; i < len(siteSpecs); i += 2 {
		s := config.Site{Schedule: siteSpecs[i+1]}
		s.Name = siteSpecs[i]
		cfg.Sites = append(cfg.Sites, s)
	}
	return cfg
}

func TestNoOverlap(t *testing.T) {
	defer goleak.VerifyNone(t)
	var running, maxRunning, runs atomic.Int32
	release := make(chan struct{})
	r := runnerFunc(func(ctx context.Context, site string) (RunResult, error) {
		n := running.Add(1)
		defer running.Add(-1)
		if n > maxRunning.Load() {
			maxRunning.Store(n)
		}
		if site == "slow" {
			runs.Add(1)
			<-release // slower than its interval
		}
		return RunResult{}, nil
	})
	log := make(messages, 100)
	s, err := New(testConfig(t, time.Minute, "slow", "@every 1s"), r, Options{Logger: slog.New(log)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()

	// Two ticks come and go while the first run blocks.
	waitFor(t, log, "run skipped: the previous run is still going")
	waitFor(t, log, "run skipped: the previous run is still going")
	close(release)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := maxRunning.Load(); got != 1 {
		t.Errorf("%d runs of one site at once, want 1", got)
	}
	if got := runs.Load(); got != 1 {
		t.Errorf("%d runs started, want 1 (the others skipped)", got)
	}
	if got := testutil.ToFloat64(s.opts.Metrics.runs.WithLabelValues("slow", ResultOverlap)); got < 2 {
		t.Errorf("runs_total{result=overlap} = %v, want at least 2", got)
	}
}

func TestOverlapIsPerSite(t *testing.T) {
	// A run of one site does not stop another site's run.
	started := make(chan string, 2)
	release := make(chan struct{})
	r := runnerFunc(func(ctx context.Context, site string) (RunResult, error) {
		started <- site
		<-release
		return RunResult{}, nil
	})
	s, err := New(testConfig(t, time.Minute, "a", "@daily", "b", "@daily"), r, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, j := range s.jobs {
		wg.Go(func() { s.runJob(t.Context(), t.Context(), j) })
	}
	got := map[string]bool{<-started: true, <-started: true}
	if !got["a"] || !got["b"] {
		t.Errorf("sites started: %v, want a and b", got)
	}
	s.runJob(t.Context(), t.Context(), s.jobs[0]) // a is still running: skipped at once
	close(release)
	wg.Wait()
	if n := testutil.ToFloat64(s.opts.Metrics.runs.WithLabelValues("a", ResultOverlap)); n != 1 {
		t.Errorf("site a: runs_total{result=overlap} = %v, want 1", n)
	}
	if n := testutil.ToFloat64(s.opts.Metrics.runs.WithLabelValues("b", ResultOverlap)); n != 0 {
		t.Errorf("site b: runs_total{result=overlap} = %v, want 0", n)
	}
}

func TestPanicRecovered(t *testing.T) {
	calls := 0
	r := runnerFunc(func(ctx context.Context, site string) (RunResult, error) {
		calls++
		if calls == 1 {
			panic("boom")
		}
		return RunResult{}, nil
	})
	var logged strings.Builder
	s, err := New(testConfig(t, time.Minute, "a", "@daily"), r, Options{Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	if err != nil {
		t.Fatal(err)
	}
	s.runJob(t.Context(), t.Context(), s.jobs[0])
	s.runJob(t.Context(), t.Context(), s.jobs[0]) // the panic left the site runnable
	m := s.opts.Metrics
	if got := testutil.ToFloat64(m.panics.WithLabelValues("a")); got != 1 {
		t.Errorf("panics_total = %v, want 1", got)
	}
	if got := testutil.ToFloat64(m.runs.WithLabelValues("a", ResultPanic)); got != 1 {
		t.Errorf("runs_total{result=panic} = %v, want 1", got)
	}
	if got := testutil.ToFloat64(m.runs.WithLabelValues("a", ResultOK)); got != 1 {
		t.Errorf("runs_total{result=ok} = %v, want 1: the run after the panic", got)
	}
	if !strings.Contains(logged.String(), `msg="run panicked" site=a panic=boom`) {
		t.Errorf("log does not report the panic:\n%s", logged.String())
	}
}

func TestJitter(t *testing.T) {
	var slept []time.Duration
	var asked []int64
	cfg := testConfig(t, time.Minute, "a", "@daily", "b", "@daily")
	cfg.Sites[0].Jitter = 5 * time.Minute
	ran := 0
	r := runnerFunc(func(ctx context.Context, site string) (RunResult, error) { ran++; return RunResult{}, nil })
	s, err := New(cfg, r, Options{Rand: func(n int64) int64 { asked = append(asked, n); return n / 3 }})
	if err != nil {
		t.Fatal(err)
	}
	s.opts.sleep = func(ctx context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	s.runJob(t.Context(), t.Context(), s.jobs[0])
	s.runJob(t.Context(), t.Context(), s.jobs[1]) // no jitter: no sleep
	if len(asked) != 1 || asked[0] != int64(5*time.Minute) {
		t.Errorf("Rand asked for %v, want [5m] once", asked)
	}
	if len(slept) != 1 || slept[0] != 100*time.Second {
		t.Errorf("slept %v, want [1m40s]", slept)
	}
	if ran != 2 {
		t.Errorf("%d runs, want 2", ran)
	}
}

func TestJitterCancelled(t *testing.T) {
	cfg := testConfig(t, time.Minute, "a", "@daily")
	cfg.Sites[0].Jitter = time.Hour
	r := runnerFunc(func(ctx context.Context, site string) (RunResult, error) {
		t.Error("the run started although its jitter was cancelled")
		return RunResult{}, nil
	})
	s, err := New(cfg, r, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	s.runJob(ctx, ctx, s.jobs[0]) // the real sleep returns at once
	if got := testutil.ToFloat64(s.opts.Metrics.runs.WithLabelValues("a", ResultInterrupted)); got != 1 {
		t.Errorf("runs_total{result=interrupted} = %v, want 1", got)
	}
}

func TestShutdown(t *testing.T) {
	tests := []struct {
		name       string
		grace      time.Duration
		finishes   bool // the run returns by itself once shutdown begins
		wantCancel bool
	}{
		{"run finishes within the grace period", time.Minute, true, false},
		{"run cancelled after the grace period", 50 * time.Millisecond, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer goleak.VerifyNone(t)
			started := make(chan struct{})
			shutdown := make(chan struct{})
			var cancelled atomic.Bool
			r := runnerFunc(func(ctx context.Context, site string) (RunResult, error) {
				close(started)
				if tt.finishes {
					<-shutdown
					cancelled.Store(ctx.Err() != nil)
					return RunResult{}, nil
				}
				<-ctx.Done()
				cancelled.Store(true)
				return RunResult{Interrupted: true}, nil
			})
			log := make(messages, 100)
			s, err := New(testConfig(t, tt.grace, "a", "@every 1s"), r, Options{Logger: slog.New(log)})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error)
			go func() { done <- s.Run(ctx) }()
			<-started
			cancel()
			waitFor(t, log, "shutting down: waiting for running crawls")
			close(shutdown)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if got := cancelled.Load(); got != tt.wantCancel {
				t.Errorf("run's context cancelled: %v, want %v", got, tt.wantCancel)
			}
		})
	}
}

// TestNoLeaks runs a site's job 100 times, as cron would, and the
// scheduler's start and stop, and checks no goroutine is left behind.
func TestNoLeaks(t *testing.T) {
	defer goleak.VerifyNone(t)
	cfg := testConfig(t, time.Second, "a", "@every 1s")
	cfg.Sites[0].Jitter = time.Millisecond
	n := 0
	r := runnerFunc(func(ctx context.Context, site string) (RunResult, error) {
		n++
		return RunResult{Stats: crawler.Stats{Fetched: 1}, Statuses: map[string]int{"2xx": 1}}, nil
	})
	s, err := New(cfg, r, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	for range 100 {
		s.runJob(ctx, ctx, s.jobs[0])
	}
	cancel()
	if err := s.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if n != 100 {
		t.Errorf("%d runs, want 100", n)
	}
}

func TestMetricsHandler(t *testing.T) {
	r := runnerFunc(func(ctx context.Context, site string) (RunResult, error) {
		return RunResult{
			Stats:    crawler.Stats{Fetched: 3, NewVersions: 2, Errors: 1},
			Statuses: map[string]int{"2xx": 2, "5xx": 1},
			Changes:  4,
		}, nil
	})
	start := time.Date(2026, 4, 1, 6, 0, 0, 0, time.UTC)
	m := NewMetrics([]string{"a", "b"}, start)
	s, err := New(testConfig(t, time.Minute, "a", "@daily", "b", "@daily"), r, Options{Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	s.runJob(t.Context(), t.Context(), s.jobs[0])

	now := start.Add(25 * time.Hour)
	srv := httptest.NewServer(m.Handler(map[string]time.Duration{"a": 48 * time.Hour, "b": 24 * time.Hour}, func() time.Time { return now }))
	defer srv.Close()
	body := func(path string, wantStatus int) string {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != wantStatus {
			t.Errorf("GET %s: %s, want %d\n%s", path, resp.Status, wantStatus, b)
		}
		return string(b)
	}
	metrics := body("/metrics", http.StatusOK)
	for _, want := range []string{
		`staffvoice_runs_total{result="partial",site="a"} 1`,
		`staffvoice_runs_total{result="ok",site="b"} 0`,
		`staffvoice_pages_fetched_total{site="a",status_class="2xx"} 2`,
		`staffvoice_pages_fetched_total{site="a",status_class="5xx"} 1`,
		`staffvoice_versions_total{site="a"} 2`,
		`staffvoice_changes_total{site="a"} 4`,
		`staffvoice_errors_total{site="a"} 1`,
		`staffvoice_notification_failures_total{site="a"} 0`,
		`staffvoice_panics_total{site="a"} 0`,
		`staffvoice_run_duration_seconds_count{site="a"} 1`,
		`staffvoice_last_success_timestamp_seconds{site="b"} 0`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics has no line %q", want)
		}
	}
	// b never ran, and the daemon started 25h ago: more than its 24h.
	if got, want := body("/healthz", http.StatusServiceUnavailable), "stale: no successful run within the maximum age: b\n"; got != want {
		t.Errorf("/healthz = %q, want %q", got, want)
	}
	now = start.Add(time.Hour)
	if got := body("/healthz", http.StatusOK); got != "ok\n" {
		t.Errorf("/healthz = %q, want ok", got)
	}
}

func TestResult(t *testing.T) {
	tests := []struct {
		res  RunResult
		err  error
		want string
	}{
		{RunResult{Stats: crawler.Stats{Fetched: 2}}, nil, ResultOK},
		{RunResult{Stats: crawler.Stats{Fetched: 2, Errors: 1}}, nil, ResultPartial},
		{RunResult{Stats: crawler.Stats{Fetched: 1, Errors: 1}}, nil, ResultFailed},
		{RunResult{Stats: crawler.Stats{Errors: 3}}, nil, ResultFailed},
		{RunResult{Interrupted: true}, nil, ResultInterrupted},
		{RunResult{}, context.Canceled, ResultInterrupted},
		{RunResult{}, io.ErrUnexpectedEOF, ResultFailed},
	}
	for _, tt := range tests {
		if got := result(tt.res, tt.err); got != tt.want {
			t.Errorf("result(%+v, %v) = %q, want %q", tt.res, tt.err, got, tt.want)
		}
	}
}

func TestNextRuns(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, time.Minute, "weekly", "0 6 * * 1", "utc", "CRON_TZ=UTC 30 21 * * *", "every", "@every 6h", "none", "")
	cfg.Location = tokyo
	now := time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC) // a Tuesday, 15:00 in Tokyo
	runs, err := NextRuns(cfg, 3, now)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"weekly": {"2026-11-30T06:00:00+09:00", "2026-12-07T06:00:00+09:00", "2026-12-14T06:00:00+09:00"},
		"utc":    {"2026-11-25T06:30:00+09:00", "2026-11-26T06:30:00+09:00", "2026-11-27T06:30:00+09:00"}, // 21:30 UTC
		"every":  {"2026-11-24T21:00:00+09:00", "2026-11-25T03:00:00+09:00", "2026-11-25T09:00:00+09:00"},
	}
	if len(runs) != 3 {
		t.Fatalf("%d sites, want 3 (none has no schedule): %+v", len(runs), runs)
	}
	for _, r := range runs {
		var got []string
		for _, next := range r.Next {
			got = append(got, next.Format(time.RFC3339))
		}
		if strings.Join(got, " ") != strings.Join(want[r.Site], " ") {
			t.Errorf("%s (%s): next runs %v, want %v", r.Site, r.Schedule, got, want[r.Site])
		}
	}
}

func TestMaxAge(t *testing.T) {
	now := time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC)
	got, err := MaxAge("0 6 * * 1", 5*time.Minute, 10*time.Minute, time.UTC, now)
	if err != nil {
		t.Fatal(err)
	}
	if want := 14*24*time.Hour + 15*time.Minute; got != want {
		t.Errorf("MaxAge of a weekly schedule = %v, want %v", got, want)
	}
}

// TestMaxAgeCoversTheWeekend: a weekdays-only schedule's longest gap is
// the weekend, whatever day the daemon starts.
func TestMaxAgeCoversTheWeekend(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	monday := time.Date(2026, 11, 23, 9, 0, 0, 0, tokyo)
	got, err := MaxAge("0 6 * * 1-5", 0, 0, tokyo, monday)
	if err != nil {
		t.Fatal(err)
	}
	if want := 2 * 72 * time.Hour; got != want {
		t.Errorf("MaxAge = %v, want %v (twice Friday 06:00 to Monday 06:00)", got, want)
	}
}
