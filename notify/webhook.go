package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/staffvoice/staffvoice/internal/ctxsleep"
)

// SignatureHeader carries the HMAC-SHA256 of the request body, keyed with
// the webhook's secret, as "sha256=<hex>".
const SignatureHeader = "X-Staffvoice-Signature"

// UserAgent is sent with every webhook request.
const UserAgent = "staffvoice-notify/1"

// Defaults for a Webhook's zero fields.
const (
	DefaultTimeout = 10 * time.Second
	DefaultBackoff = time.Second
)

// ErrRejected is returned, wrapped, when a receiver answers with a 4xx
// status other than 429: the request will not succeed if repeated, so it
// is not retried.
var ErrRejected = errors.New("rejected by receiver")

// Webhook posts Events as JSON to URL.
type Webhook struct {
	URL string
	// Secret keys the signature header; none is sent when it is empty.
	Secret string
	// Timeout bounds each attempt (default DefaultTimeout).
	Timeout time.Duration
	// Retries is how many times a failed attempt is repeated: after a
	// network error, a 5xx or a 429. Zero means one attempt only.
	Retries int
	// Backoff is the wait before the first retry (default
	// DefaultBackoff); it doubles for each further one.
	Backoff time.Duration
	// Client sends the requests (default: one with no timeout of its
	// own, as Timeout bounds each attempt).
	Client *http.Client

	// sleep waits between attempts; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
}

// Send posts e to the webhook, retrying as the Webhook says. A 2xx answer
// is success. Errors name the receiver by scheme and host only, since
// webhook URLs often carry tokens in their path or query, and never hold
// the secret.
func (w *Webhook) Send(ctx context.Context, e Event) error {
	body, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("notify: webhook: encode event: %w", err)
	}
	target := redactURL(w.URL)
	timeout := cmpOr(w.Timeout, DefaultTimeout)
	backoff := cmpOr(w.Backoff, DefaultBackoff)
	sleep := w.sleep
	if sleep == nil {
		sleep = ctxsleep.Sleep
	}
	attempts := max(w.Retries, 0) + 1
	var last error
	for attempt := 1; attempt <= attempts; attempt++ {
		if attempt > 1 {
			if err := sleep(ctx, backoff<<(attempt-2)); err != nil {
				return fmt.Errorf("notify: webhook %s: %w (after %v)", target, err, last)
			}
		}
		retry, err := w.post(ctx, body, timeout)
		if err == nil {
			return nil
		}
		last = fmt.Errorf("attempt %d of %d: %w", attempt, attempts, err)
		if !retry || ctx.Err() != nil {
			break
		}
	}
	return fmt.Errorf("notify: webhook %s: %w", target, last)
}

// post makes one attempt and says whether a failure is worth retrying.
func (w *Webhook) post(ctx context.Context, body []byte, timeout time.Duration) (retry bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		// The message of a bad URL would quote it.
		return false, errors.New("invalid webhook URL")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	if w.Secret != "" {
		req.Header.Set(SignatureHeader, Sign(w.Secret, body))
	}
	client := w.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		// *url.Error quotes the full URL; keep only what went wrong.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
			err = fmt.Errorf("no answer within %v", timeout)
		}
		return true, err
	}
	// Read a little of the body so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		return false, nil
	case code >= 500 || code == http.StatusTooManyRequests:
		return true, fmt.Errorf("status %s", resp.Status)
	default:
		return false, fmt.Errorf("status %s: %w", resp.Status, ErrRejected)
	}
}

// Sign is the signature header's value for body: "sha256=" and the hex
// HMAC-SHA256 of body keyed with secret.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature reports whether header, the value of the signature
// header, is body's signature with secret. It compares in constant time.
func VerifySignature(secret string, body []byte, header string) bool {
	got, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	sum, err := hex.DecodeString(got)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hmac.Equal(sum, mac.Sum(nil))
}

// redactURL is u without user info, path or query, which may hold tokens.
func redactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return "(invalid URL)"
	}
	return p.Scheme + "://" + p.Host
}

// cmpOr is d, or def when d is not positive.
func cmpOr(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
