package crawler

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/staffvoice/staffvoice/internal/ctxsleep"
)

// transport is the crawler's http.RoundTripper. Colly has no retry
// backoff and no per-attempt timeout, and its LimitRule delay sleeps
// without a context while holding the host's slot (a stop would wait out
// one delay per queued URL), so these live here, below Colly's per-host
// parallelism limit: a request waiting out a 429 keeps its host's slot,
// and no other request reaches that host meanwhile.
type transport struct {
	base      http.RoundTripper
	gate      *hostGate
	delay     time.Duration // between requests to one host
	random    time.Duration // up to this much more, at random
	userAgent string
	timeout   time.Duration // per attempt, body included
	maxBody   int64         // bytes read of a body; one more shows it was cut
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

// RoundTrip makes up to 1+retries attempts, each after the host's delay
// and each reading the whole body (up to maxBody+1 bytes) within the
// timeout, so that a body that stalls or breaks off is retried too.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		pause := t.delay
		if t.random > 0 {
			pause += rand.N(t.random)
		}
		if err := t.gate.wait(req.Context(), req.URL.Host, pause); err != nil {
			return nil, err
		}
		resp, err := t.attempt(req)
		t.gate.done(req.URL.Host, pause)
		if req.Context().Err() != nil {
			return nil, req.Context().Err() // the crawl is stopping: no retry
		}
		wait, retry := t.retryAfter(attempt, resp, err)
		if !retry {
			if err != nil {
				return nil, err
			}
			if ct, ok := resp.Header["Content-Type"]; ok {
				delete(resp.Header, "Content-Type")
				resp.Header[hiddenContentType] = ct
			}
			return resp, nil
		}
		if t.retried != nil {
			t.retried()
		}
		if err := t.sleep(req.Context(), wait); err != nil {
			return nil, err
		}
	}
}

// attempt makes one request and reads its body.
func (t *transport) attempt(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
	defer cancel()
	r := req.Clone(ctx)
	if r.Header.Get("User-Agent") == "" {
		r.Header.Set("User-Agent", t.userAgent)
	}
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	// One buffer of the announced size when there is one (within the
	// limit), rather than one doubling from 512 bytes.
	var buf bytes.Buffer
	if n := resp.ContentLength; n > 0 && n <= t.maxBody {
		buf.Grow(int(n) + bytes.MinRead) // ReadFrom wants MinRead free for each read, EOF's too
	}
	if _, err := buf.ReadFrom(io.LimitReader(resp.Body, t.maxBody+1)); err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	body := buf.Bytes()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	return resp, nil
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
// timeout, a refused or reset connection, a connection closed early. A
// host name that does not resolve and a certificate that does not verify
// will not.
func transient(err error) bool {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var netErr net.Error
	var opErr *net.OpError
	switch {
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound,
		errors.As(err, &certErr), errors.As(err, &unknownAuthority), errors.As(err, &hostname):
		return false
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

// noRedirects makes every redirect a response of its own: the crawler
// records it, and follows it as a new request when it stays in scope.
func noRedirects(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}

// hostGate spaces the requests to each host, whichever site makes them:
// an attempt starts no sooner than its pause (the delay plus the random
// extra) after the previous one to the same host ended, and concurrent
// ones are spaced by the pause too. Waits end with the context.
type hostGate struct {
	mu   sync.Mutex
	next map[string]time.Time // by host[:port]
}

func newHostGate() *hostGate { return &hostGate{next: map[string]time.Time{}} }

func (g *hostGate) wait(ctx context.Context, host string, pause time.Duration) error {
	if pause <= 0 {
		return ctx.Err()
	}
	host = strings.ToLower(host)
	g.mu.Lock()
	now := time.Now()
	start := now
	if next := g.next[host]; next.After(start) {
		start = next
	}
	g.next[host] = start.Add(pause)
	g.mu.Unlock()
	if start.Equal(now) {
		return ctx.Err()
	}
	return ctxsleep.Sleep(ctx, start.Sub(now))
}

// done notes that a request to host ended now.
func (g *hostGate) done(host string, pause time.Duration) {
	if pause <= 0 {
		return
	}
	host = strings.ToLower(host)
	g.mu.Lock()
	defer g.mu.Unlock()
	if next := time.Now().Add(pause); next.After(g.next[host]) {
		g.next[host] = next
	}
}
