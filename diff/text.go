package diff

import (
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Bounds on the work of one text diff. diffmatchpatch bounds its own by a
// clock (DiffTimeout), which would make the ops depend on the machine's
// load; these bound it by the size of the texts instead, so that the same
// texts always give the same ops.
const (
	// maxDiffRunes is the most runes (the two texts' differing middles
	// together) diffed character by character, and the most sentences
	// diffed sentence by sentence. Myers' algorithm takes up to n² steps
	// for n runes that share nothing: 3000 take about 25 ms.
	maxDiffRunes = 3000
	// contextRunes is the unchanged text kept on each side of the edits
	// for DiffCleanupSemantic, which moves edits to sentence boundaries
	// and whose time grows with the text it is given.
	contextRunes = 64
)

// textOps is a character-level diff of old and new. Japanese has no word
// spaces, so characters are the unit; DiffCleanupSemantic then merges the
// scattered one-character matches a reader would not call a match.
//
// Texts whose differing middles are too long to diff by character are
// diffed by sentence, and the sentences that differ by character while
// the budget lasts; what remains is one deletion and one insertion.
//
// diffmatchpatch works on runes: old and new must be valid UTF-8.
func textOps(old, new string) []Op {
	if old == new {
		if old == "" {
			return nil
		}
		return []Op{{OpEqual, old}}
	}
	// Diff in one direction whatever the order of the arguments, so that
	// the ops of Compare(b, a) are exactly those of Compare(a, b) mirrored.
	swap := new < old
	if swap {
		old, new = new, old
	}
	budget := maxDiffRunes * maxDiffRunes
	return toOps(diffRunes([]rune(old), []rune(new), &budget), swap)
}

func newDiffer() *diffmatchpatch.DiffMatchPatch {
	d := diffmatchpatch.New()
	d.DiffTimeout = 0 // no clock: the size limits above bound the work
	return d
}

// diffRunes diffs a and b, spending at most *budget (in Myers steps,
// counted as the square of the runes diffed).
func diffRunes(a, b []rune, budget *int) []diffmatchpatch.Diff {
	p := commonPrefix(a, b)
	s := commonSuffix(a[p:], b[p:])
	ma, mb := a[p:len(a)-s], b[p:len(b)-s]
	n := len(ma) + len(mb)
	d := newDiffer()
	var mid []diffmatchpatch.Diff
	switch {
	case len(ma) == 0 || len(mb) == 0:
		mid = replace(ma, mb)
	case n <= maxDiffRunes && n*n <= *budget:
		*budget -= n * n
		mid = d.DiffMainRunes(ma, mb, false)
	default:
		// Diff whole sentences: leave the sentences the common prefix and
		// suffix end and start in to the middle.
		for p > 0 && !sentenceEnd(a[p-1]) {
			p--
		}
		for s > 0 && !sentenceEnd(a[len(a)-s-1]) {
			s--
		}
		return concat(equal(a[:p]), diffSentences(a[p:len(a)-s], b[p:len(b)-s], budget), equal(a[len(a)-s:]))
	}
	// Clean up the middle with some context, for the cleanup to align the
	// edits with.
	pre, post := max(0, p-contextRunes), min(len(a), len(a)-s+contextRunes)
	mid = d.DiffCleanupSemantic(concat(equal(a[pre:p]), mid, equal(a[len(a)-s:post])))
	return concat(equal(a[:pre]), mid, equal(a[post:]))
}

// diffSentences diffs a and b sentence by sentence, then the sentences
// that differ character by character while the budget lasts.
func diffSentences(a, b []rune, budget *int) []diffmatchpatch.Diff {
	ta, tb, texts := sentences(a, b)
	n := len(ta) + len(tb)
	if n > maxDiffRunes || n*n > *budget {
		return replace(a, b)
	}
	*budget -= n * n
	td := newDiffer().DiffMainRunes(ta, tb, false)
	var out []diffmatchpatch.Diff
	for i := 0; i < len(td); i++ {
		x := expand(td[i].Text, texts)
		if td[i].Type == diffmatchpatch.DiffDelete && i+1 < len(td) && td[i+1].Type == diffmatchpatch.DiffInsert {
			y := expand(td[i+1].Text, texts)
			i++
			if m := len(x) + len(y); m <= maxDiffRunes && m*m <= *budget {
				out = append(out, diffRunes(x, y, budget)...)
			} else {
				out = append(out, replace(x, y)...)
			}
			continue
		}
		out = append(out, diffmatchpatch.Diff{Type: td[i].Type, Text: string(x)})
	}
	return out
}

// sentences splits a and b after each sentence end and gives each
// distinct sentence a rune, as diffmatchpatch's line mode does with lines.
// The runes count from 0, and stay below the surrogates (0xD800), which
// would not survive diffmatchpatch's conversions to string, since at most
// maxDiffRunes sentences are diffed.
func sentences(a, b []rune) (ta, tb []rune, texts [][]rune) {
	ids := make(map[string]rune)
	split := func(rs []rune) []rune {
		var out []rune
		for len(rs) > 0 {
			end := len(rs)
			for i, r := range rs {
				if sentenceEnd(r) {
					end = i + 1
					break
				}
			}
			k := string(rs[:end])
			id, ok := ids[k]
			if !ok {
				id = rune(len(texts))
				ids[k] = id
				texts = append(texts, rs[:end])
			}
			out = append(out, id)
			rs = rs[end:]
		}
		return out
	}
	ta = split(a)
	tb = split(b)
	return ta, tb, texts
}

func sentenceEnd(r rune) bool { return strings.ContainsRune("。．！？!?\n", r) }

func expand(ids string, texts [][]rune) []rune {
	var out []rune
	for _, id := range ids {
		out = append(out, texts[id]...)
	}
	return out
}

// replace is the diff that deletes a and inserts b.
func replace(a, b []rune) []diffmatchpatch.Diff {
	var out []diffmatchpatch.Diff
	if len(a) > 0 {
		out = append(out, diffmatchpatch.Diff{Type: diffmatchpatch.DiffDelete, Text: string(a)})
	}
	if len(b) > 0 {
		out = append(out, diffmatchpatch.Diff{Type: diffmatchpatch.DiffInsert, Text: string(b)})
	}
	return out
}

func equal(rs []rune) []diffmatchpatch.Diff {
	if len(rs) == 0 {
		return nil
	}
	return []diffmatchpatch.Diff{{Type: diffmatchpatch.DiffEqual, Text: string(rs)}}
}

func concat(parts ...[]diffmatchpatch.Diff) []diffmatchpatch.Diff {
	var out []diffmatchpatch.Diff
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func commonPrefix(a, b []rune) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func commonSuffix(a, b []rune) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	return n
}

// toOps turns diffs into Ops, from the second text to the first if swap.
// Adjacent steps of one kind are merged, and in each run of changes the
// deletion comes before the insertion, so that a diff and its mirror
// list the same steps.
func toOps(diffs []diffmatchpatch.Diff, swap bool) []Op {
	var out []Op
	var del, ins strings.Builder
	flush := func() {
		if del.Len() > 0 {
			out = append(out, Op{OpDelete, del.String()})
			del.Reset()
		}
		if ins.Len() > 0 {
			out = append(out, Op{OpInsert, ins.String()})
			ins.Reset()
		}
	}
	for _, d := range diffs {
		if d.Text == "" {
			continue
		}
		isDel, isIns := d.Type == diffmatchpatch.DiffDelete, d.Type == diffmatchpatch.DiffInsert
		if swap {
			isDel, isIns = isIns, isDel
		}
		switch {
		case isDel:
			del.WriteString(d.Text)
		case isIns:
			ins.WriteString(d.Text)
		default:
			flush()
			if n := len(out); n > 0 && out[n-1].Op == OpEqual {
				out[n-1].Text += d.Text
			} else {
				out = append(out, Op{OpEqual, d.Text})
			}
		}
	}
	flush()
	return out
}
