package extract

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// textStore gives the same text for any range as an arena that copies
// every run and space, whether the range lies in one segment or not.
func TestTextStoreAgreesWithCopies(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	nodes := []string{"練馬区 職員の声", "a b  c", " x", "本文", "Q. なぜ？ A. はい", "  ", "長い文章です。 次の文。"}
	for range 20000 {
		var ts textStore
		var copied strings.Builder
		for n := rng.IntN(6); n > 0; n-- {
			s := nodes[rng.IntN(len(nodes))]
			ts.breakTail()
			// Runs of s between its spaces, each maybe after a space.
			for pos := 0; pos < len(s); {
				if s[pos] == ' ' {
					pos++
					continue
				}
				end := strings.IndexByte(s[pos:], ' ')
				if end < 0 {
					end = len(s)
				} else {
					end += pos
				}
				if pos > 0 && rng.IntN(2) == 0 {
					ts.space(s, pos)
					copied.WriteByte(' ')
				}
				ts.run(s, pos, end)
				copied.WriteString(s[pos:end])
				pos = end
			}
		}
		all := copied.String()
		if ts.Len() != len(all) {
			t.Fatalf("length %d, copies make %d", ts.Len(), len(all))
		}
		for range 10 {
			start := rng.IntN(len(all) + 1)
			end := start + rng.IntN(len(all)-start+1)
			want := all[start:end]
			hint := rng.IntN(len(ts.segs) + 1) // any hint, in order or not
			if got, _, ok := ts.single(start, end, hint); ok && got != want {
				t.Fatalf("single(%d, %d) = %q, want %q", start, end, got, want)
			}
			if got := ts.tailText(start, len(all)); got != "" && got != all[start:] {
				t.Fatalf("tailText(%d, %d) = %q, want %q", start, len(all), got, all[start:])
			}
			var b strings.Builder
			ts.appendRange(&b, start, end, hint)
			if b.String() != want {
				t.Fatalf("appendRange(%d, %d) = %q, want %q", start, end, b.String(), want)
			}
		}
	}
}
