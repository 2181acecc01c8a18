package extract

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	asmutf8 "github.com/segmentio/asm/utf8"
	"golang.org/x/net/html"
	htmlcharset "golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
)

// metaScanLimit bounds the search for <meta charset>: declarations live
// in <head>, which on municipal CMS pages can run to tens of kilobytes of
// scripts and styles, well past the 1024 bytes HTML's prescan looks at.
const metaScanLimit = 64 << 10

// decoded is a page converted to UTF-8.
type decoded struct {
	text     []byte
	charset  string // canonical name, e.g. "shift_jis"
	warnings []string
}

// decode converts body to UTF-8. The charset comes from, in order: the
// Content-Type header, a byte-order mark, <meta charset> or http-equiv
// (or an XML declaration), then detection. A declaration the bytes
// plainly contradict, such as the common Apache default "charset=UTF-8"
// on a Shift_JIS page, is overridden with a warning rather than turned
// into mojibake.
func decode(body []byte, contentType string) decoded {
	type source struct{ label, from string }
	var declared []source
	if cs := headerCharset(contentType); cs != "" {
		declared = append(declared, source{cs, "Content-Type header"})
	}
	if cs := bomCharset(body); cs != "" {
		declared = append(declared, source{cs, "byte-order mark"})
	}
	if cs := metaCharset(body); cs != "" {
		declared = append(declared, source{cs, "<meta>"})
	}

	var d decoded
	info := inspect(body)
	for _, s := range declared {
		enc, name := htmlcharset.Lookup(s.label)
		if enc == nil {
			d.warnings = append(d.warnings, fmt.Sprintf("charset: unknown charset %q in %s ignored", s.label, s.from))
			continue
		}
		if info.fits(name) {
			d.charset = name
			break
		}
		d.charset = info.detect()
		if d.charset == name {
			d.warnings = append(d.warnings, fmt.Sprintf("charset: invalid %s byte sequences replaced with U+FFFD", name))
		} else {
			d.warnings = append(d.warnings, fmt.Sprintf("charset: %s declares %s but the bytes are %s; decoded as %s", s.from, name, d.charset, d.charset))
		}
		break
	}
	if d.charset == "" {
		d.charset = info.detect()
	}
	if d.charset == "utf-8" && info.validUTF8 {
		d.text = bytes.TrimPrefix(body, []byte{0xEF, 0xBB, 0xBF})
	} else {
		d.text = convert(body, d.charset)
	}
	if d.charset == "utf-8" && !info.validUTF8 {
		d.warnings = append(d.warnings, "charset: invalid utf-8 byte sequences replaced with U+FFFD")
	}
	return d
}

// headerCharset returns the charset parameter of a Content-Type value.
func headerCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		return strings.TrimSpace(params["charset"])
	}
	// Tolerate malformed headers such as "text/html;; charset=EUC-JP".
	if m := charsetParam.FindStringSubmatch(contentType); m != nil {
		return m[1]
	}
	return ""
}

var (
	charsetParam = regexp.MustCompile(`(?i)charset\s*=\s*["']?([\w.:-]+)`)
	xmlEncoding  = regexp.MustCompile(`(?i)encoding\s*=\s*["']([\w.:-]+)`)
)

func bomCharset(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return "utf-8"
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return "utf-16be"
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return "utf-16le"
	}
	return ""
}

// metaCharset finds the charset declared in the document head: <meta
// charset>, <meta http-equiv="Content-Type" content="…; charset=…">, or an
// XML declaration's encoding. Malformed declarations (value= instead of
// content=) are ignored, as browsers ignore them. Only <meta> tags are
// tokenized: heads full of scripts and styles are skipped over at memchr
// speed.
func metaCharset(body []byte) string {
	head := body
	if len(head) > metaScanLimit {
		head = head[:metaScanLimit]
	}
	// An XML declaration counts only in the first 512 bytes: search
	// no further than a declaration starting there can reach.
	if i := bytes.Index(head[:min(len(head), 512+len("<?xml")-1)], []byte("<?xml")); i >= 0 {
		if end := bytes.Index(head[i:], []byte("?>")); end > 0 {
			if m := xmlEncoding.FindSubmatch(head[i : i+end]); m != nil {
				return string(m[1])
			}
		}
	}
	for i := 0; ; {
		j := bytes.IndexByte(head[i:], '<')
		if j < 0 {
			return ""
		}
		i += j
		tag := head[i+1:]
		switch {
		case hasPrefixFold(tag, "body"):
			return ""
		case hasPrefixFold(tag, "meta"):
			// A <meta> tag is short and ends at its first '>' (its
			// attribute values have none); a broken one must not run on.
			end := bytes.IndexByte(head[i:min(i+512, len(head))], '>')
			if end < 0 {
				end = min(512, len(head)-i) - 1
			}
			tag := head[i : i+end+1]
			if !bytes.Contains(tag, []byte("harset")) && !bytes.Contains(tag, []byte("HARSET")) {
				break // no charset here: skip the tokenizer
			}
			if cs := metaTagCharset(tag); cs != "" {
				return cs
			}
		}
		i++
	}
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) > len(prefix) && bytes.EqualFold(b[:len(prefix)], []byte(prefix))
}

