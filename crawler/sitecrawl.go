package crawler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/staffvoice/staffvoice/archive"
	"github.com/staffvoice/staffvoice/extract"
)

// maxRedirects is how many redirects in a row the crawl follows.
const maxRedirects = 10

// target is what the crawl knows of a URL before fetching it.
type target struct {
	page   bool // archive it
	follow bool // follow its links
	depth  int  // link hops from a seed
	hops   int  // redirects that led here
}

// siteCrawl is one site's crawl within one run. Its visited set lives
// only as long as the run.
type siteCrawl struct {
	site    Site
	arch    Archive
	opts    Options
	log     *slog.Logger
	allowed map[string]bool // host names, lower case
	client  *http.Client
	cancel  context.CancelCauseFunc

	mu       sync.Mutex
	visited  map[string]bool // canonical URLs queued in this run
	queued   int
	done     int
	full     bool // max_pages reached
	stats    Stats
	failures []Failure
}

func newSiteCrawl(s Site, arch Archive, opts Options) (*siteCrawl, error) {
	if len(s.Seeds) == 0 {
		return nil, fmt.Errorf("crawler: site %q has no seeds", s.Name)
	}
	l := &s.Limits
	if l.Parallelism < 1 {
		l.Parallelism = 1
	}
	if l.Timeout <= 0 || l.MaxBody <= 0 || l.MaxPages <= 0 || l.MaxDepth < 0 || l.Retries < 0 {
		return nil, fmt.Errorf("crawler: site %q: limits must be positive: %+v", s.Name, *l)
	}
	c := &siteCrawl{site: s, arch: arch, opts: opts, allowed: map[string]bool{}, visited: map[string]bool{}}
	c.log = opts.Logger.With("site", s.Name)
	for _, d := range s.AllowedDomains {
		c.allowed[strings.ToLower(d)] = true
	}
	for _, seed := range s.Seeds {
		u, err := url.Parse(seed)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("crawler: site %q: seed %q is not an http(s) URL", s.Name, seed)
		}
		if len(s.AllowedDomains) == 0 {
			c.allowed[strings.ToLower(u.Hostname())] = true
		}
	}
	base := opts.Transport
	if base == nil {
		base = http.DefaultTransport.(*http.Transport).Clone()
	}
	c.client = &http.Client{
		Transport: &transport{
			base: base, userAgent: opts.UserAgent, timeout: l.Timeout, retries: l.Retries,
			backoff: opts.RetryBackoff, maxWait: opts.MaxRetryWait, sleep: opts.sleep,
			retried: func() { c.mu.Lock(); c.stats.Retries++; c.mu.Unlock() },
		},
		CheckRedirect: noRedirects,
	}
	return c, nil
}

func (s *siteCrawl) run(ctx context.Context, cancel context.CancelCauseFunc) {
	start := time.Now()
	s.cancel = cancel
	hosts := make([]string, 0, len(s.allowed))
	for h := range s.allowed {
		hosts = append(hosts, h)
	}
	c := colly.NewCollector(colly.UserAgent(s.opts.UserAgent), colly.Async(true), colly.StdlibContext(ctx), colly.AllowedDomains(hosts...))
	c.IgnoreRobotsTxt = s.opts.IgnoreRobots
	c.ParseHTTPErrorResponse = true // 304s, redirects and errors are captures too
	c.AllowURLRevisit = true        // the visited set is ours, of canonical URLs
	c.MaxBodySize = int(s.site.Limits.MaxBody) + 1
	c.SetClient(s.client)
	for _, h := range hosts {
		// One rule per host, whatever its port.
		err := c.Limit(&colly.LimitRule{
			DomainRegexp: `^` + regexp.QuoteMeta(h) + `(:\d+)?$`,
			Delay:        s.site.Limits.Delay,
			RandomDelay:  s.site.Limits.RandomDelay,
			Parallelism:  s.site.Limits.Parallelism,
		})
		if err != nil {
			s.log.Error("limit rule", "host", h, "err", err)
		}
	}
	c.OnRequest(func(r *colly.Request) {
		if ctx.Err() != nil {
			r.Abort() // stopping: don't wait for a host slot
			s.finish(r.URL.String())
		}
	})
	c.OnResponse(func(r *colly.Response) { s.onResponse(ctx, c, r) })
	c.OnError(func(r *colly.Response, err error) { s.onError(ctx, r, err) })

	for _, seed := range s.site.Seeds {
		s.enqueue(ctx, c, seed, target{page: s.isPage(seed, ""), follow: true})
	}
	c.Wait()

	s.mu.Lock()
	s.stats.Duration = time.Since(start)
	st := s.stats
	s.mu.Unlock()
	s.log.Info("site done", "fetched", st.Fetched, "new_versions", st.NewVersions, "unchanged", st.Unchanged,
		"not_modified", st.NotModified, "errors", st.Errors, "bytes", st.Bytes, "duration", st.Duration.Round(time.Millisecond))
}

