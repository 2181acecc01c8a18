package extract

import (
	"regexp"
	"strings"

	"golang.org/x/text/unicode/norm"
)

var (
	contactLabel = regexp.MustCompile(`^(?:この(?:ページ|記事|情報|件)(?:に関する|について|についての|への|の)?)?(?:お問い?合わ?せ|問い?合わ?せ)(?:先|窓口)?(?:は|について)?[:：]?$`)
	// A label, its separator, and a short note before the number:
	// 電話：, TEL., 電話（代表）, 電話・ファクス：.
	// (?i) matches tel and fax in any ASCII case and nothing else: no
	// other letter folds to t, e, l, f, a or x.
	phoneLabel = labelRegexp{regexp.MustCompile(`(?i)(?:電話|tel|☎|℡)(?:番号)?(?:[・/／](?:ファクス|ファックス|fax))?` + sp + `*[:：.．]?` + sp + `*(?:[（(][^）)]{1,8}[）)]` + sp + `*)?`),
		[]string{"電話", "☎", "℡"}, []string{"tel"},
		&labelMatcher{words: []labelWord{{word: "電話"}, {word: "tel", fold: true}, {word: "☎"}, {word: "℡"}}, number: true, faxJoin: true, dots: true, note: true}}
	faxLabel = labelRegexp{regexp.MustCompile(`(?i)(?:ファクス|ファックス|ファクシミリ|fax)(?:番号)?` + sp + `*[:：.．]?` + sp + `*(?:[（(][^）)]{1,8}[）)]` + sp + `*)?`),
		[]string{"ファ"}, []string{"fax"},
		&labelMatcher{words: []labelWord{{word: "ファクス"}, {word: "ファックス"}, {word: "ファクシミリ"}, {word: "fax", fold: true}}, number: true, dots: true, note: true}}
	emailText = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+`)
)

// findContact reads the お問い合わせ block: a container classed as one
// (inquiry, contact, toiawase), else a block labelled お問い合わせ and what
// follows it up to the next heading. Its blocks leave the content.
func (a *analysis) findContact() {
	start, end := -1, -1
	if s, ok := outermost(a.contacts, func(s span) bool { return !a.blocks[s.start].boiler }); ok {
		start, end = s.start, s.end
	} else {
		label := -1
		for i := range a.blocks {
			b := &a.blocks[i]
			if b.boiler || b.used || !isContactLabel(b) {
				continue
			}
			if label < 0 || (a.inContent(i) && !a.inContent(label)) {
				label = i
			}
			if a.inContent(i) {
				break
			}
		}
		if label < 0 {
			return
		}
		start, end = label, label+1
		for end < len(a.blocks) && end-label <= 12 {
			b := &a.blocks[end]
			if b.kind == headingBlock || b.boiler || (a.inContent(label) && !a.inContent(end)) {
				break
			}
			end++
		}
	}

	c := &a.doc.Contact
	budget := maxContactLines
	for i := start; i < end; i++ {
		b := &a.blocks[i]
		if b.boiler {
			continue
		}
		b.used = true
		for _, l := range b.links {
			href := strings.TrimSpace(l.href)
			switch lower := strings.ToLower(href); {
			case strings.HasPrefix(lower, "mailto:"):
				if c.Email == "" {
					addr := href[len("mailto:"):]
					if q := strings.IndexByte(addr, '?'); q >= 0 {
						addr = addr[:q]
					}
					c.Email = strings.TrimSpace(addr)
				}
			case strings.HasPrefix(lower, "tel:"), strings.HasPrefix(lower, "#"), strings.HasPrefix(lower, "javascript:"):
			case isFormLinkText(l.text) && c.FormURL == "":
				c.FormURL = a.resolve(href)
			}
		}
		lines := b.lines()
		if b.kind == rowBlock {
			lines = []string{b.text()}
		}
		// <dt>TEL</dt><dd>011-…</dd>: read a term with its description.
		if b.kind == termBlock && i+1 < end && a.blocks[i+1].kind == descBlock {
			next := &a.blocks[i+1]
			next.used = true
			lines = []string{b.text() + " " + next.text()}
			i++
		}
		strip := orgLinks(b)
		for _, line := range lines {
			if budget--; budget < 0 {
				return // a contact block is a few lines; do not read a page
			}
			a.contactLine(line, strip)
		}
	}
}

// maxContactLines bounds the lines read as a contact block.
const maxContactLines = 40

// orgLinks returns the texts of a block's links that sit beside a
// department name without being part of it: 組織詳細へ, メールを送る.
func orgLinks(b *block) []string {
	var strip []string
	for _, l := range b.links {
		if l.text != "" && (isOrgLinkText(l.text) || isFormLinkText(l.text)) {
			strip = append(strip, l.text)
		}
	}
	return strip
}

func isContactLabel(b *block) bool {
	if len(b.cells) != 1 || len(b.cells[0]) != 1 || b.textLen > 120 {
		return false
	}
	t := b.cells[0][0]
	return mayFoldToToi(t) && contactLabel.MatchString(Fold(t))
}

func (a *analysis) contactLine(line string, strip []string) {
	c := &a.doc.Contact
	// Every contact label holds 問: the line is folded only when it may
	// fold to a text that holds one (Fold on every line cost 10k
	// instructions a Nerima page).
	if mayFoldToToi(line) && contactLabel.MatchString(Fold(line)) {
		return
	}
	isData := false
	// The regexps run only on lines that may hold what they look for.
	digits := hasDigit(line)
	if v := labelledIf(digits, phoneLabel, line); v != "" {
		if c.Phone == "" {
			c.Phone = v
		}
		isData = true
	}
	if v := labelledIf(digits, faxLabel, line); v != "" {
		if c.Fax == "" {
			c.Fax = v
		}
		isData = true
	}
	if m := emailIn(line); m != "" {
		if c.Email == "" {
			c.Email = m
		}
		isData = true
	}
	if isData || c.Department != "" {
		return
	}
	// The department: the first line that is not a number, an address
	// or a link to a mail form, without links such as 組織詳細へ.
	for _, t := range strip {
		line = strings.Replace(line, t, "", 1)
	}
	line = strings.TrimFunc(collapse(line), isBlank)
	if line == "" || strings.HasPrefix(line, "〒") || strings.Contains(line, "@") || strings.Contains(line, "＠") {
		return
	}
	c.Department = line
}

// mayFoldToToi reports whether Fold(s) may hold 問: only 問 and ㉄
// (U+3244) fold to a text that holds it (TestOnlyToiFoldsToToi).
func mayFoldToToi(s string) bool {
	return containsBy3(s, "問") || containsBy3(s, "㉄")
}

// containsBy3 is strings.Contains(s, c) for a three-byte c, searching
// for c's second byte (IndexByte, many bytes a step) and comparing
// around it. strings.Contains stops at every byte equal to c's first,
// E3 or E5, which lead most kana and kanji: mayFoldToToi cost some 600
// instructions a block (findContact 53.7k → 47.5k instructions a
// Nerima page).
func containsBy3(s, c string) bool {
	for i := 1; i+1 < len(s); i++ {
		j := strings.IndexByte(s[i:len(s)-1], c[1])
		if j < 0 {
			return false
		}
		i += j
		if s[i-1] == c[0] && s[i+1] == c[2] {
			return true
		}
	}
	return false
}

// hasDigit is strings.ContainsAny(s, "0123456789０１２３４５６７８９")
// without a search for each digit's rune: an ASCII byte is always a
// rune of its own, and so is EF BC 90–99 (０–９), since no lead byte
// can be taken as a continuation (ContainsAny cost 3k instructions a
// line; findContact 47.5k → 38.9k instructions a Nerima page).
func hasDigit(s string) bool {
	for i := range len(s) {
		// digitLen only where a digit may start: a call at every byte
		// cost findContact 1.5k instructions a Nerima page.
		if c := s[i]; '0' <= c && c <= '9' || c == 0xEF && digitLen(s[i:]) > 0 {
			return true
		}
	}
	return false
}

func labelledIf(ok bool, label labelRegexp, line string) string {
	if !ok {
		return ""
	}
	return labelled(label, line)
}

// emailIn returns the first e-mail address in line, written with @ or ＠.
func emailIn(line string) string {
	if !strings.Contains(line, "@") && !strings.Contains(line, "＠") {
		return ""
	}
	return emailText.FindString(norm.NFKC.String(line))
}

// labelled returns the phone or fax number after label in line, or "".
func labelled(label labelRegexp, line string) string {
	for _, end := range label.matches(line, 4) {
		if n := phoneNumberAt(line[end:]); n != "" {
			n = norm.NFKC.String(n)
			n = strings.Map(func(r rune) rune {
				switch r {
				case '‐', 'ー', '−':
					return '-'
				case ' ':
					return -1
				}
				return r
			}, n)
			return strings.TrimRight(n, "(")
		}
	}
	return ""
}
