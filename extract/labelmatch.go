package extract

import (
	"strings"
	"unicode/utf8"
)

// labelMatcher matches what the regexps of the page-number, date, phone
// and fax labels match, without the regexp engine: one of a few words
// (each maybe followed by an optional one, as 更新日時?), white space, an
// optional colon, white space and, for the page number, a value. It finds
// the same matches as the regexp it stands for
// (TestLabelRegexpsAgreeWithPlainSearch keeps the regexps as the oracle).
type labelMatcher struct {
	words []labelWord // in the regexp's order: the first that fits wins
	// value says a value must follow, a run of valueStart then
	// valueRunes; the match's group 1.
	value bool
	// For phone and fax labels: an optional 番号 after the word, an
	// optional ・ファクス after that (faxJoin), . and ． as colons, and an
	// optional note in brackets, （代表）, after the colon.
	number, faxJoin, dots, note bool
}

// labelWord is a word, and an optional one after it; fold says the word
// matches in any ASCII case.
type labelWord struct {
	word, opt string
	fold      bool
}

// at reports whether s starts with the word.
func (lw labelWord) at(s string) bool {
	if lw.fold {
		return len(s) >= len(lw.word) && indexFoldASCII(s[:len(lw.word)], lw.word) == 0
	}
	return strings.HasPrefix(s, lw.word)
}

// index returns where the word first occurs in s, or -1.
func (lw labelWord) index(s string) int {
	if lw.fold {
		return indexFoldASCII(s, lw.word)
	}
	return strings.Index(s, lw.word)
}

// labelMatch is a match's bounds and, with a value, the value's.
type labelMatch struct{ start, end, vstart, vend int }

// find returns the first match in s, or ok false.
func (m *labelMatcher) find(s string) (labelMatch, bool) {
	for from := 0; ; {
		// The first place where any word starts.
		at := -1
		for _, lw := range m.words {
			if i := lw.index(s[from:]); i >= 0 && (at < 0 || from+i < at) {
				at = from + i
			}
		}
		if at < 0 {
			return labelMatch{}, false
		}
		// Of the words that start there, the regexp takes the first that
		// leads to a match: one may be a prefix of another (ページ,
		// ページ番号) that alone is followed by a value.
		for _, lw := range m.words {
			if !lw.at(s[at:]) {
				continue
			}
			if match, ok := m.matchAfter(s, at, lw); ok {
				return match, true
			}
		}
		// No value here: the regexp goes on looking after the word's
		// first character.
		_, n := utf8.DecodeRuneInString(s[at:])
		from = at + n
	}
}

// matchAfter returns the match of word lw at s[at:], if what follows it
// completes one: always, unless a value must follow.
func (m *labelMatcher) matchAfter(s string, at int, lw labelWord) (labelMatch, bool) {
	end := at + len(lw.word)
	if lw.opt != "" && strings.HasPrefix(s[end:], lw.opt) {
		end += len(lw.opt)
	}
	if m.number && strings.HasPrefix(s[end:], "番号") {
		end += len("番号")
	}
	if m.faxJoin {
		end += faxJoin(s[end:])
	}
	end += labelSpaces(s[end:])
	end += m.colon(s[end:])
	end += labelSpaces(s[end:])
	if m.note {
		if n := bracketNote(s[end:]); n > 0 {
			end += n
			end += labelSpaces(s[end:])
		}
	}
	if !m.value {
		return labelMatch{start: at, end: end}, true
	}
	r, n := utf8.DecodeRuneInString(s[end:])
	if !isValueStart(r) {
		return labelMatch{}, false
	}
	v := end + n
	for {
		r, n := utf8.DecodeRuneInString(s[v:])
		if n == 0 || !isValueStart(r) && r != '-' && r != '－' && r != '‐' && r != '−' && r != 'ー' {
			break
		}
		v += n
	}
	return labelMatch{start: at, end: v, vstart: end, vend: v}, true
}

// colon returns the length of the colon s starts with, or 0.
func (m *labelMatcher) colon(s string) int {
	switch {
	case strings.HasPrefix(s, ":"), m.dots && strings.HasPrefix(s, "."):
		return 1
	case strings.HasPrefix(s, "："), m.dots && strings.HasPrefix(s, "．"):
		return len("：")
	}
	return 0
}

// faxJoin returns the length of the ・ファクス (or /fax …) that s starts
// with, or 0.
func faxJoin(s string) int {
	n := 0
	switch {
	case strings.HasPrefix(s, "・"), strings.HasPrefix(s, "／"):
		n = len("・")
	case strings.HasPrefix(s, "/"):
		n = 1
	default:
		return 0
	}
	for _, w := range []labelWord{{word: "ファクス"}, {word: "ファックス"}, {word: "fax", fold: true}} {
		if w.at(s[n:]) {
			return n + len(w.word)
		}
	}
	return 0
}

// bracketNote returns the length of the note s starts with: a bracket,
// one to eight characters other than a closing bracket, a closing
// bracket; or 0.
func bracketNote(s string) int { return bracketed(s, 8) }

// bracketed returns the length of the bracketed text s starts with: ( or
// （, one to max characters other than a closing bracket, ) or ）; or 0.
func bracketed(s string, max int) int {
	if !strings.HasPrefix(s, "（") && !strings.HasPrefix(s, "(") {
		return 0
	}
	_, i := utf8.DecodeRuneInString(s)
	for n := 0; ; n++ {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case size == 0:
			return 0
		case r == '）' || r == ')':
			if n == 0 {
				return 0
			}
			return i + size
		case n == max:
			return 0
		}
		i += size
	}
}

// labelSpaces returns the length of the run of sp (\s, U+3000, U+00A0)
// that s starts with.
func labelSpaces(s string) int {
	i := 0
	for i < len(s) {
		switch {
		case s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\f' || s[i] == '\r':
			i++
		case strings.HasPrefix(s[i:], "\u3000"):
			i += len("\u3000")
		case strings.HasPrefix(s[i:], "\u00a0"):
			i += len("\u00a0")
		default:
			return i
		}
	}
	return i
}

// isValueStart reports the runes a page number starts with: ASCII and
// full-width digits and letters.
func isValueStart(r rune) bool {
	return '0' <= r && r <= '9' || 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' ||
		'０' <= r && r <= '９' || 'Ａ' <= r && r <= 'Ｚ' || 'ａ' <= r && r <= 'ｚ'
}
