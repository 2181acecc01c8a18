package extract

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// TestFoldFastPathAgreesWithNFKC checks the inert ranges against the
// normaliser itself, rune by rune and in combination with a combining mark.
func TestFoldFastPathAgreesWithNFKC(t *testing.T) {
	for r := rune(0); r <= 0xFFFF; r++ {
		if !nfkcInert(r) {
			continue
		}
		s := string(r)
		if norm.NFKC.String(s) != s {
			t.Errorf("U+%04X is marked inert but NFKC changes it", r)
		}
		if !norm.NFKC.IsNormalString(s) {
			t.Errorf("U+%04X is marked inert but is not NFKC-normal", r)
		}
	}
	// Random text of inert runes is NFKC-normal as a whole.
	var inert []rune
	for r := rune(0x80); r <= 0xFFFF; r++ {
		if nfkcInert(r) {
			inert = append(inert, r)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		rs := make([]rune, 1+rng.IntN(6))
		for j := range rs {
			rs[j] = inert[rng.IntN(len(inert))]
		}
		if s := string(rs); norm.NFKC.String(s) != s {
			t.Fatalf("%q (%U) is made of inert runes but NFKC changes it", s, rs)
		}
	}
	// Followed by a combining dakuten, か composes to が: the slow path
	// must run.
	if got := Fold("か\u3099"); got != "が" {
		t.Errorf("Fold(か+U+3099) = %q, want が", got)
	}
}

// TestFullwidthASCII checks what appendFold's full-width fast path relies
// on: NFKC maps each rune of U+FF01–U+FF5E, on its own and between inert
// runes, to one ASCII character that is neither white space nor a
// variant; the rune starts a segment; and a combining mark after it still
// composes (the slow path sees to that).
func TestFullwidthASCII(t *testing.T) {
	var buf [utf8.UTFMax]byte
	for r := rune(0xFF00); r <= 0xFF60; r++ {
		n := utf8.EncodeRune(buf[:], r)
		p := norm.NFKC.Properties(buf[:n])
		want := string(r - fullwidthOffset)
		if !fullwidthASCII(r) {
			if norm.NFKC.String(string(r)) == want && r-fullwidthOffset > ' ' && r-fullwidthOffset < utf8.RuneSelf {
				t.Errorf("U+%04X maps to %q but is not taken as full-width ASCII", r, want)
			}
			continue
		}
		if got := norm.NFKC.String(string(r)); got != want || !p.BoundaryBefore() || p.CCC() != 0 {
			t.Errorf("U+%04X: NFKC gives %q, want %q; boundary before %v, ccc %d", r, got, want, p.BoundaryBefore(), p.CCC())
		}
		if c := want[0]; asciiSpace[c] || variant(rune(c)) != rune(c) {
			t.Errorf("U+%04X maps to %q, white space or a variant", r, want)
		}
		if got := norm.NFKC.String("漢あ" + string(r) + "あ漢"); got != "漢あ"+want+"あ漢" {
			t.Errorf("U+%04X between inert runes: NFKC gives %q", r, got)
		}
	}
	if got := Fold("Ａ\u0301（注）"); got != "Á(注)" {
		t.Errorf("Fold(Ａ+U+0301) = %q, want Á(注)", got)
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"練馬区を選んだ理由", "練馬区を選んだ理由"},
		{"　練馬区を 選んだ\n理由 ", "練馬区を選んだ理由"},
		{"ＡＢＣ１２３（注）", "ABC123(注)"},
		{"ﾈﾘﾏ", "ネリマ"},
		{"㍻31年", "平成31年"},
		{"Q&A  about  work", "Q&Aaboutwork"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestQuestionKey(t *testing.T) {
	same := []string{"現在の担当業務を教えてください。", "現在の担当業務を教えてください", "現在の 担当業務を 教えてください？", "現在の担当業務を教えてください?"}
	for _, q := range same[1:] {
		if QuestionKey(q) != QuestionKey(same[0]) {
			t.Errorf("QuestionKey(%q) = %q, want %q", q, QuestionKey(q), QuestionKey(same[0]))
		}
	}
	if QuestionKey("Why Nerima?") != "whynerima" {
		t.Errorf("QuestionKey lower-cases and drops spaces: got %q", QuestionKey("Why Nerima?"))
	}
}

// TestInertTable checks the generated table against the normaliser in
// go.mod; when golang.org/x/text changes Unicode version, run go generate.
func TestInertTable(t *testing.T) {
	var buf [utf8.UTFMax]byte
	for r := rune(0); r <= 0xFFFF; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		n := utf8.EncodeRune(buf[:], r)
		p := norm.NFKC.Properties(buf[:n])
		want := p.BoundaryBefore() && p.CCC() == 0 && norm.NFKC.IsNormal(buf[:n])
		if nfkcInert(r) != want {
			t.Fatalf("inert_table.go is stale at U+%04X (run go generate ./extract)", r)
		}
	}
}

// skipInert3 keeps every rune of U+4000–U+9FFF without looking it up.
func TestKanjiKept(t *testing.T) {
	for first := rune(0x4000); first < 0xA000; first += 4096 {
		for i, w := range keepTable(first) {
			if w != ^uint64(0) {
				t.Fatalf("a rune of U+%04X–U+%04X is not kept as it is", first+rune(i*64), first+rune(i*64+63))
			}
		}
	}
}

// appendFold with its skipInert3 fast path agrees with a rune-by-rune
// fold on text mixing kana, kanji, punctuation, spaces and variants.
func TestAppendFoldRunes(t *testing.T) {
	var runes []rune
	for r := rune(0x2FF0); r < 0xA010; r++ {
		runes = append(runes, r)
	}
	runes = append(runes, ' ', '\t', 'a', 'Z', 0x3000, 0x301C, 0x3099, 0xFF21, 0x1F600)
	for i, r := range runes {
		for _, next := range []rune{'a', 'あ', '漢', ' ', 0x3099, runes[(i*7919)%len(runes)]} {
			s := "漢あ" + string(r) + string(next) + "字"
			want := Fold(s)
			got, ok := appendFold(nil, s)
			if ok && string(got) != want {
				t.Fatalf("appendFold(%q) = %q, Fold gives %q", s, got, want)
			}
			slow := foldRuneByRune(s)
			if want != slow {
				t.Fatalf("Fold(%q) = %q, rune by rune %q", s, want, slow)
			}
		}
	}
}

// foldRuneByRune is Fold as defined: NFKC, white space removed, variants
// mapped.
func foldRuneByRune(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return variant(r)
	}, norm.NFKC.String(s))
}

// isKeyTrailer is unicode.IsPunct or IsSymbol for every rune.
func TestIsKeyTrailer(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if got, want := isKeyTrailer(r), unicode.IsPunct(r) || unicode.IsSymbol(r); got != want {
			t.Fatalf("isKeyTrailer(%U) = %v, want %v", r, got, want)
		}
	}
}
