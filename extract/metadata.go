package extract

import (
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/text/unicode/norm"
)

// findTitle takes the <h1> of the main content. Without one, the <title>
// minus its site suffix: an <h1> elsewhere is most often the site's logo.
func (a *analysis) findTitle() {
	for i := a.content.start; i < a.content.end; i++ {
		b := &a.blocks[i]
		if b.kind == headingBlock && b.level == 1 && !b.boiler && !b.crumb {
			b.used = true
			a.doc.Title = b.text()
			return
		}
	}
	if a.head != nil {
		t := goquery.NewDocumentFromNode(a.head).Find("title").First().Text()
		a.doc.Title = stripSiteSuffix(strings.TrimFunc(collapse(t), isBlank))
	}
	// A page without <h1> often shows its title in a styled <div> at the
	// top of the content: that is the title again, not intro text.
	if title := Fold(a.doc.Title); title != "" {
		a.contentBlocks(func(i int, b *block) {
			if i < a.content.start+3 && Fold(b.text()) == title {
				b.used = true
			}
		})
	}
}

// Titles are "page｜site": the last part is the site. Behind a strong
// separator it always is; behind a space or a slash only when it reads as
// a site name, since "職員の声　先輩職員編" is one title.
var (
	strongTitleSeparators = []string{"｜", " | ", "|", " - ", " – ", " — ", " :: "}
	weakTitleSeparators   = []string{"　", " / ", "／"}
	siteName              = regexp.MustCompile(`[市区町村県都府道]$|[市区町村県都府道]役(所|場)|ホームページ|公式|サイト|ウェブ|Web|web|HP`)
)

func stripSiteSuffix(t string) string {
	for _, seps := range [][]string{strongTitleSeparators, weakTitleSeparators} {
		for _, sep := range seps {
			i := strings.LastIndex(t, sep)
			if i <= 0 {
				continue
			}
			head := strings.TrimFunc(t[:i], isBlank)
			site := strings.TrimFunc(t[i+len(sep):], isBlank)
			if head != "" && (len(seps) == len(strongTitleSeparators) || siteName.MatchString(site)) {
				return head
			}
		}
	}
	return t
}

var (
	crumbLabel    = regexp.MustCompile(`^(?:現在(?:の)?(?:ページ|位置|地)|ここは|現在表示しているページ|パンくずリスト|パンくず)\s*[:：]?$`)
	crumbPrefix   = regexp.MustCompile(`^(?:現在(?:の)?(?:ページ|位置|地)|ここは|現在表示しているページ)\s*[:：]\s*`)
	crumbSplitter = regexp.MustCompile(sp + `*(?:[>＞›»≫]|&gt;)` + sp + `*`)
	homeCrumb     = regexp.MustCompile(`(?i)^(?:トップ|ホーム|home|top)`)
)

// findBreadcrumbs reads, in order of trust: schema.org JSON-LD, a
// breadcrumb container (breadcrumb / pankuzu / topicpath classes, ARIA
// label, microdata), a 現在のページ label followed by a list, or a
// "トップ > … > …" line.
func (a *analysis) findBreadcrumbs() {
	// Every source is read, so that a trail shown on the page leaves the
	// content even when JSON-LD gives the items; the most trusted wins.
	items := a.jsonLDCrumbs()
	found := items != nil
	if s, ok := outermost(a.crumbs, func(s span) bool { return a.blocks[s.start].crumb }); ok {
		if got := a.crumbsFrom(s.start, s.end); items == nil {
			items = got
		}
	}
	if items == nil || found {
		for i := range a.blocks {
			b := &a.blocks[i]
			if b.kind == headingBlock || i+1 == len(a.blocks) || !isCrumbLabel(b) {
				continue
			}
			// The label, and the items of the list that follows it.
			list := a.blocks[i+1].group
			end := i + 1
			for list != nil && end < len(a.blocks) && a.blocks[end].kind == itemBlock && a.blocks[end].group == list {
				end++
			}
			if end > i+1 {
				b.used = true
				if got := a.crumbsFrom(i+1, end); items == nil {
					items = got
				}
				break
			}
		}
	}
	if items == nil || found {
		// A "トップ > 区政情報 > 採用" line stands before the content or at
		// its top; deeper in, "区民課 > 税務課" is a career, not a trail.
		for i := range min(a.content.start+5, len(a.blocks)) {
			b := &a.blocks[i]
			if b.kind != paraBlock || len(b.lines()) != 1 || b.used {
				continue
			}
			t := b.text()
			if !strings.ContainsAny(t, crumbSeparators) {
				continue // one part: no trail
			}
			parts := crumbSplitter.Split(t, -1)
			if len(parts) < 2 || (len(parts) == 2 || i >= a.content.start) && !homeCrumb.MatchString(parts[0]) {
				continue // inside the content, a trail starts at the top page
			}
			if !shortParts(parts) {
				continue
			}
			if got := a.crumbsFrom(i, i+1); items == nil {
				items = got
			}
			break
		}
	}
	a.doc.Breadcrumbs = items
}

