package extract

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The fast paths of the hot loops must agree with the plain code they
// replace, on valid and invalid UTF-8 alike.

// cases is how many random cases a differential test checks: n, or a
// tenth of it under the race detector (raceEnabled).
func cases(n int) int {
	if raceEnabled {
		return n / 10
	}
	return n
}

// fragments are the pieces random test strings are made of: blanks of
// every kind, kana and kanji, their bytes split apart, and stray bytes.
var fragments = []string{
	" ", "\t", "\n", "\r", "\f", "\v", "\u0085", "\u00a0", "\u1680", "\u2000", "\u200a", "\u2028", "\u205f", "\u3000",
	"a", "Z", "0", "-", "あ", "ア", "漢", "、", "。", "〜", "©", "é", "𠮷", "\ufffd", "\uffef",
	"\xc2", "\xa0", "\x80", "\xe3", "\xe3\x80", "\xe2\x80", "\xe4\xb8", "\xed\xa0\x80", "\xff", "\x00",
}

func randomText(r *rand.Rand) string { return randomPieces(r, 24, fragments) }

// randomPieces joins fewer than n of pieces, picked at random.
func randomPieces(r *rand.Rand, n int, pieces []string) string {
	return randomJoin(r, n, func() string { return pieces[r.IntN(len(pieces))] })
}

// randomJoin joins fewer than n strings, each of pick's choosing.
func randomJoin(r *rand.Rand, n int, pick func() string) string {
	var b strings.Builder
	for k := r.IntN(n); k > 0; k-- {
		b.WriteString(pick())
	}
	return b.String()
}

func TestTrimBlankAgreesWithTrimFunc(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := trimLeftBlank(s), strings.TrimLeftFunc(s, isBlank); got != want {
			t.Fatalf("trimLeftBlank(%q) = %q, want %q", s, got, want)
		}
		if got, want := trimRightBlank(s), strings.TrimRightFunc(s, isBlank); got != want {
			t.Fatalf("trimRightBlank(%q) = %q, want %q", s, got, want)
		}
		if got, want := trimBlank(s), strings.TrimFunc(s, isBlank); got != want {
			t.Fatalf("trimBlank(%q) = %q, want %q", s, got, want)
		}
	}
	for r := rune(0); r <= utf8.MaxRune; r++ {
		check(string(r))
		check("x" + string(r) + "x")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200000 {
		check(randomText(rng))
	}
}

func TestIndexHTMLSpaceAgreesWithByteLoop(t *testing.T) {
	want := func(s string) int {
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case ' ', '\t', '\n', '\r', '\f':
				return i
			case 0xC2:
				if i+1 < len(s) && s[i+1] == 0xA0 {
					return i
				}
			}
		}
		return -1
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 200000 {
		// One to four random texts: long ones pass through the loop of
		// sixteen bytes, the loop of eight and the loop of one.
		s := randomText(rng)
		for n := rng.IntN(4); n > 0; n-- {
			s += strings.Repeat("漢", rng.IntN(8)) + randomText(rng)
		}
		if got := indexHTMLSpace(s); got != want(s) {
			t.Fatalf("indexHTMLSpace(%q) = %d, want %d", s, got, want(s))
		}
	}
	// Each byte, with and without a 0xA0 after it, and with a second
	// such pair after it (a byte that flags falsely, then a space), at
	// each place of the words of sixteen and eight bytes.
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 40; pos++ {
			for _, rest := range []string{"\xa0", "", "\v\xa0", "\xc2\xa0", "\xc2\x0b\t"} {
				for _, tail := range []string{"", "x", strings.Repeat("x", 9), strings.Repeat("x", 17)} {
					s := strings.Repeat("漢", 14)[:pos] + string([]byte{byte(c)}) + rest + tail
					if got := indexHTMLSpace(s); got != want(s) {
						t.Fatalf("indexHTMLSpace(%q) = %d, want %d", s, got, want(s))
					}
				}
			}
		}
	}
}

