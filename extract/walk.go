package extract

import (
	"encoding/binary"
	"math/bits"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The walker visits the DOM once, in document order, without recursion
// (markup may nest thousands deep). Block-level elements start and end
// blocks; text accumulates into the current line; each element's frame
// records the blocks emitted while it was open, which gives the spans of
// boilerplate, breadcrumb, contact and content containers.

// frame is an open element during the walk. It holds no pointers, so
// that keeping the stack costs the garbage collector nothing.
type frame struct {
	start            int
	nonlink, linked  int
	roles            role
	rank             int
	block            bool
	group, sectional bool
}

type walker struct {
	*page
	cur   block
	owner *html.Node // the element that owns cur; nil for loose text
	// arena holds the text of every line, back to back, as segments of
	// the text nodes (textStore); lines are made of it at the end. The
	// page's refs and links hold the lines and links of all blocks, in
	// order, as ranges of it.
	arena        textStore
	lineFirst    int // where the current line's text starts in arena; -1 before any
	lineEnd      int // where it ends, blanks at the end excluded
	pendingSpace bool
	link         *html.Node
	linkHref     string
	linkStart    int
	dataTable    *html.Node
	sectioning   int // open <main>, <article>, <section>, <aside>, <nav>
	nonlink      int
	linked       int
	bestScore    int
}

// pages keeps walked pages for reuse, so that the block, line and link
// lists of one extraction serve the next instead of becoming garbage.
// Extract hands its page back (release) once the Document is built:
// a Document holds strings and lists of its own, nothing of the page's.
var pages = sync.Pool{New: func() any { return new(page) }}

// maxPooledBlocks bounds the pages kept for reuse: the lists of a huge
// page are left to the garbage collector.
const maxPooledBlocks = 1 << 14

// walkPage reads the tree under root into blocks. sizeHint, the page's
// size in bytes, presizes the lists.
func walkPage(root *html.Node, sizeHint int) *page {
	p := pages.Get().(*page)
	// Municipal pages run about one block and one link per 200 bytes,
	// and their text to some 60% of their bytes.
	*p = page{
		blocks:   reuse(p.blocks, sizeHint/160+16),
		boiler:   p.boiler[:0],
		crumbs:   p.crumbs[:0],
		contacts: p.contacts[:0],
		jsonLD:   p.jsonLD[:0],
		refs:     reuse(p.refs, sizeHint/100+16),
		links:    reuse(p.links, sizeHint/160+16),
		outlinks: reuse(p.outlinks, sizeHint/160+16),
		lines:    reuse(p.lines, sizeHint/100+16),
		cells:    p.cells[:0],
		frames:   p.frames[:0],
		groups:   p.groups[:0],
		cumText:  p.cumText,
		depth:    p.depth,
		segs:     reuse(p.segs, sizeHint/100+16),
	}
	w := &walker{page: p}
	w.arena.segs = p.segs
	w.lineFirst = -1
	w.marks = span{-1, -1}
	w.container, w.containerRank = span{-1, -1}, len(containerIDs)+2 // worse than any container
	w.densest = span{-1, -1}
	w.bestScore = -1 << 31
	n := root
	for {
		// Text, most nodes, without the call to enter (walk 419k →
		// 414k instructions a Nerima page).
		if n.Type == html.TextNode {
			w.text(n.Data)
		} else if w.enter(n) {
			if n.FirstChild != nil {
				n = n.FirstChild
				continue
			}
			w.exit(n)
		}
		for n != root && n.NextSibling == nil {
			n = n.Parent
			w.exit(n)
		}
		if n == root {
			break
		}
		n = n.NextSibling
	}
	w.flush()
	if w.marks.start >= 0 && w.marks.end < 0 {
		w.marks.end = len(w.blocks)
	}
	w.totalText = w.nonlink
	w.materialize()
	return p
}

// reuse returns s emptied, with room for n elements.
func reuse[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, 0, n)
	}
	return s[:0]
}

