package schedules

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/staffvoice/staffvoice/archive"
	"github.com/staffvoice/staffvoice/config"
	"github.com/staffvoice/staffvoice/crawler"
	"github.com/staffvoice/staffvoice/internal/ctxsleep"
)

// Runner runs one site's crawl. Run returns when the crawl is done or ctx
// ends; the scheduler cancels ctx when its shutdown grace period is over.
type Runner interface {
	Run(ctx context.Context, site string) (RunResult, error)
}

// RunResult is what one run did.
type RunResult struct {
	Stats crawler.Stats
	// Statuses counts fetches by status class: "2xx", "3xx", "4xx",
	// "5xx", and "none" for a fetch that got no response.
	Statuses       map[string]int
	Changes        int  // changes recorded by this run
	Interrupted    bool // ctx ended before the crawl did
	NotifyFailures int  // notifications that could not be delivered
}

// The result label of runs_total, and of a run's log line.
const (
	ResultOK          = "ok"          // completed, no fetch failed
	ResultPartial     = "partial"     // completed, some fetches failed
	ResultFailed      = "failed"      // an error, or every fetch failed
	ResultLocked      = "locked"      // skipped: the archive stayed locked for lock_wait
	ResultInterrupted = "interrupted" // cancelled at shutdown
	ResultOverlap     = "overlap"     // skipped: the site's previous run was still going
	ResultPanic       = "panic"       // the run panicked
)

// result classifies a finished run.
func result(res RunResult, err error) string {
	switch {
	case errors.Is(err, archive.ErrLocked):
		return ResultLocked
	case res.Interrupted || errors.Is(err, context.Canceled):
		return ResultInterrupted
	case err != nil:
		return ResultFailed
	case res.Stats.Errors > 0 && res.Stats.Errors >= res.Stats.Fetched:
		return ResultFailed
	case res.Stats.Errors > 0:
		return ResultPartial
	}
	return ResultOK
}

// Options tune a Scheduler. The zero value is usable.
type Options struct {
	Logger  *slog.Logger // nil discards
	Metrics *Metrics     // nil: counted, but nowhere anyone can see
	// Rand returns a random number in [0, n) for the jitter; nil is
	// math/rand/v2's Int64N.
	Rand func(n int64) int64

	sleep func(ctx context.Context, d time.Duration) error // tests record the jitter
}

// Scheduler runs the scheduled sites of a configuration.
type Scheduler struct {
	loc    *time.Location
	grace  time.Duration
	runner Runner
	opts   Options
	jobs   []*job
}

// job is one site's schedule and whether a run of it is going.
type job struct {
	site     string
	spec     string
	schedule cron.Schedule
	jitter   time.Duration
	running  atomic.Bool
}

// New returns a scheduler of every site of cfg that has a schedule.
func New(cfg *config.Config, r Runner, opts Options) (*Scheduler, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Rand == nil {
		opts.Rand = rand.Int64N
	}
	if opts.sleep == nil {
		opts.sleep = ctxsleep.Sleep
	}
	s := &Scheduler{loc: cfg.Location, grace: cfg.Grace, runner: r, opts: opts}
	if s.loc == nil {
		s.loc = time.Local
	}
	var sites []string
	for _, site := range cfg.Sites {
		if site.Schedule == "" {
			continue
		}
		sched, err := config.ScheduleParser().Parse(site.Schedule)
		if err != nil {
			return nil, fmt.Errorf("schedules: site %s: schedule %q: %w", site.Name, site.Schedule, err)
		}
		s.jobs = append(s.jobs, &job{site: site.Name, spec: site.Schedule, schedule: sched, jitter: site.Jitter})
		sites = append(sites, site.Name)
	}
	if s.opts.Metrics == nil {
		s.opts.Metrics = NewMetrics(sites, time.Now())
	}
	return s, nil
}

// Sites returns the names of the scheduled sites, in file order.
func (s *Scheduler) Sites() []string {
	var names []string
	for _, j := range s.jobs {
		names = append(names, j.site)
	}
	return names
}

