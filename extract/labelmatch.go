package extract

import (
	"strings"
	"unicode/utf8"
)

// labelMatcher matches what the regexps of the page-number and date labels
// match, without the regexp engine: one of a few words (each maybe
// followed by an optional one, as 更新日時?), white space, an optional
// colon, white space and, for the page number, a value. It finds the same
// matches as the regexp it stands for (TestLabelRegexpsAgreeWithPlainSearch
// keeps the regexps as the oracle).
type labelMatcher struct {
	words []labelWord // in the regexp's order: the first that fits wins
	// value says a value must follow, a run of valueStart then
	// valueRunes; the match's group 1.
	value bool
}

type labelWord struct{ word, opt string }

// labelMatch is a match's bounds and, with a value, the value's.
type labelMatch struct{ start, end, vstart, vend int }

// find returns the first match in s, or ok false.
func (m *labelMatcher) find(s string) (labelMatch, bool) {
	for from := 0; ; {
		// The first place where any word starts.
		at, w := -1, -1
		for k, lw := range m.words {
			if i := strings.Index(s[from:], lw.word); i >= 0 && (at < 0 || from+i < at) {
				at, w = from+i, k
			}
		}
		if at < 0 {
			return labelMatch{}, false
		}
		// Of the words that start there, the regexp takes the first.
		for k := range w {
			if strings.HasPrefix(s[at:], m.words[k].word) {
				w = k
				break
			}
		}
		end := at + len(m.words[w].word)
		if opt := m.words[w].opt; opt != "" && strings.HasPrefix(s[end:], opt) {
			end += len(opt)
		}
		end += labelSpaces(s[end:])
		if strings.HasPrefix(s[end:], ":") {
			end++
		} else if strings.HasPrefix(s[end:], "：") {
			end += len("：")
		}
		end += labelSpaces(s[end:])
		if !m.value {
			return labelMatch{start: at, end: end}, true
		}
		if r, n := utf8.DecodeRuneInString(s[end:]); isValueStart(r) {
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
		// No value here: the regexp goes on looking after the word's
		// first character.
		_, n := utf8.DecodeRuneInString(s[at:])
		from = at + n
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
