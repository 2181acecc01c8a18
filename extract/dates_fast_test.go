package extract

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// dateAtStart is the regexp dateAt stands for: the oracle of its tests.
var dateAtStart = regexp.MustCompile(`^` + dateExpr)

// TestDateAtAgreesWithRegexp checks the hand-written dateAt against
// dateAtStart on texts made of every piece the regexp is written with,
// so that most start with a date or most of one, and on every place of
// the fixtures' (and the real pages', when given) lines where a digit
// or an era name stands.
func TestDateAtAgreesWithRegexp(t *testing.T) {
	check := func(s string) bool {
		t.Helper()
		want := dateAtStart.FindString(s)
		if got := dateAt(s); got != want {
			t.Fatalf("dateAt(%q) = %q, want %q", s, got, want)
		}
		return want != ""
	}
	pieces := []string{"2021", "202", "1", "12", "123", "０", "１２", "２０２１", "９", "９９", "\xef\xbc", "\xef\xbc\x9a",
		"令和", "令", "平成", "昭和", "大正", "明治", "㋿", "㍻", "㍼", "㍽", "㍾", "R", "H", "S", "T", "M", "Ｒ", "Ｈ", "Ｓ", "Ｔ", "Ｍ", "元",
		"/", "／", ".", "．", "-", "－", "‐", "−", "年", "月", "日", "時", "分", "秒", ":", "：",
		" ", "\t", "\n", "\r", "\f", "\v", "\u3000", "\u00a0", "\u2000",
		"(", ")", "（", "）", "火", "火曜日", "曜", "abcdefg", "あ", "x", "\xe3", "\xff", "\ufffd"}
	rng := rand.New(rand.NewPCG(21, 22))
	found := 0
	for range 300000 {
		var b strings.Builder
		// Most texts start as a date does.
		switch rng.IntN(4) {
		case 0:
			b.WriteString([]string{"2021", "２０２１", "令和3", "R3", "㍻31", "平成 元"}[rng.IntN(6)])
			b.WriteString([]string{"年", "/", " ．", "-"}[rng.IntN(4)])
			b.WriteString([]string{"2", "１２", "03", "123"}[rng.IntN(4)])
			b.WriteString([]string{"月", "/", "－ ", "‐"}[rng.IntN(4)])
			b.WriteString([]string{"2", "１２", "03", "123"}[rng.IntN(4)])
		case 1:
			b.WriteString("2021年2月2日")
		}
		for n := rng.IntN(10); n > 0; n-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		if check(b.String()) {
			found++
		}
	}
	// Dates with a weekday and a time, every part spaced or not.
	for _, d := range []string{"2021年2月2日", "令和3年2月2日", "2021/2/2"} {
		for _, w := range []string{"", "（火）", " (火曜日)", "（火曜日曜日曜）", "（火曜日曜日曜日）", "()", "（火", "(火\n)"} {
			for _, tm := range []string{"", " 10時30分", "10:30", "１０：３０：１５秒", " 10 : 30 : 15 ", "10時", "10:30:", "10:30: 5", "10：３0分 ： 5 秒"} {
				for _, end := range []string{"", " ", "　更新", "日"} {
					if check(d + w + tm + end) {
						found++
					}
				}
			}
		}
	}
	for _, text := range pageBodies(t) {
		for i := 0; i < len(text); {
			r, size := utf8.DecodeRuneInString(text[i:])
			if '0' <= r && r <= '9' || '０' <= r && r <= '９' || strings.ContainsRune("令平昭大明㋿㍻㍼㍽㍾RHSTMＲＨＳＴＭ", r) {
				if check(text[i:min(len(text), i+120)]) {
					found++
				}
			}
			i += size
		}
	}
	if found < 10000 {
		t.Fatalf("only %d texts start with a date; the test proves little", found)
	}
}
