package extract

import (
	"fmt"
	"iter"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Dates on municipal pages are written many ways: 2021年2月2日, 2021/2/2,
// 2021-02-02, 2021.2.2, 令和3年2月2日, 令和元年5月1日, R3.2.2, H31.4.30, in
// full-width digits, with a weekday （火曜日） and a time. The patterns
// match the text as written, so that the raw form can be reported; the
// match is then NFKC-normalised and parsed.
const (
	// sp is white space as Japanese pages write it: \s is ASCII only, and
	// 更新日　2021年2月2日 uses U+3000.
	sp       = `[\s\x{3000}\x{00A0}]`
	dd       = `[0-9０-９]`
	dateSep  = sp + `*(?:[/／.．\-－‐]|年|月)` + sp + `*`
	weekday  = `(?:` + sp + `*[（(][^）)]{1,6}[）)])?`
	timePart = `(?:` + sp + `*` + dd + `{1,2}` + sp + `*[時:：]` + sp + `*` + dd + `{1,2}` + sp + `*分?(?:` + sp + `*[:：]` + sp + `*` + dd + `{1,2}` + sp + `*秒?)?)?`
	western  = dd + `{4}` + dateSep + dd + `{1,2}` + dateSep + dd + `{1,2}` + sp + `*日?`
	eraName  = `(?:令和|平成|昭和|大正|明治|㋿|㍻|㍼|㍽|㍾|[RHSTMＲＨＳＴＭ])`
	eraDate  = eraName + sp + `*(?:` + dd + `{1,2}|元)` + dateSep + dd + `{1,2}` + dateSep + dd + `{1,2}` + sp + `*日?`
	dateExpr = `(?:` + western + `|` + eraDate + `)` + weekday + timePart
)

// Substrings every label contains, to skip lines before using the regexps.
var (
	updatedKeys   = []string{"更新"}
	publishedKeys = []string{"掲載", "公開", "作成日", "登録日"}
)

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

var (
	updatedLabel = labelRegexp{regexp.MustCompile(`(?:最終更新日時?|更新日時?|最終更新)` + sp + `*[:：]?` + sp + `*`), []string{"最終更新", "更新"}, nil,
		&labelMatcher{words: []labelWord{{word: "最終更新日", opt: "時"}, {word: "更新日", opt: "時"}, {word: "最終更新"}}}}
	publishedLabel = labelRegexp{regexp.MustCompile(`(?:掲載開始日|公開開始日|掲載日|公開日|作成日|登録日)` + sp + `*[:：]?` + sp + `*`), publishedKeys, nil,
		&labelMatcher{words: []labelWord{{word: "掲載開始日"}, {word: "公開開始日"}, {word: "掲載日"}, {word: "公開日"}, {word: "作成日"}, {word: "登録日"}}}}
	parseJapanese = regexp.MustCompile(`^(令和|平成|昭和|大正|明治|[RHSTM])\s*(\d{1,2}|元)\s*(?:[/.\-‐]|年)\s*(\d{1,2})\s*(?:[/.\-‐]|月)\s*(\d{1,2})`)
)

// labelRegexp is a regexp whose matches all start with one of a few
// words (starts, or foldStarts in any ASCII case). Its searches begin
// where the first of those occurs, which finds the same matches and
// spares the regexp engine a try at every earlier position. (Such a
// regexp must not use ^, $ or \b, whose meaning depends on where a
// search begins.)
type labelRegexp struct {
	*regexp.Regexp
	starts     []string
	foldStarts []string // lower-case ASCII
	// fast, when set, finds the same matches without the regexp.
	fast *labelMatcher
}

// from returns where the first match in s may start, or -1 for none.
func (re labelRegexp) from(s string) int {
	first := -1
	for _, w := range re.starts {
		if i := strings.Index(s, w); i >= 0 && (first < 0 || i < first) {
			first = i
		}
	}
	for _, w := range re.foldStarts {
		if i := indexFoldASCII(s, w); i >= 0 && (first < 0 || i < first) {
			first = i
		}
	}
	return first
}

// indexFoldASCII returns the index of the first word in s, in any ASCII
// case, or -1; word is lower-case ASCII letters.
func indexFoldASCII(s, word string) int {
	for i := 0; i+len(word) <= len(s); i++ {
		j := 0
		for j < len(word) && s[i+j]|0x20 == word[j] {
			j++
		}
		if j == len(word) {
			return i
		}
	}
	return -1
}

func (re labelRegexp) FindStringIndex(s string) []int {
	if re.fast != nil {
		if m, ok := re.fast.find(s); ok {
			return []int{m.start, m.end}
		}
		return nil
	}
	k := re.from(s)
	if k < 0 {
		return nil
	}
	loc := re.Regexp.FindStringIndex(s[k:])
	if loc != nil {
		loc[0], loc[1] = loc[0]+k, loc[1]+k
	}
	return loc
}

func (re labelRegexp) FindAllStringIndex(s string, n int) [][]int {
	k := re.from(s)
	if k < 0 {
		return nil
	}
	locs := re.Regexp.FindAllStringIndex(s[k:], n)
	for _, loc := range locs {
		loc[0], loc[1] = loc[0]+k, loc[1]+k
	}
	return locs
}

// matches yields the start and end of the first n matches in s (all of
// them for n < 0), those FindAllStringIndex returns, looking for each only
// when the one before has been used: a caller that stops at the first
// match it can use does not search the rest of s. A label regexp never
// matches the empty string, so each search starts past the last match.
func (re labelRegexp) matches(s string, n int) iter.Seq2[int, int] {
	return func(yield func(start, end int) bool) {
		for pos := 0; n != 0; n-- {
			loc := re.FindStringIndex(s[pos:])
			if loc == nil || loc[1] == loc[0] || !yield(pos+loc[0], pos+loc[1]) {
				return
			}
			pos += loc[1]
		}
	}
}

func (re labelRegexp) FindStringSubmatch(s string) []string {
	if re.fast != nil {
		m, ok := re.fast.find(s)
		switch {
		case !ok:
			return nil
		case re.fast.value:
			return []string{s[m.start:m.end], s[m.vstart:m.vend]}
		}
		return []string{s[m.start:m.end]}
	}
	k := re.from(s)
	if k < 0 {
		return nil
	}
	return re.Regexp.FindStringSubmatch(s[k:])
}

func (re labelRegexp) ReplaceAllString(s, repl string) string {
	if re.fast != nil {
		m, ok := re.fast.find(s)
		if !ok {
			return s
		}
		var b strings.Builder
		for ok {
			b.WriteString(s[:m.start])
			b.WriteString(repl)
			s = s[m.end:]
			m, ok = re.fast.find(s)
		}
		b.WriteString(s)
		return b.String()
	}
	k := re.from(s)
	if k < 0 {
		return s
	}
	return s[:k] + re.Regexp.ReplaceAllString(s[k:], repl)
}

// dateAt returns the date s starts with, as written, or "": what
// dateAtStart matches, found without the regexp engine
// (findPageNumberAndDates 106.3k → 95.8k instructions a Nerima page;
// TestDateAtAgreesWithRegexp and TestLabelRegexpsAgreeWithPlainSearch
// keep dateAtStart as the oracle).
//
// The regexp's repeats never give back what they take: a run of digits
// or of white space is followed, where the match goes on, by something
// that is neither. And all after the day is optional. So the first way
// through, taking each run whole and each optional part where it fits,
// is the match.
func dateAt(s string) string {
	i := dateYear(s)
	if i == 0 {
		return ""
	}
	for range 2 { // dateSep dd{1,2}, twice
		n := dateSepLen(s[i:])
		if n == 0 {
			return ""
		}
		i += n
		if n = dateDigits(s[i:]); n == 0 {
			return ""
		}
		i += n
	}
	i += labelSpaces(s[i:])
	if strings.HasPrefix(s[i:], "日") {
		i += len("日")
	}
	i += dateWeekday(s[i:])
	return s[:i+dateTime(s[i:])]
}

// dateYear returns the length of the year s starts with: four digits
// (dd{4}), or an era name, white space and one or two digits or 元; or
// 0.
func dateYear(s string) int {
	if n, count := ddRun(s, 4); count == 4 {
		return n
	} else if count > 0 {
		return 0 // a year of four digits or none
	}
	i := eraNameLen(s)
	if i == 0 {
		return 0
	}
	i += labelSpaces(s[i:])
	if strings.HasPrefix(s[i:], "元") {
		return i + len("元")
	}
	if n := dateDigits(s[i:]); n > 0 {
		return i + n
	}
	return 0
}

// eraNameLen returns the length of the era name (eraName) s starts with,
// or 0.
func eraNameLen(s string) int {
	if s == "" {
		return 0
	}
	switch s[0] {
	case 'R', 'H', 'S', 'T', 'M':
		return 1
	}
	for _, name := range [...]string{"令和", "平成", "昭和", "大正", "明治", "㋿", "㍻", "㍼", "㍽", "㍾", "Ｒ", "Ｈ", "Ｓ", "Ｔ", "Ｍ"} {
		if strings.HasPrefix(s, name) {
			return len(name)
		}
	}
	return 0
}

// dateDigits returns the length of the one or two digits (dd{1,2}) s
// starts with, or 0.
func dateDigits(s string) int {
	n, _ := ddRun(s, 2)
	return n
}

// ddRun returns the length in bytes, and in digits, of the run of up to
// max ASCII or full-width digits (dd) s starts with.
func ddRun(s string, max int) (n, count int) {
	for count < max {
		d := digitLen(s[n:])
		if d == 0 {
			break
		}
		n += d
		count++
	}
	return n, count
}

// digitLen returns the length of the ASCII or full-width digit (dd) s
// starts with, or 0.
func digitLen(s string) int {
	switch {
	case s != "" && '0' <= s[0] && s[0] <= '9':
		return 1
	case len(s) >= 3 && s[0] == 0xEF && s[1] == 0xBC && 0x90 <= s[2] && s[2] <= 0x99: // ０-９
		return 3
	}
	return 0
}

// dateSepLen returns the length of the separator (dateSep: white space,
// one of /／.．-－‐年月, white space) s starts with, or 0.
func dateSepLen(s string) int {
	i := labelSpaces(s)
	switch {
	case i < len(s) && (s[i] == '/' || s[i] == '.' || s[i] == '-'):
		i++
	case strings.HasPrefix(s[i:], "／"), strings.HasPrefix(s[i:], "．"), strings.HasPrefix(s[i:], "－"),
		strings.HasPrefix(s[i:], "‐"), strings.HasPrefix(s[i:], "年"), strings.HasPrefix(s[i:], "月"):
		i += 3 // each three bytes
	default:
		return 0
	}
	return i + labelSpaces(s[i:])
}

// dateWeekday returns the length of the weekday (weekday: white space, a
// bracket, one to six characters other than a closing bracket, a closing
// bracket) s starts with, or 0.
func dateWeekday(s string) int {
	i := labelSpaces(s)
	if n := bracketed(s[i:], 6); n > 0 {
		return i + n
	}
	return 0
}

// dateTime returns the length of the time (timePart) s starts with, or
// 0: hours, 時 or a colon, minutes, an optional 分, and optional
// seconds after a colon, each part with white space around.
func dateTime(s string) int {
	i := labelSpaces(s)
	n := dateDigits(s[i:])
	if n == 0 {
		return 0
	}
	i += n
	i += labelSpaces(s[i:])
	switch {
	case strings.HasPrefix(s[i:], ":"):
		i++
	case strings.HasPrefix(s[i:], "時"), strings.HasPrefix(s[i:], "："):
		i += 3
	default:
		return 0
	}
	i += labelSpaces(s[i:])
	if n = dateDigits(s[i:]); n == 0 {
		return 0
	}
	i += n
	i += labelSpaces(s[i:])
	if strings.HasPrefix(s[i:], "分") {
		i += len("分")
	}
	// The seconds, all or nothing.
	j := i + labelSpaces(s[i:])
	switch {
	case strings.HasPrefix(s[j:], ":"):
		j++
	case strings.HasPrefix(s[j:], "："):
		j += len("：")
	default:
		return i
	}
	j += labelSpaces(s[j:])
	if n = dateDigits(s[j:]); n == 0 {
		return i
	}
	j += n
	j += labelSpaces(s[j:])
	if strings.HasPrefix(s[j:], "秒") {
		j += len("秒")
	}
	return j
}

// westernDate reads the year, month and day digits of a date such as
// 2021年2月2日 or 2021/2/2 at the start of s (NFKC-normalised), as
// parseWestern's groups; ok is false where parseWestern finds no match.
// Its runs of digits and spaces never give back what they took, so
// taking them whole finds the regexp's match (which cost 4.5k
// instructions a date).
func westernDate(s string) (g [3]string, ok bool) {
	i := asciiDigits(s, 4)
	if i != 4 {
		return g, false
	}
	g[0] = s[:4]
	for k, unit := range []string{"年", "月"} {
		i += asciiSpaces(s[i:])
		switch {
		case i < len(s) && strings.IndexByte("/.-", s[i]) >= 0:
			i++
		case strings.HasPrefix(s[i:], "‐"):
			i += len("‐")
		case strings.HasPrefix(s[i:], unit):
			i += len(unit)
		default:
			return g, false
		}
		i += asciiSpaces(s[i:])
		n := asciiDigits(s[i:], 2)
		if n == 0 {
			return g, false
		}
		g[k+1] = s[i : i+n]
		i += n
	}
	return g, true
}

// asciiDigits returns the length of the run of up to max ASCII digits s
// starts with.
func asciiDigits(s string, max int) int {
	n := 0
	for n < max && n < len(s) && '0' <= s[n] && s[n] <= '9' {
		n++
	}
	return n
}

type era struct {
	name  string
	start time.Time // first day
	end   time.Time // first day of the next era
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

var eras = map[string]era{
	"明治": {"明治", day(1868, 1, 25), day(1912, 7, 30)},
	"大正": {"大正", day(1912, 7, 30), day(1926, 12, 25)},
	"昭和": {"昭和", day(1926, 12, 25), day(1989, 1, 8)},
	"平成": {"平成", day(1989, 1, 8), day(2019, 5, 1)},
	"令和": {"令和", day(2019, 5, 1), day(9999, 1, 1)},
}

var eraLetters = map[string]string{"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}

// parseDate turns a matched date (as written) into YYYY-MM-DD. A date that
// does not exist gives an error; a date outside its era's span (平成32年,
// still used in plans written before 2019) is converted and noted.
func parseDate(raw string) (iso, note string, err error) {
	s := norm.NFKC.String(raw) // full-width digits, ㍻ → 平成
	var y, m, d int
	if g, ok := westernDate(s); ok {
		y, _ = strconv.Atoi(g[0])
		m, _ = strconv.Atoi(g[1])
		d, _ = strconv.Atoi(g[2])
	} else if g := parseJapanese.FindStringSubmatch(s); g != nil {
		name := g[1]
		if full, ok := eraLetters[name]; ok {
			name = full
		}
		e := eras[name]
		n := 1
		if g[2] != "元" {
			n, _ = strconv.Atoi(g[2])
		}
		if n < 1 {
			return "", "", fmt.Errorf("no year 0 in the %s era", name)
		}
		y = e.start.Year() + n - 1
		m, _ = strconv.Atoi(g[3])
		d, _ = strconv.Atoi(g[4])
		if t := day(y, time.Month(m), d); valid(t, y, m, d) && (t.Before(e.start) || !t.Before(e.end)) {
			note = fmt.Sprintf("%s is outside the %s era; read as %s", strings.TrimSpace(raw), name, t.Format(time.DateOnly))
		}
	} else {
		return "", "", fmt.Errorf("unrecognised date")
	}
	t := day(y, time.Month(m), d)
	if !valid(t, y, m, d) {
		return "", "", fmt.Errorf("no such day")
	}
	return t.Format(time.DateOnly), note, nil
}

func valid(t time.Time, y, m, d int) bool {
	return t.Year() == y && int(t.Month()) == m && t.Day() == d && y >= 1000
}

// foundDate is a labelled date found on a page.
type foundDate struct {
	iso, raw string
	at       []blockLine // the label's line, and the date's when apart
	err      error
	note     string
}

// findLabelledDate returns the first date that follows label, in the
// order the lines are given. A label on its own line or cell (<dt>更新日</dt>
// <dd>2021年2月2日</dd>) takes its date from the next line.
func findLabelledDate(label labelRegexp, keys []string, lines []blockLine) (foundDate, bool) {
	for _, l := range lines {
		if !containsAny(l.text, keys) {
			continue // cheap test first: regexps on every line cost more than parsing
		}
		for _, end := range label.matches(l.text, -1) {
			rest := l.text[end:]
			at := []blockLine{l}
			if strings.TrimFunc(rest, isBlank) == "" && l.next != nil {
				rest = l.next.text
				at = append(at, *l.next)
			}
			raw := dateAt(rest)
			if raw == "" {
				continue
			}
			raw = strings.TrimFunc(raw, isBlank)
			iso, note, err := parseDate(raw)
			return foundDate{iso: iso, raw: raw, at: at, err: err, note: note}, true
		}
	}
	return foundDate{}, false
}

// blockLine is one line of one block, addressed for later removal.
type blockLine struct {
	text  string
	block int
	line  int        // -1 for a whole row
	next  *blockLine // the line after it, where a label's value may stand
}
