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
	flat, dropped := flatten(text, flattenDepth)
	root, err2 := html.Parse(bytes.NewReader(flat))
	if err2 != nil {
		return nil, nil, fmt.Errorf("extract: markup nested too deeply to parse: %w", errors.Join(err, err2))
	}
	return root, []string{fmt.Sprintf("markup nested deeper than the parser allows; %d tags past depth %d dropped, their text kept", dropped, flattenDepth)}, nil
}

// flatten copies the markup, dropping start tags (and their end tags) that
// would open an element deeper than max. Text, comments and other tags are
// copied byte for byte.
func flatten(text []byte, max int) ([]byte, int) {
	var out bytes.Buffer
	out.Grow(len(text))
	var open []string // names of the elements open, as the markup says
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
			n := string(name)
			if isVoid(n) {
				break
			}
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

func isVoid(name string) bool {
	switch atom.Lookup([]byte(name)) {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img,
		atom.Input, atom.Link, atom.Meta, atom.Source, atom.Track, atom.Wbr, atom.Param:
		return true
	}
	return false
}
