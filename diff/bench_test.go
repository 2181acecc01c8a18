package diff

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/staffvoice/staffvoice/extract"
)

// BenchmarkCompare compares two versions of the Nerima page with three
// edits: an answer edited, a question added, the update date changed.
// The target is under 2 ms an op.
func BenchmarkCompare(b *testing.B) {
	p := fixturePage(b, "nerima-staff-voice")
	old, new := p.extract(b), p.edit(b, nerimaEdits...).extract(b)
	if n := len(Compare(*old, *new)); n != 3 {
		b.Fatalf("%d changes, want 3", n)
	}
	b.ReportAllocs()
	for b.Loop() {
		Compare(*old, *new)
	}
}

// BenchmarkCompareHuge compares two pages whose one answer is 1 MB of
// text, the two sharing nothing. The target is under 1 s an op.
func BenchmarkCompareHuge(b *testing.B) {
	old, new := hugePair()
	b.SetBytes(int64(len(old.Sections[0].QA[0].Answer[0]) + len(new.Sections[0].QA[0].Answer[0])))
	for b.Loop() {
		Compare(old, new)
	}
}

// hugePair is two documents with one question whose answers are 1 MB of
// Japanese sentences each, drawn from two halves of the kana and kanji so
// that they share no character but the full stop.
func hugePair() (old, new extract.Document) {
	r := rand.New(rand.NewPCG(1, 2))
	text := func(lo, hi rune) string {
		var b strings.Builder
		for b.Len() < 1<<20 {
			n := 10 + r.IntN(60)
			for range n {
				b.WriteRune(lo + r.Int32N(hi-lo))
			}
			b.WriteString("。")
		}
		return b.String()
	}
	doc := func(answer string) extract.Document {
		return extract.Document{Sections: []extract.Section{{Heading: "職員の声", QA: []extract.QA{
			{Question: "仕事のやりがいを教えてください", Answer: []string{answer}},
		}}}}
	}
	return doc(text(0x4E00, 0x6000)), doc(text(0x6000, 0x9000))
}