// release hands the page back for reuse by another extraction. Nothing
// may use the page or its blocks afterwards. The lists are cleared so
// that a pooled page does not keep a DOM or a page's text alive.
func (p *page) release() {
	if cap(p.blocks) > maxPooledBlocks || cap(p.refs) > 2*maxPooledBlocks || cap(p.segs) > 4*maxPooledBlocks {
		return
	}
	clear(p.blocks)
	clear(p.jsonLD)
	clear(p.links[:cap(p.links)])
	clear(p.outlinks)
	clear(p.lines)
	clear(p.cells)
	clear(p.groups[:cap(p.groups)])
	clear(p.segs[:cap(p.segs)])
	p.head, p.pageLinks = nil, nil
	pages.Put(p)
}

// materialize turns the line references of every block into its cells,
// and the link ranges into their texts.
func (w *walker) materialize() {
	ncells := 0
	for i := range w.blocks {
		ncells += w.blocks[i].ncells
	}
	w.segs = w.arena.segs // kept for reuse
	// Lines and link texts within one segment are substrings of their
	// text nodes, most of them known since the walk (finishLine, exit);
	// the others (a few per page) are copied into a buffer shared by
	// many. Each list is in arena order, so the segments are looked up
	// in one pass over it.
	lines := w.lines
	var buf strings.Builder
	text := func(start, end int, i *int) string {
		t, at, ok := w.arena.single(start, end, *i)
		*i = at
		if ok {
			return t
		}
		if buf.Cap()-buf.Len() < end-start {
			// A new buffer; the strings made of the last one keep it.
			buf = strings.Builder{}
			buf.Grow(max(end-start, 512))
		}
		from := buf.Len()
		w.arena.appendRange(&buf, start, end, at)
		return buf.String()[from:]
	}
	for i, k := 0, 0; k < len(w.refs); k++ {
		if lines[k] == "" {
			lines[k] = text(w.refs[k].start, w.refs[k].end, &i)
		}
	}
	for i, k := 0, 0; k < len(w.links); k++ {
		if l := &w.links[k]; !l.known {
			l.text = trimBlank(text(l.start, l.end, &i))
		}
	}
	w.pageLinks = make([]Link, len(w.outlinks))
	for i, k := 0, 0; k < len(w.outlinks); k++ {
		l := &w.outlinks[k]
		if !l.known {
			l.text = trimBlank(text(l.start, l.end, &i))
		}
		w.pageLinks[k] = Link{Href: l.href, Text: l.text}
	}
	// A cell without text keeps a nil line list: clear what a previous
	// page left.
	w.cells = reuse(w.cells, ncells)[:ncells]
	clear(w.cells)
	cells := w.cells
	for i := range w.blocks {
		b := &w.blocks[i]
		refEnd, linkEnd := len(w.refs), len(w.links)
		if i+1 < len(w.blocks) {
			refEnd, linkEnd = w.blocks[i+1].refStart, w.blocks[i+1].linkStart
		}
		b.links = w.links[b.linkStart:linkEnd:linkEnd]
		b.cells, cells = cells[:b.ncells:b.ncells], cells[b.ncells:]
		for k := b.refStart; k < refEnd; {
			c, n := w.refs[k].cell, 0
			for k+n < refEnd && w.refs[k+n].cell == c {
				n++
			}
			b.cells[c] = lines[k : k+n : k+n]
			k += n
		}
	}
}

