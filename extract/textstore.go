package extract

import "strings"

// textStore holds the text of a page's lines without copying it: the
// walk appends runs of text nodes (substrings of the nodes' Data) and the
// single spaces between them, each at an offset of one virtual arena, the
// text of all lines back to back. A line or link text that lies within
// one segment is a substring of its text node; only those that span
// segments (a line made of several text nodes, or of runs that were
// apart by more than one space) are copied, all into one buffer.
//
// Copying every run into an arena cost a write to freshly allocated
// memory, cache misses included, for each byte of the page's text.
type textStore struct {
	n    int   // the arena's length so far
	segs []seg // in arena order, back to back
	// While tail is true, the last segment is base[start:end] of the
	// text node being read (base, the argument of space and run): a run
	// that follows it there after one space joins it. breakTail ends
	// this at each new text node.
	tail       bool
	start, end int
}

// seg is src at offset off of the arena.
type seg struct {
	off int
	src string
}

// Len is the arena's length.
func (t *textStore) Len() int { return t.n }

// space appends a space before base[at:] (at > 0), a run about to be
// appended: as the byte before it when that is a single space that
// follows the last segment in base.
func (t *textStore) space(base string, at int) {
	if t.tail && t.end == at-1 && base[at-1] == ' ' {
		t.end++
		t.segs[len(t.segs)-1].src = base[t.start:t.end]
		t.n++
		return
	}
	t.tail = false
	t.segs = append(t.segs, seg{t.n, " "})
	t.n++
}

// run appends base[start:end].
func (t *textStore) run(base string, start, end int) {
	if t.tail && t.end == start {
		t.end = end
		t.segs[len(t.segs)-1].src = base[t.start:end]
	} else {
		t.tail, t.start, t.end = true, start, end
		t.segs = append(t.segs, seg{t.n, base[start:end]})
	}
	t.n += end - start
}

// breakTail ends the last segment: the next run is of another node.
func (t *textStore) breakTail() { t.tail = false }

// find returns the index of the segment that holds offset off, the first
// segment at or after it when none does, looking from segment i on:
// callers that look up ranges in arena order pass the index found last.
func (t *textStore) find(off, i int) int {
	if i >= len(t.segs) || t.segs[i].off > off {
		i = 0 // not in arena order after all: look from the start
	}
	for i < len(t.segs) && t.segs[i].off+len(t.segs[i].src) <= off {
		i++
	}
	return i
}

// tailText returns the text of [start, end), which ends the arena, when
// the last segment holds it all; else "".
func (t *textStore) tailText(start, end int) string {
	if n := len(t.segs); n > 0 {
		if s := t.segs[n-1]; start >= s.off {
			return s.src[start-s.off : end-s.off]
		}
	}
	return ""
}

// single returns the text of [start, end) and true when one segment
// holds it all (or it is empty). i is where to look from, as for find;
// it returns where it found start.
func (t *textStore) single(start, end, i int) (string, int, bool) {
	if start >= end {
		return "", i, true
	}
	i = t.find(start, i)
	if i == len(t.segs) {
		return "", i, false
	}
	s := t.segs[i]
	if s.off <= start && end <= s.off+len(s.src) {
		return s.src[start-s.off : end-s.off], i, true
	}
	return "", i, false
}

// appendRange writes the text of [start, end) to b; i is where to look
// from, as for find.
func (t *textStore) appendRange(b *strings.Builder, start, end, i int) {
	for i = t.find(start, i); i < len(t.segs) && start < end; i++ {
		s := t.segs[i]
		from, to := max(start, s.off)-s.off, min(end, s.off+len(s.src))-s.off
		b.WriteString(s.src[from:to])
		start = s.off + to
	}
}
