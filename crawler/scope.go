package crawler

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"

	"golang.org/x/net/idna"

	"github.com/staffvoice/staffvoice/extract"
)

// A site's scope: which links are queued, archived or followed.

// asciiHost is a host name as URLs carry it: lower case, an
// internationalised name (テスト市.jp) in its ASCII form.
func asciiHost(h string) string {
	h = strings.ToLower(h)
	if a, err := idna.Lookup.ToASCII(h); err == nil {
		return a
	}
	return h
}

// toASCII rewrites u's host with asciiHost, keeping its port.
func toASCII(u *url.URL) {
	h := asciiHost(u.Hostname())
	if p := u.Port(); p != "" {
		h = net.JoinHostPort(h, p)
	} else if strings.Contains(h, ":") {
		h = "[" + h + "]"
	}
	u.Host = h
}

// isPage reports whether a URL, or the text of a link to it, makes it a
// page to archive.
func (s *siteCrawl) isPage(u, text string) bool {
	return matchAny(s.site.Pages, u) || (text != "" && matchAny(s.site.Pages, text))
}

// matchAny reports whether any of the regexes matches s.
func matchAny(res []*regexp.Regexp, s string) bool {
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// scopeID identifies a site's scope (allowed domains, follow and pages),
// so that links chosen by another scope are not reused.
func scopeID(allowed map[string]bool, follow, pages []*regexp.Regexp) string {
	h := sha256.New()
	for _, d := range slices.Sorted(maps.Keys(allowed)) {
		fmt.Fprintf(h, "d%q\n", d)
	}
	for _, re := range follow {
		fmt.Fprintf(h, "f%q\n", re.String())
	}
	for _, re := range pages {
		fmt.Fprintf(h, "p%q\n", re.String())
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// scope returns the links to queue, as absolute URLs without fragments:
// those inside the allowed domains that match follow or pages. Municipal
// pages carry hundreds of menu links, so the cheap tests come first and
// nothing out of scope reaches Colly; and the menus are the same on every
// page, so the verdict on a link that does not depend on the page's own
// path is remembered (see scopeMemo).
func (s *siteCrawl) scope(base *url.URL, links []extract.Link) []extract.Link {
	var out []extract.Link
	for _, l := range links {
		href := l.Href
		if href == "" || href[0] == '#' {
			continue
		}
		key, memo := keyOf(base, l)
		v, ok := verdict{}, false
		if memo {
			v, ok = s.memo.get(key)
		}
		if !ok {
			v = s.judge(base, l)
			if memo {
				s.memo.put(key, v)
			}
		}
		if v.keep {
			out = append(out, extract.Link{Href: v.abs, Text: l.Text})
		}
	}
	return out
}

// verdict is what scope decides about a link.
type verdict struct {
	abs  string // the absolute URL, without fragment
	keep bool
}

// judge decides about one link.
func (s *siteCrawl) judge(base *url.URL, l extract.Link) verdict {
	u, err := base.Parse(l.Href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return verdict{}
	}
	if !s.allowed[strings.ToLower(u.Hostname())] {
		toASCII(u) // an internationalised name, or not allowed
		if !s.allowed[u.Hostname()] {
			return verdict{}
		}
	}
	u.Fragment, u.RawFragment = "", ""
	abs := u.String()
	return verdict{abs: abs, keep: s.isPage(abs, l.Text) || matchAny(s.site.Follow, abs)}
}

// memoKey is the key under which a link's verdict is remembered: the link
// and what of the page's URL it depends on. ok is false for a link
// relative to the page's path, which is not remembered.
type memoKey struct {
	scheme, host, href, text string
}

func keyOf(base *url.URL, l extract.Link) (k memoKey, ok bool) {
	h := l.Href
	switch {
	case strings.HasPrefix(h, "//") || strings.HasPrefix(h, "http:") || strings.HasPrefix(h, "https:"):
		// Resolved alone (a scheme-relative link takes the page's scheme).
		return memoKey{scheme: base.Scheme, href: h, text: l.Text}, true
	case h[0] == '/':
		return memoKey{scheme: base.Scheme, host: base.Host, href: h, text: l.Text}, true
	}
	return memoKey{}, false
}

// scopeMemo remembers verdicts on links for one crawl of a site, up to
// memoSize of them; then it starts again, so that memory stays bounded.
type scopeMemo struct {
	mu sync.Mutex
	m  map[memoKey]verdict
}

const memoSize = 1 << 14

func (m *scopeMemo) get(key memoKey) (verdict, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[key]
	return v, ok
}

func (m *scopeMemo) put(key memoKey, v verdict) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil || len(m.m) >= memoSize {
		m.m = make(map[memoKey]verdict)
	}
	// A link's strings may share memory with its whole page: copies, so
	// that the memo does not hold pages.
	key.href, key.text = strings.Clone(key.href), strings.Clone(key.text)
	m.m[key] = v
}