// crumbSeparators holds the first character of every crumbSplitter match.
const crumbSeparators = ">＞›»≫&"

// mayBeCrumbLabel is a cheap test before crumbLabel and crumbPrefix: both
// match only text that starts with one of these.
func mayBeCrumbLabel(s string) bool {
	return strings.HasPrefix(s, "現在") || strings.HasPrefix(s, "ここは") || strings.HasPrefix(s, "パンくず")
}

// isCrumbLabel reports a block that reads 現在のページ or the like. A
// block's text starts with its first line: when that line is as long as
// the prefixes, it decides without the joined text.
func isCrumbLabel(b *block) bool {
	if lines := b.lines(); b.kind != rowBlock && len(lines) > 0 {
		if first := lines[0]; len(first) >= len("パンくず") && !mayBeCrumbLabel(first) {
			return false
		}
	}
	return crumbLabel.MatchString(b.text())
}

// crumbsFrom reads breadcrumb items from blocks [start, end) and marks them
// used: list items one each, other text split at separators, labels
// dropped.
func (a *analysis) crumbsFrom(start, end int) []string {
	var items []string
	for i := start; i < end; i++ {
		b := &a.blocks[i]
		b.used = true
		parts := []string{b.text()}
		if b.kind != itemBlock && strings.ContainsAny(parts[0], crumbSeparators) {
			parts = crumbSplitter.Split(parts[0], -1)
		}
		for _, p := range parts {
			if mayBeCrumbLabel(p) {
				p = crumbPrefix.ReplaceAllString(p, "")
			}
			p = trimBlank(p)
			if p == "" || mayBeCrumbLabel(p) && crumbLabel.MatchString(p) {
				continue
			}
			items = append(items, p)
		}
	}
	return items
}

func shortParts(parts []string) bool {
	for _, p := range parts {
		if n := utf8.RuneCountInString(strings.TrimSpace(p)); n == 0 || n > 40 {
			return false
		}
	}
	return true
}

// jsonLDCrumbs reads a schema.org BreadcrumbList from JSON-LD, or nil.
func (a *analysis) jsonLDCrumbs() []string {
	for _, script := range a.jsonLD {
		var v any
		if json.Unmarshal([]byte(script), &v) != nil {
			continue
		}
		if items := breadcrumbList(v); items != nil {
			return items
		}
	}
	return nil
}

