package schedules

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the daemon's Prometheus metrics, in a registry of their own
// so that two schedulers (in tests) never share counters, and the health
// of each site.
type Metrics struct {
	reg                  *prometheus.Registry
	runs                 *prometheus.CounterVec
	pages                *prometheus.CounterVec
	versions             *prometheus.CounterVec
	changes              *prometheus.CounterVec
	errors               *prometheus.CounterVec
	notificationFailures *prometheus.CounterVec
	lastSuccess          *prometheus.GaugeVec
	duration             *prometheus.HistogramVec
	panics               *prometheus.CounterVec

	start time.Time // a site that never succeeded counts from here
	mu    sync.Mutex
	ok    map[string]time.Time // site -> last success; every site is a key
}

// NewMetrics returns the metrics of the given sites, with their series
// at zero so that a dashboard shows them before the first run. start is
// when the daemon started.
func NewMetrics(sites []string, start time.Time) *Metrics {
	site := []string{"site"}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "staffvoice_runs_total",
			Help: "Scheduled runs by site and result (ok, partial, failed, locked, interrupted, overlap, panic)."},
			[]string{"site", "result"}),
		pages: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "staffvoice_pages_fetched_total",
			Help: "Fetches by site and status class (2xx, 3xx, 4xx, 5xx, none for no response)."},
			[]string{"site", "status_class"}),
		versions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "staffvoice_versions_total",
			Help: "New page versions recorded."}, site),
		changes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "staffvoice_changes_total",
			Help: "Changes recorded between page versions."}, site),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "staffvoice_errors_total",
			Help: "Failed fetches and error statuses."}, site),
		notificationFailures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "staffvoice_notification_failures_total",
			Help: "Notifications that could not be delivered."}, site),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "staffvoice_last_success_timestamp_seconds",
			Help: "Unix time of the end of the last ok or partial run; 0 before the first."}, site),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "staffvoice_run_duration_seconds",
			Help:    "Duration of the runs that started crawling.",
			Buckets: []float64{1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200}}, site),
		panics: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "staffvoice_panics_total",
			Help: "Runs that panicked, recovered."}, site),
		start: start,
		ok:    map[string]time.Time{},
	}
	m.reg.MustRegister(m.runs, m.pages, m.versions, m.changes, m.errors, m.notificationFailures,
		m.lastSuccess, m.duration, m.panics)
	for _, s := range sites {
		m.ok[s] = time.Time{}
		for _, r := range []string{ResultOK, ResultPartial, ResultFailed, ResultLocked} {
			m.runs.WithLabelValues(s, r)
		}
		m.versions.WithLabelValues(s)
		m.changes.WithLabelValues(s)
		m.errors.WithLabelValues(s)
		m.notificationFailures.WithLabelValues(s)
		m.lastSuccess.WithLabelValues(s)
		m.panics.WithLabelValues(s)
	}
	return m
}

// Registry is where the metrics are registered.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

func (m *Metrics) skipped(site, result string) {
	m.runs.WithLabelValues(site, result).Inc()
}

func (m *Metrics) panicked(site string) {
	m.runs.WithLabelValues(site, ResultPanic).Inc()
	m.panics.WithLabelValues(site).Inc()
}

// record counts a finished run that ended at end.
func (m *Metrics) record(site, result string, res RunResult, d time.Duration, end time.Time) {
	m.runs.WithLabelValues(site, result).Inc()
	for class, n := range res.Statuses {
		m.pages.WithLabelValues(site, class).Add(float64(n))
	}
	m.versions.WithLabelValues(site).Add(float64(res.Stats.NewVersions))
	m.changes.WithLabelValues(site).Add(float64(res.Changes))
	m.errors.WithLabelValues(site).Add(float64(res.Stats.Errors))
	m.notificationFailures.WithLabelValues(site).Add(float64(res.NotifyFailures))
	if result == ResultLocked {
		return // it never crawled: its duration is the lock wait
	}
	m.duration.WithLabelValues(site).Observe(d.Seconds())
	if result == ResultOK || result == ResultPartial {
		m.lastSuccess.WithLabelValues(site).Set(float64(end.Unix()))
		m.mu.Lock()
		m.ok[site] = end
		m.mu.Unlock()
	}
}

// Stale returns the sites whose last success (or, before their first,
// the daemon's start) is older than their maximum age at now, sorted. A
// site with no maximum age is never stale.
func (m *Metrics) Stale(maxAge map[string]time.Duration, now time.Time) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var stale []string
	for site, last := range m.ok {
		age, ok := maxAge[site]
		if !ok || age <= 0 {
			continue
		}
		if last.IsZero() {
			last = m.start
		}
		if now.Sub(last) > age {
			stale = append(stale, site)
		}
	}
	slices.Sort(stale)
	return stale
}

// Handler serves /metrics, in the Prometheus text format, and /healthz:
// 200 "ok", or 503 naming the sites Stale reports. now is the clock;
// nil is time.Now.
func (m *Metrics) Handler(maxAge map[string]time.Duration, now func() time.Time) http.Handler {
	if now == nil {
		now = time.Now
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if stale := m.Stale(maxAge, now()); len(stale) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, "stale: no successful run within the maximum age: %s\n", strings.Join(stale, ", "))
			return
		}
		fmt.Fprintln(w, "ok")
	})
	return mux
}

// MaxAge is how old a site's last success may be before /healthz calls
// it stale, unless the operator says otherwise: two of its schedule's
// longest gaps between runs (over the runs of the coming five weeks, so
// a weekdays-only schedule counts its weekend), plus its jitter and the
// lock wait, which may each delay a run.
func MaxAge(spec string, jitter, lockWait time.Duration, loc *time.Location, now time.Time) (time.Duration, error) {
	runs, err := nextN(spec, loc, now, 2)
	if err != nil {
		return 0, err
	}
	if len(runs) < 2 {
		return 0, nil // never runs twice: never stale
	}
	longest := runs[1].Sub(runs[0])
	horizon := now.Add(35 * 24 * time.Hour)
	for i, prev := 0, runs[1]; i < 5000 && prev.Before(horizon); i++ {
		next, err := nextN(spec, loc, prev, 1)
		if err != nil || len(next) == 0 {
			break
		}
		longest = max(longest, next[0].Sub(prev))
		prev = next[0]
	}
	return 2*longest + jitter + lockWait, nil
}
