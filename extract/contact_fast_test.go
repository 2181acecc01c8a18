package extract

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestContactPrefiltersAgreeWithStrings checks containsBy3 (as
// mayFoldToToi uses it) and hasDigit against the strings functions they
// replace, on random texts made of the characters sought, their bytes
// apart and look-alikes, and on the fixtures and real pages in pieces.
func TestContactPrefiltersAgreeWithStrings(t *testing.T) {
	check := func(s string) {
		t.Helper()
		for _, c := range []string{"問", "㉄"} {
			if got, want := containsBy3(s, c), strings.Contains(s, c); got != want {
				t.Fatalf("containsBy3(%q, %q) = %v, want %v", s, c, got, want)
			}
		}
		if got, want := hasDigit(s), strings.ContainsAny(s, "0123456789０１２３４５６７８９"); got != want {
			t.Fatalf("hasDigit(%q) = %v, want %v", s, got, want)
		}
	}
	// 問 is E5 95 8F, ㉄ E3 89 84, ０ EF BC 90, ９ EF BC 99; さ is E3 81 95,
	// 啕 E5 95 95, ＠ EF BC A0, ／ EF BC 8F, ﾐ EF BE 90.
	pieces := []string{"問", "㉄", "０", "９", "５", "0", "9", "a", "さ", "啕", "＠", "／", "ﾐ", "く", "い合わせ",
		"\xe5", "\x95", "\x8f", "\xe5\x95", "\x95\x8f", "\xe3\x89", "\x89\x84", "\xef", "\xbc", "\xef\xbc", "\xbc\x90", "\xef\xbc\x9a", "\xef\xbc\x8f", "\xef\xbc\x99\x99"}
	rng := rand.New(rand.NewPCG(27, 28))
	for range 200000 {
		s := randomText(rng)
		for n := rng.IntN(4); n > 0; n-- {
			i := rng.IntN(len(s) + 1)
			s = s[:i] + pieces[rng.IntN(len(pieces))] + s[i:]
		}
		check(s)
	}
	for _, text := range pageBodies(t) {
		for i := 0; i < len(text); i += 40 {
			check(text[i:min(len(text), i+rng.IntN(200))])
		}
	}
}