// enter starts a node other than text, and reports whether to walk its
// children.
func (w *walker) enter(n *html.Node) bool {
	switch n.Type {
	case html.CommentNode:
		// Only the content's markers count in comments, and each of them
		// names 本文: other comments (<!-- ▼ ヘッダー ▼ -->) are not read
		// further (walk 459k → 451k instructions a Nerima page).
		if !strings.Contains(n.Data, "本文") {
			return false
		}
		if k, ok := structuralMarker(n.Data, 40); ok && k != 0 {
			w.marker(k)
		}
		return false
	case html.DocumentNode:
		w.frames = append(w.frames, frame{start: len(w.blocks)})
		return true
	case html.ElementNode:
	default:
		return false
	}
	a := n.DataAtom
	if skipped(a) {
		w.keep(n)
		return false
	}
	if a == atom.Br {
		if !hasAttr(n, "hidden") {
			w.finishLine()
		}
		return false
	}
	var attrs elementAttrs
	roles := w.classify(n, &attrs)
	if attrs.hidden {
		return false
	}
	if !blockTag(a) && roles&roleBoiler != 0 && w.owner != nil {
		return false // e.g. <span class="skip">…</span> inside a paragraph
	}
	// Classified inline elements are block boundaries, so that their
	// blocks fall inside their span.
	block := blockTag(a) || roles != 0
	if block {
		w.openBlock(n)
	}
	f := frame{roles: roles, block: block, rank: -1}
	switch a {
	case atom.A:
		w.link, w.linkHref = n, strings.TrimSpace(attrs.href)
		w.linkStart = w.arena.Len()
	case atom.Ul, atom.Ol, atom.Dl:
		w.groups = append(w.groups, n)
		f.group = true
	case atom.Table:
		w.groups = append(w.groups, n)
		f.group = true
		if w.dataTable == nil && isDataTable(n) {
			w.dataTable = n
		}
	case atom.Main, atom.Article, atom.Section, atom.Aside, atom.Nav:
		w.sectioning++
		f.sectional = true
	}
	// Only an id, a role, <main> or <article> makes a container: most
	// blocks have none of them, and no call (walk 443k → 435k
	// instructions a Nerima page).
	if block && (attrs.id != "" || attrs.role != "" || a == atom.Main || a == atom.Article) {
		f.rank = containerRank(a, &attrs)
	}
	f.start, f.nonlink, f.linked = len(w.blocks), w.nonlink, w.linked
	w.frames = append(w.frames, f)
	return true
}

// keep notes what the page analysis needs from elements the walk skips:
// the <head> (for the <title>) and JSON-LD scripts (for breadcrumbs).
func (w *walker) keep(n *html.Node) {
	switch n.DataAtom {
	case atom.Head:
		if w.head == nil {
			w.head = n
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.DataAtom == atom.Script {
				w.keep(c)
			}
		}
	case atom.Script:
		if strings.EqualFold(strings.TrimSpace(attr(n, "type")), "application/ld+json") && n.FirstChild != nil {
			w.jsonLD = append(w.jsonLD, n.FirstChild.Data)
		}
	}
}

func (w *walker) exit(n *html.Node) {
	f := w.frames[len(w.frames)-1]
	w.frames = w.frames[:len(w.frames)-1]
	if n.Type != html.ElementNode {
		return
	}
	if n == w.link {
		if w.linkHref != "" {
			l := link{href: w.linkHref, start: w.linkStart, end: w.arena.Len()}
			// As for lines (finishLine): most link texts are known now.
			if t := w.arena.tailText(l.start, l.end); t != "" || l.start == l.end {
				l.text, l.known = trimBlank(t), true
			}
			w.links = append(w.links, l)
			w.outlinks = append(w.outlinks, l)
		}
		w.link, w.linkHref = nil, ""
	}
	if f.block {
		w.closeBlock(n)
	}
	if f.group {
		w.groups = w.groups[:len(w.groups)-1]
	}
	if n == w.dataTable {
		w.dataTable = nil
	}
	if f.sectional {
		w.sectioning--
	}
	s := span{f.start, len(w.blocks)}
	if s.end == s.start {
		return
	}
	if f.roles&roleBoiler != 0 && f.roles&roleContact == 0 {
		w.boiler = append(w.boiler, s)
	}
	if f.roles&roleCrumb != 0 {
		w.crumbs = append(w.crumbs, s)
	}
	if f.roles&roleContact != 0 {
		w.contacts = append(w.contacts, s)
	}
	if f.rank >= 0 && f.rank < w.containerRank {
		w.container, w.containerRank = s, f.rank
	}
	if f.block {
		// Text density: text outside links counts for, text in links
		// (menus) against an element. The inner element wins ties, so the
		// winner is the tightest box around the prose.
		score := (w.nonlink - f.nonlink) - 3*(w.linked-f.linked)
		if score > w.bestScore {
			w.bestScore, w.densest = score, s
		}
	}
}

