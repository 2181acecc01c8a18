package diff

import (
	"cmp"
	"slices"
	"strings"
)

// Thresholds of the matching by similarity; the package doc explains them.
const (
	sectionThreshold  = 0.5
	questionThreshold = 0.5
	questionSure      = 0.8
	answerThreshold   = 0.5
	// maxCandidates bounds the pairs scored for similarity in one list;
	// past it the leftovers are reported as removed and added, so that a
	// page rewritten from scratch costs no quadratic time.
	maxCandidates = 1 << 16
)

// pair is a matched item: its index in the old list and in the new one.
// In the slots of pageOrder, -1 stands for the side an item is not on.
type pair struct{ old, new int }

// matchSections pairs sections with the same folded heading, the k-th of a
// heading in the old version with the k-th in the new, then the rest by
// similarity of heading and content.
func matchSections(olds, news []section) []pair {
	oldKeys, newKeys := make([]string, len(olds)), make([]string, len(news))
	for i := range olds {
		oldKeys[i] = olds[i].fold
	}
	for j := range news {
		newKeys[j] = news[j].fold
	}
	pairs := matchByKey(oldKeys, newKeys)
	oldLeft, newLeft := leftovers(pairs, len(olds), len(news))
	return append(pairs, matchBest(oldLeft, newLeft, func(o, n int) (score, tie float64, ok bool) {
		a, b := olds[o].profiles(), news[n].profiles()
		h := similarity(a.headProf, b.headProf)
		score = h
		if !a.empty || !b.empty {
			score = (h + 3*similarity(a.contentProf, b.contentProf)) / 4
		}
		return score, h, score >= sectionThreshold
	})...)
}

func (s *section) profiles() *section {
	if s.headProf == nil {
		s.headProf = profile(s.fold)
		s.contentProf = profile(sectionContent(s))
		s.empty = len(s.intro) == 0 && len(s.qa) == 0
	}
	return s
}

