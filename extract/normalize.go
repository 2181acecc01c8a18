package extract

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"net/url"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold is the comparison form of a text: NFKC, with all white space
// removed. Two texts that differ only in full-width/half-width forms or in
// spacing fold to the same string. Japanese has no word spaces, so
// removing them loses nothing a reader would call a change.
func Fold(s string) string {
	inert, spaces := scanFold(s)
	if inert && !spaces {
		return s
	}
	if !inert {
		if f, ok := appendFold(make([]byte, 0, len(s)), s); ok {
			return string(f) // full-width ASCII, variants or ideographic spaces
		}
		s = norm.NFKC.String(s)
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return variant(r)
	}, s)
}

// appendFold appends Fold(s) to dst for the common text: valid UTF-8 made
// of white space, ASCII, full-width ASCII and NFKC-inert runes. Folding
// such text drops its white space, turns full-width ASCII into ASCII and
// maps variants: NFKC turns some spaces (U+3000, U+00A0) into U+0020,
// which is dropped too, each full-width character into one ASCII
// character, and leaves inert runes as they are for variant; and no rune
// can combine with a space, an inert rune or a full-width one after it.
// ok is false for any other s (dst is then to be ignored): Fold itself
// handles those.
func appendFold(dst []byte, s string) (_ []byte, ok bool) {
	run := 0 // s[run:i] is to be copied
	for i := 0; i < len(s); {
		i = skipInert3(s, i)
		if i == len(s) {
			break
		}
		c := s[i]
		size := 1
		if c < utf8.RuneSelf {
			if !asciiSpace[c] {
				i++
				continue
			}
		} else {
			var r rune
			if c&0xF0 == 0xE0 && i+2 < len(s) && isContinuation(s[i+1]) && isContinuation(s[i+2]) {
				// Three bytes, decoded in line. Kana and kanji lie above
				// U+3040, where no rune is white space or a variant:
				// inert ones are kept as they are.
				r, size = rune(c&0x0F)<<12|rune(s[i+1]&0x3F)<<6|rune(s[i+2]&0x3F), 3
				if r >= 0x3040 && nfkcInert(r) {
					i += 3
					continue
				}
				if r < 0x800 {
					return dst, false // overlong: not UTF-8
				}
				if fullwidthASCII(r) {
					// Full-width punctuation, （）：？！, is in most
					// Japanese text.
					dst = append(dst, s[run:i]...)
					dst = append(dst, byte(r-fullwidthOffset))
					i += 3
					run = i
					continue
				}
			} else if r, size = utf8.DecodeRuneInString(s[i:]); r == utf8.RuneError && size == 1 {
				return dst, false
			}
			// Surrogates are not inert: no need to tell them apart.
			if !unicode.IsSpace(r) {
				if !nfkcInert(r) {
					return dst, false
				}
				if v := variant(r); v != r {
					// 〜 (WAVE DASH) for ～, and the like.
					dst = utf8.AppendRune(append(dst, s[run:i]...), v)
					run = i + size
				}
				i += size
				continue
			}
		}
		// s[i:i+size] is white space: drop it.
		dst = append(dst, s[run:i]...)
		i += size
		run = i
	}
	return append(dst, s[run:]...), true
}

// skipInert3 returns where the run of three-byte runes of U+3000–U+9FFF
// (CJK punctuation, kana, kanji) that starts at s[i] ends, counting only
// those appendFold keeps as they are (keepRows). It is appendFold's inner
// loop: two runes a step, each told by one lookup, without branches on
// the kind of rune (skipInert3 in ContentHash 102k → 97k instructions a
// Nerima page).
func skipInert3(s string, i int) int {
	t := s[i:]
	// Two runes at a time: leads 1110xxxx, continuations 10xxxxxx.
	for len(t) >= 8 {
		x := binary.LittleEndian.Uint64([]byte(t[:8]))
		if x&0x0000C0C0F0C0C0F0 != 0x00008080E08080E0 ||
			(keepRows[x&0xF][x>>8&0x3F]>>(x>>16&0x3F))&(keepRows[x>>24&0xF][x>>32&0x3F]>>(x>>40&0x3F))&1 == 0 {
			break
		}
		t = t[6:]
	}
	for len(t) >= 3 {
		c0, c1, c2 := t[0], t[1], t[2]
		if c0&0xF0 != 0xE0 || (c1^0x80)|(c2^0x80) >= 0x40 || keepRows[c0&0xF][c1&0x3F]>>(c2&0x3F)&1 == 0 {
			break
		}
		t = t[3:]
	}
	return len(s) - len(t)
}

