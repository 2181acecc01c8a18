// Package ctxsleep owns the one way staffvoice waits: a sleep that ends
// early when its context does (retry backoffs, politeness delays, poll
// loops, schedule jitter).
package ctxsleep

import (
	"context"
	"time"
)

// Sleep waits d, or until ctx is done, and then returns ctx's error.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