func breadcrumbList(v any) []string {
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			if items := breadcrumbList(e); items != nil {
				return items
			}
		}
	case map[string]any:
		if typ, _ := t["@type"].(string); typ == "BreadcrumbList" {
			list, _ := t["itemListElement"].([]any)
			type item struct {
				pos  float64
				name string
			}
			var got []item
			for _, e := range list {
				m, _ := e.(map[string]any)
				name, _ := m["name"].(string)
				if name == "" {
					if it, ok := m["item"].(map[string]any); ok {
						name, _ = it["name"].(string)
					}
				}
				pos, _ := m["position"].(float64)
				if name = strings.TrimFunc(collapse(name), isBlank); name != "" {
					got = append(got, item{pos, name})
				}
			}
			sort.SliceStable(got, func(i, j int) bool { return got[i].pos < got[j].pos })
			var items []string
			for _, g := range got {
				items = append(items, g.name)
			}
			return items
		}
		if g, ok := t["@graph"]; ok {
			return breadcrumbList(g)
		}
	}
	return nil
}

var pageNumberKeys = []string{"ページ", "記事"}

var pageNumberRe = labelRegexp{regexp.MustCompile(`(?:ページ番号|ページID|ページＩＤ|記事番号|記事ID|記事ＩＤ)` + sp + `*[:：]?` + sp + `*([0-9０-９A-Za-zＡ-Ｚａ-ｚ][0-9０-９A-Za-zＡ-Ｚａ-ｚ\-－‐−ー]*)`), pageNumberKeys, nil,
	&labelMatcher{words: []labelWord{{word: "ページ番号"}, {word: "ページID"}, {word: "ページＩＤ"}, {word: "記事番号"}, {word: "記事ID"}, {word: "記事ＩＤ"}}, value: true}}

// findPageNumberAndDates reads the page number and the labelled update and
// publication dates. They are searched outside menus first, in document
// order; the lines they stood on are taken out of the content.
func (a *analysis) findPageNumberAndDates() {
	// Each is searched outside menus first, and in menus only when not
	// found there.
	content := a.metaCandidates(false)
	var menus []blockLine
	menusRead := false
	search := func(find func([]blockLine) bool) {
		if find(content) {
			return
		}
		if !menusRead {
			menus, menusRead = a.metaCandidates(true), true
		}
		find(menus)
	}

	var meta []blockLine // lines that held metadata
	search(func(lines []blockLine) bool {
		for _, l := range lines {
			if !containsAny(l.text, pageNumberKeys) {
				continue
			}
			if m := pageNumberRe.FindStringSubmatch(l.text); m != nil {
				v := norm.NFKC.String(m[1])
				v = strings.Map(func(r rune) rune {
					if r == '‐' || r == '−' || r == 'ー' {
						return '-'
					}
					return r
				}, v)
				a.doc.PageNumber = strings.Trim(v, "-")
				meta = append(meta, l)
				return true
			}
		}
		return false
	})
	for _, f := range []struct {
		label    labelRegexp
		keys     []string
		name     string
		iso, raw *string
	}{
		{updatedLabel, updatedKeys, "updated", &a.doc.Updated, &a.doc.UpdatedRaw},
		{publishedLabel, publishedKeys, "published", &a.doc.Published, &a.doc.PublishedRaw},
	} {
		var found foundDate
		search(func(lines []blockLine) (ok bool) {
			found, ok = findLabelledDate(f.label, f.keys, lines)
			return ok
		})
		if found.raw == "" {
			continue
		}
		meta = append(meta, found.at...)
		*f.raw = found.raw
		if found.err != nil {
			a.warn("%s: %q is not a valid date (%v); no date recorded", f.name, found.raw, found.err)
			continue
		}
		if found.note != "" {
			a.warn("%s: %s", f.name, found.note)
		}
		*f.iso = found.iso
	}
	a.dropMetaLines(meta)
}