// keep3000 has a bit for each rune of U+3000–U+3FFF that appendFold keeps
// as it is: NFKC-inert, not white space, its own variant.
var keep3000 = keepTable(0x3000)

// keepRows says which three-byte runes skipInert3 passes over: indexed by
// the low four bits of the lead byte (E0–EF) and the low six of the
// second, a word with a bit for each third byte (its low six bits). Lead
// E3 (U+3000–U+3FFF) has keep3000; leads E4–E9, kanji, are all kept
// (TestKanjiKept); the other leads none.
var keepRows = func() (t [16][64]uint64) {
	t[3] = keep3000
	for lead := 4; lead <= 9; lead++ {
		for i := range t[lead] {
			t[lead][i] = ^uint64(0)
		}
	}
	return t
}()

// keepTable has a bit for each of the 4096 runes from first on that
// appendFold keeps as they are.
func keepTable(first rune) (t [64]uint64) {
	for r := first; r < first+4096; r++ {
		if nfkcInert(r) && !unicode.IsSpace(r) && variant(r) == r {
			t[(r-first)>>6] |= 1 << ((r - first) & 63)
		}
	}
	return t
}

// fullwidthASCII reports the runes of U+FF01–U+FF5E, which NFKC maps to
// the ASCII character fullwidthOffset below, from ! to ~ (never a space
// or a variant). Each starts a segment and none combines with the rune
// before it (TestFullwidthASCII).
func fullwidthASCII(r rune) bool { return 0xFF01 <= r && r <= 0xFF5E }

const fullwidthOffset = 0xFF01 - '!'

// asciiSpace marks the ASCII bytes unicode.IsSpace reports.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// variant maps characters that the same Japanese text is written with
// depending on the encoding it passed through (Shift_JIS read as CP932 or
// as JIS X 0208, text typed on a Mac) to one of them.
func variant(r rune) rune {
	switch r {
	case '\u301C': // WAVE DASH (JIS), FULLWIDTH TILDE (CP932) folds to ~
		return '~'
	case '\u2212', '\u2010', '\u2011': // MINUS SIGN, HYPHEN (CP932: FULLWIDTH HYPHEN-MINUS → -)
		return '-'
	case '\u2015': // HORIZONTAL BAR (CP932) for EM DASH (JIS)
		return '\u2014'
	case '\u2225': // PARALLEL TO (CP932) for DOUBLE VERTICAL LINE (JIS)
		return '\u2016'
	}
	return r
}

// scanFold reports whether NFKC would leave s unchanged because every rune
// is ASCII or inert, and whether s holds ASCII white space. Kanji, the
// bulk of Japanese text, are recognised from their lead byte alone.
func scanFold(s string) (inert, spaces bool) {
	for i := 0; i < len(s); {
		if i = skipInert3(s, i); i == len(s) {
			break
		}
		c := s[i]
		switch {
		case c < 0x80:
			spaces = spaces || c <= ' '
			i++
		case c >= 0xE5 && c <= 0xE9 && i+2 < len(s): // U+5000–U+9FFF: kanji
			i += 3
		case c >= 0xE0 && c <= 0xEF && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80:
			// Kana and punctuation: decode the three bytes in line.
			r := rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F)
			if !nfkcInert(r) || variant(r) != r {
				return false, spaces
			}
			if r == 0x3000 || r == 0x1680 || (r >= 0x2000 && r <= 0x205F) { // where the spaces are
				spaces = spaces || unicode.IsSpace(r)
			}
			i += 3
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if !nfkcInert(r) || variant(r) != r {
				return false, spaces
			}
			spaces = spaces || unicode.IsSpace(r)
			i += size
		}
	}
	return true, spaces
}

