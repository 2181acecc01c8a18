package extract

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// Extract reads one page: body is the raw bytes the server sent, pageURL
// its address (used to resolve links), contentType the HTTP Content-Type
// header or "". It does no I/O.
//
// An empty body gives ErrEmpty and a body that is not HTML (PDF, image,
// binary data) a *NotHTMLError. Any HTML, however broken, gives a
// Document; a page with no Q&A has no sections. A bug met on a page gives
// ErrInternal, never a panic.
func Extract(body []byte, pageURL, contentType string) (doc *Document, err error) {
	defer recoverInternal(pageURL, &doc, &err)
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, ErrEmpty
	}
	if err := sniff(body, contentType); err != nil {
		return nil, err
	}
	dec := decode(body, contentType)
	root, warnings, err := parse(dec.text)
	if err != nil {
		return nil, err
	}
	doc = &Document{
		URL:              pageURL,
		ExtractorVersion: Version,
		Charset:          dec.charset,
		Warnings:         append(dec.warnings, warnings...),
	}
	base, _ := url.Parse(pageURL)
	a := &analysis{page: walkPage(root, len(dec.text)), doc: doc, base: base}
	a.run()
	a.release()
	return doc, nil
}

// recoverInternal, deferred, turns a panic of Extract into ErrInternal
// with the panic's value, so that one page that meets a bug cannot bring
// down the process that extracts it. The page stays archived, and
// staffvoice extract on its payload reproduces the error.
func recoverInternal(pageURL string, doc **Document, err *error) {
	if v := recover(); v != nil {
		*doc, *err = nil, fmt.Errorf("%w on %s: %v", ErrInternal, pageURL, v)
	}
}

// run reads the Document out of the walked page, step by step.
func (a *analysis) run() {
	a.regions()
	a.findTitle()
	a.findBreadcrumbs()
	a.findPageNumberAndDates()
	a.findContact()
	a.buildSections()
	a.finish()
}

// sniff rejects bodies that are not HTML. A declared non-HTML type is
// believed; a declared HTML type is overruled only by unmistakable
// content (a PDF or image signature, binary bytes).
func sniff(body []byte, contentType string) error {
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(body))
	if declared, _, err := mime.ParseMediaType(contentType); err == nil && declared != "" {
		switch {
		case declared == "text/html" || declared == "application/xhtml+xml":
		case declared == "text/plain" || declared == "application/octet-stream" || strings.HasSuffix(declared, "/xml"):
			// Servers label HTML with these often enough to look inside.
		default:
			return &NotHTMLError{MediaType: declared}
		}
	}
	switch {
	case sniffed == "text/html":
		return nil
	case strings.HasPrefix(sniffed, "text/"):
		// text/plain: HTML that does not start with a tag (a comment, an
		// XML declaration, stray text) or plain text; either parses.
		return nil
	}
	return &NotHTMLError{MediaType: sniffed}
}

// analysis holds the state of one extraction after the walk.
type analysis struct {
	*page
	doc     *Document
	base    *url.URL
	content span // blocks of the main content
}

// regions decides which blocks are main content and which are boilerplate.
// Content markers win; then the best-known content container; then the
// element with the densest non-link text.
func (a *analysis) regions() {
	a.cumText = reuse(a.cumText, len(a.blocks)+1)[:len(a.blocks)+1]
	a.cumText[0] = 0
	for i := range a.blocks {
		a.cumText[i+1] = a.cumText[i] + a.blocks[i].textLen - a.blocks[i].linkLen
	}
	all := span{0, len(a.blocks)}
	switch {
	case a.marks.start >= 0:
		a.content = a.marks
	case a.container.start >= 0 && 5*a.textIn(a.container) >= a.totalText:
		a.content = a.container
	case a.densest.start >= 0:
		a.content = a.densest
	default:
		a.content = all
	}
	// A boilerplate-looking element that encloses the content (an
	// ASP.NET <form> around the whole page, a <div class="has-sidebar">)
	// or holds most of its text (<div id="print_area">) is a wrapper, not
	// boilerplate.
	contentText := a.textIn(a.content)
	a.depth = reuse(a.depth, len(a.blocks)+1)[:len(a.blocks)+1]
	depth := a.depth
	clear(depth)
	for _, s := range a.boiler {
		inside := span{max(s.start, a.content.start), min(s.end, a.content.end)}
		if s.contains(a.content) || (inside.start < inside.end && 2*a.textIn(inside) > contentText) {
			continue
		}
		depth[s.start]++
		depth[s.end]--
	}
	d := 0
	for i := range a.blocks {
		d += depth[i]
		a.blocks[i].boiler = d > 0
	}
	for _, s := range a.crumbs {
		if s.contains(a.content) || s.end-s.start > 50 {
			continue
		}
		for i := s.start; i < s.end; i++ {
			a.blocks[i].crumb = true
		}
	}
}

// textIn is the non-link text, in bytes, of the blocks of a span.
func (a *analysis) textIn(s span) int { return a.cumText[s.end] - a.cumText[s.start] }

func (a *analysis) inContent(i int) bool {
	return a.content.start <= i && i < a.content.end
}

// contentBlocks calls fn for each block of the main content not yet
// consumed as metadata.
func (a *analysis) contentBlocks(fn func(i int, b *block)) {
	for i := a.content.start; i < a.content.end; i++ {
		b := &a.blocks[i]
		if b.boiler || b.crumb || b.used {
			continue
		}
		fn(i, b)
	}
}

// finish fills in what is derived and makes every list non-nil, so the
// JSON has [] rather than null.
func (a *analysis) finish() {
	d := a.doc
	d.Links = a.pageLinks
	if d.Breadcrumbs == nil {
		d.Breadcrumbs = []string{}
	}
	if d.Intro == nil {
		d.Intro = []string{}
	}
	if d.Sections == nil {
		d.Sections = []Section{}
	}
	for i := range d.Sections {
		s := &d.Sections[i]
		if s.Intro == nil {
			s.Intro = []string{}
		}
		if s.QA == nil {
			s.QA = []QA{}
		}
		for j := range s.QA {
			q := &s.QA[j]
			q.QuestionKey = QuestionKey(q.Question)
			if q.Answer == nil {
				q.Answer = []string{}
			}
			if q.Notes == nil {
				q.Notes = []string{}
			}
		}
	}
	if d.Warnings == nil {
		d.Warnings = []string{}
	}
	d.ContentHash = ContentHash(d)
}

// resolve makes href absolute against the page URL.
func (a *analysis) resolve(href string) string {
	if a.base == nil {
		return href
	}
	u, err := a.base.Parse(href)
	if err != nil {
		return href
	}
	return u.String()
}

// collapse folds HTML white space in s to single spaces and trims it.
func collapse(s string) string {
	return strings.Join(strings.FieldsFunc(s, isHTMLSpace), " ")
}