// metaCandidates returns the lines that hold a page-number or date label,
// in menus or outside them, each with the line after it in case the value
// stands apart (<dt>更新日</dt><dd>…</dd>).
func (a *analysis) metaCandidates(boiler bool) []blockLine {
	var lines []blockLine
	for i := range a.blocks {
		b := &a.blocks[i]
		if b.boiler != boiler {
			continue
		}
		var after *blockLine // the first line of the next block, made once
		nextBlock := func() *blockLine {
			if after == nil {
				after = a.firstLine(i + 1)
			}
			return after
		}
		if b.kind == rowBlock {
			if t := b.text(); len(t) <= maxMetaLine && holdsMetaKey(t) {
				lines = append(lines, blockLine{text: t, block: i, line: -1, next: nextBlock()})
			}
			continue
		}
		for j, l := range b.lines() {
			if len(l) > maxMetaLine || !holdsMetaKey(l) {
				continue
			}
			var next *blockLine
			if j+1 < len(b.lines()) {
				next = &blockLine{text: b.lines()[j+1], block: i, line: j + 1}
			} else {
				next = nextBlock()
			}
			lines = append(lines, blockLine{text: l, block: i, line: j, next: next})
		}
	}
	return lines
}

// holdsMetaKey is containsAny(s, metaKeys), in one pass over s: every
// label starts with a three-byte character (更, 掲, 公, 作, 登, ペ, 記),
// so the labels need comparing only where metaKeyCandidate finds one
// that may be such a character. (containsAny on the lines that held one
// cost 8k instructions a Nerima page.)
func holdsMetaKey(s string) bool {
	for {
		i := metaKeyCandidate(s)
		if i < 0 {
			return false
		}
		for _, k := range metaKeys {
			if strings.HasPrefix(s[i:], k) {
				return true
			}
		}
		s = s[i+3:] // no label starts inside the candidate
	}
}

// metaKeyCandidate returns the index of the first three-byte character
// of s that may start a label, or -1. No label starts inside a
// three-byte character, so the scan steps over whole characters.
//
// Where s is kana and kanji, it reads eight bytes at once and tests two
// characters with one mask: each character's third byte picks, in
// metaKeyThirds, the second bytes a label's first character could have.
// Elsewhere it takes a character at a time: the first byte (E3–E8) and
// metaKeySeconds pick the few worth comparing. One character a step
// cost some 29 instructions a character; two a step, 64k → 44k
// instructions a Nerima page. It calls nothing, so that it needs no
// stack frame.
func metaKeyCandidate(s string) int {
	t := s
	for len(t) >= 3 {
		if len(t) >= 8 {
			// Two three-byte characters: leads 1110xxxx, continuations
			// 10xxxxxx.
			x := binary.LittleEndian.Uint64([]byte(t[:8]))
			if x&0x0000C0C0F0C0C0F0 == 0x00008080E08080E0 {
				if metaKeyThirds[x>>16&0x3F]>>(x>>8&0x3F)&1 != 0 {
					break
				}
				if metaKeyThirds[x>>40&0x3F]>>(x>>32&0x3F)&1 != 0 {
					return len(s) - len(t) + 3
				}
				t = t[6:]
				continue
			}
		}
		c, c1, c2 := t[0], t[1], t[2]
		if d := c - 0xE3; d <= 0xE8-0xE3 && isContinuation(c1) && isContinuation(c2) {
			if metaKeySeconds[d&7]>>(c1&0x3F)&1 != 0 {
				break
			}
			t = t[3:]
			continue
		}
		t = t[1:]
	}
	if len(t) < 3 {
		return -1
	}
	return len(s) - len(t)
}

// metaKeySeconds holds, for each first byte E3–E8, a bit per possible
// second byte (its low six bits) of the labels' first characters. Its two
// last entries, for no first byte, are empty: they make any index masked
// to three bits valid. metaKeyThirds holds the same bits by third byte
// (its low six bits).
var metaKeySeconds, metaKeyThirds = func() (bySecond [8]uint64, byThird [64]uint64) {
	for _, k := range metaKeys {
		if len(k) < 3 || k[0] < 0xE3 || k[0] > 0xE8 || utf8.RuneLen([]rune(k)[0]) != 3 {
			panic("extract: holdsMetaKey needs labels that start with a character led by E3–E8: " + k)
		}
		bySecond[k[0]-0xE3] |= 1 << (k[1] & 0x3F)
		byThird[k[2]&0x3F] |= 1 << (k[1] & 0x3F)
	}
	return bySecond, byThird
}()

