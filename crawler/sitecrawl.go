package crawler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
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
	page    bool // archive it
	follow  bool // follow its links
	depth   int  // link hops from a seed
	hops    int  // redirects that led here
	fetched bool // a response or an error came back
}

// siteCrawl is one site's crawl within one run. Its visited set lives
// only as long as the run.
type siteCrawl struct {
	site    Site
	arch    Archive
	opts    Options
	log     *slog.Logger
	allowed map[string]bool // host names, lower case, IDNs in ASCII
	client  *http.Client
	robots  *robots
	scopeID string // see scopeID
	memo    scopeMemo
	cancel  context.CancelCauseFunc
	// inflight bounds the requests between their start and the end of
	// their recording: fetched bodies and Documents held in memory.
	inflight chan struct{}

	mu sync.Mutex
	// visited holds every canonical URL queued in this run, with what the
	// links to it asked for, merged: the menu's link to a page may come
	// before the body's link whose text makes it a page to archive.
	visited  map[string]*target
	queued   int
	done     int
	full     bool // max_pages reached
	stats    Stats
	failures []Failure
}

func newSiteCrawl(s Site, arch Archive, gate *hostGate, opts Options) (*siteCrawl, error) {
	if len(s.Seeds) == 0 {
		return nil, fmt.Errorf("crawler: site %q has no seeds", s.Name)
	}
	l := &s.Limits
	if l.Parallelism < 1 {
		l.Parallelism = 1
	}
	if l.Timeout <= 0 || l.MaxBody <= 0 || l.MaxBody > maxBody || l.MaxPages <= 0 || l.MaxDepth < 0 || l.Retries < 0 {
		return nil, fmt.Errorf("crawler: site %q: limits must be positive: %+v", s.Name, *l)
	}
	c := &siteCrawl{site: s, arch: arch, opts: opts, allowed: map[string]bool{}, visited: map[string]*target{}}
	c.log = opts.Logger.With("site", s.Name)
	for _, d := range s.AllowedDomains {
		c.allowed[asciiHost(d)] = true
	}
	c.site.Seeds = make([]string, len(s.Seeds))
	for i, seed := range s.Seeds {
		u, err := url.Parse(seed)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("crawler: site %q: seed %q is not an http(s) URL", s.Name, seed)
		}
		toASCII(u)
		c.site.Seeds[i] = u.String()
		if len(s.AllowedDomains) == 0 {
			c.allowed[u.Hostname()] = true
		}
	}
	base := opts.Transport
	if base == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = max(l.Parallelism, 2) // keep a connection per slot
		base = t
	}
	// Colly's parallelism limit covers the fetch only: without this cap,
	// fetched pages would pile up in memory waiting for the archive.
	c.inflight = make(chan struct{}, max(2*l.Parallelism*len(c.allowed), 4))
	rt := &transport{
		base: base, gate: gate, delay: l.Delay, random: l.RandomDelay,
		userAgent: opts.UserAgent, timeout: l.Timeout, maxBody: l.MaxBody, retries: l.Retries,
		backoff: opts.RetryBackoff, maxWait: opts.MaxRetryWait, sleep: opts.sleep,
		retried: func() { c.mu.Lock(); c.stats.Retries++; c.mu.Unlock() },
	}
	c.client = &http.Client{Transport: rt, CheckRedirect: noRedirects}
	c.scopeID = scopeID(c.allowed, s.Follow, s.Pages)
	c.robots = newRobots(rt, opts.UserAgent)
	return c, nil
}

// maxBody caps Limits.MaxBody: a body is held in memory whole.
const maxBody = 1 << 30