// nfkcInert reports runes that NFKC leaves alone in any text made of such
// runes: NFKC-normal on their own, starters, and unable to combine with
// the rune before. (か may combine with a following U+3099, but U+3099 is
// not inert, so such text takes the slow path.) Text made only of these
// skips the normaliser, which is the costliest step of hashing a page.
//
//go:generate go run gen_inert.go
func nfkcInert(r rune) bool {
	return r <= 0xFFFF && inertBits[r>>6]&(1<<(r&63)) != 0
}

// QuestionKey is the key that follows one question across versions and
// across municipalities: the folded text, lower-cased, without trailing
// punctuation (教えてください。 and 教えてください are one question).
func QuestionKey(q string) string {
	k := Fold(q)
	if !caseless(k) {
		k = strings.ToLower(k)
	}
	return strings.TrimRightFunc(k, isKeyTrailer)
}

// isKeyTrailer reports the runes trimmed from the end of a question key:
// punctuation and symbols. Kana and kanji, which most keys end with, are
// neither, and are told without the Unicode tables (QuestionKey 35k →
// 28k instructions a Nerima page).
func isKeyTrailer(r rune) bool {
	if 0x3041 <= r && r <= 0x3096 || 0x30A1 <= r && r <= 0x30FA || 0x4E00 <= r && r <= 0x9FFF {
		return false
	}
	return unicode.IsPunct(r) || unicode.IsSymbol(r)
}

// caseless reports valid UTF-8 that strings.ToLower leaves as it is:
// ASCII without capitals, and runes of U+3000–U+9FFF (CJK punctuation,
// kana, kanji), none of which has a lower case.
func caseless(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c < utf8.RuneSelf:
			if 'A' <= c && c <= 'Z' {
				return false
			}
			i++
		case c >= 0xE3 && c <= 0xE9 && i+2 < len(s) && isContinuation(s[i+1]) && isContinuation(s[i+2]):
			i += 3
		default:
			return false
		}
	}
	return true
}

// ContentHash is the hash of a Document's meaningful content: title, page
// number, dates, breadcrumbs, intro, sections, Q&A, notes and contact, each
// folded. Menus, scripts, attributes, timestamps outside the page's own
// dates, and spacing do not enter it.
func ContentHash(d *Document) string {
	h := hashers.Get().(*hasher)
	defer h.release()
	h.h.Reset()
	// Room for every field at once: folding never lengthens the common
	// text, and the tags and lengths take a few bytes each.
	h.out = slices.Grow(h.out[:0], hashSize(d))
	h.field("title", d.Title)
	h.field("page_number", d.PageNumber)
	h.date("updated", d.Updated, d.UpdatedRaw)
	h.date("published", d.Published, d.PublishedRaw)
	h.fields("breadcrumbs", d.Breadcrumbs)
	h.fields("intro", d.Intro)
	for _, s := range d.Sections {
		h.field("section", s.Heading)
		h.fields("section_intro", s.Intro)
		for _, q := range s.QA {
			h.field("question", q.Question)
			h.fields("answer", q.Answer)
			h.fields("notes", q.Notes)
		}
	}
	c := d.Contact
	h.field("department", c.Department)
	h.field("phone", c.Phone)
	h.field("fax", c.Fax)
	h.field("email", c.Email)
	h.raw("form", formPath(c.FormURL))
	h.h.Write(h.out)
	var sum [sha256.Size]byte
	return "sha256:" + hex.EncodeToString(h.h.Sum(sum[:0]))
}

