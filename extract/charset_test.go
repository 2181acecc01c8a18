package extract

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
)

const sample = `<h1>職員の声</h1><h2>係長級職員の声（キャリア形成）</h2><h3>練馬区を選んだ理由を教えてください</h3><p>区民の方々の生活に密着した仕事ができる住宅都市で働きたいと思い、練馬区を選びました。～</p>`

func encode(t *testing.T, e encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return b
}

// TestCharsets decodes the same page written in each encoding, declared in
// the header only, in <meta> only, and nowhere.
func TestCharsets(t *testing.T) {
	encs := []struct {
		name string
		enc  encoding.Encoding
		want string
	}{
		{"Shift_JIS", japanese.ShiftJIS, "shift_jis"},
		{"EUC-JP", japanese.EUCJP, "euc-jp"},
		{"ISO-2022-JP", japanese.ISO2022JP, "iso-2022-jp"},
		{"UTF-8", unicode.UTF8, "utf-8"},
	}
	for _, e := range encs {
		// ISO-2022-JP has no ～ (U+FF5E).
		text := sample
		if e.name == "ISO-2022-JP" {
			text = strings.ReplaceAll(sample, "～", "")
		}
		for _, where := range []string{"header", "meta", "xml", "none"} {
			page := "<html><head><title>t</title></head><body>" + text + "</body></html>"
			ct := ""
			switch where {
			case "header":
				ct = "text/html; charset=" + e.name
			case "meta":
				page = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=` + e.name + `"><title>t</title></head><body>` + text + "</body></html>"
			case "xml":
				page = `<?xml version="1.0" encoding="` + e.name + `"?>` + page
			}
			doc, err := Extract(encode(t, e.enc, page), "https://example.jp/", ct)
			if err != nil {
				t.Fatalf("%s/%s: %v", e.name, where, err)
			}
			if doc.Charset != e.want {
				t.Errorf("%s declared in %s: charset %s, want %s", e.name, where, doc.Charset, e.want)
			}
			if len(doc.Sections) != 1 || len(doc.Sections[0].QA) != 1 || !strings.HasPrefix(doc.Sections[0].QA[0].Answer[0], "区民の方々の生活に密着") {
				t.Errorf("%s declared in %s: content garbled: %+v", e.name, where, doc.Sections)
			}
			if len(doc.Warnings) != 0 {
				t.Errorf("%s declared in %s: unexpected warnings %q", e.name, where, doc.Warnings)
			}
		}
	}
}

// TestCharsetPrecedence: the header beats <meta>, and a declaration the
// bytes contradict is overridden with a warning, never turned to mojibake.
func TestCharsetPrecedence(t *testing.T) {
	sjisMetaEUC := encode(t, japanese.ShiftJIS, `<meta charset="EUC-JP"><body>`+sample)
	tests := []struct {
		name        string
		body        []byte
		contentType string
		want        string
		warn        string
	}{
		{"header beats meta", sjisMetaEUC, "text/html; charset=Shift_JIS", "shift_jis", ""},
		{"meta contradicted by bytes", sjisMetaEUC, "", "shift_jis", "<meta> declares euc-jp"},
		{"Apache default UTF-8 on Shift_JIS", encode(t, japanese.ShiftJIS, "<body>"+sample), "text/html; charset=UTF-8", "shift_jis", "Content-Type header declares utf-8"},
		{"UTF-8 bytes declared Shift_JIS", []byte(`<meta charset="Shift_JIS"><body>` + sample), "", "utf-8", "<meta> declares shift_jis"},
		{"BOM beats meta", append([]byte{0xEF, 0xBB, 0xBF}, `<meta charset="EUC-JP"><body>`+sample...), "", "utf-8", ""},
		{"unknown charset", []byte(`<body>` + sample), "text/html; charset=x-klingon", "utf-8", "unknown charset"},
		{"malformed meta ignored", []byte(`<meta http-equiv="Content-Type" value="text/html; charset=Shift_JIS"><body>&#x8077;&#x54E1;</body>`), "", "utf-8", ""},
		{"UTF-16 with BOM", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), "<body>"+sample), "", "utf-16le", ""},
	}
	for _, tt := range tests {
		doc, err := Extract(tt.body, "", tt.contentType)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if doc.Charset != tt.want {
			t.Errorf("%s: charset %s, want %s", tt.name, doc.Charset, tt.want)
		}
		warned := strings.Join(doc.Warnings, "\n")
		if (tt.warn == "") != (warned == "") || !strings.Contains(warned, tt.warn) {
			t.Errorf("%s: warnings %q, want one containing %q", tt.name, doc.Warnings, tt.warn)
		}
		if tt.name != "malformed meta ignored" && !strings.Contains(strings.Join(doc.Intro, "")+strings.Join(sectionText(doc), ""), "練馬区") {
			t.Errorf("%s: text garbled: %q %q", tt.name, doc.Intro, sectionText(doc))
		}
	}
}