// openBlock handles the start of a block-level element: a new block, a new
// cell of a table row, or, inside a paragraph-like owner, a line break.
func (w *walker) openBlock(n *html.Node) {
	a := n.DataAtom
	if w.owner != nil {
		w.finishLine()
		if w.cur.kind == rowBlock && (a == atom.Td || a == atom.Th) && w.owner.DataAtom == atom.Tr {
			w.cur.ncells++
		}
		return
	}
	w.flush()
	switch a {
	case atom.P, atom.Pre, atom.Caption, atom.Figcaption, atom.Summary, atom.Legend:
		w.startBlock(n, paraBlock)
	case atom.Li:
		w.startBlock(n, itemBlock)
	case atom.Dt:
		w.startBlock(n, termBlock)
	case atom.Dd:
		w.startBlock(n, descBlock)
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		w.startBlock(n, headingBlock)
		w.cur.level = headingLevel(a)
	case atom.Tr:
		if w.dataTable != nil {
			w.startBlock(n, rowBlock)
		}
	}
}

func (w *walker) startBlock(n *html.Node, k blockKind) {
	w.owner = n
	w.cur.kind = k
	if len(w.groups) > 0 {
		w.cur.group = w.groups[len(w.groups)-1]
	}
}

func (w *walker) closeBlock(n *html.Node) {
	switch {
	case n == w.owner:
		w.flush()
		w.owner = nil
	case w.owner != nil:
		w.finishLine()
	default:
		w.flush()
	}
}

// flush ends the current block and emits it if it holds any text.
func (w *walker) flush() {
	w.finishLine()
	if len(w.refs) > w.cur.refStart {
		w.blocks = append(w.blocks, w.cur)
		w.nonlink += w.cur.textLen - w.cur.linkLen
		w.linked += w.cur.linkLen
	} else {
		w.links = w.links[:w.cur.linkStart] // links of an empty block
	}
	w.cur = block{refStart: len(w.refs), linkStart: len(w.links)}
}

// finishLine ends the current line: its text, trimmed, joins the current
// cell of the block.
func (w *walker) finishLine() {
	first := w.lineFirst
	w.lineFirst, w.pendingSpace = -1, false
	if first < 0 {
		return
	}
	if w.cur.ncells == 0 {
		w.cur.ncells = 1
	}
	w.refs = append(w.refs, lineRef{first, w.lineEnd, w.cur.ncells - 1})
	// Most lines lie within one text node: their text is known now, as a
	// substring of it, without looking up their segment at the end (with
	// link texts, in exit: walk 512k → 485k instructions a Nerima page).
	// "" leaves it to materialize.
	w.lines = append(w.lines, w.arena.tailText(first, w.lineEnd))
}

// text appends a text node with HTML white space collapsed.
func (w *walker) text(s string) {
	if htmlSpaces(s) == len(s) {
		// White space only, the indentation between tags: most text
		// nodes of a page. It separates words and nothing else; the
		// searches below would find nothing in it (walk 592k → 572k
		// instructions a Nerima page).
		w.arena.breakTail()
		if len(s) > 0 && w.lineFirst >= 0 {
			w.pendingSpace = true
		}
		return
	}
	if len(s) >= len("本文") && len(s) < 300 && mayHoldMarker(s) {
		if k, ok := structuralMarker(s, 25); ok {
			if k != 0 && !strings.HasPrefix(w.linkHref, "#") {
				w.marker(k)
			}
			return
		}
	}
	before := w.arena.Len()
	w.arena.breakTail()
	for pos := 0; pos < len(s); {
		// The run up to the next white space, in one piece.
		i := indexHTMLSpace(s[pos:])
		if i != 0 {
			end := len(s)
			if i > 0 {
				end = pos + i
			}
			if w.pendingSpace {
				w.arena.space(s, pos)
				w.pendingSpace = false
			}
			w.appendRun(s, pos, end)
			if i < 0 {
				break
			}
			pos = end
		}
		// Skip the white space, all of it: between tags it runs to
		// a newline and a line's indentation.
		pos += htmlSpaces(s[pos:])
		if w.lineFirst >= 0 {
			w.pendingSpace = true
		}
	}
	n := w.arena.Len() - before
	w.cur.textLen += n
	if w.link != nil {
		w.cur.linkLen += n
	}
}