func TestAppendFoldAgreesWithFold(t *testing.T) {
	// Fold takes appendFold's result where it can: the oracle is the
	// definition, NFKC rune by rune.
	check := func(s string) {
		t.Helper()
		if got, ok := appendFold(nil, s); ok && string(got) != foldRuneByRune(s) {
			t.Fatalf("appendFold(%q) = %q, NFKC gives %q", s, got, foldRuneByRune(s))
		}
		if got, want := Fold(s), foldRuneByRune(s); got != want && utf8.ValidString(s) {
			t.Fatalf("Fold(%q) = %q, NFKC gives %q", s, got, want)
		}
	}
	for r := rune(0); r <= utf8.MaxRune; r++ {
		check(string(r))
		check("漢 " + string(r) + " x")
	}
	rng := rand.New(rand.NewPCG(7, 8))
	extra := []string{"〜", "−", "ｶ", "ﾞ", "か\u3099", "Ａ", "Ａ\u0301", "（", "？\u3099", "～", "①", "㍻", "\xe5\x80"}
	for range 200000 {
		s := randomText(rng)
		if rng.IntN(4) == 0 {
			s += extra[rng.IntN(len(extra))]
		}
		check(s)
	}
	// The common text takes the fast path.
	for _, s := range []string{"志望動機を教えてください。 Q1 ページ　番号\u00a0", "区を選んだ理由は？（キャリア形成）：ＡＢＣ", "8時30分〜17時15分（土日−祝日を除く）"} {
		if _, ok := appendFold(nil, s); !ok {
			t.Errorf("%q missed the fast path", s)
		}
	}
}

func TestCaselessAgreesWithToLower(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if s := string(r) + "あ"; caseless(s) && strings.ToLower(s) != s {
			t.Fatalf("caseless(%q) but ToLower changes it", s)
		}
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for range 200000 {
		if s := randomText(rng); caseless(s) && strings.ToLower(s) != s {
			t.Fatalf("caseless(%q) but ToLower gives %q", s, strings.ToLower(s))
		}
	}
}

