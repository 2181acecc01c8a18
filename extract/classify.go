package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// skipped elements never hold page text.
func skipped(a atom.Atom) bool {
	switch a {
	case atom.Head, atom.Script, atom.Style, atom.Noscript, atom.Template,
		atom.Iframe, atom.Object, atom.Embed, atom.Svg, atom.Math, atom.Select,
		atom.Textarea, atom.Button, atom.Input, atom.Canvas, atom.Audio,
		atom.Video, atom.Map, atom.Rt, atom.Rp, atom.Datalist:
		return true
	}
	return false
}

func blockTag(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Body,
		atom.Caption, atom.Center, atom.Dd, atom.Details, atom.Dialog, atom.Dir,
		atom.Div, atom.Dl, atom.Dt, atom.Fieldset, atom.Figcaption, atom.Figure,
		atom.Footer, atom.Form, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5,
		atom.H6, atom.Header, atom.Hgroup, atom.Hr, atom.Html, atom.Legend,
		atom.Li, atom.Main, atom.Menu, atom.Nav, atom.Ol, atom.P, atom.Pre,
		atom.Section, atom.Summary, atom.Table, atom.Tbody, atom.Td, atom.Tfoot,
		atom.Th, atom.Thead, atom.Tr, atom.Ul:
		return true
	}
	return false
}

// elementAttrs is what the walk reads from an element's attributes
// besides its roles: the first of each, as attr would find it.
type elementAttrs struct {
	hidden         bool
	id, role, href string
}

// classify gives an element its roles, and gathers its other attributes
// the walk needs into at. One pass over the attributes serves both: a
// look-up of each (hidden for every element, id and role for every block,
// href for every link) cost the walk 8k instructions a Nerima page more.
func (w *walker) classify(n *html.Node, at *elementAttrs) role {
	var r role
	a := n.DataAtom
	inSection := w.sectioning > 0
	switch a {
	case atom.Nav, atom.Aside, atom.Form:
		r |= roleBoiler
	case atom.Header, atom.Footer:
		// A <header> or <footer> inside <main>, <article> or <section> is
		// the section's own (it may hold the page title or the contact).
		if !inSection {
			r |= roleBoiler
		}
	}
	if len(n.Attr) == 0 {
		return r
	}
	var hasID, hasRole, hasHref bool
	for _, kv := range n.Attr {
		switch kv.Key {
		case "role":
			if !hasRole {
				at.role, hasRole = kv.Val, true
			}
		case "aria-label", "itemtype":
		case "id":
			if !hasID {
				at.id, hasID = kv.Val, true
			}
			r |= classifyWords(kv.Val, inSection, headingLevel(a) > 0)
			continue
		case "class":
			r |= classifyWords(kv.Val, inSection, headingLevel(a) > 0)
			continue
		case "href":
			if !hasHref {
				at.href, hasHref = kv.Val, true
			}
			continue
		case "hidden":
			at.hidden = true
			continue
		default:
			continue
		}
		v := strings.ToLower(kv.Val)
		switch kv.Key {
		case "role":
			switch v {
			case "navigation", "banner", "contentinfo", "complementary", "search":
				r |= roleBoiler
			}
		case "aria-label":
			if strings.Contains(v, "パンくず") || strings.Contains(v, "現在位置") || strings.Contains(v, "breadcrumb") || strings.Contains(v, "現在地") {
				r |= roleCrumb
			}
		case "itemtype":
			if strings.Contains(v, "breadcrumblist") {
				r |= roleCrumb
			}
		}
	}
	if r&roleCrumb != 0 {
		r &^= roleBoiler
	}
	return r
}

func classifyWords(v string, inSection, heading bool) role {
	if hasCrumbClass(v) {
		return roleCrumb
	}
	if heading {
		return 0 // <h1 id="page-header"> is the title, whatever its class says
	}
	var r role
	var siteEnd, ofContent bool
	var buf [32]byte
	for rest := v; ; {
		var word string
		if word, rest = nextWord(rest); word == "" {
			break
		}
		// Lower-cased in a stack buffer: no allocation per word. Most
		// words are lower-case already and are used as they are: copying
		// every word cost classifyWords 70k instructions a Nerima page,
		// not 59k.
		w := word
		if hasUpperASCII(word) {
			w = string(lowerASCII(buf[:0], word))
		}
		switch {
		case contactWord(w):
			r |= roleContact
		case boilerWord(w):
			r |= roleBoiler
		case w == "header" || w == "footer" || w == "head" || w == "foot":
			siteEnd = true
		case contentWord(w):
			ofContent = true
		case len(w) > 3 && (strings.HasSuffix(w, "navi") || strings.HasSuffix(w, "nav") || strings.HasSuffix(w, "menu")):
			r |= roleBoiler
		}
	}
	// "header" is the site's header, unless it is a section's own:
	// inside <main>/<article>/<section>, or named for the content
	// (content_header, article-footer, page-header).
	if siteEnd && !ofContent && !inSection {
		r |= roleBoiler
	}
	return r
}

