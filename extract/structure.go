package extract

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

var (
	// A question prefix: Q / Ｑ / Q1. / 質問： / 問1 … followed by a
	// separator or space (so that "QOL" or "Aさん" are not prefixes).
	questionPrefix = regexp.MustCompile(`^[【\[(（]?` + sp + `*(?:Q|Ｑ|質問|問)` + sp + `*[0-9０-９]*` + sp + `*[】\])）]?` + sp + `*(?:[.．:：)）]` + sp + `*|` + sp + `+)`)
	answerPrefix   = regexp.MustCompile(`^[【\[(（]?` + sp + `*(?:A|Ａ|回答|答え?)` + sp + `*[0-9０-９]*` + sp + `*[】\])）]?` + sp + `*(?:[.．:：)）]` + sp + `*|` + sp + `+)`)
	// The same, written with a bracket and nothing after: 【Q】志望動機は？
	bracketQuestion     = regexp.MustCompile(`^[【\[]\s*(?:Q|Ｑ|質問)\s*[0-9０-９]*\s*[】\]]\s*`)
	bracketAnswer       = regexp.MustCompile(`^[【\[]\s*(?:A|Ａ|回答)\s*[0-9０-９]*\s*[】\]]\s*`)
	tableQuestionHeader = regexp.MustCompile(`^(?:質問|Q|Ｑ|問|設問)$`)
)

// questionWords make a text question-like: a question, a request, or a
// classic interview topic. They tell Q&A from sub-headings, profile
// tables and lists.
var questionWords = []string{"？", "?", "ください", "下さい", "ですか", "ますか", "でしょうか", "お願いします", "教えて", "聞かせて", "なぜ", "どんな", "どのよう", "どう", "何", "きっかけ", "理由", "志望動機", "やりがい", "メッセージ", "仕事内容", "担当業務", "スケジュール", "休日", "魅力", "苦労", "今後", "目標", "抱負", "印象", "雰囲気", "キャリア", "両立", "エピソード", "思い出", "アドバイス", "学生時代", "大変"}

// questionLike reports whether s holds one of the questionWords. A
// question most often ends with one: looking there first spares the
// scan of the whole text (headingLevels 20.4k → 9.0k instructions a
// Nerima page).
func questionLike(s string) bool {
	for _, w := range questionEnds {
		if strings.HasSuffix(s, w) {
			return true
		}
	}
	return questionWordSet.in(s)
}

// questionEnds are the questionWords questions end with.
var questionEnds = []string{"ください", "？", "?", "お願いします", "ですか", "ますか", "でしょうか", "下さい"}

var questionWordSet = newWordSet(questionWords)

// wordSet answers containsAny(s, words) in one pass over s: a bitmap of
// the words' first runes picks the places worth comparing, instead of a
// search per word. Built once; read-only afterwards.
type wordSet struct {
	first   [1024]uint64 // bit r%64 of word r/64: some word starts with rune r
	byFirst map[rune][]string
}

// newWordSet makes the set of words, which must be non-empty and start
// with a rune of the Basic Multilingual Plane.
func newWordSet(words []string) *wordSet {
	ws := &wordSet{byFirst: map[rune][]string{}}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if w == "" || r > 0xFFFF {
			panic("extract: word set needs words starting in the BMP: " + w)
		}
		ws.first[r>>6] |= 1 << (r & 63)
		ws.byFirst[r] = append(ws.byFirst[r], w)
	}
	return ws
}

// in reports whether s contains any of the words. Every occurrence of a
// word starts where a rune does, invalid bytes (decoded one at a time)
// included, so looking there finds them all.
//
// Three-byte characters (kana, kanji) are decoded in line: a range loop
// calls the runtime's decoder for each (17k instructions more for
// Extract on the Nerima page).
func (ws *wordSet) in(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		var r rune
		size := 1
		switch {
		case c < utf8.RuneSelf:
			r = rune(c)
		case c >= 0xE1 && c != 0xED && c <= 0xEF && i+2 < len(s) && isContinuation(s[i+1]) && isContinuation(s[i+2]):
			// Valid as it stands: only E0 (overlong) and ED
			// (surrogates) lead invalid three-byte sequences.
			r, size = rune(c&0x0F)<<12|rune(s[i+1]&0x3F)<<6|rune(s[i+2]&0x3F), 3
		default:
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		at := i
		i += size
		if r > 0xFFFF || ws.first[r>>6]&(1<<(r&63)) == 0 {
			continue
		}
		for _, w := range ws.byFirst[r] {
			if strings.HasPrefix(s[at:], w) {
				return true
			}
		}
	}
	return false
}