func TestWordSetAgreesWithContainsAny(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for range 100000 {
		s := randomText(rng)
		if rng.IntN(2) == 0 {
			w := questionWords[rng.IntN(len(questionWords))]
			i := rng.IntN(len(s) + 1)
			s = s[:i] + w[:rng.IntN(len(w)+1)] + s[i:]
		}
		if got, want := questionWordSet.in(s), containsAny(s, questionWords); got != want {
			t.Fatalf("questionWordSet.in(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestCaseFoldedLabelStarts checks the claim behind phoneLabel's and
// faxLabel's foldStarts: (?i) folds nothing but ASCII case into these
// letters.
func TestCaseFoldedLabelStarts(t *testing.T) {
	for _, c := range "telfax" {
		for r := unicode.SimpleFold(c); r != c; r = unicode.SimpleFold(r) {
			if r != unicode.ToUpper(c) {
				t.Errorf("%q folds to %q", c, r)
			}
		}
	}
}

// TestLabelRegexpsAgreeWithPlainSearch checks the searches that start at
// a label's first word against the plain regexps, and dateAt against
// dateAtStart, on lines made of labels, dates and noise.
func TestLabelRegexpsAgreeWithPlainSearch(t *testing.T) {
	pieces := []string{"TEL", "tel.", "Tel", "FAX", "Fax：", "電話", "電話番号", "ファクス", "ファックス・", "ファクシミリ", "☎", "℡", "（代表）", "・", "／", "03-1234-5678", "ページ番号", "ページＩＤ", "記事ID", "ページ", "記事", "最終更新日時", "最終更新", "更新日", "更新", "最終", "掲載開始日",
		"公開日", "作成日", "登録日", "掲載", "：", ":", "　", " ", "2021年2月2日", "令和3年2月2日", "R3.2.2", "㍻31年4月30日", "８５５－６００",
		"855-600", "（火曜日）", "10時30分", "あ", "x", "-", "\xe3",
		// For the hand-written matchers: every character their classes
		// and words are made of.
		"\u00a0", "\t", "\n", "\r", "\f", "\v", "時", "日", "公開開始日", "ID", "ＩＤ", "番号", "Ａ", "ｚ", "ー", "−", "‐", "－", "A", "z", "0", "９",
		"(", ")", "（", "）", ".", "．", "/", "fax", "FaX", "tEl", "ファ", "ファクシミリ番号", "・ファクス", "/fax", "（代表電話番号へ）", "(内線123)", "（）", "（ab"}
	rng := rand.New(rand.NewPCG(13, 14))
	for range cases(100000) {
		s := randomPieces(rng, 8, pieces)
		for _, re := range []labelRegexp{pageNumberRe, updatedLabel, publishedLabel, phoneLabel, faxLabel} {
			if got, want := re.FindAllStringIndex(s, -1), re.Regexp.FindAllStringIndex(s, -1); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%v FindAllStringIndex(%q) = %v, want %v", re, s, got, want)
			}
			for _, n := range []int{-1, 1, 4} {
				var got [][]int
				for start, end := range re.matches(s, n) {
					got = append(got, []int{start, end})
				}
				if want := re.Regexp.FindAllStringIndex(s, n); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("%v matches(%q, %d) = %v, want %v", re, s, n, got, want)
				}
			}
			if got, want := re.FindStringIndex(s), re.Regexp.FindStringIndex(s); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%v FindStringIndex(%q) = %v, want %v", re, s, got, want)
			}
			if got, want := re.FindStringSubmatch(s), re.Regexp.FindStringSubmatch(s); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%v FindStringSubmatch(%q) = %q, want %q", re, s, got, want)
			}
			if got, want := re.ReplaceAllString(s, ""), re.Regexp.ReplaceAllString(s, ""); got != want {
				t.Fatalf("%v ReplaceAllString(%q) = %q, want %q", re, s, got, want)
			}
		}
		if got, want := dateAt(s), dateAtStart.FindString(s); got != want {
			t.Fatalf("dateAt(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestMarkerAndCrumbPrefiltersAgreeWithContains(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	words := []string{"ここ", "本文", "こ", "本", "文", "\x93\xe3\x81\x93", "Crumb", "PANKUZU", "topic_Path", "topic-path", "TopicPath", "bread", "K", "\u212a", "İ"}
	for range cases(200000) {
		s := randomText(rng)
		for n := rng.IntN(3); n > 0; n-- {
			i := rng.IntN(len(s) + 1)
			s = s[:i] + words[rng.IntN(len(words))] + s[i:]
		}
		if got, want := mayHoldMarker(s), strings.Contains(s, "ここ") || strings.Contains(s, "本文"); got != want {
			t.Fatalf("mayHoldMarker(%q) = %v, want %v", s, got, want)
		}
		for _, heading := range []bool{false, true} {
			for _, inSection := range []bool{false, true} {
				if got, want := classifyWords(s, inSection, heading), classifyWordsPlain(s, inSection, heading); got != want {
					t.Fatalf("classifyWords(%q, %v, %v) = %v, want %v", s, inSection, heading, got, want)
				}
			}
		}
	}
}

// classifyWordsPlain is classifyWords as first written: a breadcrumb
// class searched for in the lower-cased value, then each word taken by
// nextWordOracle and lower-cased.
func classifyWordsPlain(v string, inSection, heading bool) role {
	for _, cl := range crumbClasses {
		if strings.Contains(strings.ToLower(v), cl) {
			return roleCrumb
		}
	}
	if heading {
		return 0
	}
	var r role
	var siteEnd, ofContent bool
	for rest := v; ; {
		var word string
		if word, rest = nextWordOracle(rest); word == "" {
			break
		}
		w := strings.ToLower(word)
		switch {
		case contactWord(w):
			r |= roleContact
		case boilerWord(w):
			r |= roleBoiler
		case w == "header" || w == "footer" || w == "head" || w == "foot":
			siteEnd = true
		case contentWord(w):
			ofContent = true
		case len(w) > 3 && (strings.HasSuffix(w, "navi") || strings.HasSuffix(w, "nav") || strings.HasSuffix(w, "menu")):
			r |= roleBoiler
		}
	}
	if siteEnd && !ofContent && !inSection {
		r |= roleBoiler
	}
	return r
}

// nextWordOracle returns the first word of an id or class list, as
// written, and the rest of the list after it, as nextWord did before
// classifyWords split the words in its one pass.
func nextWordOracle(v string) (word, rest string) {
	start := -1
	prevLower := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		lower, upper, digit := 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9'
		alnum := lower || upper || digit
		if start >= 0 && (!alnum || (upper && prevLower)) {
			return v[start:i], v[i:]
		}
		if alnum && start < 0 {
			start = i
		}
		prevLower = lower || digit
	}
	if start >= 0 {
		return v[start:], ""
	}
	return "", ""
}

// TestClassifyWordsAgreesWithPlain checks classifyWords's one pass
// against classifyWordsPlain: on random lists of the words it looks
// for, in any case, cut, glued or camelCased, with separators, non-ASCII
// and the letters Unicode folds to ASCII (K, ſ, İ); and on every id and
// class of the fixtures.
func TestClassifyWordsAgreesWithPlain(t *testing.T) {
	seen := map[role]int{}
	check := func(v string) {
		t.Helper()
		for _, heading := range []bool{false, true} {
			for _, inSection := range []bool{false, true} {
				got, want := classifyWords(v, inSection, heading), classifyWordsPlain(v, inSection, heading)
				if got != want {
					t.Fatalf("classifyWords(%q, %v, %v) = %v, want %v", v, inSection, heading, got, want)
				}
				seen[want]++
			}
		}
	}
	words := []string{"crumb", "pankuzu", "topicpath", "topic-path", "topic_path", "topic", "path", "bread", "pan",
		"inquiry", "contact", "toiawase", "nav", "navi", "menu", "gnavi", "submenu", "side", "skip", "logo",
		"header", "footer", "head", "foot", "content", "contents", "main", "page", "title", "body",
		"tmp", "box", "x", "1", "\u212a", "\u017f", "\u0130", "あ", "\xe3", "\xff"}
	seps := []string{"", "", "", " ", "_", "-", "\t", ".", "\u00a0"}
	rng := rand.New(rand.NewPCG(25, 26))
	for range 200000 {
		var b strings.Builder
		for n := rng.IntN(5); n > 0; n-- {
			w := words[rng.IntN(len(words))]
			switch rng.IntN(6) {
			case 0:
				w = strings.ToUpper(w)
			case 1:
				w = strings.ToUpper(w[:1]) + w[1:]
			case 2:
				w = w[:rng.IntN(len(w)+1)] // cut, maybe mid-rune
			}
			b.WriteString(w)
			b.WriteString(seps[rng.IntN(len(seps))])
		}
		check(b.String())
	}
	for _, v := range []string{"PAN\u212aUZU", "breadCrumb", "BreadCrumbs", "mainContents", "siteHeader", "content_header",
		"globalNavi", "GNAVI", "a-very-long-class-name-with-many-words-and-a-footer-at-its-end", strings.Repeat("Header", 20)} {
		check(v)
	}
	for _, f := range fixtures(t) {
		doc, err := html.Parse(bytes.NewReader(f.body))
		if err != nil {
			continue
		}
		for n := range doc.Descendants() {
			for _, a := range n.Attr {
				if a.Key == "id" || a.Key == "class" {
					check(a.Val)
				}
			}
		}
	}
	if seen[roleCrumb] < 1000 || seen[roleBoiler] < 1000 || seen[roleContact] < 1000 || seen[0] < 1000 {
		t.Fatalf("roles seen %v: the test proves little", seen)
	}
}

// TestHoldsMetaKeyAgreesWithContainsAny checks holdsMetaKey against
// containsAny(s, metaKeys): on random text with labels, cut labels and
// characters that share a label character's second and third bytes
// inserted, at every alignment to its eight-byte reads; and on every
// line of the fixtures.
func TestHoldsMetaKeyAgreesWithContainsAny(t *testing.T) {
	check := func(s string) bool {
		t.Helper()
		want := containsAny(s, metaKeys)
		if got := holdsMetaKey(s); got != want {
			t.Fatalf("holdsMetaKey(%q) = %v, want %v", s, got, want)
		}
		return want
	}
	// Pieces: the labels; their first characters and what may follow
	// them; look-alikes, with a label character's second and third bytes
	// after another first byte (囲 is E5 9B B4, 更 E6 9B B4), or its first
	// and second bytes before another third byte.
	pieces := append([]string{"更", "掲", "公", "作", "登", "ペ", "記", "新", "載", "開", "成日", "録日", "ージ", "事", "ー", "ジ",
		"\xe5\x9b\xb4", "\xe7\x8e\xb2", "\xe4\x85\xac", "\xe5\xbd\x9c", "\xe6\x99\xbb", "\xe4\x83\x9a", "\xe7\xa8\x98",
		"\xe6\x9b\xb5", "\xe3\x83\x9b", "\xe8\xa8\x99", "あ", "漢字", "a", "12", "：", " "}, metaKeys...)
	rng := rand.New(rand.NewPCG(17, 18))
	found := 0
	for range 200000 {
		s := randomText(rng)
		for n := rng.IntN(4); n > 0; n-- {
			p := pieces[rng.IntN(len(pieces))]
			if rng.IntN(8) == 0 {
				p = p[:rng.IntN(len(p)+1)] // cut, maybe mid-character
			}
			i := rng.IntN(len(s) + 1)
			s = s[:i] + p + s[i:]
		}
		if check(s) {
			found++
		}
	}
	// Each label alone and in kanji text, at each of eight alignments.
	for _, k := range metaKeys {
		for pad := range 8 {
			for _, around := range []string{"", "漢字漢字漢字", "あいうえおかきくけこ"} {
				check(strings.Repeat("x", pad) + around + k + around)
				check(strings.Repeat("x", pad) + around + k[:len(k)-1] + around)
			}
		}
	}
	for _, l := range fixtureTexts(t) {
		if check(l) {
			found++
		}
	}
	if found < 1000 {
		t.Fatalf("only %d texts hold a label; the test proves little", found)
	}
}

// TestOnlyToiFoldsToToi checks mayFoldToToi: Fold(s) holds 問 only when
// s holds 問 or ㉄. No other rune folds to a text that holds it, and
// folding does not join bytes into one (it drops white space, but
// between runes: an invalid byte becomes U+FFFD).
func TestOnlyToiFoldsToToi(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if strings.Contains(Fold(s), "問") && !mayFoldToToi(s) {
			t.Fatalf("Fold(%q) = %q holds 問; mayFoldToToi says it cannot", s, Fold(s))
		}
	}
	for r := rune(0); r <= utf8.MaxRune; r++ {
		check(string(r))
		check("あ" + string(r))
	}
	// 問 is E5 95 8F: its bytes apart, with white space between.
	pieces := []string{"問", "㉄", "\xe5", "\x95", "\x8f", "\xe5\x95", "\x95\x8f", " ", "\u3000", "\t", "い合わせ", "お", "Ａ", "\u0301", "\uf9a8"}
	rng := rand.New(rand.NewPCG(19, 20))
	for range 100000 {
		s := randomPieces(rng, 8, pieces)
		check(s)
		check(randomText(rng) + s)
	}
}

// TestInspectAgreesWithStdlib checks the SIMD validation inspect uses
// against unicode/utf8 and a byte loop, on bodies long enough for its
// vector path (32 bytes and up) and with every kind of bad sequence:
// stray continuation bytes, overlong forms, surrogates, code points past
// U+10FFFF and sequences cut short, at every position.
func TestInspectAgreesWithStdlib(t *testing.T) {
	bad := []string{"\xc0\xaf", "\xe0\x80\xaf", "\xf0\x80\x80\xaf", "\xf4\x90\x80\x80", "\xf0\x9f\x98", "\xed\xbf\xbf", "\xf8\x88\x80\x80\x80"}
	ascii := func(b []byte) bool {
		for _, c := range b {
			if c >= 0x80 {
				return false
			}
		}
		return true
	}
	check := func(b []byte) {
		t.Helper()
		info := inspect(b)
		if got, want := info.validUTF8, utf8.Valid(b); got != want {
			t.Fatalf("inspect(%q).validUTF8 = %v, want %v", b, got, want)
		}
		if got, want := info.ascii, ascii(b); got != want {
			t.Fatalf("inspect(%q).ascii = %v, want %v", b, got, want)
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 100000 {
		var b strings.Builder
		for n := rng.IntN(8); n > 0; n-- {
			b.WriteString(randomText(rng))
			if rng.IntN(8) == 0 {
				b.WriteString(bad[rng.IntN(len(bad))])
			}
		}
		check([]byte(b.String()))
	}
	// One bad sequence at each position of a long valid body.
	body := []byte(strings.Repeat("<p>練馬区の職員 abc</p>\n", 8))
	for _, s := range bad {
		for at := range len(body) {
			check(append(append(append([]byte{}, body[:at]...), s...), body[at:]...))
		}
	}
}

// TestLabelMatcherPrefixWords checks labelMatcher against its regexp when
// one word is a prefix of another (ページ, ページ番号) and only the longer
// one is followed by a value: the regexp takes the first word that leads
// to a match, not the first that fits.
func TestLabelMatcherPrefixWords(t *testing.T) {
	for _, words := range [][]string{{"ページ", "ページ番号"}, {"ページ番号", "ページ"}} {
		var lw []labelWord
		for _, w := range words {
			lw = append(lw, labelWord{word: w})
		}
		re := labelRegexp{regexp.MustCompile(`(?:` + strings.Join(words, "|") + `)` + sp + `*[:：]?` + sp + `*([0-9０-９A-Za-zＡ-Ｚａ-ｚ][0-9０-９A-Za-zＡ-Ｚａ-ｚ\-－‐−ー]*)`),
			[]string{"ページ"}, nil, &labelMatcher{words: lw, value: true}}
		pieces := []string{"ページ", "番号", "ページ番号", "：", " ", "855", "-", "x", "あ"}
		rng := rand.New(rand.NewPCG(17, 18))
		for range 20000 {
			s := randomPieces(rng, 7, pieces)
			if got, want := re.FindStringSubmatch(s), re.Regexp.FindStringSubmatch(s); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%v FindStringSubmatch(%q) = %q, want %q", words, s, got, want)
			}
		}
	}
}

// structuralMarkerPlain is structuralMarker as first written.
func structuralMarkerPlain(s string, maxRunes int) (kind int, ok bool) {
	s = strings.TrimFunc(s, func(r rune) bool {
		return strings.ContainsRune("-=▲▼△▽■□◆◇*/!", r) || isBlank(r)
	})
	if s == "" || utf8.RuneCountInString(s) > maxRunes {
		return 0, false
	}
	for _, m := range []string{"本文ここから", "ここから本文", "本文開始", "本文はここから"} {
		if strings.Contains(s, m) {
			return 1, true
		}
	}
	for _, m := range []string{"本文ここまで", "ここまで本文", "本文終了", "本文はここまで"} {
		if strings.Contains(s, m) {
			return -1, true
		}
	}
	t := strings.TrimSuffix(strings.TrimRight(s, "。."), "です")
	for _, edge := range []string{"ここから", "ここまで"} {
		if region, ok := strings.CutSuffix(t, edge); ok && isRegionName(region) {
			return 0, true
		}
		if region, ok := strings.CutPrefix(t, edge); ok && isRegionName(region) {
			return 0, true
		}
	}
	return 0, false
}

// TestStructuralMarkerAgreesWithPlain checks structuralMarker against
// structuralMarkerPlain, and the claims the walk's prefilters rest on:
// a marker holds ここ or 本文 (mayHoldMarker), and a content marker 本文
// (the test of comments). On random strings of marker pieces, edges,
// blanks and stray bytes, and on every text and comment of the fixtures.
func TestStructuralMarkerAgreesWithPlain(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		want := strings.ContainsRune("-=▲▼△▽■□◆◇*/!", r) || isBlank(r)
		if got := isMarkerEdge(r); got != want {
			t.Fatalf("isMarkerEdge(%q) = %v, want %v", r, got, want)
		}
	}
	seen := map[int]int{}
	check := func(s string) {
		t.Helper()
		for _, maxRunes := range []int{25, 40} {
			k, ok := structuralMarker(s, maxRunes)
			wk, wok := structuralMarkerPlain(s, maxRunes)
			if k != wk || ok != wok {
				t.Fatalf("structuralMarker(%q, %d) = %d, %v; want %d, %v", s, maxRunes, k, ok, wk, wok)
			}
			if ok && !strings.Contains(s, "ここ") && !strings.Contains(s, "本文") {
				t.Fatalf("structuralMarker(%q) = %d, true: a marker without ここ or 本文", s, k)
			}
			if k != 0 && !strings.Contains(s, "本文") {
				t.Fatalf("structuralMarker(%q) = %d: a content marker without 本文", s, k)
			}
			if ok {
				seen[k]++
			}
		}
	}
	pieces := []string{"本文", "ここから", "ここまで", "本文ここから", "ここまで本文", "本文開始", "本文終了", "はここから", "は",
		"サイト", "サブ", "メニュー", "ナビ", "フッター", "ヘッダー", "エリア", "です", "。", ".", "．", "、",
		"▼", "▲", "■", "-", "=", "*", "/", "!", " ", "　", "\u00a0", "\u2003", "\xe3", "\xe3\x80", "\x82", "あ", "x"}
	rng := rand.New(rand.NewPCG(27, 28))
	for range 200000 {
		var b strings.Builder
		for n := rng.IntN(7); n > 0; n-- {
			p := pieces[rng.IntN(len(pieces))]
			if rng.IntN(10) == 0 {
				p = p[:rng.IntN(len(p)+1)] // cut, maybe mid-rune
			}
			b.WriteString(p)
		}
		check(b.String())
	}
	for _, f := range fixtures(t) {
		doc, err := html.Parse(bytes.NewReader(f.body))
		if err != nil {
			continue
		}
		for n := range doc.Descendants() {
			if n.Type == html.TextNode || n.Type == html.CommentNode {
				check(n.Data)
			}
		}
	}
	if seen[1] < 1000 || seen[-1] < 1000 || seen[0] < 1000 {
		t.Fatalf("markers seen %v: the test proves little", seen)
	}
}

// TestContainerRankNeedsIDOrRole checks the claim that lets the walk skip
// containerRank: without an id or a role, only <main> and <article> rank.
func TestContainerRankNeedsIDOrRole(t *testing.T) {
	ranked := 0
	for off := 0; off < 1<<12; off++ {
		for n := 1; n < 32; n++ {
			a := atom.Atom(off<<8 | n)
			if atom.Lookup([]byte(a.String())) != a {
				continue
			}
			rank := containerRank(a, &elementAttrs{})
			if rank >= 0 {
				ranked++
			}
			if rank >= 0 && a != atom.Main && a != atom.Article {
				t.Fatalf("containerRank(%v) = %d without an id or a role", a, rank)
			}
		}
	}
	if ranked != 2 {
		t.Fatalf("%d elements rank without an id or a role, want 2 (main, article)", ranked)
	}
}

// TestCrumbAriaLabelAgreesWithToLower: crumbAriaLabel reads a label as
// the former code did after strings.ToLower.
func TestCrumbAriaLabelAgreesWithToLower(t *testing.T) {
	plain := func(s string) bool {
		v := strings.ToLower(s)
		return strings.Contains(v, "パンくず") || strings.Contains(v, "現在位置") || strings.Contains(v, "breadcrumb") || strings.Contains(v, "現在地")
	}
	// Only ASCII lower-cases to a letter of "breadcrumb".
	for r := rune(utf8.RuneSelf); r <= unicode.MaxRune; r++ {
		if l := strings.ToLower(string(r)); strings.ContainsAny(l, "breadcum") {
			t.Fatalf("%U lower-cases to %q", r, l)
		}
	}
	pieces := []string{"bread", "BREAD", "Bread", "crumb", "CRUMB", "Crumb", "crum", "B", "パン", "くず", "現在", "位置", "地", "\u212a", "\u0130", "\xe3\x83"}
	rng := rand.New(rand.NewPCG(13, 14))
	pick := func() string {
		if rng.IntN(2) == 0 {
			return pieces[rng.IntN(len(pieces))]
		}
		return fragments[rng.IntN(len(fragments))]
	}
	for range cases(200000) {
		if s := randomJoin(rng, 8, pick); crumbAriaLabel(s) != plain(s) {
			t.Fatalf("crumbAriaLabel(%q) = %v, want %v", s, crumbAriaLabel(s), plain(s))
		}
	}
	for _, s := range []string{"パンくずリスト", "BreadCrumb navigation", "現在地", "現在位置：", "ページ内メニュー"} {
		if crumbAriaLabel(s) != plain(s) {
			t.Errorf("crumbAriaLabel(%q) = %v", s, crumbAriaLabel(s))
		}
	}
}
