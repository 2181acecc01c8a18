package crawler

import (
	"regexp"
	"time"
)

// Site is one municipality's crawl: where to start, which links to follow
// for discovery, and which pages to archive.
type Site struct {
	Name         string // short name, used in the archive and in logs
	Municipality string // e.g. 練馬区

	Seeds          []string // start URLs
	AllowedDomains []string // hosts the crawl may fetch from; empty: the seeds' hosts

	// Follow matches the URLs of links followed for discovery.
	Follow []*regexp.Regexp
	// Pages matches the URLs or link texts of the pages to archive. A page
	// matched by Pages is archived; one matched only by Follow is fetched
	// for its links and not archived. Seeds are fetched for their links
	// and archived only when Pages matches them.
	Pages []*regexp.Regexp

	Limits Limits
}

// Limits are a site's politeness and safety settings.
type Limits struct {
	Delay       time.Duration // between requests to one host
	RandomDelay time.Duration // up to this much more, at random
	Parallelism int           // concurrent requests per host
	Timeout     time.Duration // per request, body included
	MaxBody     int64         // bytes; a longer body is cut and flagged
	MaxPages    int           // fetches per site per run
	MaxDepth    int           // link hops from a seed (a seed is depth 0)
	Retries     int           // extra attempts after a transient failure
}

// DefaultLimits are the limits of a site whose configuration names none.
func DefaultLimits() Limits {
	return Limits{
		Delay:       2 * time.Second,
		Parallelism: 1,
		Timeout:     30 * time.Second,
		MaxBody:     10 << 20,
		MaxPages:    500,
		MaxDepth:    3,
		Retries:     3,
	}
}
