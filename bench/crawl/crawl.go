package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/staffvoice/staffvoice/archive"
	"github.com/staffvoice/staffvoice/crawler"
	"github.com/staffvoice/staffvoice/internal/gctune"
)

const userAgent = "staffvoice-bench/1 (+loopback benchmark)"

// crawlOptions are the flags of -mode colly and -mode staffvoice.
type crawlOptions struct {
	url        string // the site, as -mode serve printed it
	parallel   int
	follow     string // regexp, after the site's URL, of the links to follow
	archive    string // staffvoice: the archive directory
	collyAbs   bool   // colly: resolve links with Request.AbsoluteURL
	cpuProfile string
}

// crawlResult is what one crawl process reports, as one JSON line.
type crawlResult struct {
	Mode        string  `json:"mode"`
	Fetched     int     `json:"fetched"`            // responses received
	Archived    int     `json:"archived,omitempty"` // captures recorded
	NotModified int     `json:"not_modified,omitempty"`
	NewVersions int     `json:"new_versions,omitempty"`
	Errors      int     `json:"errors"`
	Bytes       int64   `json:"bytes"` // payload bytes received
	Seconds     float64 `json:"seconds"`
	// RecordSeconds is how long the archive spent in Record. Record
	// takes one capture at a time: near Seconds, the archive is the
	// bottleneck.
	RecordSeconds float64 `json:"record_seconds,omitempty"`
	MaxRSSKB      int64   `json:"max_rss_kb"`
}

// scope is the crawl's scope on the benchmark site, the same for both
// crawlers so that they make the same fetches.
func scope(opts crawlOptions) (follow, pages *regexp.Regexp, err error) {
	base := regexp.QuoteMeta(opts.url)
	if follow, err = regexp.Compile(`^` + base + opts.follow); err != nil {
		return nil, nil, fmt.Errorf("-follow: %w", err)
	}
	pages = regexp.MustCompile(`^` + base + `/saiyo/koe/\d+\.html$`)
	return follow, pages, nil
}

// runStaffvoice crawls the site once into the archive in opts.archive,
// with politeness off, and times the crawl and the archive's Close.
func runStaffvoice(ctx context.Context, opts crawlOptions) (crawlResult, error) {
	gctune.Tune() // as staffvoice crawl does
	follow, pages, err := scope(opts)
	if err != nil {
		return crawlResult{}, err
	}
	store, err := archive.Open(ctx, opts.archive, archive.Options{})
	if err != nil {
		return crawlResult{}, err
	}
	defer store.Close()
	arch := &timedArchive{Store: store}
	site := crawler.Site{
		Name: "bench", Municipality: "みどり区",
		Seeds:  []string{opts.url + "/saiyo/"},
		Follow: []*regexp.Regexp{follow},
		Pages:  []*regexp.Regexp{pages},
		Limits: crawler.Limits{
			Delay: 0, Parallelism: opts.parallel, Timeout: 30 * time.Second, MaxBody: 10 << 20,
			MaxPages: 10000, MaxDepth: 3, Retries: 0,
		},
	}
	stop, err := startProfile(opts.cpuProfile)
	if err != nil {
		return crawlResult{}, err
	}
	start := time.Now()
	sum, err := crawler.Crawl(ctx, arch, []crawler.Site{site}, crawler.Options{UserAgent: userAgent, IgnoreRobots: true})
	if err == nil {
		err = store.Close()
	}
	elapsed := time.Since(start)
	stop()
	if err != nil {
		return crawlResult{}, err
	}
	t := sum.Total
	if len(sum.Sites[0].Failures) > 0 {
		f := sum.Sites[0].Failures[0]
		fmt.Fprintf(os.Stderr, "staffvoice: %d failures, the first: %s: %d %s\n", len(sum.Sites[0].Failures), f.URL, f.Status, f.Err)
	}
	return crawlResult{
		Mode: "staffvoice", Fetched: t.Fetched, Archived: t.Archived, NotModified: t.NotModified, NewVersions: t.NewVersions,
		Errors: t.Errors, Bytes: t.Bytes, Seconds: elapsed.Seconds(), RecordSeconds: arch.busy.Seconds(), MaxRSSKB: maxRSS(),
	}, nil
}