// metaTagCharset reads the charset of the <meta> tag that b starts with.
func metaTagCharset(b []byte) string {
	if cs, ok := html5MetaCharset(b); ok {
		return cs
	}
	z := html.NewTokenizer(bytes.NewReader(b))
	if tt := z.Next(); tt != html.StartTagToken && tt != html.SelfClosingTagToken {
		return ""
	}
	var cs, httpEquiv, content string
	for {
		k, v, more := z.TagAttr()
		switch strings.ToLower(string(k)) {
		case "charset":
			cs = strings.TrimSpace(string(v))
		case "http-equiv":
			httpEquiv = strings.ToLower(string(v))
		case "content":
			content = string(v)
		}
		if !more {
			break
		}
	}
	if cs != "" {
		return cs
	}
	if httpEquiv == "content-type" {
		if m := charsetParam.FindStringSubmatch(content); m != nil {
			return m[1]
		}
	}
	return ""
}

// html5MetaCharset reads the HTML5 declaration, <meta charset="…"> with
// no other attribute, without a tokenizer: html.NewTokenizer allocates a
// 4 KB buffer, a quarter of what Extract allocated besides the DOM of a
// Nerima page (4.6 KB of 18 KB), for a tag of 22 bytes. ok is false for
// any other form, or a value the tokenizer would unescape or trim, which
// metaTagCharset then reads with the tokenizer
// (TestHTML5MetaCharsetAgreesWithTokenizer).
func html5MetaCharset(b []byte) (cs string, ok bool) {
	const key = "charset"
	t := b[len("<meta"):]
	n := asciiSpaces(t)
	if n == 0 || len(t) < n+len(key) || !bytes.EqualFold(t[n:n+len(key)], []byte(key)) {
		return "", false
	}
	t = t[n+len(key):]
	t = t[asciiSpaces(t):]
	if len(t) == 0 || t[0] != '=' {
		return "", false
	}
	t = t[1:]
	t = t[asciiSpaces(t):]
	var quote byte
	if len(t) > 0 && (t[0] == '"' || t[0] == '\'') {
		quote, t = t[0], t[1:]
	}
	v := 0
	for v < len(t) && isCharsetNameByte(t[v]) {
		v++
	}
	cs, t = string(t[:v]), t[v:]
	if quote != 0 {
		if len(t) == 0 || t[0] != quote {
			return "", false
		}
		t = t[1:]
	} else if len(t) > 0 && t[0] != '>' && asciiSpaces(t) == 0 {
		return "", false // the value runs on: charset=utf-8/>
	}
	t = t[asciiSpaces(t):]
	if len(t) > 0 && t[0] == '/' {
		t = t[1:] // <meta charset="utf-8"/>
	}
	if cs == "" || string(t) != ">" {
		return "", false
	}
	return cs, true
}

// isCharsetNameByte reports the bytes of charset names (utf-8,
// Shift_JIS, x-sjis, iso-2022-jp, windows-31j).
func isCharsetNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':'
}

// byteInfo is what charset decisions need to know about a body, computed
// once.
type byteInfo struct {
	body      []byte
	validUTF8 bool
	ascii     bool
	jisEscape bool
}

// inspect reads the facts about the bytes that choosing a charset needs.
// UTF-8 and ASCII are validated in one SIMD pass (segmentio/asm):
// unicode/utf8.Valid leaves its eight-bytes-at-a-time path at the first
// non-ASCII byte, and took 13–18 µs of a 27 KB Japanese page against
// 1.4 µs.
func inspect(body []byte) byteInfo {
	v := asmutf8.Validate(body)
	return byteInfo{body: body, validUTF8: v.IsUTF8(), ascii: v.IsASCII(), jisEscape: hasJISEscape(body)}
}

