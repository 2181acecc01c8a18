package crawler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/staffvoice/staffvoice/archive"
	"github.com/staffvoice/staffvoice/internal/ctxsleep"
)

// Archive is what the crawler needs of the archive.
type Archive interface {
	Record(ctx context.Context, c archive.Capture) (archive.Result, error)
	Validators(ctx context.Context, url string) (archive.Validators, error)
	LastLinks(ctx context.Context, url string) (*archive.LinkSet, error)
	LastBody(ctx context.Context, url string) (body []byte, contentType string, err error)
}

var _ Archive = (*archive.Store)(nil)

// Options apply to every site of a crawl.
type Options struct {
	UserAgent string
	// IgnoreRobots turns robots.txt off. Only benchmarks and tests of
	// other behaviour should set it.
	IgnoreRobots bool
	// Logger gets one line per fetch (Info), per problem (Warn) and per
	// site (Info); nil discards them.
	Logger *slog.Logger
	// Progress, when set, is called after every fetch, from the crawl's
	// goroutines.
	Progress func(Progress)
	// Transport carries the requests; nil is http.DefaultTransport's
	// settings. Tests inject failures here.
	Transport http.RoundTripper
	// RetryBackoff is the wait before the first retry (default 1s);
	// MaxRetryWait caps any wait (default 2m).
	RetryBackoff time.Duration
	MaxRetryWait time.Duration

	sleep func(context.Context, time.Duration) error // tests record waits
}

// Progress is a site's state after one fetch.
type Progress struct {
	Site   string
	URL    string
	Queued int // requests queued so far in this run
	Done   int // of which finished
	Stats  Stats
}

// Stats count what a crawl did.
type Stats struct {
	Fetched       int   // responses received, archived or not
	Archived      int   // responses recorded in the archive
	NewVersions   int   // pages whose extracted content changed (or is new)
	Unchanged     int   // pages fetched again with the same content
	NotModified   int   // 304 answers to a conditional request
	Errors        int   // failed fetches and error statuses
	RobotsBlocked int   // URLs robots.txt forbids
	OffSite       int   // redirects out of the allowed domains, not followed
	Retries       int   // attempts repeated after a transient failure
	Truncated     int   // bodies cut at max_body
	Bytes         int64 // payload bytes received
	Duration      time.Duration
	// Statuses counts responses by status class: [2] is 2xx … [5] 5xx,
	// [0] fetches that got no response.
	Statuses [6]int
}

func (s *Stats) add(o Stats) {
	s.Fetched += o.Fetched
	s.Archived += o.Archived
	s.NewVersions += o.NewVersions
	s.Unchanged += o.Unchanged
	s.NotModified += o.NotModified
	s.Errors += o.Errors
	s.RobotsBlocked += o.RobotsBlocked
	s.OffSite += o.OffSite
	s.Retries += o.Retries
	s.Truncated += o.Truncated
	s.Bytes += o.Bytes
	for i, n := range o.Statuses {
		s.Statuses[i] += n
	}
}

// SiteResult is one site's part of a crawl.
type SiteResult struct {
	Site  string
	Stats Stats
	// Failures lists the URLs that failed, with why.
	Failures []Failure
}

// Failure is one URL that could not be fetched, or answered with an error.
type Failure struct {
	URL    string
	Status int // 0: no response
	Err    string
}

// Summary is the result of a crawl.
type Summary struct {
	Sites       []SiteResult
	Total       Stats
	Interrupted bool // the context ended before the crawl did
}

// ErrArchive wraps an archive failure, which stops the whole crawl: a
// fetch that cannot be recorded is not worth making.
var ErrArchive = errors.New("crawler: archive failed")

// Crawl crawls the sites in parallel with each other, politely within
// each, and records what it fetches in arch. Fetch failures are counted
// in the summary, not returned; the error is for an archive failure or a
// bad site. When ctx ends, fetching stops, the writes under way finish,
// and Crawl returns with Summary.Interrupted set.
func Crawl(ctx context.Context, arch Archive, sites []Site, opts Options) (Summary, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.UserAgent == "" {
		return Summary{}, errors.New("crawler: no User-Agent")
	}
	if opts.RetryBackoff <= 0 {
		opts.RetryBackoff = time.Second
	}
	if opts.MaxRetryWait <= 0 {
		opts.MaxRetryWait = 2 * time.Minute
	}
	if opts.sleep == nil {
		opts.sleep = ctxsleep.Sleep
	}
	crawls := make([]*siteCrawl, len(sites))
	gate := newHostGate() // shared: sites on one host share its delay
	for i, s := range sites {
		c, err := newSiteCrawl(s, arch, gate, opts)
		if err != nil {
			return Summary{}, err
		}
		crawls[i] = c
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	start := time.Now()
	var wg sync.WaitGroup
	for _, c := range crawls {
		wg.Go(func() { c.run(ctx, cancel) })
	}
	wg.Wait()

	sum := Summary{Sites: make([]SiteResult, len(crawls))}
	for i, c := range crawls {
		sum.Sites[i] = c.result()
		sum.Total.add(sum.Sites[i].Stats)
	}
	sum.Total.Duration = time.Since(start)
	if err := context.Cause(ctx); err != nil {
		if errors.Is(err, ErrArchive) {
			return sum, err
		}
		sum.Interrupted = true
	}
	return sum, nil
}

// archiveError marks an archive failure for the crawl's cancel cause.
func archiveError(err error) error {
	return fmt.Errorf("%w: %w", ErrArchive, err)
}