// buildSections turns the content blocks into sections and Q&A.
//
// Question headings are at the level where most headings read as
// questions (headingLevels); section headings at the nearest level above,
// and any higher level starts sections too. Questions are also dt/dd
// pairs, Q./A.-prefixed paragraphs, and rows of two-column question
// tables. Headings over nothing but links are navigation.
// Text before any question is intro; 【注】 paragraphs are notes of the
// question they follow. A page with no question at all has no sections:
// its text is the intro.
func (a *analysis) buildSections() {
	all := make([]int, 0, a.content.end-a.content.start)
	a.contentBlocks(func(i int, _ *block) { all = append(all, i) })
	secLevel, qLevel := a.headingLevels(all)
	nav := a.navigation(all, qLevel)
	idx := all[:0]
	for _, i := range all {
		if !nav[i] {
			idx = append(idx, i)
		}
	}
	qaGroups := a.qaGroups(idx)

	qas := 0 // the questions of headings, <dt> and rows, at most
	for _, i := range idx {
		if k := a.blocks[i].kind; k == headingBlock || k == termBlock || k == rowBlock {
			qas++
		}
	}
	bld := builder{doc: a.doc, lines: make([]string, 0, len(idx)), qas: make([]QA, 0, qas)}
	for k := 0; k < len(idx); k++ {
		b := &a.blocks[idx[k]]
		switch {
		case b.kind == headingBlock && b.level <= secLevel:
			bld.section(b.text())
		case b.kind == headingBlock && b.level == qLevel:
			bld.question(stripQuestionPrefix(b.text()))
		case b.kind == termBlock && qaGroups[b.group]:
			bld.question(stripQuestionPrefix(b.text()))
		case b.kind == rowBlock && qaGroups[b.group]:
			switch {
			case isHeaderRow(b):
			case len(b.cells) == 1:
				bld.text(b.cells[0], false) // a full-width row: a note, a remark
			default:
				bld.question(stripQuestionPrefix(joinLines(b.cells[0])))
				for _, c := range b.cells[1:] {
					bld.text(c, true)
				}
			}
		case b.kind == headingBlock:
			bld.text([]string{b.text()}, false)
		default:
			if b.kind != paraBlock {
				bld.inNote = false // a note runs on over paragraphs only
			}
			lines, n := a.plainLines(idx, k)
			k += n - 1
			bld.text(lines, b.kind == descBlock && qaGroups[b.group])
		}
	}
	bld.flush()
	bld.endSection()
	if bld.questions == 0 {
		// Not an interview: keep the text, but as the page's intro, with
		// headings as lines of it.
		a.doc.Sections = nil
		a.doc.Intro = nil
		for k := 0; k < len(idx); k++ {
			lines, n := a.plainLines(idx, k)
			k += n - 1
			a.doc.Intro = append(a.doc.Intro, lines...)
		}
	}
}

// plainLines renders the block idx[k] as lines of text, and says how many
// blocks it used: a table row as "所属：人事課", a <dt> with its <dd> the
// same way, an in-page table of contents as nothing.
func (a *analysis) plainLines(idx []int, k int) ([]string, int) {
	b := &a.blocks[idx[k]]
	switch {
	case b.kind == rowBlock:
		return []string{rowText(b)}, 1
	case inPageLinks(b):
		return nil, 1 // a table of contents: <a href="#q1">…</a>
	case b.kind == termBlock && k+1 < len(idx):
		d := &a.blocks[idx[k+1]]
		if d.kind == descBlock && d.group == b.group {
			dl := d.lines()
			return append([]string{b.text() + "：" + dl[0]}, dl[1:]...), 2
		}
	}
	return b.lines(), 1
}