func (s *siteCrawl) result() SiteResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	return SiteResult{Site: s.site.Name, Stats: s.stats, Failures: s.failures}
}

func (s *siteCrawl) isPage(u, text string) bool {
	return matchAny(s.site.Pages, u) || (text != "" && matchAny(s.site.Pages, text))
}

func matchAny(res []*regexp.Regexp, s string) bool {
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// enqueue queues a URL once per run, within max_pages, with the
// validators of its last capture when it is a page to archive.
func (s *siteCrawl) enqueue(ctx context.Context, c *colly.Collector, u string, t target) {
	if ctx.Err() != nil {
		return
	}
	canon, err := archive.CanonicalURL(u)
	if err != nil {
		return
	}
	s.mu.Lock()
	switch {
	case s.visited[canon]:
		s.mu.Unlock()
		return
	case s.queued >= s.site.Limits.MaxPages:
		if !s.full {
			s.full = true
			s.log.Warn("max_pages reached; the rest of the site waits for the next run", "max_pages", s.site.Limits.MaxPages)
		}
		s.mu.Unlock()
		return
	}
	s.visited[canon] = true
	s.queued++
	s.mu.Unlock()

	hdr := http.Header{}
	if t.page {
		v, err := s.arch.Validators(ctx, canon)
		if err != nil {
			s.cancel(archiveError(err))
			s.finish(canon)
			return
		}
		if v.ETag != "" {
			hdr.Set("If-None-Match", v.ETag)
		}
		if v.LastModified != "" {
			hdr.Set("If-Modified-Since", v.LastModified)
		}
	}
	cctx := colly.NewContext()
	cctx.Put("target", &t)
	err = c.Request(http.MethodGet, canon, nil, cctx, hdr)
	if err == nil {
		return
	}
	// Colly refused it before fetching: robots.txt, or robots.txt itself
	// could not be fetched.
	s.mu.Lock()
	if errors.Is(err, colly.ErrRobotsTxtBlocked) {
		s.stats.RobotsBlocked++
		s.log.Info("robots.txt forbids", "url", canon)
	} else if ctx.Err() == nil {
		s.stats.Errors++
		s.failures = append(s.failures, Failure{URL: canon, Err: err.Error()})
		s.log.Warn("not fetched", "url", canon, "err", err)
	}
	s.mu.Unlock()
	s.finish(canon)
}

// finish counts a queued request as done and reports progress.
func (s *siteCrawl) finish(u string) {
	s.mu.Lock()
	s.done++
	p := Progress{Site: s.site.Name, URL: u, Queued: s.queued, Done: s.done, Stats: s.stats}
	s.mu.Unlock()
	if s.opts.Progress != nil {
		s.opts.Progress(p)
	}
}

func (s *siteCrawl) onResponse(ctx context.Context, c *colly.Collector, r *colly.Response) {
	t := r.Ctx.GetAny("target").(*target)
	u := r.Request.URL.String()
	defer s.finish(u)
	h := *r.Headers
	if ct, ok := h[hiddenContentType]; ok {
		delete(h, hiddenContentType)
		h["Content-Type"] = ct
	}
	contentType := h.Get("Content-Type")
	body, truncated := r.Body, false
	if int64(len(body)) > s.site.Limits.MaxBody {
		body, truncated = body[:s.site.Limits.MaxBody], true
	}

	// One parse serves both the archive (the Document) and discovery
	// (its links). A 304 on a page we follow reads the links of the
	// stored payload.
	var doc *extract.Document
	switch {
	case r.StatusCode == http.StatusOK && !truncated:
		doc, _ = extract.Extract(body, u, contentType)
	case r.StatusCode == http.StatusNotModified && t.follow && t.depth < s.site.Limits.MaxDepth:
		if last, ct, err := s.arch.LastBody(ctx, u); err == nil {
			doc, _ = extract.Extract(last, u, ct)
		}
	}

	res := archive.Result{}
	if t.page {
		var err error
		// The write goes through even when the crawl is stopping: nothing
		// is left half-written.
		res, err = s.arch.Record(context.WithoutCancel(ctx), archive.Capture{
			URL: u, Site: s.site.Name, Time: time.Now(),
			RequestHeader: *r.Request.Headers,
			Status:        r.StatusCode, Header: h, Body: body, Truncated: truncated,
			Document: doc,
		})
		if err != nil {
			s.log.Error("archive failed", "url", u, "err", err)
			s.cancel(archiveError(err))
			return
		}
	}

	s.mu.Lock()
	st := &s.stats
	st.Fetched++
	st.Bytes += int64(len(r.Body))
	if truncated {
		st.Truncated++
	}
	if t.page {
		st.Archived++
		switch {
		case res.Outcome == archive.OutcomeNotModified:
			st.NotModified++
		case res.NewVersion:
			st.NewVersions++
		case r.StatusCode == http.StatusOK && !truncated && res.ExtractErr == nil:
			st.Unchanged++
		}
	}
	if r.StatusCode >= 400 {
		st.Errors++
		s.failures = append(s.failures, Failure{URL: u, Status: r.StatusCode, Err: http.StatusText(r.StatusCode)})
	}
	s.mu.Unlock()

	level := slog.LevelInfo
	if r.StatusCode >= 400 || truncated {
		level = slog.LevelWarn
	}
	s.log.Log(ctx, level, "fetched", "url", u, "status", r.StatusCode, "bytes", len(r.Body),
		"archived", t.page, "outcome", string(res.Outcome), "new_version", res.NewVersion, "truncated", truncated)

	if r.StatusCode >= 300 && r.StatusCode < 400 && r.StatusCode != http.StatusNotModified {
		s.redirect(ctx, c, r, *t)
	}
	if doc != nil && t.follow && t.depth < s.site.Limits.MaxDepth {
		for _, l := range doc.Links {
			s.consider(ctx, c, r.Request.URL, l, t.depth+1)
		}
	}
}

// redirect follows a redirect as a request of its own, when it stays
// inside the allowed domains and the chain is not too long. The visited
// set ends redirect loops.
func (s *siteCrawl) redirect(ctx context.Context, c *colly.Collector, r *colly.Response, t target) {
	loc := r.Headers.Get("Location")
	to, err := r.Request.URL.Parse(loc)
	switch {
	case loc == "" || err != nil:
		s.log.Warn("redirect without a usable Location", "url", r.Request.URL.String(), "location", loc)
		return
	case (to.Scheme != "http" && to.Scheme != "https") || !s.allowed[strings.ToLower(to.Hostname())]:
		s.mu.Lock()
		s.stats.OffSite++
		s.mu.Unlock()
		s.log.Info("redirect out of the allowed domains not followed", "url", r.Request.URL.String(), "location", to.String())
		return
	case t.hops+1 > maxRedirects:
		s.log.Warn("too many redirects", "url", r.Request.URL.String())
		return
	}
	t.hops++
	s.enqueue(ctx, c, to.String(), t)
}

// consider queues a link when it is in scope. Municipal pages carry
// hundreds of menu links, so the cheap tests come first and nothing out
// of scope reaches Colly.
func (s *siteCrawl) consider(ctx context.Context, c *colly.Collector, base *url.URL, l extract.Link, depth int) {
	href := l.Href
	if href == "" || href[0] == '#' {
		return
	}
	u, err := base.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !s.allowed[strings.ToLower(u.Hostname())] {
		return
	}
	u.Fragment, u.RawFragment = "", ""
	abs := u.String()
	t := target{page: s.isPage(abs, l.Text), follow: matchAny(s.site.Follow, abs), depth: depth}
	if t.page || t.follow {
		s.enqueue(ctx, c, abs, t)
	}
}

func (s *siteCrawl) onError(ctx context.Context, r *colly.Response, err error) {
	u := r.Request.URL.String()
	defer s.finish(u)
	if ctx.Err() != nil {
		return // stopped, not failed: nothing to record
	}
	t, _ := r.Ctx.GetAny("target").(*target)
	if t != nil && t.page {
		_, rerr := s.arch.Record(context.WithoutCancel(ctx), archive.Capture{
			URL: u, Site: s.site.Name, Time: time.Now(), RequestHeader: *r.Request.Headers, Err: err,
		})
		if rerr != nil {
			s.log.Error("archive failed", "url", u, "err", rerr)
			s.cancel(archiveError(rerr))
			return
		}
	}
	s.mu.Lock()
	s.stats.Errors++
	if t != nil && t.page {
		s.stats.Archived++
	}
	s.failures = append(s.failures, Failure{URL: u, Err: err.Error()})
	s.mu.Unlock()
	s.log.Warn("fetch failed", "url", u, "err", err)
}
