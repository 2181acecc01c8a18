package extract

import "testing"

// TestWordStarts checks that every word of each label matcher starts
// with one of its starts, folded alike, and that the words sharing a
// first character share one start.
func TestWordStarts(t *testing.T) {
	for _, m := range []*labelMatcher{pageNumberRe.fast, updatedLabel.fast, publishedLabel.fast, phoneLabel.fast, faxLabel.fast} {
		if m.starts == nil {
			t.Fatalf("%+v: no starts", m.words)
		}
		for _, w := range m.words {
			n := 0
			for _, st := range m.starts {
				if st.fold == w.fold && st.at(w.word) {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%q starts with %d of %+v", w.word, n, m.starts)
			}
		}
	}
	got := wordStarts([]labelWord{{word: "ページ番号"}, {word: "ページID"}, {word: "記事"}, {word: "ペン"}, {word: "tel", fold: true}, {word: "tex"}})
	want := []labelWord{{word: "ペ"}, {word: "記事"}, {word: "tel", fold: true}, {word: "tex"}}
	if len(got) != len(want) {
		t.Fatalf("wordStarts = %+v, want %+v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("wordStarts = %+v, want %+v", got, want)
		}
	}
}