// fits reports whether the body is plausibly text in the named encoding.
func (b byteInfo) fits(name string) bool {
	switch {
	case name == "iso-2022-jp":
		return b.jisEscape || b.ascii
	case b.jisEscape:
		return false
	case name == "utf-8":
		return b.validUTF8 || b.mostlyUTF8()
	case b.validUTF8:
		// ASCII fits any ASCII-compatible encoding; multi-byte text that
		// is valid UTF-8 is UTF-8: the chance that Shift_JIS or EUC-JP
		// prose happens to form valid UTF-8 sequences is negligible.
		return b.ascii
	}
	return replacementRate(b.body, name) < 0.01
}

// mostlyUTF8 reports UTF-8 text with a few stray bytes (a Windows-1252 ©
// pasted into a footer): nearly all of its multi-byte sequences are valid.
// Shift_JIS or EUC-JP read as UTF-8 is invalid almost everywhere.
func (b byteInfo) mostlyUTF8() bool {
	var valid, invalid int
	for s := b.body; len(s) > 0; {
		if s[0] < utf8.RuneSelf {
			s = s[1:]
			continue
		}
		r, size := utf8.DecodeRune(s)
		if r == utf8.RuneError && size == 1 {
			invalid++
		} else {
			valid++
		}
		s = s[size:]
	}
	return valid >= 10 && invalid*20 <= valid
}

// detect guesses the encoding of undeclared bytes among those Japanese
// municipal sites use.
func (b byteInfo) detect() string {
	switch {
	case b.jisEscape:
		return "iso-2022-jp"
	case b.validUTF8, b.mostlyUTF8():
		return "utf-8"
	}
	best, bestScore := "utf-8", -1.0
	for _, name := range []string{"shift_jis", "euc-jp"} {
		score := legacyScore(b.body, name)
		if bestScore < 0 || score < bestScore {
			best, bestScore = name, score
		}
	}
	return best
}

// legacyScore rates a decoding of body: lower is better. Invalid byte
// sequences weigh most; half-width katakana, rare in modern pages but what
// EUC-JP bytes turn into when read as Shift_JIS, weigh less.
func legacyScore(body []byte, name string) float64 {
	out := convert(body, name)
	var bad, halfwidth, runes int
	for _, r := range string(out) {
		runes++
		switch {
		case r == utf8.RuneError:
			bad++
		case r >= 0xFF61 && r <= 0xFF9F:
			halfwidth++
		}
	}
	if runes == 0 {
		return 0
	}
	return (3*float64(bad) + float64(halfwidth)) / float64(runes)
}

func replacementRate(body []byte, name string) float64 {
	out := convert(body, name)
	n := utf8.RuneCount(out)
	if n == 0 {
		return 0
	}
	return float64(bytes.Count(out, []byte(string(utf8.RuneError)))) / float64(n)
}

// convert decodes body from the named encoding to valid UTF-8. Invalid
// sequences become U+FFFD.
func convert(body []byte, name string) []byte {
	var enc encoding.Encoding
	switch name {
	case "utf-8":
		body = bytes.TrimPrefix(body, []byte{0xEF, 0xBB, 0xBF})
		return bytes.ToValidUTF8(body, []byte(string(utf8.RuneError)))
	case "shift_jis":
		enc = japanese.ShiftJIS
	case "euc-jp":
		enc = japanese.EUCJP
	case "iso-2022-jp":
		enc = japanese.ISO2022JP
	default:
		enc, _ = htmlcharset.Lookup(name)
	}
	if enc == nil {
		return bytes.ToValidUTF8(body, []byte(string(utf8.RuneError)))
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		// x/text decoders replace invalid input rather than fail; an error
		// here means the encoding cannot decode at all.
		return bytes.ToValidUTF8(body, []byte(string(utf8.RuneError)))
	}
	return bytes.ToValidUTF8(out, []byte(string(utf8.RuneError)))
}

// hasJISEscape reports an ISO-2022-JP escape sequence (ESC $ B, ESC $ @,
// ESC ( J), looking at each ESC byte once.
func hasJISEscape(b []byte) bool {
	for {
		i := bytes.IndexByte(b, 0x1b)
		if i < 0 {
			return false
		}
		b = b[i+1:]
		if bytes.HasPrefix(b, []byte("$B")) || bytes.HasPrefix(b, []byte("$@")) || bytes.HasPrefix(b, []byte("(J")) {
			return true
		}
	}
}
