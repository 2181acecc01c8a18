package extract

import (
	"encoding/json"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// notePrefix is the regexp notePrefixLen stands for: the oracle of its
// tests.
var notePrefix = regexp.MustCompile(`^(?:【注[0-9０-９]*】|[（(]注[0-9０-９]*[）)]|※注[0-9０-９]*[:：.．]?)\s*`)

// TestBuilderListsDoNotShare checks that the intros, answers and Q&A
// lists the builder hands out from its shared arrays have their own
// capacity: appending to one leaves the others as they were.
func TestBuilderListsDoNotShare(t *testing.T) {
	for _, f := range fixtures(t) {
		doc, err := Extract(f.body, f.url, f.contentType)
		if err != nil {
			continue
		}
		before, _ := json.Marshal(doc)
		for i := range doc.Sections {
			s := &doc.Sections[i]
			_ = append(s.Intro, "x")
			_ = append(s.QA, QA{Question: "x"})
			for _, q := range s.QA {
				_ = append(q.Answer, "x")
			}
		}
		_ = append(doc.Intro, "x")
		if after, _ := json.Marshal(doc); string(after) != string(before) {
			t.Errorf("%s: appending to a list changed another", f.name)
		}
	}
}

// TestPrefixPrefiltersAgreeWithRegexps checks that mayBeQuestionPrefix
// and mayBeAnswerPrefix hold wherever their regexps match, and
// notePrefixLen against notePrefix: on texts made of the regexps'
// pieces, and the fixtures' lines.
func TestPrefixPrefiltersAgreeWithRegexps(t *testing.T) {
	check := func(s string) bool {
		t.Helper()
		q := questionPrefix.MatchString(s) || bracketQuestion.MatchString(s)
		a := answerPrefix.MatchString(s) || bracketAnswer.MatchString(s)
		if q && !mayBeQuestionPrefix(s) || a && !mayBeAnswerPrefix(s) {
			t.Fatalf("%q: regexps match question %v, answer %v; prefilters say %v, %v",
				s, q, a, mayBeQuestionPrefix(s), mayBeAnswerPrefix(s))
		}
		want := -1
		if loc := notePrefix.FindStringIndex(s); loc != nil {
			want = loc[1]
		}
		if got := notePrefixLen(s, mayHavePrefix(s)); got != want {
			t.Fatalf("notePrefixLen(%q) = %d, want %d", s, got, want)
		}
		return q || a || want >= 0
	}
	pieces := []string{"【", "】", "[", "]", "(", ")", "（", "）", "※", "注", "Q", "Ｑ", "質問", "質", "問", "A", "Ａ", "回答", "回", "答", "答え",
		"1", "１２", "９", "\xef\xbc\x99", ".", "．", ":", "：", "【注", "（注", "(注", "※注", "注1】", " ", "\r", "\f", "\t", "\n", "\u3000", "\u00a0", "\v", "あ", "x", "\xe3", "\xef\xbc"}
	rng := rand.New(rand.NewPCG(23, 24))
	found := 0
	for range cases(200000) {
		s := randomPieces(rng, 7, pieces)
		if check(s) {
			found++
		}
	}
	for _, l := range fixtureTexts(t) {
		check(l)
	}
	if found < cases(10000) {
		t.Fatalf("only %d texts hold a prefix; the test proves little", found)
	}
}

// TestQuestionLikeAgreesWithContainsAny checks questionLike, which looks
// at the end of a text first, against the plain search, on random texts
// that end with a word, part of one, or not.
func TestQuestionLikeAgreesWithContainsAny(t *testing.T) {
	for _, w := range questionEnds {
		if !slices.Contains(questionWords, w) {
			t.Fatalf("questionEnds has %q, which questionWords has not", w)
		}
	}
	rng := rand.New(rand.NewPCG(25, 26))
	for range 100000 {
		s := randomText(rng)
		for n := rng.IntN(3); n > 0; n-- {
			w := questionWords[rng.IntN(len(questionWords))]
			w = w[rng.IntN(len(w)):] // a word's end, maybe mid-character
			if rng.IntN(2) == 0 {
				s += w
			} else {
				i := rng.IntN(len(s) + 1)
				s = s[:i] + w + s[i:]
			}
		}
		if got, want := questionLike(s), containsAny(s, questionWords); got != want {
			t.Fatalf("questionLike(%q) = %v, want %v", s, got, want)
		}
	}
	for _, w := range questionWords {
		for _, s := range []string{w, "あ" + w, w[1:], w[:len(w)-1], "漢字" + w[1:]} {
			if got, want := questionLike(s), containsAny(s, questionWords); got != want {
				t.Fatalf("questionLike(%q) = %v, want %v", s, got, want)
			}
		}
	}
}

// TestMayHavePrefixAgreesWithRunes checks mayHavePrefix, which compares
// bytes, against the runes it stands for, for every rune and for
// invalid bytes.
func TestMayHavePrefixAgreesWithRunes(t *testing.T) {
	plain := func(s string) bool {
		r, _ := utf8.DecodeRuneInString(s)
		return strings.ContainsRune("QＱ質問AＡ回答【[(（※", r)
	}
	check := func(s string) {
		t.Helper()
		if got, want := mayHavePrefix(s), plain(s); got != want {
			t.Fatalf("mayHavePrefix(%q) = %v, want %v", s, got, want)
		}
	}
	for r := rune(0); r <= utf8.MaxRune; r++ {
		c := string(r)
		check(c)
		check(c + "x")
		for k := 1; k < len(c); k++ {
			check(c[:k])
			check(c[:k] + "x")
		}
	}
	for _, s := range []string{"", "\xff", "\xef\xbc", "\xe5\x95", "\xed\xa0\x80"} {
		check(s)
	}
}