// hashSize is about the size of what ContentHash hashes for d.
func hashSize(d *Document) int {
	n := len(d.Title) + len(d.PageNumber) + len(d.UpdatedRaw) + len(d.PublishedRaw) + 256
	for _, l := range [][]string{d.Breadcrumbs, d.Intro} {
		for _, s := range l {
			n += len(s) + 16
		}
	}
	for _, s := range d.Sections {
		n += len(s.Heading) + 32
		for _, l := range s.Intro {
			n += len(l) + 16
		}
		for _, q := range s.QA {
			n += len(q.Question) + 32
			for _, l := range q.Answer {
				n += len(l) + 16
			}
			for _, l := range q.Notes {
				n += len(l) + 16
			}
		}
	}
	c := d.Contact
	return n + len(c.Department) + len(c.Phone) + len(c.Fax) + len(c.Email) + len(c.FormURL)
}

// hashers keeps hashers, with their digest and fold buffer, for reuse.
var hashers = sync.Pool{New: func() any { return &hasher{h: sha256.New()} }}

// release hands the hasher back for reuse, unless a huge page grew its
// buffer past what is worth keeping.
func (h *hasher) release() {
	if cap(h.out) > 256<<10 {
		h.out = nil
	}
	hashers.Put(h)
}

// hasher writes tagged, length-prefixed fields, so that no two different
// structures hash the same bytes. They are gathered in one reused buffer
// and hashed at once.
type hasher struct {
	h   hash.Hash
	out []byte // what is to be hashed, written at once
}

func (h *hasher) raw(tag, v string) {
	h.out = append(h.out, tag...)
	h.out = binary.AppendUvarint(h.out, uint64(len(v)))
	h.out = append(h.out, v...)
}

func (h *hasher) field(tag, v string) { h.folded(tag, v, false) }

// folded hashes Fold(v) under tag, unless it is empty and skipEmpty.
//
// The text is folded straight into the buffer, after room for its length:
// folding the common text only drops white space and shortens full-width
// characters and variants, so its length's uvarint is that of len(v) or
// shorter, and the few fields where it is not are moved once. Folding
// into a buffer of its own and copying that cost a second write and read
// of every byte hashed (ContentHash of the Nerima Document 18.3 µs →
// 17.5 µs, medians of 12 interleaved runs).
func (h *hasher) folded(tag, v string, skipEmpty bool) {
	mark := len(h.out)
	out := append(h.out, tag...)
	at := len(out)
	out = binary.AppendUvarint(out, uint64(len(v))) // room for the length
	start := len(out)
	out, ok := appendFold(out, v)
	if !ok {
		out = append(out[:start], Fold(v)...)
	}
	n := len(out) - start
	if n == 0 && skipEmpty {
		h.out = out[:mark]
		return
	}
	if want := uvarintLen(n); want != start-at {
		// The folded text's length takes fewer bytes than len(v)'s, or
		// more (NFKC lengthens ㍻ to 平成): move the text.
		if grow := want - (start - at); grow > 0 {
			out = append(out, make([]byte, grow)...)
		}
		copy(out[at+want:], out[start:start+n])
		out = out[:at+want+n]
	}
	binary.PutUvarint(out[at:], uint64(n))
	h.out = out
}

// uvarintLen is the length of the uvarint of n.
func uvarintLen(n int) int {
	k := 1
	for ; n >= 0x80; n >>= 7 {
		k++
	}
	return k
}

// date hashes a date as YYYY-MM-DD, or, when it could not be read
// (2021年2月30日), as written, so that editing it still counts.
func (h *hasher) date(tag, iso, raw string) {
	if iso == "" {
		iso = Fold(raw)
	}
	h.raw(tag, iso)
}

// formPath is the part of a mail-form URL that belongs to the page: its
// path and query. The scheme and host come from where the page was read
// (https, http, a file:// path), which is not content.
func formPath(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	return p.RequestURI()
}

