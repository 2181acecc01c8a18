package crawler

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// transport is the crawler's http.RoundTripper. Colly has no retry
// backoff and no per-attempt timeout, so both live here, below Colly's
// per-host limit: a request waiting out a 429 keeps its host's slot, and
// no other request reaches that host meanwhile.
type transport struct {
	base      http.RoundTripper
	userAgent string
	timeout   time.Duration // per attempt, body included
	retries   int           // extra attempts after a transient failure
	// backoff is the wait before the first retry; it doubles each time,
	// plus up to half again at random.
	backoff time.Duration
	// maxWait caps any one wait. A Retry-After longer than that ends the
	// retries: the response is kept as it is.
	maxWait time.Duration
	sleep   func(context.Context, time.Duration) error
	// retried counts the retries made, for the crawl's summary.
	retried func()
}

// hiddenContentType is where the transport parks the Content-Type header.
// Colly converts a body whose Content-Type names a charset other than
// UTF-8 to UTF-8 (Response.fixCharset), which would archive converted
// bytes under the original header. Header.Get does not see this
// non-canonical key; the crawler moves the header back.
const hiddenContentType = "content-type"

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
		r := req.Clone(ctx)
		if r.Header.Get("User-Agent") == "" {
			r.Header.Set("User-Agent", t.userAgent) // Colly's robots.txt fetch sends none
		}
		resp, err := t.base.RoundTrip(r)
		if req.Context().Err() != nil {
			// The crawl is stopping: no retry, nothing to keep.
			if resp != nil {
				resp.Body.Close()
			}
			cancel()
			return nil, req.Context().Err()
		}
		wait, retry := t.retryAfter(attempt, resp, err)
		if !retry {
			if err != nil {
				cancel()
				return nil, err
			}
			resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
			if ct, ok := resp.Header["Content-Type"]; ok {
				delete(resp.Header, "Content-Type")
				resp.Header[hiddenContentType] = ct
			}
			return resp, nil
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // reuse the connection
			resp.Body.Close()
		}
		cancel()
		if t.retried != nil {
			t.retried()
		}
		if err := t.sleep(req.Context(), wait); err != nil {
			return nil, err
		}
	}
}

// retryAfter says whether an attempt's outcome is worth another attempt,
// and after how long.
func (t *transport) retryAfter(attempt int, resp *http.Response, err error) (time.Duration, bool) {
	if attempt >= t.retries {
		return 0, false
	}
	if err != nil && !transient(err) {
		return 0, false
	}
	if err == nil {
		switch resp.StatusCode {
		case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
			http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		default:
			return 0, false
		}
	}
	wait := t.backoff << attempt
	wait += rand.N(wait/2 + 1)
	if err == nil {
		if after, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			if after > t.maxWait {
				return 0, false
			}
			wait = max(wait, after)
		}
	}
	return min(wait, t.maxWait), true
}

// transient reports whether a fetch error may go away on its own: a
// timeout, a refused or reset connection, a connection closed early.
func transient(err error) bool {
	var netErr net.Error
	var opErr *net.OpError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return true
	case errors.As(err, &netErr) && netErr.Timeout():
		return true
	case errors.As(err, &opErr):
		return true // refused, reset, unreachable
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	}
	return false
}

// parseRetryAfter reads a Retry-After header: seconds, or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0, false
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// sleepContext waits d, or until ctx is done.
func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// cancelOnClose ends an attempt's context when its body is closed: the
// timeout covers reading the body too.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// noRedirects makes every redirect a response of its own: the crawler
// records it, and follows it as a new request when it stays in scope.
// robots.txt is the exception: its redirects are followed (up to 5), as
// robots.txt parsers expect.
func noRedirects(req *http.Request, via []*http.Request) error {
	if req.URL.Path == "/robots.txt" && len(via) < 5 {
		return nil
	}
	return http.ErrUseLastResponse
}
