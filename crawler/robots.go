package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"

	"github.com/temoto/robotstxt"
)

// robots answers whether robots.txt lets the crawl fetch a URL. Colly's
// own check fetches robots.txt without the crawl's context (a stop waits
// for its retries), refetches it for every URL when it fails, and does not
// follow its redirects; this one fetches each host's file once per run,
// with the crawl's context, follows up to 5 redirects, and remembers
// failures too. As RFC 9309 says, a 4xx means no rules, and a 5xx or an
// unreachable host means nothing may be fetched.
type robots struct {
	client    *http.Client
	userAgent string

	mu    sync.Mutex
	hosts map[string]*robotsEntry // by scheme://host
}

type robotsEntry struct {
	done chan struct{} // closed when data or err is set
	data *robotstxt.RobotsData
	err  error
}

// errRobotsUnreachable marks a host whose robots.txt could not be read.
var errRobotsUnreachable = errors.New("robots.txt unreachable, so nothing is fetched from this host")

func newRobots(rt http.RoundTripper, userAgent string) *robots {
	client := &http.Client{
		Transport: rt,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
	return &robots{client: client, userAgent: userAgent, hosts: map[string]*robotsEntry{}}
}

// allowed reports whether u may be fetched. An error means robots.txt
// could not be read (the URL is not fetched) or ctx ended.
func (r *robots) allowed(ctx context.Context, u *url.URL) (bool, error) {
	key := u.Scheme + "://" + u.Host
	r.mu.Lock()
	e, ok := r.hosts[key]
	if !ok {
		e = &robotsEntry{done: make(chan struct{})}
		r.hosts[key] = e
		r.mu.Unlock()
		e.data, e.err = r.fetch(ctx, key)
		if ctx.Err() != nil {
			// Not the host's fault: the crawl is stopping.
			r.mu.Lock()
			delete(r.hosts, key)
			r.mu.Unlock()
			e.err = ctx.Err()
		}
		close(e.done)
	} else {
		r.mu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
	if e.err != nil {
		return false, e.err
	}
	path := u.EscapedPath()
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	return e.data.TestAgent(path, r.userAgent), nil
}

func (r *robots) fetch(ctx context.Context, origin string) (*robotstxt.RobotsData, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, origin+"/robots.txt", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", r.userAgent)
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errRobotsUnreachable, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 500<<10)) // RFC 9309: at least 500 KiB
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errRobotsUnreachable, err)
	}
	status := resp.StatusCode
	if status >= 300 && status < 400 {
		status = http.StatusNotFound // more than 5 redirects: as if there were no file
	}
	data, err := robotstxt.FromStatusAndBytes(status, body)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errRobotsUnreachable, err)
	}
	return data, nil
}
