// Package schedules runs each configured site's crawl on its own cron
// schedule (robfig/cron), for the staffvoice run daemon.
//
// It owns the wrapping of every job: a run still going when its next tick
// comes is skipped, a panic is recovered and counted, and a random jitter
// staggers the sites. It also owns the daemon's Prometheus metrics and its
// /metrics and /healthz handlers. What a run does is a Runner: CrawlRunner
// crawls the site into the archive, waiting for the archive's writer lock
// up to the configured lock_wait, and hands the changes it recorded to a
// Notifier.
package schedules