// fields hashes a list; texts that fold to nothing are left out, as blank
// paragraphs are not content.
func (h *hasher) fields(tag string, vs []string) {
	for _, v := range vs {
		h.folded(tag, v, true)
	}
	h.raw("end", tag)
}

// asciiSpaces returns the length of the run of ASCII white space s starts
// with, as HTML and the regexps' \s know it: space, tab, line feed, form
// feed, carriage return.
func asciiSpaces[T string | []byte](s T) int {
	n := 0
	for n < len(s) && (s[n] == ' ' || s[n] == '\t' || s[n] == '\n' || s[n] == '\f' || s[n] == '\r') {
		n++
	}
	return n
}

// isHTMLSpace reports the characters HTML collapses when rendering.
func isHTMLSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == 0xA0
}

// isBlank reports characters trimmed from the ends of a display line: HTML
// white space plus the ideographic space often used for indentation.
func isBlank(r rune) bool { return isHTMLSpace(r) || r == '\u3000' || unicode.IsSpace(r) }

// trimBlank is strings.TrimFunc(s, isBlank), cheap for Japanese text: most
// runes are told apart from the blank ones by their first or last bytes.
func trimBlank(s string) string { return trimRightBlank(trimLeftBlank(s)) }

// trimLeftBlank is strings.TrimLeftFunc(s, isBlank). Blank runes past
// ASCII are U+0085, U+00A0, U+1680, U+2000–U+205F and U+3000; in UTF-8
// they start with 0xC2, 0xE1, 0xE2 or 0xE3 (U+3000 is E3 80 80).
func trimLeftBlank(s string) string {
	for len(s) > 0 {
		c := s[0]
		switch {
		case c < utf8.RuneSelf:
			if !isBlank(rune(c)) {
				return s
			}
			s = s[1:]
			continue
		case c == 0xE3:
			if len(s) < 3 || s[1] != 0x80 || s[2] != 0x80 {
				return s // kana, CJK punctuation other than U+3000
			}
		case c != 0xC2 && c != 0xE1 && c != 0xE2:
			return s
		}
		r, n := utf8.DecodeRuneInString(s)
		if !isBlank(r) {
			return s
		}
		s = s[n:]
	}
	return s
}

// trimRightBlank is strings.TrimRightFunc(s, isBlank). A string ending in
// a three-byte sequence led by 0xE4–0xEF (kanji and the rest of U+4000–
// U+FFFF), or by 0xE3 other than U+3000 (kana), does not end in a blank.
func trimRightBlank(s string) string {
	for len(s) > 0 {
		n := len(s)
		c := s[n-1]
		if c < utf8.RuneSelf {
			if !isBlank(rune(c)) {
				return s
			}
			s = s[:n-1]
			continue
		}
		if n >= 3 && isContinuation(c) && isContinuation(s[n-2]) {
			if lead := s[n-3]; lead >= 0xE4 && lead <= 0xEF || lead == 0xE3 && (s[n-2] != 0x80 || c != 0x80) {
				return s
			}
		}
		r, size := utf8.DecodeLastRuneInString(s)
		if !isBlank(r) {
			return s
		}
		s = s[:n-size]
	}
	return s
}

func isContinuation(c byte) bool { return c&0xC0 == 0x80 }

// joinLines joins the lines of a heading or cell into one: with nothing
// between two Japanese characters, with a space where Latin text meets.
func joinLines(lines []string) string {
	if len(lines) == 1 {
		return lines[0]
	}
	var b strings.Builder
	for i, l := range lines {
		if i > 0 && b.Len() > 0 && l != "" {
			last, _ := utf8.DecodeLastRuneInString(b.String())
			first, _ := utf8.DecodeRuneInString(l)
			if last < utf8.RuneSelf && first < utf8.RuneSelf {
				b.WriteByte(' ')
			}
		}
		b.WriteString(l)
	}
	return b.String()
}
