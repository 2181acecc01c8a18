package extract

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// flattenDepth is how deep elements may nest in the re-parse of a page
// the HTML parser refused for nesting. The parser's own limit is 512 open
// elements; it adds implied elements (tbody, tr) to what the markup says,
// so the flattening keeps well below it.
const flattenDepth = 100

// parse builds the DOM of a decoded page. golang.org/x/net/html refuses
// markup nested more than 512 elements deep; such a page (broken CMS
// output with thousands of unclosed <div>s, or an attack) is parsed again
// with the excess tags dropped and its text kept, and a warning says so.
func parse(text []byte) (*html.Node, []string, error) {
	root, err := html.Parse(bytes.NewReader(text))
	if err == nil {
		return root, nil, nil
	}
	if !strings.Contains(err.Error(), "open stack of elements") {
		return nil, nil, fmt.Errorf("extract: parse: %w", err)
	}
	// First drop only wrappers (div, span, font…), keeping the elements
	// that carry structure; if the markup nests those too, drop any tag.
	for _, wrappersOnly := range []bool{true, false} {
		flat, dropped := flatten(text, flattenDepth, wrappersOnly)
		root, err2 := html.Parse(bytes.NewReader(flat))
		if err2 == nil {
			return root, []string{fmt.Sprintf("markup nested deeper than the parser allows; %d tags past depth %d dropped, their text kept", dropped, flattenDepth)}, nil
		}
		err = errors.Join(err, err2)
	}
	return nil, nil, fmt.Errorf("extract: markup nested too deeply to parse: %w", err)
}

// flatten copies the markup, dropping start tags (and their end tags)
// that would open an element deeper than max. With wrappersOnly, only
// generic wrappers (div, span, font…) count and are dropped; headings,
// paragraphs and lists are kept. Raw-text elements (script, style) are
// never dropped, so their contents never turn into page text. Text,
// comments and kept tags are copied byte for byte.
func flatten(text []byte, max int, wrappersOnly bool) ([]byte, int) {
	var out bytes.Buffer
	out.Grow(len(text))
	var open []string // names of the counted elements open, as the markup says
	droppedOpen := map[string]int{}
	dropped := 0
	z := html.NewTokenizer(bytes.NewReader(text))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out.Bytes(), dropped
		}
		raw := z.Raw()
		switch tt {
		case html.StartTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if isVoid(a) || rawText(a) || (wrappersOnly && !wrapper(a)) {
				break
			}
			n := string(name)
			if len(open) >= max {
				droppedOpen[n]++
				dropped++
				continue
			}
			open = append(open, n)
		case html.EndTagToken:
			name, _ := z.TagName()
			n := string(name)
			if droppedOpen[n] > 0 {
				droppedOpen[n]--
				continue
			}
			for i := len(open) - 1; i >= 0; i-- {
				if open[i] == n {
					open = open[:i]
					break
				}
			}
		}
		out.Write(raw)
	}
}

func isVoid(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img,
		atom.Input, atom.Link, atom.Meta, atom.Source, atom.Track, atom.Wbr, atom.Param:
		return true
	}
	return false
}

// rawText elements hold text the tokenizer does not read as markup.
func rawText(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Textarea, atom.Title, atom.Xmp, atom.Iframe, atom.Noembed, atom.Noframes, atom.Noscript, atom.Plaintext:
		return true
	}
	return false
}

// wrapper elements carry no structure of their own.
func wrapper(a atom.Atom) bool {
	switch a {
	case atom.Div, atom.Span, atom.Font, atom.Center, atom.Section, atom.Article,
		atom.Main, atom.Aside, atom.Header, atom.Footer, atom.Nav, atom.B, atom.I,
		atom.U, atom.Em, atom.Strong, atom.Small, atom.Big, atom.Blockquote, atom.Form:
		return true
	}
	return false
}