// headingLevels picks the section and question heading levels among the
// content's headings; 0 means none.
func (a *analysis) headingLevels(idx []int) (secLevel, qLevel int) {
	var count, qlike [7]int
	for _, i := range idx {
		b := &a.blocks[i]
		if b.kind == headingBlock {
			count[b.level]++
			if t := b.text(); questionLike(t) || (mayHavePrefix(t) && mayBeQuestionPrefix(t) && questionPrefix.MatchString(t)) {
				qlike[b.level]++
			}
		}
	}
	// Questions are at the level with the most question-like headings
	// among those where most are (the deeper on a tie); sections at the
	// nearest level above. Higher levels (a category above the people)
	// start sections too.
	for l := 1; l <= 6; l++ {
		if count[l] > 0 && 2*qlike[l] >= count[l] && qlike[l] >= qlike[qLevel] {
			qLevel = l
		}
	}
	top := 0
	for l := 1; l <= 6; l++ {
		if count[l] > 0 && top == 0 {
			top = l
		}
		if count[l] > 0 && (qLevel == 0 || l < qLevel) {
			secLevel = l
		}
	}
	if qLevel == 0 {
		secLevel = top
	}
	return secLevel, qLevel
}

// qaGroups returns the dl and table elements whose entries are questions:
// most first-column entries read as questions, or a header row says
// 質問 | 回答. A profile list (所属 / 入庁年) is not Q&A.
func (a *analysis) qaGroups(idx []int) map[*html.Node]bool {
	type tally struct{ n, q int }
	t := map[*html.Node]*tally{}
	header := map[*html.Node]bool{}
	for _, i := range idx {
		b := &a.blocks[i]
		var first string
		switch {
		case b.kind == termBlock:
			first = b.text()
		case b.kind == rowBlock && len(b.cells) == 2:
			if isHeaderRow(b) {
				header[b.group] = true
				continue
			}
			first = joinLines(b.cells[0])
		default:
			continue
		}
		if b.group == nil {
			continue
		}
		g := t[b.group]
		if g == nil {
			g = &tally{}
			t[b.group] = g
		}
		g.n++
		if questionLike(first) || (mayHavePrefix(first) && mayBeQuestionPrefix(first) && questionPrefix.MatchString(first)) {
			g.q++
		}
	}
	out := map[*html.Node]bool{}
	for n, g := range t {
		if header[n] || 2*g.q > g.n {
			out[n] = true
		}
	}
	return out
}

// isHeaderRow reports a 質問 | 回答 header row.
func isHeaderRow(b *block) bool {
	return len(b.cells) >= 2 && tableQuestionHeader.MatchString(Fold(joinLines(b.cells[0])))
}

// rowText renders a non-Q&A table row as a line: "所属：人事課" for a
// two-cell row, cells joined by " | " otherwise.
func rowText(b *block) string {
	parts := make([]string, 0, len(b.cells))
	for _, c := range b.cells {
		parts = append(parts, joinLines(c))
	}
	if len(parts) == 2 && parts[0] != "" && parts[1] != "" {
		return parts[0] + "：" + parts[1]
	}
	return strings.Join(parts, " | ")
}

// inPageLinks reports a block that is only links within the page or
// scripted controls: a table of contents, 前のページに戻る.
func inPageLinks(b *block) bool {
	if !linksOnly(b) {
		return false
	}
	for _, l := range b.links {
		if !strings.HasPrefix(l.href, "#") && !strings.HasPrefix(strings.ToLower(l.href), "javascript:") {
			return false
		}
	}
	return true
}

// linksOnly reports a block whose text is all link text.
func linksOnly(b *block) bool { return len(b.links) > 0 && b.linkLen >= b.textLen }

// navigation finds the blocks of the content that are navigation, not
// interview: a heading over nothing but links (カテゴリ, 関連リンク) up to
// the next heading of its level or higher, and links alone at the very end
// of the content (採用情報トップへ戻る). Links elsewhere stay: an answer or
// an intro may end with a link to an application form.
func (a *analysis) navigation(idx []int, qLevel int) map[int]bool {
	skip := map[int]bool{}
	isLinks := func(j int) bool { return linksOnly(&a.blocks[j]) }
	// endsSection reports whether position k (a heading or the end)
	// closes a section of level at most level.
	endsSection := func(k, level int) bool {
		return k == len(idx) || a.blocks[idx[k]].level <= level
	}
	for k := 0; k < len(idx); k++ {
		b := &a.blocks[idx[k]]
		if b.kind == headingBlock {
			if b.level == qLevel {
				continue
			}
			end := k + 1
			for end < len(idx) && a.blocks[idx[end]].kind != headingBlock {
				end++
			}
			if end == k+1 || !endsSection(end, b.level) {
				continue
			}
			all := true
			for _, j := range idx[k+1 : end] {
				all = all && isLinks(j)
			}
			if all {
				for _, j := range idx[k:end] {
					skip[j] = true
				}
			}
			continue
		}
		if !isLinks(idx[k]) || k == 0 || isLinks(idx[k-1]) {
			continue
		}
		end := k
		for end < len(idx) && a.blocks[idx[end]].kind != headingBlock && isLinks(idx[end]) {
			end++
		}
		if end == len(idx) {
			for _, j := range idx[k:end] {
				skip[j] = true
			}
		}
		k = end - 1
	}
	return skip
}

