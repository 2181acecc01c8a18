package schedules

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/staffvoice/staffvoice/archive"
	"github.com/staffvoice/staffvoice/config"
	"github.com/staffvoice/staffvoice/crawler"
	"github.com/staffvoice/staffvoice/internal/ctxsleep"
)

// Notifier tells people about the changes a run recorded. The notify
// package implements it; schedules only calls it.
type Notifier interface {
	// Notify delivers the changes recorded for site at or after since,
	// and returns how many deliveries failed. The archive is closed when
	// it is called: it may open it itself. ctx ends at shutdown, after
	// the grace period.
	Notify(ctx context.Context, site string, since time.Time) (failures int)
}

// NotifierFunc adapts a function to Notifier.
type NotifierFunc func(ctx context.Context, site string, since time.Time) int

// Notify calls f.
func (f NotifierFunc) Notify(ctx context.Context, site string, since time.Time) int {
	return f(ctx, site, since)
}

// CrawlRunner is the Runner of staffvoice run: it crawls one configured
// site into the archive.
type CrawlRunner struct {
	Config   *config.Config
	Logger   *slog.Logger // nil discards
	Notifier Notifier     // nil notifies no one
	// LockPoll is how often a run waiting for the archive's lock tries
	// again; 0 is one second.
	LockPoll time.Duration
	// Crawl is crawler.Options for every run; its Logger and UserAgent
	// are filled from the runner's when unset.
	Crawl crawler.Options

	// turn makes this daemon's own site runs take turns with the
	// archive: polling the file lock, one site's runs could starve
	// another's. lock_wait is for other processes.
	turnOnce sync.Once
	turn     chan struct{}
}

var _ Runner = (*CrawlRunner)(nil)

// Run opens the archive, waiting for its writer lock up to the
// configuration's lock_wait, crawls the site, counts the changes it
// recorded, closes the archive and then notifies. An archive still locked
// after lock_wait gives an error that errors.Is archive.ErrLocked.
func (r *CrawlRunner) Run(ctx context.Context, name string) (RunResult, error) {
	log := r.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("site", name)
	site, ok := r.Config.Site(name)
	if !ok {
		return RunResult{}, fmt.Errorf("schedules: no site %q in %s", name, r.Config.Path)
	}
	r.turnOnce.Do(func() { r.turn = make(chan struct{}, 1) })
	select {
	case r.turn <- struct{}{}:
	case <-ctx.Done():
		return RunResult{Interrupted: true}, ctx.Err()
	}
	res, start, err := r.crawl(ctx, log, site)
	<-r.turn // notifying needs no turn: a slow receiver holds no crawl up
	if err != nil {
		return res, err
	}
	if res.Changes > 0 && r.Notifier != nil {
		res.NotifyFailures = r.Notifier.Notify(ctx, name, start)
	}
	return res, nil
}

// crawl opens the archive, crawls the site and counts the changes it
// recorded since it got the archive (start); the archive is closed
// whatever happens.
func (r *CrawlRunner) crawl(ctx context.Context, log *slog.Logger, site config.Site) (res RunResult, start time.Time, err error) {
	name := site.Name
	store, err := r.open(ctx, log)
	if err != nil {
		return RunResult{}, start, err
	}
	start = time.Now()
	defer func() {
		if cerr := store.Close(); err == nil {
			err = cerr
		}
	}()

	opts := r.Crawl
	if opts.Logger == nil {
		opts.Logger = log
	}
	if opts.UserAgent == "" {
		opts.UserAgent = r.Config.UserAgent
	}
	sum, err := crawler.Crawl(ctx, store, []crawler.Site{site.Site}, opts)
	res = RunResult{Stats: sum.Total, Interrupted: sum.Interrupted}
	if len(sum.Sites) == 1 {
		res.Statuses = statusClasses(sum.Sites[0])
	}
	if err == nil {
		// Counted even when ctx has ended: the crawl's writes are done.
		res.Changes, err = changesSince(context.WithoutCancel(ctx), store, name, start)
	}
	return res, start, err
}

// open opens the archive, retrying while another writer holds it, up to
// lock_wait.
func (r *CrawlRunner) open(ctx context.Context, log *slog.Logger) (*archive.Store, error) {
	poll := r.LockPoll
	if poll <= 0 {
		poll = time.Second
	}
	deadline := time.Now().Add(r.Config.LockWait)
	for waited := false; ; waited = true {
		store, err := archive.Open(ctx, r.Config.Archive, archive.Options{})
		if !errors.Is(err, archive.ErrLocked) {
			if err == nil && waited {
				log.Info("archive lock acquired")
			}
			return store, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			log.Warn("skipping this run: the archive is still locked", "lock_wait", r.Config.LockWait, "holder", err.Error())
			return nil, fmt.Errorf("still locked after waiting %s: %w", r.Config.LockWait, err)
		}
		if !waited {
			log.Info("archive locked by another writer: waiting", "lock_wait", r.Config.LockWait, "holder", err.Error())
		}
		if err := ctxsleep.Sleep(ctx, min(poll, left)); err != nil {
			return nil, err
		}
	}
}

// changesSince counts the changes recorded for site at or after since.
func changesSince(ctx context.Context, store *archive.Store, site string, since time.Time) (int, error) {
	all, err := store.Changes(ctx, archive.ChangeFilter{Since: since.UTC().Format(time.DateOnly), Sites: []string{site}})
	if err != nil {
		return 0, fmt.Errorf("count changes: %w", err)
	}
	n := 0
	for _, c := range all {
		at, err := time.Parse(time.RFC3339Nano, c.DetectedAt)
		if err == nil && !at.Before(since) {
			n++
		}
	}
	return n, nil
}

// statusClasses is a site's fetches by status class, labelled as
// pages_fetched_total's status_class: 2xx … 5xx, and none for fetches
// that got no response.
func statusClasses(s crawler.SiteResult) map[string]int {
	c := map[string]int{}
	for class, n := range s.Stats.Statuses {
		if n == 0 {
			continue
		}
		if class == 0 {
			c["none"] += n
		} else {
			c[fmt.Sprintf("%dxx", class)] += n
		}
	}
	return c
}
