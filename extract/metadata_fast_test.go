package extract

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// metaLeftover is the regexp isMetaLeftover stands for: what may remain on
// a line beside its metadata for the line to count as metadata only.
var metaLeftover = regexp.MustCompile(`^[\s　:：|｜/／・,、。()（）\[\]【】]*$`)

// metaOnlyPlain is metaOnly as first written: every label searched for
// in every line, the leftover matched by metaLeftover.
func metaOnlyPlain(line string) bool {
	rest := pageNumberRe.ReplaceAllString(line, "")
	for _, re := range []labelRegexp{updatedLabel, publishedLabel} {
		for {
			loc := re.FindStringIndex(rest)
			if loc == nil {
				break
			}
			d := dateAt(rest[loc[1]:])
			rest = rest[:loc[0]] + " " + rest[loc[1]+len(d):]
		}
	}
	rest = strings.TrimFunc(rest, isBlank)
	rest = rest[len(dateAt(rest)):]
	return metaLeftover.MatchString(rest)
}

// TestMetaOnlyAgreesWithPlain checks metaOnly, which searches for a
// label only where its keys stand and reads the leftover by hand,
// against metaOnlyPlain; and isMetaLeftover against metaLeftover for
// every rune.
func TestMetaOnlyAgreesWithPlain(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		for _, s := range []string{string(r), " " + string(r) + "：", string(r)[:max(1, len(string(r))-1)]} {
			if got, want := isMetaLeftover(s), metaLeftover.MatchString(s); got != want {
				t.Fatalf("isMetaLeftover(%q) = %v, want %v", s, got, want)
			}
		}
	}
	pieces := []string{"ページ番号", "ページＩＤ", "記事ID", "ページ", "記事", "最終更新日時", "最終更新", "更新日", "更新", "掲載開始日", "公開開始日",
		"公開日", "作成日", "登録日", "掲載", "公開", "作成", "：", ":", "　", " ", "\t", "2021年2月2日", "令和3年2月2日", "R3.2.2", "855-600-871", "８５５－６００",
		"（火曜日）", "10時30分", "|", "｜", "/", "・", "、", "。", "(", "）", "【", "】", "[", "]", "あ", "x", "-", "\xe3", "\ufffd"}
	rng := rand.New(rand.NewPCG(29, 30))
	found := 0
	for range 100000 {
		s := randomPieces(rng, 7, pieces)
		want := metaOnlyPlain(s)
		if got := metaOnly(s); got != want {
			t.Fatalf("metaOnly(%q) = %v, want %v", s, got, want)
		}
		if want {
			found++
		}
	}
	for _, l := range fixtureTexts(t) {
		if got, want := metaOnly(l), metaOnlyPlain(l); got != want {
			t.Fatalf("metaOnly(%q) = %v, want %v", l, got, want)
		}
	}
	if found < 5000 {
		t.Fatalf("only %d lines are metadata only; the test proves little", found)
	}
}