// Run schedules the jobs until ctx ends. Then it stops scheduling, lets
// the runs under way go on for the grace period, cancels them, and
// returns once every run has returned.
func (s *Scheduler) Run(ctx context.Context) error {
	// Runs must outlive ctx by the grace period, so their context is cut
	// from ctx's cancellation and cancelled here.
	runCtx, cancelRuns := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRuns()

	c := cron.New(cron.WithLocation(s.loc), cron.WithParser(config.ScheduleParser()))
	for _, j := range s.jobs {
		c.Schedule(j.schedule, cron.FuncJob(func() { s.runJob(ctx, runCtx, j) }))
		s.opts.Logger.Info("scheduled", "site", j.site, "schedule", j.spec, "next", j.schedule.Next(time.Now().In(s.loc)))
	}
	c.Start()
	<-ctx.Done()

	stopped := c.Stop() // done when the runs under way have returned
	select {
	case <-stopped.Done():
		return nil
	default:
	}
	s.opts.Logger.Info("shutting down: waiting for running crawls", "grace", s.grace)
	grace := time.NewTimer(s.grace)
	defer grace.Stop()
	select {
	case <-stopped.Done():
	case <-grace.C:
		s.opts.Logger.Warn("grace period over: cancelling running crawls", "grace", s.grace)
		cancelRuns()
		<-stopped.Done()
	}
	return nil
}

// runJob is a job as cron runs it: one run of the site unless one is
// still going, after its jitter, with a panic recovered.
// A run not yet started when the daemon stops (still in its jitter) is
// not started: ctx is the daemon's, runCtx the one a run gets.
func (s *Scheduler) runJob(ctx, runCtx context.Context, j *job) {
	log, m := s.opts.Logger.With("site", j.site), s.opts.Metrics
	if !j.running.CompareAndSwap(false, true) {
		log.Warn("run skipped: the previous run is still going")
		m.skipped(j.site, ResultOverlap)
		return
	}
	defer j.running.Store(false)
	defer func() {
		if v := recover(); v != nil {
			log.Error("run panicked", "panic", fmt.Sprint(v))
			m.panicked(j.site)
		}
	}()

	if j.jitter > 0 {
		d := time.Duration(s.opts.Rand(int64(j.jitter)))
		log.Debug("jitter", "wait", d)
		if err := s.opts.sleep(ctx, d); err != nil {
			log.Info("run cancelled during its jitter")
			m.skipped(j.site, ResultInterrupted)
			return
		}
	}
	if ctx.Err() != nil {
		log.Info("run not started: the daemon is stopping")
		m.skipped(j.site, ResultInterrupted)
		return
	}
	start := time.Now()
	res, err := s.runner.Run(runCtx, j.site)
	elapsed := time.Since(start)
	r := result(res, err)
	m.record(j.site, r, res, elapsed, time.Now())

	attrs := []any{"result", r, "duration", elapsed.Round(time.Millisecond),
		"fetched", res.Stats.Fetched, "new_versions", res.Stats.NewVersions, "unchanged", res.Stats.Unchanged,
		"not_modified", res.Stats.NotModified, "errors", res.Stats.Errors, "changes", res.Changes,
		"notify_failures", res.NotifyFailures}
	switch r {
	case ResultOK, ResultPartial:
		log.Info("run done", attrs...)
	case ResultLocked, ResultInterrupted:
		log.Warn("run "+r, append(attrs, "error", errString(err))...)
	default:
		log.Error("run failed", append(attrs, "error", errString(err))...)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// SiteRuns is a site's schedule and its next run times.
type SiteRuns struct {
	Site     string
	Schedule string
	Next     []time.Time // in cfg's time zone, even for a CRON_TZ= schedule
}

// NextRuns returns, for each site of cfg that has a schedule, its next n
// run times after now.
func NextRuns(cfg *config.Config, n int, now time.Time) ([]SiteRuns, error) {
	loc := cfg.Location
	if loc == nil {
		loc = time.Local
	}
	var runs []SiteRuns
	for _, site := range cfg.Sites {
		if site.Schedule == "" {
			continue
		}
		next, err := nextN(site.Schedule, loc, now, n)
		if err != nil {
			return nil, fmt.Errorf("schedules: site %s: %w", site.Name, err)
		}
		runs = append(runs, SiteRuns{Site: site.Name, Schedule: site.Schedule, Next: next})
	}
	return runs, nil
}

// nextN returns the next n run times of spec after now.
func nextN(spec string, loc *time.Location, now time.Time, n int) ([]time.Time, error) {
	sched, err := config.ScheduleParser().Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %w", spec, err)
	}
	var next []time.Time
	t := now.In(loc) // as cron does: a schedule without CRON_TZ= follows t's zone
	for range n {
		t = sched.Next(t)
		if t.IsZero() {
			break // a date that never comes, such as 30 February
		}
		next = append(next, t)
	}
	return next, nil
}