// maxMetaLine bounds the lines searched for a page number or a date:
// "ページ番号:855-600-871 更新日:2021年2月2日（火曜日）" is short, and not
// scanning answer paragraphs saves most of the search.
const maxMetaLine = 300

// metaKeys are substrings every page-number or date label contains.
var metaKeys = append(append(append([]string{}, pageNumberKeys...), updatedKeys...), publishedKeys...)

// firstLine returns the first line of block i, or nil.
func (a *analysis) firstLine(i int) *blockLine {
	if i >= len(a.blocks) {
		return nil
	}
	b := &a.blocks[i]
	if b.kind == rowBlock {
		t := b.text()
		if len(t) > maxMetaLine {
			t = "" // a value is short; do not copy a whole table row
		}
		return &blockLine{text: t, block: i, line: -1}
	}
	return &blockLine{text: b.lines()[0], block: i, line: 0}
}

// dropMetaLines removes from the content the lines that hold only
// metadata (ページ番号:…, 更新日:…), so they do not become intro text.
func (a *analysis) dropMetaLines(meta []blockLine) {
	// Last line first, so removals do not shift the lines still to go.
	// (Lines equal in both are the same line: the order among them does
	// not matter. slices.SortFunc spares sort.Slice's reflection.)
	slices.SortFunc(meta, func(x, y blockLine) int {
		if x.block != y.block {
			return cmp.Compare(y.block, x.block)
		}
		return cmp.Compare(y.line, x.line)
	})
	for k, m := range meta {
		if k > 0 && m.block == meta[k-1].block && m.line == meta[k-1].line {
			continue
		}
		b := &a.blocks[m.block]
		if m.line < 0 {
			b.used = true
			continue
		}
		ls := b.lines()
		if m.line >= len(ls) || len(ls[m.line]) > maxMetaLine || !metaOnly(ls[m.line]) {
			continue
		}
		b.cells[0] = append(ls[:m.line:m.line], ls[m.line+1:]...)
		if len(b.cells[0]) == 0 {
			b.used = true
		}
	}
}

// metaOnly reports whether a line holds nothing but a page number, labelled
// dates, or a date on its own.
//
// Each label is looked for only in a line that holds its keys, and the
// leftover is read without metaLeftover's regexp (with slices.SortFunc
// in dropMetaLines, findPageNumberAndDates 95.8k → 91.4k instructions a
// Nerima page; TestMetaOnlyAgreesWithPlain).
func metaOnly(line string) bool {
	rest := line
	if containsAny(line, pageNumberKeys) {
		rest = pageNumberRe.ReplaceAllString(line, "")
	}
	for _, l := range []struct {
		re   labelRegexp
		keys []string // every word of the label holds one
	}{{updatedLabel, updatedKeys}, {publishedLabel, publishedKeys}} {
		if !containsAny(rest, l.keys) {
			continue
		}
		for {
			loc := l.re.FindStringIndex(rest)
			if loc == nil {
				break
			}
			d := dateAt(rest[loc[1]:])
			rest = rest[:loc[0]] + " " + rest[loc[1]+len(d):]
		}
	}
	rest = strings.TrimFunc(rest, isBlank)
	rest = rest[len(dateAt(rest)):]
	return isMetaLeftover(rest)
}

// isMetaLeftover is metaLeftover.MatchString(s): s is made of white space
// (\s, U+3000), punctuation and brackets only.
func isMetaLeftover(s string) bool {
	for _, r := range s {
		switch r {
		case '\t', '\n', '\f', '\r', ' ', '　', ':', '：', '|', '｜', '/', '／', '・', ',', '、', '。', '(', ')', '（', '）', '[', ']', '【', '】':
		default:
			return false
		}
	}
	return true
}
func (a *analysis) warn(format string, args ...any) {
	a.doc.Warnings = append(a.doc.Warnings, fmt.Sprintf(format, args...))
}