// timedArchive measures how long the archive is busy recording: the time
// during which at least one Record is under way. Record overlaps captures
// (the catalog and the WARC file are locked apart), so a value near the
// crawl's seconds means the archive is the bottleneck.
type timedArchive struct {
	*archive.Store
	mu      sync.Mutex
	running int
	since   time.Time
	busy    time.Duration
}

func (a *timedArchive) Record(ctx context.Context, c archive.Capture) (archive.Result, error) {
	a.mu.Lock()
	if a.running == 0 {
		a.since = time.Now()
	}
	a.running++
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		if a.running--; a.running == 0 {
			a.busy += time.Since(a.since)
		}
		a.mu.Unlock()
	}()
	return a.Store.Record(ctx, c)
}

// runColly crawls the site with a bare Colly collector: fetch, parse,
// follow the links in scope, store nothing. As in the crawler, links are
// filtered before Visit (Visit on every menu link costs more than the
// fetches) and resolved with net/url. Colly's own Request.AbsoluteURL
// goes through a WHATWG URL parser that takes half of a bare crawl's CPU
// on these pages; opts.collyAbs measures that.
func runColly(ctx context.Context, opts crawlOptions) (crawlResult, error) {
	follow, pages, err := scope(opts)
	if err != nil {
		return crawlResult{}, err
	}
	// Colly counts the seed as depth 1, the crawler as 0.
	c := colly.NewCollector(colly.Async(true), colly.UserAgent(userAgent), colly.MaxDepth(3+1), colly.StdlibContext(ctx))
	c.SetRequestTimeout(30 * time.Second)
	if err := c.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: opts.parallel}); err != nil {
		return crawlResult{}, err
	}
	var fetched, errs atomic.Int64
	var bytes atomic.Int64
	c.OnResponse(func(r *colly.Response) {
		fetched.Add(1)
		bytes.Add(int64(len(r.Body)))
	})
	c.OnError(func(r *colly.Response, err error) {
		if errs.Add(1) == 1 {
			fmt.Fprintf(os.Stderr, "colly: %s: %v\n", r.Request.URL, err)
		}
	})
	// Colly's own visited check is a check-then-set that lets two
	// callbacks visiting one URL at once both through (v2.3.0, Async).
	// A set of our own, as the crawler has, makes the fetches the same.
	c.AllowURLRevisit = true
	var mu sync.Mutex
	seen := map[string]bool{opts.url + "/saiyo/": true}
	c.OnHTML("a[href]", func(e *colly.HTMLElement) {
		var u string
		if opts.collyAbs {
			u = e.Request.AbsoluteURL(e.Attr("href"))
		} else if abs, err := e.Request.URL.Parse(e.Attr("href")); err == nil {
			abs.Fragment, abs.RawFragment = "", ""
			u = abs.String()
		}
		if u == "" || !(follow.MatchString(u) || pages.MatchString(u)) {
			return
		}
		mu.Lock()
		dup := seen[u]
		seen[u] = true
		mu.Unlock()
		if !dup {
			e.Request.Visit(u)
		}
	})
	stop, err := startProfile(opts.cpuProfile)
	if err != nil {
		return crawlResult{}, err
	}
	start := time.Now()
	err = c.Visit(opts.url + "/saiyo/")
	c.Wait()
	elapsed := time.Since(start)
	stop()
	if err != nil {
		return crawlResult{}, err
	}
	return crawlResult{
		Mode: "colly", Fetched: int(fetched.Load()), Errors: int(errs.Load()), Bytes: bytes.Load(),
		Seconds: elapsed.Seconds(), MaxRSSKB: maxRSS(),
	}, nil
}

// startProfile starts a CPU profile into path, when there is one.
func startProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// maxRSS is the process's peak resident set size in KB (Linux).
func maxRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return int64(ru.Maxrss)
}
