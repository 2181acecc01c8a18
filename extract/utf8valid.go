package extract

import (
	"encoding/binary"
	"unicode/utf8"
)

// validUTF8 is utf8.Valid, faster on Japanese text: it takes runs of
// three-byte sequences of the common kind (lead byte E1–EC or EE–EF,
// which admit any continuation bytes) two at a time and leaves every
// other multi-byte sequence to the standard library.
func validUTF8(p []byte) bool {
	i := 0
	for i < len(p) {
		c := p[i]
		if c < utf8.RuneSelf {
			// ASCII comes in runs (markup): eight bytes at a time.
			for i+8 <= len(p) && binary.LittleEndian.Uint64(p[i:])&0x8080808080808080 == 0 {
				i += 8
			}
			for i < len(p) && p[i] < utf8.RuneSelf {
				i++
			}
			continue
		}
		// Two three-byte sequences: leads 1110xxxx, continuations
		// 10xxxxxx, and neither lead E0 nor ED (whose second bytes are
		// restricted).
		for i+8 <= len(p) {
			x := binary.LittleEndian.Uint64(p[i:])
			if x&0x0000C0C0F0C0C0F0 != 0x00008080E08080E0 || !plainLead3(byte(x)) || !plainLead3(byte(x>>24)) {
				break
			}
			i += 6
		}
		if i+2 < len(p) && plainLead3(p[i]) && (p[i+1]^0x80)|(p[i+2]^0x80) < 0x40 {
			i += 3
			continue
		}
		if i >= len(p) || p[i] < utf8.RuneSelf {
			continue
		}
		r, size := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		i += size
	}
	return true
}

// plainLead3 reports a lead byte of a three-byte sequence whose
// continuation bytes may be any of 80–BF: E1–EC and EE–EF.
func plainLead3(c byte) bool { return c >= 0xE1 && c <= 0xEF && c != 0xED }
