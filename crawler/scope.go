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
// nothing out of scope reaches Colly.
func (s *siteCrawl) scope(base *url.URL, links []extract.Link) []extract.Link {
	var out []extract.Link
	for _, l := range links {
		href := l.Href
		if href == "" || href[0] == '#' {
			continue
		}
		u, err := base.Parse(href)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			continue
		}
		if !s.allowed[strings.ToLower(u.Hostname())] {
			toASCII(u) // an internationalised name, or not allowed
			if !s.allowed[u.Hostname()] {
				continue
			}
		}
		u.Fragment, u.RawFragment = "", ""
		abs := u.String()
		if s.isPage(abs, l.Text) || matchAny(s.site.Follow, abs) {
			out = append(out, extract.Link{Href: abs, Text: l.Text})
		}
	}
	return out
}