// mayHavePrefix is a cheap test before the prefix regexps: every Q, A and
// note prefix starts with one of these runes: Q A [ ( Ｑ 質 問 Ａ 回 答 【 （ ※.
// It compares bytes, the same test since a rune has one encoding:
// decoding the first rune called the runtime's decoder for each line
// (buildSections 40.3k → 36.3k instructions a Nerima page).
func mayHavePrefix(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case 'Q', 'A', '[', '(':
		return true
	}
	if len(s) < 3 {
		return false
	}
	switch uint32(s[0])<<16 | uint32(s[1])<<8 | uint32(s[2]) {
	case 0xEFBCB1, 0xE8B3AA, 0xE5958F, 0xEFBCA1, 0xE59B9E, 0xE7AD94, 0xE38090, 0xEFBC88, 0xE280BB: // Ｑ 質 問 Ａ 回 答 【 （ ※
		return true
	}
	return false
}

// mayBeQuestionPrefix and mayBeAnswerPrefix are a closer test, after
// mayHavePrefix, before the prefix regexps: a question prefix,
// bracketed or not, starts with Q, Ｑ, 質問 or 問 after its bracket and
// white space; an answer prefix with A, Ａ, 回答 or 答. (Notes had a
// test too, before notePrefixLen.) Most lines that start with a
// bracket are none (buildSections 66.8k → 55.7k instructions a Nerima
// page).
func mayBeQuestionPrefix(s string) bool {
	w := prefixWord(s)
	return strings.HasPrefix(w, "Q") || strings.HasPrefix(w, "Ｑ") || strings.HasPrefix(w, "質問") || strings.HasPrefix(w, "問")
}

func mayBeAnswerPrefix(s string) bool {
	w := prefixWord(s)
	return strings.HasPrefix(w, "A") || strings.HasPrefix(w, "Ａ") || strings.HasPrefix(w, "回答") || strings.HasPrefix(w, "答")
}

// prefixWord returns s after the opening bracket ([【\[(（]) and the
// white space (sp*) that may start a question or answer prefix.
func prefixWord(s string) string {
	switch {
	case strings.HasPrefix(s, "【"), strings.HasPrefix(s, "（"):
		s = s[len("【"):]
	case strings.HasPrefix(s, "["), strings.HasPrefix(s, "("):
		s = s[1:]
	}
	return s[labelSpaces(s):]
}

func stripQuestionPrefix(s string) string {
	if !mayHavePrefix(s) || !mayBeQuestionPrefix(s) {
		return s
	}
	if loc := questionPrefix.FindStringIndex(s); loc != nil && loc[1] < len(s) {
		return s[loc[1]:]
	}
	if loc := bracketQuestion.FindStringIndex(s); loc != nil && loc[1] < len(s) {
		return s[loc[1]:]
	}
	return s
}

func answerText(s string) (string, bool) {
	if !mayHavePrefix(s) || !mayBeAnswerPrefix(s) {
		return s, false
	}
	if loc := answerPrefix.FindStringIndex(s); loc != nil {
		return s[loc[1]:], true
	}
	if loc := bracketAnswer.FindStringIndex(s); loc != nil {
		return s[loc[1]:], true
	}
	return s, false
}

// builder accumulates sections and Q&A in page order.
type builder struct {
	doc       *Document
	sec       *Section
	qa        *QA
	inNote    bool
	questions int

	// The intros and answers are filled one at a time, in page order:
	// the lines of the one being filled (list) are lines[from:], and
	// flush gives it them, at their final size, when another is begun.
	// Appending each line to its own list grew slices 30 times a
	// Nerima page (buildSections 79.5k → 70.5k instructions).
	lines []string
	list  *[]string
	from  int
	// The same for the Q&A of the sections: the open section's are
	// qas[qaFrom:], given to it by endSection (12 growths fewer,
	// buildSections 70.5k → 66.8k instructions a Nerima page).
	qas    []QA
	qaFrom int
}

