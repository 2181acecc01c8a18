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
		case "aria-label":
			if crumbAriaLabel(kv.Val) {
				r |= roleCrumb
			}
			continue
		case "itemtype":
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

// crumbAriaLabel reports an aria-label that names a breadcrumb trail. It
// reads the label as it is: kana and kanji have no case, and no rune but
// the ASCII capitals lower-cases to a letter of "breadcrumb", so it needs
// no strings.ToLower, which maps a Japanese label rune by rune (41 labels
// of the Yokohama page cost 68k instructions).
func crumbAriaLabel(v string) bool {
	return containsAny(v, crumbAriaWords) || indexFoldASCII(v, "breadcrumb") >= 0
}

var crumbAriaWords = []string{"パンくず", "現在位置", "現在地"}

// classifyWords gives the roles an id or class list names. One pass over
// its bytes splits the words, finds the breadcrumb classes and notes the
// capitals: a pass for each (isASCIIString, the crumb search, nextWord,
// hasUpperASCII) cost 59k instructions a Nerima page, this one 33k.
func classifyWords(v string, inSection, heading bool) role {
	var w wordRoles
	var high byte // the separators ORed: ≥ 0x80 for a value with non-ASCII
	for i := 0; i < len(v); {
		// A word is a run of capitals, then one of small letters and
		// digits: "tmp_section_related" → tmp, section, related;
		// "mainContents" → main, Contents; "HONBUN", "NAVIgation".
		start := i
		for ; i < len(v) && wordByte[v[i]]&upperLetter != 0; i++ {
			if wordByte[v[i]]&crumbFirst != 0 && crumbAt(v[i:]) {
				return roleCrumb
			}
		}
		upper := i > start
		for ; i < len(v) && wordByte[v[i]]&lowerOrDigit != 0; i++ {
			if wordByte[v[i]]&crumbFirst != 0 && crumbAt(v[i:]) {
				return roleCrumb
			}
		}
		if i > start && !heading {
			w.add(v[start:i], upper)
		}
		for ; i < len(v) && wordByte[v[i]]&(upperLetter|lowerOrDigit) == 0; i++ {
			high |= v[i]
		}
	}
	// Unicode case rules, as for any value: K (U+212A) is a k. The
	// search above finds the crumb classes written in ASCII.
	if high >= 0x80 && hasCrumbClassLower(strings.ToLower(v)) {
		return roleCrumb
	}
	if heading {
		return 0 // <h1 id="page-header"> is the title, whatever its class says
	}
	// "header" is the site's header, unless it is a section's own:
	// inside <main>/<article>/<section>, or named for the content
	// (content_header, article-footer, page-header).
	if w.siteEnd && !w.ofContent && !inSection {
		w.r |= roleBoiler
	}
	return w.r
}

// wordRoles gathers what the words of an id or class list say.
type wordRoles struct {
	r                  role
	siteEnd, ofContent bool
}

// add classes a word; upper tells whether it holds a capital. Lower-cased
// in a stack buffer: no allocation per word. Most words are lower-case
// already and are used as they are: copying every word cost classifyWords
// 70k instructions a Nerima page, not 59k.
func (wr *wordRoles) add(word string, upper bool) {
	var buf [32]byte
	w := word
	if upper {
		w = string(lowerASCII(buf[:0], word))
	}
	switch {
	case contactWord(w):
		wr.r |= roleContact
	case boilerWord(w):
		wr.r |= roleBoiler
	case w == "header" || w == "footer" || w == "head" || w == "foot":
		wr.siteEnd = true
	case contentWord(w):
		wr.ofContent = true
	case len(w) > 3 && (strings.HasSuffix(w, "navi") || strings.HasSuffix(w, "nav") || strings.HasSuffix(w, "menu")):
		wr.r |= roleBoiler
	}
}

// crumbAt reports whether s, which starts with a letter, starts with a
// crumb class, in any ASCII case.
func crumbAt(s string) bool {
	for _, cl := range crumbsFrom[s[0]&0x1f] {
		if len(s) >= len(cl) && equalLowerASCII(s[1:len(cl)], cl[1:]) {
			return true
		}
	}
	return false
}

// crumbsFrom lists the crumb classes by their first letter, in either
// case (its low five bits).
var crumbsFrom = func() (t [32][]string) {
	for _, cl := range crumbClasses {
		t[cl[0]&0x1f] = append(t[cl[0]&0x1f], cl)
	}
	return t
}()

// hasCrumbClassLower reports a lower-case id or class list that names a
// breadcrumb trail.
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

// crumbClasses are the id and class substrings of breadcrumb containers,
// in lower case, each starting with a letter (wordByte, crumbsFrom).
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

// wordByte classes the bytes of id and class lists for classifyWords:
// letters and digits (0 for separators and all non-ASCII bytes), and the
// first letters of the crumb classes.
var wordByte = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = lowerOrDigit
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = lowerOrDigit
		t[c-'a'+'A'] = upperLetter
	}
	for _, cl := range crumbClasses {
		t[cl[0]] |= crumbFirst
		t[cl[0]-'a'+'A'] |= crumbFirst
	}
	return t
}()

const (
	lowerOrDigit = 1
	upperLetter  = 2
	crumbFirst   = 4
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
