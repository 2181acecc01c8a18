package extract

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// validUTF8 must agree with utf8.Valid on every input: sequences of up to
// four bytes drawn from the bytes where UTF-8's rules change, placed at
// every offset of an eight-byte window among ASCII and Japanese text.
func TestValidUTF8Differential(t *testing.T) {
	edges := []byte{0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF,
		0xE0, 0xE1, 0xE3, 0xE9, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF8, 0xFF}
	contexts := [][2]string{{"", ""}, {"a", "b"}, {"本", "文"}, {"あい", "abcdefgh"}, {"abcdefg", "ここから本文"}, {"練馬区", ""}}
	pads := 8
	if raceEnabled {
		contexts, pads = contexts[2:4], 4
	}
	checked := 0
	check := func(seq []byte) {
		for _, c := range contexts {
			for pad := 0; pad < pads; pad++ {
				p := []byte(strings.Repeat("x", pad) + c[0])
				p = append(p, seq...)
				p = append(p, c[1]...)
				if got, want := validUTF8(p), utf8.Valid(p); got != want {
					t.Fatalf("validUTF8(%q) = %v, utf8.Valid says %v", p, got, want)
				}
				checked++
			}
		}
	}
	var seq [4]byte
	for _, a := range edges {
		seq[0] = a
		check(seq[:1])
		for _, b := range edges {
			seq[1] = b
			check(seq[:2])
			for _, c := range edges {
				seq[2] = c
				check(seq[:3])
				for _, d := range edges {
					seq[3] = d
					check(seq[:4])
				}
			}
		}
	}
	// Every two-byte sequence and every three-byte one led by E0–EF.
	for a := 0; a < 256; a++ {
		for b := 0; b < 256; b++ {
			check([]byte{byte(a), byte(b)})
		}
	}
	for a := 0xE0; a <= 0xEF; a++ {
		for b := 0x70; b < 0xD0; b++ {
			for c := 0x70; c < 0xD0; c++ {
				p := []byte{byte(a), byte(b), byte(c)}
				if got, want := validUTF8(p), utf8.Valid(p); got != want {
					t.Fatalf("validUTF8(%q) = %v, utf8.Valid says %v", p, got, want)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("nothing checked")
	}
}

func TestValidUTF8Fixtures(t *testing.T) {
	for _, fx := range fixtures(t) {
		body := fx.body
		for cut := range min(len(body), 64) {
			// Every prefix end among the first bytes, and the whole.
			for _, p := range [][]byte{body[:cut], body[cut:], body} {
				if got, want := validUTF8(p), utf8.Valid(p); got != want {
					t.Fatalf("%s: validUTF8 = %v, utf8.Valid says %v", fx.name, got, want)
				}
			}
		}
	}
}

func FuzzValidUTF8(f *testing.F) {
	f.Add([]byte("練馬区 職員の声 <p>abc</p>"))
	f.Add([]byte("\xed\xa0\x80 \xe0\x80\x80 \xf4\x90\x80\x80"))
	f.Fuzz(func(t *testing.T, p []byte) {
		if got, want := validUTF8(p), utf8.Valid(p); got != want {
			t.Fatalf("validUTF8(%q) = %v, utf8.Valid says %v", p, got, want)
		}
	})
}
