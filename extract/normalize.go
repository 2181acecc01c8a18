package extract

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold is the comparison form of a text: NFKC, with all white space
// removed. Two texts that differ only in full-width/half-width forms or in
// spacing fold to the same string. Japanese has no word spaces, so
// removing them loses nothing a reader would call a change.
func Fold(s string) string {
	s = norm.NFKC.String(s)
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// QuestionKey is the key that follows one question across versions and
// across municipalities: the folded text, lower-cased, without trailing
// punctuation (教えてください。 and 教えてください are one question).
func QuestionKey(q string) string {
	k := strings.ToLower(Fold(q))
	return strings.TrimRightFunc(k, func(r rune) bool {
		return unicode.IsPunct(r) || unicode.IsSymbol(r)
	})
}

// ContentHash is the hash of a Document's meaningful content: title, page
// number, dates, breadcrumbs, intro, sections, Q&A, notes and contact, each
// folded. Menus, scripts, attributes, timestamps outside the page's own
// dates, and spacing do not enter it.
func ContentHash(d *Document) string {
	type qa struct {
		Q     string   `json:"q"`
		A     []string `json:"a"`
		Notes []string `json:"n"`
	}
	type section struct {
		Heading string   `json:"h"`
		Intro   []string `json:"i"`
		QA      []qa     `json:"qa"`
	}
	canon := struct {
		Title       string    `json:"title"`
		PageNumber  string    `json:"page_number"`
		Updated     string    `json:"updated"`
		Published   string    `json:"published"`
		Breadcrumbs []string  `json:"breadcrumbs"`
		Intro       []string  `json:"intro"`
		Sections    []section `json:"sections"`
		Contact     Contact   `json:"contact"`
	}{
		Title:       Fold(d.Title),
		PageNumber:  Fold(d.PageNumber),
		Updated:     d.Updated,
		Published:   d.Published,
		Breadcrumbs: foldAll(d.Breadcrumbs),
		Intro:       foldAll(d.Intro),
		Contact: Contact{
			Department: Fold(d.Contact.Department),
			Phone:      Fold(d.Contact.Phone),
			Fax:        Fold(d.Contact.Fax),
			Email:      Fold(d.Contact.Email),
			FormURL:    d.Contact.FormURL,
		},
	}
	for _, s := range d.Sections {
		cs := section{Heading: Fold(s.Heading), Intro: foldAll(s.Intro)}
		for _, q := range s.QA {
			cs.QA = append(cs.QA, qa{Q: Fold(q.Question), A: foldAll(q.Answer), Notes: foldAll(q.Notes)})
		}
		canon.Sections = append(canon.Sections, cs)
	}
	b, err := json.Marshal(canon)
	if err != nil {
		panic("extract: marshal canonical form: " + err.Error()) // plain strings cannot fail
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// foldAll folds each text, dropping those that fold to nothing.
func foldAll(texts []string) []string {
	out := make([]string, 0, len(texts))
	for _, t := range texts {
		if f := Fold(t); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// isHTMLSpace reports the characters HTML collapses when rendering.
func isHTMLSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == 0xA0
}

// isBlank reports characters trimmed from the ends of a display line: HTML
// white space plus the ideographic space often used for indentation.
func isBlank(r rune) bool { return isHTMLSpace(r) || r == '\u3000' || unicode.IsSpace(r) }

// joinLines joins the lines of a heading or cell into one: with nothing
// between two Japanese characters, with a space where Latin text meets.
func joinLines(lines []string) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 && b.Len() > 0 && l != "" {
			last, _ := utf8.DecodeLastRuneInString(b.String())
			first, _ := utf8.DecodeRuneInString(l)
			if last < utf8.RuneSelf && first < utf8.RuneSelf {
				b.WriteByte(' ')
			}
		}
		b.WriteString(l)
	}
	return b.String()
}