// appendRun adds s[start:end], a run of text without HTML white space, to
// the line, keeping the line's bounds without blanks such as U+3000 at
// either end.
func (w *walker) appendRun(s string, start, end int) {
	off := w.arena.Len()
	w.arena.run(s, start, end)
	run := s[start:end]
	left := trimLeftBlank(run)
	if left == "" {
		return
	}
	if w.lineFirst < 0 {
		w.lineFirst = off + len(run) - len(left)
	}
	w.lineEnd = off + len(trimRightBlank(run))
}

// indexHTMLSpace returns the index of the first HTML white space byte (or
// U+00A0) in s, or -1. It looks at eight bytes at a time: a word with no
// byte below 0x21 and no 0xC2 (the first byte of U+00A0) has none.
func indexHTMLSpace(s string) int {
	// t is what is left to search. Sliced from the front, not indexed:
	// the loads need no bounds checks. Sixteen bytes at a time first, as
	// Japanese text has few spaces: the constants are loaded once for
	// two words (with the slicing, indexHTMLSpace 68k → 52k instructions
	// a Nerima page).
	t := s
	for len(t) >= 16 && spaceFlags(t[:8])|spaceFlags(t[8:16]) == 0 {
		t = t[16:]
	}
	for len(t) >= 8 {
		m := spaceFlags(t[:8])
		if m == 0 {
			t = t[8:]
			continue
		}
		// The lowest flag is exact: the first byte below 0x21 or equal
		// to 0xC2 (a borrow may flag bytes after it, not before). The
		// search goes on after it unless it is white space: a look at
		// that byte, not at each byte of the word.
		i := bits.TrailingZeros64(m) / 8
		if htmlSpaceAt(t, i) {
			return len(s) - len(t) + i
		}
		t = t[i+1:]
	}
	for i := range len(t) {
		if htmlSpaceAt(t, i) {
			return len(s) - len(t) + i
		}
	}
	return -1
}

// spaceFlags flags the bytes of w, eight bytes, below 0x21 or equal to
// 0xC2. One load, bounds-checked once: built from the eight bytes, the
// word was checked byte by byte before the compiler merged the loads
// (indexHTMLSpace 103k → 68k instructions a Nerima page).
func spaceFlags(w string) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	x := binary.LittleEndian.Uint64([]byte(w))
	y := x ^ 0xC2*ones
	return ((x-0x21*ones)&^x | (y-ones)&^y) & highs
}

// htmlSpaceAt reports whether s[i:] starts with HTML white space or
// U+00A0.
func htmlSpaceAt(s string, i int) bool {
	switch s[i] {
	case ' ', '\t', '\n', '\r', '\f':
		return true
	case 0xC2:
		return i+1 < len(s) && s[i+1] == 0xA0
	}
	return false
}

// htmlSpaces returns the length of the run of HTML white space (and
// U+00A0) that s starts with.
func htmlSpaces(s string) int {
	i := 0
	for i < len(s) {
		switch s[i] {
		case ' ', '\t', '\n', '\r', '\f':
			i++
			continue
		case 0xC2:
			if i+1 < len(s) && s[i+1] == 0xA0 {
				i += 2
				continue
			}
		}
		break
	}
	return i
}

func (w *walker) marker(k int) {
	if w.owner == nil {
		w.flush()
	}
	switch {
	case k > 0 && w.marks.start < 0:
		w.marks.start = len(w.blocks)
	case k < 0 && w.marks.start >= 0 && w.marks.end < 0:
		w.marks.end = len(w.blocks)
	}
}