// sectionContent is a section's folded text without its heading.
func sectionContent(s *section) string {
	var b strings.Builder
	for _, p := range s.intro {
		b.WriteString(p)
		b.WriteByte('\n') // Fold removes white space, so this separates
	}
	for _, q := range s.qa {
		b.WriteString(q.fold)
		b.WriteByte('\n')
		for _, p := range q.answer {
			b.WriteString(p)
			b.WriteByte('\n')
		}
		for _, p := range q.notes {
			b.WriteString(p)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// matchQuestions pairs questions with the same extract.QuestionKey, the
// k-th of a key in the old section with the k-th in the new, then the rest
// by similarity of the question (and answer, for questions less than
// questionSure similar).
func matchQuestions(olds, news []question) []pair {
	oldKeys, newKeys := make([]string, len(olds)), make([]string, len(news))
	for i := range olds {
		oldKeys[i] = olds[i].key
	}
	for j := range news {
		newKeys[j] = news[j].key
	}
	pairs := matchByKey(oldKeys, newKeys)
	oldLeft, newLeft := leftovers(pairs, len(olds), len(news))
	return append(pairs, matchBest(oldLeft, newLeft, func(o, n int) (score, tie float64, ok bool) {
		a, b := olds[o].profiles(), news[n].profiles()
		qs := similarity(a.questionProf, b.questionProf)
		if qs < questionThreshold {
			return qs, 0, false
		}
		as := similarity(a.answerProf, b.answerProf)
		return qs, as, qs >= questionSure || as >= answerThreshold
	})...)
}

func (q *question) profiles() *question {
	if q.questionProf == nil {
		q.questionProf = profile(q.fold)
		q.answerProf = profile(strings.Join(q.answer, "\n"))
	}
	return q
}

// matchByKey pairs the k-th item of each key in the old list with the k-th
// of the same key in the new list. Being by occurrence, it is the same
// both ways round.
func matchByKey(oldKeys, newKeys []string) []pair {
	queue := make(map[string][]int, len(oldKeys))
	for i, k := range oldKeys {
		queue[k] = append(queue[k], i)
	}
	var pairs []pair
	for j, k := range newKeys {
		if q := queue[k]; len(q) > 0 {
			pairs = append(pairs, pair{q[0], j})
			queue[k] = q[1:]
		}
	}
	return pairs
}

// leftovers lists the indexes no pair uses, in order.
func leftovers(pairs []pair, nOld, nNew int) (oldLeft, newLeft []int) {
	usedOld, usedNew := make([]bool, nOld), make([]bool, nNew)
	for _, p := range pairs {
		usedOld[p.old], usedNew[p.new] = true, true
	}
	for i, u := range usedOld {
		if !u {
			oldLeft = append(oldLeft, i)
		}
	}
	for j, u := range usedNew {
		if !u {
			newLeft = append(newLeft, j)
		}
	}
	return oldLeft, newLeft
}

// matchBest pairs leftovers greedily, best score first, then best tie
// score, then nearest in position. Every key of that order is the same
// both ways round, and pairs that still tie, (i, j) and (j, i), share no
// item, so the pairing is too: Compare(b, a) mirrors Compare(a, b).
func matchBest(oldLeft, newLeft []int, score func(o, n int) (score, tie float64, ok bool)) []pair {
	if len(oldLeft) == 0 || len(newLeft) == 0 || len(oldLeft)*len(newLeft) > maxCandidates {
		return nil
	}
	type candidate struct {
		pair
		score, tie float64
	}
	var cs []candidate
	for _, o := range oldLeft {
		for _, n := range newLeft {
			if s, t, ok := score(o, n); ok {
				cs = append(cs, candidate{pair{o, n}, s, t})
			}
		}
	}
	slices.SortFunc(cs, func(a, b candidate) int {
		return cmp.Or(
			cmp.Compare(b.score, a.score),
			cmp.Compare(b.tie, a.tie),
			cmp.Compare(distance(a.pair), distance(b.pair)),
			cmp.Compare(a.old+a.new, b.old+b.new),
			cmp.Compare(a.old, b.old))
	})
	usedOld, usedNew := make(map[int]bool), make(map[int]bool)
	var pairs []pair
	for _, c := range cs {
		if !usedOld[c.old] && !usedNew[c.new] {
			usedOld[c.old], usedNew[c.new] = true, true
			pairs = append(pairs, c.pair)
		}
	}
	return pairs
}

func distance(p pair) int {
	if p.old > p.new {
		return p.old - p.new
	}
	return p.new - p.old
}

// pageOrder lists the slots to report in: each new item in order, with
// its old partner or -1, and after it the unmatched old items that
// followed its partner in the old list (those before any matched item
// come first), so that a removed item is reported where it used to be.
func pageOrder(pairs []pair, nOld, nNew int) []pair {
	oldToNew := make([]int, nOld)
	newToOld := make([]int, nNew)
	for i := range oldToNew {
		oldToNew[i] = -1
	}
	for j := range newToOld {
		newToOld[j] = -1
	}
	for _, p := range pairs {
		oldToNew[p.old], newToOld[p.new] = p.new, p.old
	}
	var head []pair
	after := make(map[int][]pair)
	last := -1
	for i, j := range oldToNew {
		switch {
		case j >= 0:
			last = j
		case last < 0:
			head = append(head, pair{i, -1})
		default:
			after[last] = append(after[last], pair{i, -1})
		}
	}
	out := head
	for j, i := range newToOld {
		out = append(out, pair{i, j})
		out = append(out, after[j]...)
	}
	return out
}

// movedPairs reports the matched questions that are out of order: all
// but a longest chain of pairs that kept their order (increasing in both
// the old and the new position). A question inserted or removed breaks
// no chain, so moves no other.
//
// Among chains of that length, the one kept is chosen by a priority that
// is the same both ways round: questions that moved least are kept first,
// then by folded text and position. For two swapped questions, the one
// reported as moved is thus the same in Compare(a, b) and Compare(b, a).
func movedPairs(pairs []pair, oq, nq []question) []pair {
	ps := slices.Clone(pairs)
	slices.SortFunc(ps, func(a, b pair) int { return cmp.Compare(a.old, b.old) })
	k := len(ps)
	all := make([]bool, k)
	for i := range all {
		all[i] = true
	}
	longest := chainLength(ps, all)
	if longest == k {
		return nil
	}

	// Only pairs on some longest chain can be kept.
	fwd, bwd := chainEnds(ps)
	var cands []int
	for i := range ps {
		if fwd[i]+bwd[i]-1 == longest {
			cands = append(cands, i)
		}
	}
	slices.SortFunc(cands, func(x, y int) int { return comparePriority(ps[x], ps[y], oq, nq) })

	// Keep candidates in priority order while a longest chain still holds
	// every kept one. allowed marks the pairs in order with all kept ones.
	kept := make([]bool, k)
	allowed := slices.Clone(all)
	trial := make([]bool, k)
	for _, c := range cands {
		if !allowed[c] {
			continue
		}
		for i := range ps {
			trial[i] = allowed[i] && (i == c || inOrder(ps[i], ps[c]))
		}
		if chainLength(ps, trial) == longest {
			kept[c] = true
			copy(allowed, trial)
		}
	}
	var moved []pair
	for i, p := range ps {
		if !kept[i] {
			moved = append(moved, p)
		}
	}
	return moved
}

func inOrder(a, b pair) bool {
	return (a.old < b.old && a.new < b.new) || (a.old > b.old && a.new > b.new)
}

// comparePriority orders pairs by how much they moved, then by their
// texts and positions, taken without regard to which side is old.
func comparePriority(a, b pair, oq, nq []question) int {
	ta1, ta2 := minMax(oq[a.old].fold, nq[a.new].fold)
	tb1, tb2 := minMax(oq[b.old].fold, nq[b.new].fold)
	pa1, pa2 := minMax(a.old, a.new)
	pb1, pb2 := minMax(b.old, b.new)
	return cmp.Or(
		cmp.Compare(distance(a), distance(b)),
		cmp.Compare(ta1, tb1), cmp.Compare(ta2, tb2),
		cmp.Compare(pa1, pb1), cmp.Compare(pa2, pb2))
}

func minMax[T cmp.Ordered](a, b T) (T, T) {
	if b < a {
		return b, a
	}
	return a, b
}

// chainLength is the length of the longest chain among the pairs marked
// in use; ps is sorted by old position. Patience sorting, O(k log k).
func chainLength(ps []pair, use []bool) int {
	var tails []int
	for i, p := range ps {
		if !use[i] {
			continue
		}
		pos, _ := slices.BinarySearch(tails, p.new)
		if pos == len(tails) {
			tails = append(tails, p.new)
		} else {
			tails[pos] = p.new
		}
	}
	return len(tails)
}

// chainEnds gives, for each pair, the longest chain ending with it and the
// longest starting with it.
func chainEnds(ps []pair) (fwd, bwd []int) {
	k := len(ps)
	fwd, bwd = make([]int, k), make([]int, k)
	var tails []int
	for i, p := range ps {
		pos, _ := slices.BinarySearch(tails, p.new)
		if pos == len(tails) {
			tails = append(tails, p.new)
		} else {
			tails[pos] = p.new
		}
		fwd[i] = pos + 1
	}
	tails = tails[:0]
	for i := k - 1; i >= 0; i-- {
		v := -ps[i].new // going backwards, a chain's new positions decrease
		pos, _ := slices.BinarySearch(tails, v)
		if pos == len(tails) {
			tails = append(tails, v)
		} else {
			tails[pos] = v
		}
		bwd[i] = pos + 1
	}
	return fwd, bwd
}

// profile is the sorted multiset of a text's character bigrams, with the
// text's start and end as two more characters, so that short texts and
// the empty text have one.
func profile(s string) []uint64 {
	const start, end = 0x110000, 0x110001 // past the last code point
	out := make([]uint64, 0, len(s)/3+1)
	prev := rune(start)
	for _, r := range s {
		out = append(out, uint64(prev)<<32|uint64(r))
		prev = r
	}
	out = append(out, uint64(prev)<<32|end)
	slices.Sort(out)
	return out
}

// similarity is the Sørensen–Dice coefficient of two profiles: twice the
// bigrams they share over the bigrams they have, from 0 (nothing shared)
// to 1 (the same text). It is character-level, symmetric and linear in
// the texts' length; Compare computes it on folded text.
func similarity(a, b []uint64) float64 {
	common := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			common++
			i++
			j++
		}
	}
	return float64(2*common) / float64(len(a)+len(b))
}