// add adds line l to list.
func (b *builder) add(list *[]string, l string) {
	if list != b.list {
		b.flush()
		b.list, b.from = list, len(b.lines)
	}
	b.lines = append(b.lines, l)
}

// flush gives the list being filled its lines. It must run before
// Sections or a section's QA grow, which moves the list.
func (b *builder) flush() {
	if b.list == nil {
		return
	}
	if n := len(b.lines); *b.list == nil {
		// Its own capacity: appending to it cannot overwrite the next.
		*b.list = b.lines[b.from:n:n]
	} else {
		*b.list = append(*b.list, b.lines[b.from:]...)
	}
	b.list = nil
}

// endSection gives the open section its Q&A. It must run before
// Sections grow, which moves the section.
func (b *builder) endSection() {
	if n := len(b.qas); b.sec != nil && n > b.qaFrom {
		b.sec.QA = b.qas[b.qaFrom:n:n]
	}
}

func (b *builder) section(heading string) {
	b.flush()
	b.endSection()
	b.doc.Sections = append(b.doc.Sections, Section{Heading: heading})
	b.sec = &b.doc.Sections[len(b.doc.Sections)-1]
	b.qaFrom = len(b.qas)
	b.qa, b.inNote = nil, false
}

func (b *builder) question(q string) {
	if b.sec == nil {
		b.section("")
	}
	b.flush()
	b.qas = append(b.qas, QA{Question: q})
	b.qa = &b.qas[len(b.qas)-1]
	b.inNote = false
	b.questions++
}

// text places lines of text: Q./A. prefixes start questions and answers,
// 【注】 starts a note, the rest goes to the open answer, note or intro.
// answer says the lines are an answer whatever their prefix (a <dd>).
func (b *builder) text(lines []string, answer bool) {
	for _, l := range lines {
		prefixed := mayHavePrefix(l)
		if !answer && prefixed && mayBeQuestionPrefix(l) {
			if loc := questionPrefix.FindStringIndex(l); loc != nil && loc[1] < len(l) {
				b.question(l[loc[1]:])
				continue
			}
			if loc := bracketQuestion.FindStringIndex(l); loc != nil && loc[1] < len(l) {
				b.question(l[loc[1]:])
				continue
			}
		}
		if b.qa == nil {
			b.intro(l)
			continue
		}
		if n := notePrefixLen(l, prefixed); n >= 0 {
			b.inNote = true
			b.qa.Notes = append(b.qa.Notes, "")
			l = l[n:]
			if l == "" {
				continue
			}
		}
		if b.inNote {
			n := &b.qa.Notes[len(b.qa.Notes)-1]
			if *n != "" {
				*n += "\n"
			}
			*n += l
			continue
		}
		if t, ok := answerText(l); ok {
			if t == "" {
				continue
			}
			l = t
		}
		b.add(&b.qa.Answer, l)
	}
}

// notePrefixLen returns the length of the note prefix (notePrefix) l
// starts with, or -1; prefixed is mayHavePrefix(l). It reads the prefix
// by hand: its digits and white space are followed by neither, so
// taking them whole finds the regexp's match (which cost 2k
// instructions a note; buildSections 44.3k → 40.3k instructions a
// Nerima page; TestPrefixPrefiltersAgreeWithRegexps).
func notePrefixLen(l string, prefixed bool) int {
	if !prefixed {
		return -1
	}
	var closers []string // one of which must follow the digits
	switch {
	case strings.HasPrefix(l, "【注"):
		closers = []string{"】"}
	case strings.HasPrefix(l, "（注"), strings.HasPrefix(l, "(注"):
		closers = []string{"）", ")"}
	case strings.HasPrefix(l, "※注"):
	default:
		return -1
	}
	i := strings.Index(l, "注") + len("注")
	n, _ := ddRun(l[i:], len(l))
	i += n
	if closers == nil {
		// ※注: an optional colon or full stop.
		for _, c := range []string{":", "：", ".", "．"} {
			if strings.HasPrefix(l[i:], c) {
				i += len(c)
				break
			}
		}
	} else {
		closed := false
		for _, c := range closers {
			if strings.HasPrefix(l[i:], c) {
				i, closed = i+len(c), true
				break
			}
		}
		if !closed {
			return -1
		}
	}
	return i + asciiSpaces(l[i:])
}

func (b *builder) intro(l string) {
	if b.sec != nil {
		b.add(&b.sec.Intro, l)
		return
	}
	b.add(&b.doc.Intro, l)
}