func (s *siteCrawl) run(ctx context.Context, cancel context.CancelCauseFunc) {
	start := time.Now()
	s.cancel = cancel
	hosts := make([]string, 0, len(s.allowed))
	for h := range s.allowed {
		hosts = append(hosts, h)
	}
	c := colly.NewCollector(colly.UserAgent(s.opts.UserAgent), colly.Async(true), colly.StdlibContext(ctx), colly.AllowedDomains(hosts...))
	c.IgnoreRobotsTxt = true        // checked before queueing: see robots
	c.ParseHTTPErrorResponse = true // 304s, redirects and errors are captures too
	c.AllowURLRevisit = true        // the visited set is ours, of canonical URLs
	c.MaxBodySize = int(s.site.Limits.MaxBody) + 1
	c.SetClient(s.client)
	for _, h := range hosts {
		// One rule per host, whatever its port. The delay is the
		// transport's: Colly's would sleep without a context.
		err := c.Limit(&colly.LimitRule{
			DomainRegexp: `^` + regexp.QuoteMeta(h) + `(:\d+)?$`,
			Parallelism:  s.site.Limits.Parallelism,
		})
		if err != nil {
			s.log.Error("limit rule", "host", h, "err", err)
		}
	}
	c.OnRequest(func(r *colly.Request) {
		select {
		case s.inflight <- struct{}{}:
			if ctx.Err() == nil {
				r.Ctx.Put("slot", true)
				return
			}
			<-s.inflight
		case <-ctx.Done():
		}
		r.Abort() // stopping
		s.finish(r.URL.String())
	})
	c.OnResponse(func(r *colly.Response) { s.onResponse(ctx, c, r) })
	c.OnError(func(r *colly.Response, err error) { s.onError(ctx, r, err) })

	for _, seed := range s.site.Seeds {
		s.enqueue(ctx, c, seed, target{page: s.isPage(seed, ""), follow: true})
	}
	c.Wait()
	s.client.CloseIdleConnections()

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

// enqueue queues a URL once per run, within max_pages, with the
// validators of its last capture when it is a page to archive. A URL
// queued again merges what the new link asks for; one already fetched is
// fetched once more only if it now must be archived or followed too.
func (s *siteCrawl) enqueue(ctx context.Context, c *colly.Collector, u string, t target) {
	if ctx.Err() != nil {
		return
	}
	canon, err := archive.CanonicalURL(u)
	if err != nil {
		return
	}
	s.mu.Lock()
	tp := s.visited[canon]
	if tp != nil {
		// Fetch again for what the first fetch did not do: archive it,
		// or follow links it reached too deep to follow (Async crawls do
		// not go breadth first).
		maxDepth := s.site.Limits.MaxDepth
		tooDeep := tp.depth >= maxDepth && t.depth < maxDepth
		more := (t.page && !tp.page) || (t.follow && (!tp.follow || tooDeep))
		tp.page, tp.follow, tp.depth = tp.page || t.page, tp.follow || t.follow, min(tp.depth, t.depth)
		if !tp.fetched || !more {
			s.mu.Unlock()
			return
		}
		tp.fetched = false
	}
	if s.queued >= s.site.Limits.MaxPages {
		if !s.full {
			s.full = true
			s.log.Warn("max_pages reached; the rest of the site waits for the next run", "max_pages", s.site.Limits.MaxPages)
		}
		s.mu.Unlock()
		return
	}
	if tp == nil {
		tp = &t
		s.visited[canon] = tp
	}
	page := tp.page
	s.queued++
	s.mu.Unlock()

	if err := s.admit(ctx, canon); err != nil {
		s.mu.Lock()
		if errors.Is(err, errRobotsBlocked) {
			s.stats.RobotsBlocked++
			s.log.Info("robots.txt forbids", "url", canon)
		} else if ctx.Err() == nil {
			s.stats.Errors++
			s.failures = append(s.failures, Failure{URL: canon, Err: err.Error()})
			s.log.Warn("not fetched", "url", canon, "err", err)
		}
		s.mu.Unlock()
		s.finish(canon)
		return
	}
	hdr := http.Header{}
	if page {
		v, err := s.arch.Validators(ctx, canon)
		if err != nil {
			if ctx.Err() == nil {
				s.cancel(archiveError(err))
			}
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
	cctx.Put("target", tp)
	if err := c.Request(http.MethodGet, canon, nil, cctx, hdr); err != nil {
		// Colly refused it before fetching; our checks should have.
		s.mu.Lock()
		s.stats.Errors++
		s.failures = append(s.failures, Failure{URL: canon, Err: err.Error()})
		s.mu.Unlock()
		s.log.Warn("not fetched", "url", canon, "err", err)
		s.finish(canon)
	}
}

// errRobotsBlocked marks a URL robots.txt forbids.
var errRobotsBlocked = errors.New("forbidden by robots.txt")

// admit checks robots.txt, unless the crawl ignores it.
func (s *siteCrawl) admit(ctx context.Context, canon string) error {
	if s.opts.IgnoreRobots {
		return nil
	}
	u, err := url.Parse(canon)
	if err != nil {
		return err
	}
	ok, err := s.robots.allowed(ctx, u)
	switch {
	case err != nil:
		return err
	case !ok:
		return errRobotsBlocked
	}
	return nil
}

// release frees the in-flight slot a request took in OnRequest.
func (s *siteCrawl) release(r *colly.Request) {
	if r.Ctx.GetAny("slot") != nil {
		r.Ctx.Put("slot", nil)
		<-s.inflight
	}
}

// take reads a fetched URL's target: what the links to it asked for.
func (s *siteCrawl) take(r *colly.Request) target {
	tp := r.Ctx.GetAny("target").(*target)
	s.mu.Lock()
	defer s.mu.Unlock()
	tp.fetched = true
	return *tp
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
	t := s.take(r.Request)
	u := r.Request.URL.String()
	defer s.finish(u)
	defer s.release(r.Request)
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
	// (its links). The links in scope are kept with the capture, so that
	// a later 304 still leads to them.
	var doc *extract.Document
	var links []extract.Link
	switch {
	case r.StatusCode == http.StatusOK && !truncated:
		doc, _ = extract.Extract(body, u, contentType)
		if doc != nil && t.follow {
			links = s.scope(r.Request.URL, doc.Links)
		}
	case r.StatusCode == http.StatusNotModified && t.follow && t.depth < s.site.Limits.MaxDepth:
		links = s.linksOfStored(ctx, r.Request.URL)
	}

	res := archive.Result{}
	if t.page {
		var stored *archive.LinkSet // a 304's links are those of the payload it refers to
		if r.StatusCode == http.StatusOK && doc != nil && t.follow {
			stored = &archive.LinkSet{Scope: s.scopeID, Links: links}
		}
		var err error
		// The write goes through even when the crawl is stopping: nothing
		// is left half-written.
		res, err = s.arch.Record(context.WithoutCancel(ctx), archive.Capture{
			URL: u, Site: s.site.Name, Time: time.Now(),
			RequestHeader: *r.Request.Headers,
			Status:        r.StatusCode, Header: h, Body: body, Truncated: truncated,
			Document: doc, Links: stored,
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
	st.Statuses[min(max(r.StatusCode/100, 1), 5)]++
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
		s.redirect(ctx, c, r, t)
	}
	if t.follow && t.depth < s.site.Limits.MaxDepth {
		for _, l := range links {
			s.enqueue(ctx, c, l.Href, target{page: s.isPage(l.Href, l.Text), follow: matchAny(s.site.Follow, l.Href), depth: t.depth + 1})
		}
	}
}

// redirect follows a redirect as a request of its own, when its target
// is in scope (inside the allowed domains, and matching follow or pages
// by URL: a removed page sent to the home page is not archived as the
// page) and the chain is not too long. The visited set ends loops.
func (s *siteCrawl) redirect(ctx context.Context, c *colly.Collector, r *colly.Response, t target) {
	from := r.Request.URL.String()
	loc := r.Headers.Get("Location")
	to, err := r.Request.URL.Parse(loc)
	if loc == "" || err != nil {
		s.log.Warn("redirect without a usable Location", "url", from, "location", loc)
		return
	}
	toASCII(to)
	to.Fragment, to.RawFragment = "", ""
	target := to.String()
	switch {
	case (to.Scheme != "http" && to.Scheme != "https") || !s.allowed[to.Hostname()]:
		s.mu.Lock()
		s.stats.OffSite++
		s.mu.Unlock()
		s.log.Info("redirect out of the allowed domains not followed", "url", from, "location", target)
		return
	case !s.isPage(target, "") && !matchAny(s.site.Follow, target):
		s.log.Info("redirect to a URL out of scope not followed", "url", from, "location", target)
		return
	case t.hops+1 > maxRedirects:
		s.log.Warn("too many redirects", "url", from)
		return
	}
	t.hops++
	t.fetched = false
	s.enqueue(ctx, c, target, t)
}

// linksOfStored returns the links in scope of the payload a 304 refers
// to: those recorded with it when they were chosen by the same scope, else
// the links of the payload itself, read back and extracted.
func (s *siteCrawl) linksOfStored(ctx context.Context, u *url.URL) []extract.Link {
	set, err := s.arch.LastLinks(ctx, u.String())
	if err == nil && set != nil && set.Scope == s.scopeID {
		return set.Links
	}
	body, ct, err := s.arch.LastBody(ctx, u.String())
	if err != nil {
		s.log.Warn("not modified, and its stored payload is unreadable: its links are not followed", "url", u.String(), "err", err)
		return nil
	}
	doc, err := extract.Extract(body, u.String(), ct)
	if err != nil {
		return nil
	}
	return s.scope(u, doc.Links)
}

func (s *siteCrawl) onError(ctx context.Context, r *colly.Response, err error) {
	u := r.Request.URL.String()
	defer s.finish(u)
	defer s.release(r.Request)
	if ctx.Err() != nil {
		return // stopped, not failed: nothing to record
	}
	t := s.take(r.Request)
	if t.page {
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
	s.stats.Statuses[0]++
	if t.page {
		s.stats.Archived++
	}
	s.failures = append(s.failures, Failure{URL: u, Err: err.Error()})
	s.mu.Unlock()
	s.log.Warn("fetch failed", "url", u, "err", err)
}
