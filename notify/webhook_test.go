package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/staffvoice/staffvoice/diff"
)

const testSecret = "s3cret-do-not-log"

func testEvent() Event {
	return Event{
		URL: "https://www.city.example.jp/faq/1.html", Site: "kobe", Municipality: "神戸市",
		FromVersion: 1, ToVersion: 2, DetectedAt: time.Date(2024, 5, 1, 6, 0, 0, 0, time.UTC),
		Changes: []diff.Change{{Kind: diff.KindAnswerChanged, Section: "ごみ", Question: "粗大ごみは？",
			Old: "月曜日", New: "火曜日", Ops: []diff.Op{{Op: diff.OpDelete, Text: "月"}, {Op: diff.OpInsert, Text: "火"}, {Op: diff.OpEqual, Text: "曜日"}}}},
	}
}

// receiver is an httptest server that answers with statuses in turn
// (200 once they run out) and keeps what it was sent.
type receiver struct {
	mu       sync.Mutex
	statuses []int
	bodies   [][]byte
	headers  []http.Header
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bodies = append(r.bodies, body)
	r.headers = append(r.headers, req.Header.Clone())
	status := http.StatusOK
	if len(r.statuses) > 0 {
		status, r.statuses = r.statuses[0], r.statuses[1:]
	}
	w.WriteHeader(status)
}

func (r *receiver) calls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.bodies)
}

// noSleep records the backoff waits instead of sleeping.
func noSleep(waits *[]time.Duration) func(context.Context, time.Duration) error {
	return func(ctx context.Context, d time.Duration) error {
		*waits = append(*waits, d)
		return ctx.Err()
	}
}

func TestWebhookBodyAndSignature(t *testing.T) {
	rec := &receiver{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	w := &Webhook{URL: srv.URL, Secret: testSecret}
	if err := w.Send(context.Background(), testEvent()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := rec.calls(); got != 1 {
		t.Fatalf("deliveries: got %d, want 1", got)
	}
	body, h := rec.bodies[0], rec.headers[0]
	if got := h.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type: got %q", got)
	}
	if got := h.Get("User-Agent"); got != UserAgent {
		t.Errorf("User-Agent: got %q, want %q", got, UserAgent)
	}
	if !VerifySignature(testSecret, body, h.Get(SignatureHeader)) {
		t.Errorf("signature %q does not verify", h.Get(SignatureHeader))
	}
	if VerifySignature("other", body, h.Get(SignatureHeader)) {
		t.Error("signature verifies with the wrong secret")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		t.Fatalf("body is not JSON: %v", err)
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range fields {
			if !yield(k) {
				return
			}
		}
	})
	want := []string{"changes", "detected_at", "from_version", "municipality", "site", "to_version", "url"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("body fields: got %v, want %v", keys, want)
	}
	var got Event
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, testEvent()) {
		t.Errorf("body: got %+v, want %+v", got, testEvent())
	}
}

func TestWebhookNoSecretNoSignature(t *testing.T) {
	rec := &receiver{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	if err := (&Webhook{URL: srv.URL}).Send(context.Background(), testEvent()); err != nil {
		t.Fatal(err)
	}
	if got := rec.headers[0].Get(SignatureHeader); got != "" {
		t.Errorf("signature header without a secret: %q", got)
	}
}

func TestWebhookRetries(t *testing.T) {
	tests := []struct {
		name      string
		statuses  []int
		retries   int
		wantCalls int
		wantWaits []time.Duration
		wantErr   string // "" for success
		rejected  bool
	}{
		{"503 twice then 200", []int{503, 503}, 3, 3, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}, "", false},
		{"429 then 200", []int{429}, 1, 2, []time.Duration{100 * time.Millisecond}, "", false},
		{"500 beyond retries", []int{500, 500, 500}, 2, 3, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}, "attempt 3 of 3: status 500", false},
		{"400 not retried", []int{400}, 3, 1, nil, "status 400 Bad Request", true},
		{"404 not retried", []int{404}, 3, 1, nil, "status 404", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &receiver{statuses: slices.Clone(tt.statuses)}
			srv := httptest.NewServer(rec)
			defer srv.Close()
			var waits []time.Duration
			w := &Webhook{URL: srv.URL + "/hook/TOKEN123?key=abc", Secret: testSecret, Retries: tt.retries,
				Backoff: 100 * time.Millisecond, sleep: noSleep(&waits)}
			err := w.Send(context.Background(), testEvent())
			if got := rec.calls(); got != tt.wantCalls {
				t.Errorf("deliveries: got %d, want %d", got, tt.wantCalls)
			}
			if !reflect.DeepEqual(waits, tt.wantWaits) {
				t.Errorf("backoff waits: got %v, want %v", waits, tt.wantWaits)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Send: %v, want success", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Send: got %v, want an error containing %q", err, tt.wantErr)
			}
			if got := errors.Is(err, ErrRejected); got != tt.rejected {
				t.Errorf("errors.Is(err, ErrRejected) = %v, want %v", got, tt.rejected)
			}
			if err != nil {
				for _, secret := range []string{testSecret, "TOKEN123", "key=abc"} {
					if strings.Contains(err.Error(), secret) {
						t.Errorf("error %q contains %q", err, secret)
					}
				}
			}
		})
	}
}

func TestWebhookReceiverDown(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/hook/TOKEN123"
	srv.Close()
	var waits []time.Duration
	var logs bytes.Buffer
	n := &Notifier{
		Webhook: &Webhook{URL: url, Secret: testSecret, Retries: 2, Backoff: time.Second, Timeout: 5 * time.Second, sleep: noSleep(&waits)},
		Logger:  slog.New(slog.NewTextHandler(&logs, nil)),
	}
	second := testEvent()
	second.ToVersion = 3
	if got := n.Notify(context.Background(), []Event{testEvent(), second}); got != 2 {
		t.Errorf("failures: got %d, want 2", got)
	}
	// Two retries for the first event; the second is not tried again.
	if want := []time.Duration{time.Second, 2 * time.Second}; !reflect.DeepEqual(waits, want) {
		t.Errorf("backoff waits: got %v, want %v", waits, want)
	}
	out := logs.String()
	if !strings.Contains(out, "webhook notification failed") || !strings.Contains(out, "attempt 3 of 3") {
		t.Errorf("log does not report the failure after 3 attempts:\n%s", out)
	}
	for _, secret := range []string{testSecret, "TOKEN123"} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q:\n%s", secret, out)
		}
	}
}

func TestWebhookTimeoutPerAttempt(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	var waits []time.Duration
	w := &Webhook{URL: srv.URL, Timeout: 50 * time.Millisecond, Retries: 1, sleep: noSleep(&waits)}
	err := w.Send(context.Background(), testEvent())
	if err == nil || !strings.Contains(err.Error(), "no answer within 50ms") {
		t.Errorf("Send to a receiver that never answers: got %v, want a timeout", err)
	}
	if len(waits) != 1 {
		t.Errorf("retries after timeouts: got %d, want 1", len(waits))
	}
}

func TestVerifySignature(t *testing.T) {
	body := []byte(`{"a":1}`)
	good := Sign("k", body)
	tests := []struct {
		header string
		want   bool
	}{
		{good, true},
		{strings.TrimPrefix(good, "sha256="), false},
		{"sha256=zz", false},
		{"sha256=" + strings.Repeat("0", 64), false},
		{"", false},
	}
	for _, tt := range tests {
		if got := VerifySignature("k", body, tt.header); got != tt.want {
			t.Errorf("VerifySignature(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}
