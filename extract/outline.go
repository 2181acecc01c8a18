package extract

import (
	"fmt"
	"io"
	"strings"
	"unicode"
)

// WriteOutline prints the Document as a readable outline: metadata,
// then each section with its questions, answers and notes. Page text goes
// through Printable.
func (d *Document) WriteOutline(w io.Writer) error {
	ew := &errWriter{w: w}
	p := ew.printf
	p("URL:          %s\n", d.URL)
	p("Title:        %s\n", d.Title)
	if d.PageNumber != "" {
		p("Page number:  %s\n", d.PageNumber)
	}
	if d.Updated != "" || d.UpdatedRaw != "" {
		p("Updated:      %s (%s)\n", orNone(d.Updated), d.UpdatedRaw)
	}
	if d.Published != "" || d.PublishedRaw != "" {
		p("Published:    %s (%s)\n", orNone(d.Published), d.PublishedRaw)
	}
	if len(d.Breadcrumbs) > 0 {
		p("Breadcrumbs:  %s\n", strings.Join(d.Breadcrumbs, " > "))
	}
	if d.Charset != "" {
		p("Charset:      %s\n", d.Charset)
	}
	p("Sections:     %d, questions: %d\n", len(d.Sections), d.QACount())
	for _, l := range d.Intro {
		p("  %s\n", l)
	}
	for i, s := range d.Sections {
		p("\n## %d. %s\n", i+1, orNone(s.Heading))
		for _, l := range s.Intro {
			p("  %s\n", l)
		}
		for j, q := range s.QA {
			p("\n  Q%d. %s\n", j+1, q.Question)
			for _, l := range q.Answer {
				p("      %s\n", l)
			}
			for _, n := range q.Notes {
				p("      [注] %s\n", strings.ReplaceAll(n, "\n", "\n           "))
			}
		}
	}
	c := d.Contact
	if c != (Contact{}) {
		p("\nContact:      %s\n", c.Department)
		for _, f := range [][2]string{{"phone", c.Phone}, {"fax", c.Fax}, {"e-mail", c.Email}, {"form", c.FormURL}} {
			if f[1] != "" {
				p("  %-7s %s\n", f[0]+":", f[1])
			}
		}
	}
	for _, wn := range d.Warnings {
		p("warning: %s\n", wn)
	}
	p("\nContent hash: %s (extractor %s)\n", d.ContentHash, d.ExtractorVersion)
	return ew.err
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

type errWriter struct {
	w   io.Writer
	err error
}

// printf writes a line or lines of the outline; the format's own
// characters are printable, so all of it can go through Printable.
func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = io.WriteString(e.w, Printable(fmt.Sprintf(format, args...)))
	}
}

// Printable replaces control characters other than newline and tab,
// which scraped text may hold, so that writing it to a terminal cannot
// send escape sequences (set the title, clear the screen, write the
// clipboard). Every text output of page text goes through it.
func Printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}
