// Package crawler fetches the configured sites' pages and hands every
// response to the archive. It wraps Colly (github.com/gocolly/colly/v2);
// no Colly type appears in its API.
//
// It owns politeness (robots.txt, a per-host delay and parallelism limit,
// the User-Agent), conditional requests from what the archive last saw,
// retries with backoff that honour Retry-After, the limits that keep a
// crawl bounded (per-request timeout, body size, max_pages, max_depth,
// redirects only inside the allowed domains) and link scoping: which links
// are followed for discovery and which pages are archived.
package crawler
