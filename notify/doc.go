// Package notify tells people and systems that a page changed.
//
// An Event is one new version of one page with its changes, built from
// the archive's recorded changes by Events. A Notifier sends each Event to
// a signed Webhook and a Command hook; a receiver that is down is retried
// a bounded number of times, then logged and counted, and never fails the
// caller. WriteFeeds writes Atom feeds (all.atom and <site>.atom) from the
// same Events; it keeps no state, so the caller regenerates the feeds from
// the archive after each run.
package notify