// mayHoldMarker reports whether s holds ここ or 本文, as every structural
// marker does. It first looks for a run of bytes inside each word that
// starts with a byte rare in Japanese text (93 E3 81 93 in ここ, AC E6 96
// 87 in 本文): strings.Index skips to such a byte at memchr speed, where
// the words' first bytes, shared by all kana or many kanji, stop it at
// every other character.
func mayHoldMarker(s string) bool {
	return strings.Contains(s, "\x93\xe3\x81\x93") && strings.Contains(s, "ここ") ||
		strings.Contains(s, "\xac\xe6\x96\x87") && strings.Contains(s, "本文")
}

// structuralMarker recognises the screen-reader markers Japanese CMSs put
// around page regions: 本文ここから / ここから本文です (content starts, +1),
// 本文ここまで (content ends, -1), and the others (サイトメニューここから,
// フッターここまで: 0). ok is false for ordinary text.
func structuralMarker(s string, maxRunes int) (kind int, ok bool) {
	s = strings.TrimFunc(s, isMarkerEdge)
	if s == "" || utf8.RuneCountInString(s) > maxRunes {
		return 0, false
	}
	// The content's markers all name 本文: the region markers, most of
	// those read (サイトメニューここから), are not searched for them. With
	// the cheaper trims below: structuralMarker 23k → 15k instructions a
	// Nerima page.
	if strings.Contains(s, "本文") {
		for _, m := range []string{"本文ここから", "ここから本文", "本文開始", "本文はここから"} {
			if strings.Contains(s, m) {
				return 1, true
			}
		}
		for _, m := range []string{"本文ここまで", "ここまで本文", "本文終了", "本文はここまで"} {
			if strings.Contains(s, m) {
				return -1, true
			}
		}
	}
	// Other region markers name the region: サイトメニューここから,
	// ここからフッターです. Prose that merely begins or ends with ここから
	// (ここから新しいキャリアが始まりました) is not one.
	t := s
	for {
		// strings.TrimRight(s, "。."), which decodes each rune and looks
		// it up in the cutset, at some 300 instructions a call.
		if u, ok := strings.CutSuffix(t, "。"); ok {
			t = u
		} else if u, ok := strings.CutSuffix(t, "."); ok {
			t = u
		} else {
			break
		}
	}
	t = strings.TrimSuffix(t, "です")
	for _, edge := range []string{"ここから", "ここまで"} {
		if region, ok := strings.CutSuffix(t, edge); ok && isRegionName(region) {
			return 0, true
		}
		if region, ok := strings.CutPrefix(t, edge); ok && isRegionName(region) {
			return 0, true
		}
	}
	return 0, false
}

// isMarkerEdge reports the characters trimmed from around a structural
// marker: blanks and the rules and arrows drawn beside it. A switch, not
// strings.ContainsRune on a string of them, which searches that string
// for each rune (structuralMarker 38k → 32k instructions a Nerima page).
func isMarkerEdge(r rune) bool {
	if r > '\u3000' {
		// Kana and kanji: the marks and blanks are all below U+3001.
		// isBlank's unicode.IsSpace cost 1.5k instructions a Nerima page.
		return false
	}
	switch r {
	case '-', '=', '▲', '▼', '△', '▽', '■', '□', '◆', '◇', '*', '/', '!':
		return true
	}
	return isBlank(r)
}

// isDataTable reports whether a table holds data rather than page layout:
// it has no nested table and no heading, and some row has two cells or
// more (a one-column table is a layout box). The scan stops at the first
// nested table, so nested layout tables cost linear time overall.
func isDataTable(t *html.Node) bool {
	columns := false
	n := t.FirstChild
	for n != nil {
		if n.Type == html.ElementNode {
			if n.DataAtom == atom.Table || headingLevel(n.DataAtom) > 0 {
				return false
			}
			if n.DataAtom == atom.Tr && !columns {
				cells := 0
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.ElementNode && (c.DataAtom == atom.Td || c.DataAtom == atom.Th) {
						cells++
					}
				}
				columns = cells >= 2
			}
			if n.FirstChild != nil {
				n = n.FirstChild
				continue
			}
		}
		for n != t && n.NextSibling == nil {
			n = n.Parent
		}
		if n == t {
			break
		}
		n = n.NextSibling
	}
	return columns
}