func sectionText(d *Document) []string {
	var out []string
	for _, s := range d.Sections {
		out = append(out, s.Heading)
		for _, q := range s.QA {
			out = append(out, q.Question)
			out = append(out, q.Answer...)
		}
	}
	return out
}

// TestHTML5MetaCharsetAgreesWithTokenizer checks the tokenizer-free read
// of <meta charset="…"> against the tokenizer on tags made of the pieces
// that trip readers: case, quotes, white space, self-closing slashes,
// entities, NULs, other attributes and cut-off tags.
func TestHTML5MetaCharsetAgreesWithTokenizer(t *testing.T) {
	pieces := []string{" ", "\t", "\n", "  ", "charset", "CharSet", "charsetx", "=", " = ", `"`, `'`, "utf-8", "UTF-8", "Shift_JIS", "x.y:z",
		"/", "/>", ">", "&amp;", "&#45;", "\x00", "http-equiv", "content", "text/html; charset=euc-jp", "a", "-"}
	viaTokenizer := func(b []byte) string {
		z := html.NewTokenizer(bytes.NewReader(b))
		if tt := z.Next(); tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			return ""
		}
		cs := ""
		for {
			k, v, more := z.TagAttr()
			if strings.ToLower(string(k)) == "charset" {
				cs = strings.TrimSpace(string(v))
			}
			if !more {
				return cs
			}
		}
	}
	check := func(tag string) {
		t.Helper()
		b := []byte(tag)
		got, ok := html5MetaCharset(b)
		if !ok {
			return
		}
		if want := viaTokenizer(b); got != want {
			t.Fatalf("html5MetaCharset(%q) = %q, the tokenizer reads %q", tag, got, want)
		}
	}
	for _, tag := range []string{`<meta charset="UTF-8">`, `<META CHARSET=utf-8>`, `<meta charset='x-sjis' />`, `<meta charset=utf-8/>`, `<meta  charset = "euc-jp" >`} {
		check(tag)
	}
	if cs, ok := html5MetaCharset([]byte(`<meta charset="UTF-8">`)); !ok || cs != "UTF-8" {
		t.Fatalf(`html5MetaCharset(<meta charset="UTF-8">) = %q, %v`, cs, ok)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	read := 0
	for range 300000 {
		var b strings.Builder
		b.WriteString([]string{"<meta", "<META", "<Meta"}[rng.IntN(3)])
		if rng.IntN(4) != 0 {
			// Mostly near the HTML5 form, so that many are read.
			b.WriteString([]string{" ", "\t", "  "}[rng.IntN(3)] + []string{"charset", "CharSet"}[rng.IntN(2)] + []string{"=", " = "}[rng.IntN(2)])
		}
		for n := rng.IntN(6); n > 0; n-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		if rng.IntN(8) != 0 {
			b.WriteString(">")
		}
		tag := b.String()
		if _, ok := html5MetaCharset([]byte(tag)); ok {
			read++
		}
		check(tag)
	}
	if read < 1000 {
		t.Fatalf("only %d of the random tags were read without the tokenizer: the test checks too little", read)
	}
}
