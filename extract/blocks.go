package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The page is read as a flat run of blocks in document order: headings,
// paragraphs, list items, dt/dd, table rows. Everything after that —
// main content, metadata, sections and Q&A — works on blocks, so CMS
// wrappers (<div class="h2bg"><div><h2>…) and markup nesting do not matter,
// and one linear walk over the tree does all the DOM work.

type blockKind uint8

const (
	paraBlock    blockKind = iota // <p>, a run of text in a <div>, …
	headingBlock                  // <h1>…<h6>
	itemBlock                     // <li>
	termBlock                     // <dt>
	descBlock                     // <dd>
	rowBlock                      // a row of a data table
)

type link struct {
	href, text string
	start, end int  // the text's range of the walker's arena, until the walk ends
	known      bool // text is set: the walk knew it (it lies in one segment)
}

// lineRef is a line of a block during the walk: bytes of the arena, and
// the cell they belong to.
type lineRef struct{ start, end, cell int }

type block struct {
	kind  blockKind
	level int // heading level, 1–6
	// cells holds the lines of each cell of a row; other blocks have one
	// cell. A line is a <br>-separated or nested-block-separated run of
	// text with HTML white space collapsed.
	cells   [][]string
	group   *html.Node // the ul/ol, dl or table an item, term, description or row belongs to
	links   []link
	textLen int // bytes of text
	linkLen int // bytes of that inside links

	// During the walk: the block's lines and links, as ranges of the
	// walker's refs and links, and its number of cells.
	refStart, linkStart int
	ncells              int

	// Set after the walk.
	boiler bool // inside a menu, header, footer, sidebar …
	crumb  bool // inside a breadcrumb container
	used   bool // consumed as metadata (title, date, contact …)
}

func (b *block) lines() []string {
	if len(b.cells) == 0 {
		return nil
	}
	return b.cells[0]
}

// text is the block's text on one line.
func (b *block) text() string {
	if b.kind == rowBlock {
		parts := make([]string, 0, len(b.cells))
		for _, c := range b.cells {
			parts = append(parts, joinLines(c))
		}
		return strings.Join(parts, " ")
	}
	return joinLines(b.lines())
}

// span is a range of block indexes [start, end), the blocks emitted inside
// one element or between two markers.
type span struct{ start, end int }

func (s span) contains(t span) bool { return s.start <= t.start && t.end <= s.end }

// outermost returns the first span in page order among those ok accepts,
// taking the outer one of nested spans (spans are recorded innermost
// first, as their elements close).
func outermost(spans []span, ok func(span) bool) (span, bool) {
	best, found := span{}, false
	for _, s := range spans {
		if !ok(s) {
			continue
		}
		if !found || s.start < best.start || (s.start == best.start && s.end > best.end) {
			best, found = s, true
		}
	}
	return best, found
}

// role flags classify an element from its tag, id, class and ARIA/
// microdata attributes.
type role uint8

const (
	roleBoiler role = 1 << iota
	roleCrumb
	roleContact
)

// page is the outcome of the walk.
type page struct {
	blocks   []block
	boiler   []span
	crumbs   []span
	contacts []span
	// container is the span of the best-ranked content container
	// (containerRank, lower is better); densest that of the element with
	// the densest non-link text; marks that between the content markers.
	// Each has start -1 when there is none.
	container     span
	containerRank int
	densest       span
	marks         span
	totalText     int // bytes of non-link text in all blocks
	head          *html.Node
	jsonLD        []string // <script type="application/ld+json"> bodies
	pageLinks     []Link   // every <a href>, in page order

	// The walk's working lists. Blocks' lines, cells and links are slices
	// of them; they stay with the page so that a reused page (see pages)
	// brings their capacity along.
	refs     []lineRef
	links    []link
	outlinks []link // every <a href> of the page, for Document.Links
	lines    []string
	cells    [][]string
	frames   []frame
	groups   []*html.Node

	// Lists of the analysis after the walk, kept for reuse likewise.
	cumText []int // cumText[i]: non-link text of blocks [0, i)
	depth   []int // boilerplate nesting, as +1/-1 at span edges
	segs    []seg // the text segments of the walk (textStore)
}

func headingLevel(a atom.Atom) int {
	switch a {
	case atom.H1:
		return 1
	case atom.H2:
		return 2
	case atom.H3:
		return 3
	case atom.H4:
		return 4
	case atom.H5:
		return 5
	case atom.H6:
		return 6
	}
	return 0
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}