// hasCrumbClass reports an id or class list that names a breadcrumb
// trail, in any case.
func hasCrumbClass(v string) bool {
	if !isASCIIString(v) {
		// Unicode case rules, as for any value: K (U+212A) is a k.
		return hasCrumbClassLower(strings.ToLower(v))
	}
	// One pass, folding ASCII case as it goes: each crumb class starts
	// with c, p or t.
	for i := 0; i < len(v); i++ {
		switch v[i] | 0x20 {
		case 'c', 'p', 't':
			for _, cl := range crumbClasses {
				if len(v)-i >= len(cl) && equalLowerASCII(v[i:i+len(cl)], cl) {
					return true
				}
			}
		}
	}
	return false
}

// hasCrumbClassLower is hasCrumbClass for a lower-case value.
func hasCrumbClassLower(lv string) bool {
	for _, cl := range crumbClasses {
		if strings.Contains(lv, cl) {
			return true
		}
	}
	return false
}

// equalLowerASCII reports whether s, lower-cased (ASCII letters only),
// is lower.
func equalLowerASCII(s, lower string) bool {
	for j := 0; j < len(lower); j++ {
		c := s[j]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[j] {
			return false
		}
	}
	return true
}

// contentWord reports id and class words that make a header or footer the
// content's own.
func contentWord(w string) bool {
	switch w {
	case "content", "contents", "main", "article", "entry", "page", "section", "body", "post", "detail", "title":
		return true
	}
	return false
}

// crumbClasses are the id and class substrings of breadcrumb containers.
// hasCrumbClass relies on their starting with c, p or t.
var crumbClasses = []string{"crumb", "pankuzu", "topicpath", "topic-path", "topic_path"}

// boilerWord reports id and class words of menus, sidebars and other
// page furniture.
func boilerWord(w string) bool {
	switch w {
	case "nav", "navi", "navigation", "menu", "menus", "side", "sidebar",
		"aside", "banner", "banners", "related", "relation", "relations",
		"kanren", "sns", "share", "social", "pagetop", "ptop", "skip", "search",
		"gsearch", "utility", "translate", "language", "lang", "toolbar",
		"widget", "ad", "ads", "enquete", "feedback", "questionnaire", "vote",
		"pager", "pagination", "sitemap", "copyright", "scrolltop", "print",
		"blockskip", "blockjump", "accessibility", "logo", "sitelogo":
		return true
	}
	return false
}

// contactWord reports id and class words of a contact block.
func contactWord(w string) bool {
	switch w {
	case "inquiry", "contact", "toiawase", "otoiawase", "contactus":
		return true
	}
	return false
}

// nextWord returns the first word of an id or class list, as written,
// and the rest of the list after it; word is "" when there is none.
// Words are split at separators and camelCase humps: "tmp_section_related"
// → tmp, section, related; "mainContents" → main, Contents.
func nextWord(v string) (word, rest string) {
	i := 0
	for i < len(v) && wordByte[v[i]] == 0 {
		i++
	}
	if i == len(v) {
		return "", ""
	}
	start := i
	prevLower := wordByte[v[i]] == lowerOrDigit
	for i++; i < len(v); i++ {
		k := wordByte[v[i]]
		if k == 0 || (k == upperLetter && prevLower) {
			return v[start:i], v[i:]
		}
		prevLower = k == lowerOrDigit
	}
	return v[start:], ""
}

// wordByte classes the bytes of id and class lists for nextWord: 0 for
// separators (and all non-ASCII bytes).
var wordByte = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = lowerOrDigit
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = lowerOrDigit
		t[c-'a'+'A'] = upperLetter
	}
	return t
}()

const (
	lowerOrDigit = 1
	upperLetter  = 2
)

// lowerASCII appends s to dst with ASCII letters lower-cased.
func lowerASCII(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// hasUpperASCII reports whether s holds an ASCII capital letter.
func hasUpperASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// containerIDs are the ids of content containers Japanese CMSs use, best
// first. <main> and role=main rank after them, then <article>.
var containerIDs = []string{
	"tmp_contents", "main_body", "honbun", "main-contents", "main_contents",
	"maincontents", "contents-main", "contents_main", "main", "contents",
	"content", "main-content", "main_content", "maincontent",
}

func containerRank(a atom.Atom, at *elementAttrs) int {
	if id := at.id; id != "" {
		var buf [32]byte
		if len(id) <= len(buf) && isASCIIString(id) {
			id = string(lowerASCII(buf[:0], id)) // on the stack
		} else {
			id = strings.ToLower(id)
		}
		for i, c := range containerIDs {
			if id == c {
				return i
			}
		}
	}
	switch {
	case a == atom.Main, strings.EqualFold(at.role, "main"):
		return len(containerIDs)
	case a == atom.Article:
		return len(containerIDs) + 1
	}
	return -1
}
