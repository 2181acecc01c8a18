package notify

import (
	"context"
	"errors"
	"log/slog"
)

// Notifier sends Events to the configured targets; a nil target is not
// used.
type Notifier struct {
	Webhook *Webhook
	Command *Command
	// Logger receives one line per failure (default slog.Default()).
	Logger *slog.Logger
}

// Notify sends each event to each target, in order, and returns how many
// deliveries failed. Failures are logged, never returned: a receiver that
// is down must not fail the crawl that found the change. Once the webhook
// has failed after all its retries for a reason other than a rejection,
// the rest of the events are counted as failed without waiting on it
// again, so a dead receiver costs one event's retries, not every event's.
// A command that fails is not run again for the rest of the events.
func (n *Notifier) Notify(ctx context.Context, events []Event) (failures int) {
	log := n.Logger
	if log == nil {
		log = slog.Default()
	}
	webhookDown, commandDown := false, false
	for _, e := range events {
		if n.Webhook != nil {
			var err error
			if webhookDown {
				err = errors.New("notify: webhook: skipped, receiver failed for an earlier event")
			} else if err = n.Webhook.Send(ctx, e); err != nil && !errors.Is(err, ErrRejected) {
				webhookDown = true
			}
			if err != nil {
				failures++
				log.WarnContext(ctx, "webhook notification failed", "site", e.Site, "url", e.URL, "version", e.ToVersion, "err", err)
			}
		}
		if n.Command != nil {
			var err error
			if commandDown {
				err = errors.New("notify: command: skipped, it failed for an earlier event")
			} else if err = n.Command.Run(ctx, e); err != nil {
				commandDown = true // a hanging hook would hold every event up to its timeout
			}
			if err != nil {
				failures++
				log.WarnContext(ctx, "command notification failed", "site", e.Site, "url", e.URL, "version", e.ToVersion, "err", err)
			}
		}
	}
	return failures
}
