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

// classify gives an element its roles.
func (w *walker) classify(n *html.Node) role {
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
	for _, at := range n.Attr {
		switch at.Key {
		case "role", "aria-label", "itemtype":
		case "id", "class":
			r |= classifyWords(at.Val, inSection, headingLevel(a) > 0)
			continue
		default:
			continue
		}
		v := strings.ToLower(at.Val)
		switch at.Key {
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
	var r role
	lv := strings.ToLower(v)
	for _, c := range crumbClasses {
		if strings.Contains(lv, c) {
			return roleCrumb
		}
	}
	if heading {
		return 0 // <h1 id="page-header"> is the title, whatever its class says
	}
	var siteEnd, ofContent bool
	eachWord(v, func(word string) {
		switch {
		case contactWord(word):
			r |= roleContact
		case boilerWord(word):
			r |= roleBoiler
		case word == "header" || word == "footer" || word == "head" || word == "foot":
			siteEnd = true
		case contentWord(word):
			ofContent = true
		case len(word) > 3 && (strings.HasSuffix(word, "navi") || strings.HasSuffix(word, "nav") || strings.HasSuffix(word, "menu")):
			r |= roleBoiler
		}
	})
	// "header" is the site's header, unless it is a section's own:
	// inside <main>/<article>/<section>, or named for the content
	// (content_header, article-footer, page-header).
	if siteEnd && !ofContent && !inSection {
		r |= roleBoiler
	}
	return r
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

// eachWord calls fn with each lower-case word of an id or class list,
// split at separators and camelCase humps: "tmp_section_related" → tmp,
// section, related; "mainContents" → main, contents.
func eachWord(v string, fn func(string)) {
	start := -1
	prevLower := false
	var buf [32]byte
	emit := func(w string) {
		if len(w) <= len(buf) {
			// Lower-case into a stack buffer: no allocation per word.
			for i := 0; i < len(w); i++ {
				c := w[i]
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				buf[i] = c
			}
			fn(string(buf[:len(w)]))
			return
		}
		fn(strings.ToLower(w))
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		lower, upper, digit := 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9'
		alnum := lower || upper || digit
		if !alnum || (upper && prevLower) {
			if start >= 0 {
				emit(v[start:i])
				start = -1
			}
		}
		if alnum && start < 0 {
			start = i
		}
		prevLower = lower || digit
	}
	if start >= 0 {
		emit(v[start:])
	}
}

// containerIDs are the ids of content containers Japanese CMSs use, best
// first. <main> and role=main rank after them, then <article>.
var containerIDs = []string{
	"tmp_contents", "main_body", "honbun", "main-contents", "main_contents",
	"maincontents", "contents-main", "contents_main", "main", "contents",
	"content", "main-content", "main_content", "maincontent",
}

func containerRank(n *html.Node) int {
	id := strings.ToLower(attr(n, "id"))
	if id != "" {
		for i, c := range containerIDs {
			if id == c {
				return i
			}
		}
	}
	switch {
	case n.DataAtom == atom.Main, strings.EqualFold(attr(n, "role"), "main"):
		return len(containerIDs)
	case n.DataAtom == atom.Article:
		return len(containerIDs) + 1
	}
	return -1
}
