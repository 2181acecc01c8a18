package export

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// A hand-written encoder for flat rows: encoding/json's reflection cost
// more than the whole Parquet write in BenchmarkExport. Each function
// appends a key (with its leading comma or brace) and a value.

// jsonTimeLayout is RFC 3339 in UTC with microseconds, the precision of
// the Parquet timestamps.
const jsonTimeLayout = "2006-01-02T15:04:05.000000Z07:00"

func jsonStr(b []byte, key, v string) []byte {
	return appendQuoted(append(b, key...), v)
}

func jsonOptStr(b []byte, key, v string) []byte {
	if v == "" {
		return append(append(b, key...), "null"...)
	}
	return jsonStr(b, key, v)
}

func jsonInt(b []byte, key string, v int64) []byte {
	return strconv.AppendInt(append(b, key...), v, 10)
}

func jsonOptInt(b []byte, key string, v int64) []byte {
	if v == 0 {
		return append(append(b, key...), "null"...)
	}
	return jsonInt(b, key, v)
}

func jsonTime(b []byte, key string, t time.Time) []byte {
	b = append(b, key...)
	b = append(b, '"')
	b = appendTime(b, t)
	return append(b, '"')
}

// appendTime appends t in UTC as jsonTimeLayout does, without the cost of
// parsing the layout for every value.
func appendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	if y < 0 || y > 9999 {
		return t.AppendFormat(b, jsonTimeLayout)
	}
	b = appendDigits(b, y, 4)
	b = append(b, '-')
	b = appendDigits(b, int(mo), 2)
	b = append(b, '-')
	b = appendDigits(b, d, 2)
	b = append(b, 'T')
	b = appendDigits(b, h, 2)
	b = append(b, ':')
	b = appendDigits(b, mi, 2)
	b = append(b, ':')
	b = appendDigits(b, s, 2)
	b = append(b, '.')
	b = appendDigits(b, t.Nanosecond()/1000, 6)
	return append(b, 'Z')
}

func appendDigits(b []byte, v, width int) []byte {
	var buf [8]byte
	for i := width - 1; i >= 0; i-- {
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, buf[:width]...)
}

func jsonDate(b []byte, key string, days int32) []byte {
	b = append(b, key...)
	if days == 0 {
		return append(b, "null"...)
	}
	b = append(b, '"')
	y, m, d := time.Unix(int64(days)*86400, 0).UTC().Date()
	b = appendDigits(b, y, 4)
	b = append(b, '-')
	b = appendDigits(b, int(m), 2)
	b = append(b, '-')
	b = appendDigits(b, d, 2)
	return append(b, '"')
}

func jsonList(b []byte, key string, list []string) []byte {
	b = append(b, key...)
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendQuoted(b, s)
	}
	return append(b, ']')
}

const hex = "0123456789abcdef"

// appendQuoted appends s as a JSON string. Non-ASCII text is written as
// is (UTF-8), invalid bytes as U+FFFD, and U+2028/U+2029 escaped so the
// line is also valid JavaScript.
func appendQuoted(b []byte, s string) []byte {
	if !utf8.ValidString(s) {
		return appendQuotedInvalid(b, s)
	}
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x20 && c != '"' && c != '\\' && c != 0xE2:
			continue
		case c == 0xE2:
			// U+2028 and U+2029 are E2 80 A8 and E2 80 A9; s is valid
			// UTF-8, so two more bytes follow.
			if s[i+1] != 0x80 || (s[i+2] != 0xA8 && s[i+2] != 0xA9) {
				continue
			}
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', "89"[s[i+2]-0xA8])
			i += 2
		default:
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendQuotedInvalid quotes a string that is not valid UTF-8, writing
// each invalid byte as U+FFFD. The catalog holds extracted text, always
// valid; this is the rare path.
func appendQuotedInvalid(b []byte, s string) []byte {
	var valid []byte
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		if r == utf8.RuneError && size == 1 {
			valid = append(valid, "\uFFFD"...)
		} else {
			valid = append(valid, s[:size]...)
		}
		s = s[size:]
	}
	return appendQuoted(b, string(valid))
}
