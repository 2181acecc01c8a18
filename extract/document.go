package extract

import (
	"errors"
	"fmt"
)

// Version is the extractor version stamped on every Document. Bump it
// whenever a change to this package can change a Document for the same
// input, so that archives know which captures to re-extract.
const Version = "1.0.0"

// Document is the structured content of one page. Its JSON field names are
// a public contract, documented in the README.
//
// Its strings, and those of its Links, may share memory with the page's
// text (the text of its HTML nodes, or one buffer of it), which lives as
// long as any of them does: a program that keeps a few of them long after
// the rest (a cache of links, say) should keep copies (strings.Clone).
type Document struct {
	URL          string   `json:"url"`
	Title        string   `json:"title"`
	PageNumber   string   `json:"page_number"`
	Updated      string   `json:"updated"`       // YYYY-MM-DD, or "" when not found
	UpdatedRaw   string   `json:"updated_raw"`   // the date as written on the page
	Published    string   `json:"published"`     // YYYY-MM-DD, or ""
	PublishedRaw string   `json:"published_raw"` // the date as written on the page
	Breadcrumbs  []string `json:"breadcrumbs"`
	// Intro is text that belongs to no section: the page's introduction,
	// or, on a page with no Q&A at all, its whole text.
	Intro            []string  `json:"intro"`
	Sections         []Section `json:"sections"`
	Contact          Contact   `json:"contact"`
	ContentHash      string    `json:"content_hash"`
	ExtractorVersion string    `json:"extractor_version"`
	Warnings         []string  `json:"warnings"`

	// Charset is the encoding the page was decoded from. It is not part of
	// the JSON contract.
	Charset string `json:"-"`
	// Links are the page's <a href> links, menus included, in page order.
	// The crawler follows them; they are not part of the JSON contract.
	Links []Link `json:"-"`
}

// Link is one <a href> of a page: the href as written (resolve it against
// the page URL) and the link's text.
type Link struct {
	Href string
	Text string
}

// Section is one interviewee block: a heading, the text before its first
// question, and its questions in page order.
type Section struct {
	Heading string   `json:"heading"`
	Intro   []string `json:"intro"`
	QA      []QA     `json:"qa"`
}

// QA is one question with its answer paragraphs and the footnotes that
// follow it.
type QA struct {
	Question    string   `json:"question"`
	QuestionKey string   `json:"question_key"`
	Answer      []string `json:"answer"`
	Notes       []string `json:"notes"`
}

// Contact is the お問い合わせ block of a page.
type Contact struct {
	Department string `json:"department"`
	Phone      string `json:"phone"`
	Fax        string `json:"fax"`
	Email      string `json:"email"`
	FormURL    string `json:"form_url"`
}

// QACount is the number of questions in the Document.
func (d *Document) QACount() int {
	n := 0
	for _, s := range d.Sections {
		n += len(s.QA)
	}
	return n
}

// Sentinel errors; callers branch on them with errors.Is.
var (
	// ErrEmpty is returned for a body with no content at all.
	ErrEmpty = errors.New("extract: empty body")
	// ErrNotHTML is returned for a body that is not an HTML page, such as
	// a PDF, an image or binary data. The error is a *NotHTMLError.
	ErrNotHTML = errors.New("extract: not an HTML page")
	// ErrInternal is returned when extraction fails where it never should:
	// a bug, met on some page. The page is reported, and a crawl or a
	// daemon goes on with the next one instead of crashing.
	ErrInternal = errors.New("extract: internal error")
)

// NotHTMLError says what a non-HTML body was taken to be.
type NotHTMLError struct {
	// MediaType is the sniffed or declared type, e.g. "application/pdf".
	MediaType string
}

func (e *NotHTMLError) Error() string {
	return fmt.Sprintf("extract: not an HTML page (%s)", e.MediaType)
}

// Is makes errors.Is(err, ErrNotHTML) true.
func (e *NotHTMLError) Is(target error) bool { return target == ErrNotHTML }
