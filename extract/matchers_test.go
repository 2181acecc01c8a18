package extract

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// The regexps the matchers of matchers.go replace, kept as their oracle.
var (
	// regionName matches what CMS region markers call the page's regions.
	regionName   = regexp.MustCompile(`^(?:サイト|グローバル|ローカル|サブ|メイン|共通)?(?:メニュー|ナビ|ナビゲーション|フッター|ヘッダー|ヘッダ|フッタ|サイドバー|サイド|コンテンツ|パンくず|パンくずリスト|リンク|検索|バナー|カテゴリ|関連情報|関連リンク|お知らせ|ページ|情報)(?:エリア|領域|部分)?(?:は)?$`)
	formLinkText = regexp.MustCompile(`メール|フォーム|問い?合わ?せ|問合せ`)
	// Link text beside a department name that is not part of it.
	orgLinkText = regexp.MustCompile(`^(?:組織詳細|組織|所在地|地図|アクセス|詳細|案内|ホームページ)(?:へ|を見る|はこちら|情報)?$`)
	// The digits of a western date, once NFKC-normalised.
	parseWestern = regexp.MustCompile(`^(\d{4})\s*(?:[/.\-‐]|年)\s*(\d{1,2})\s*(?:[/.\-‐]|月)\s*(\d{1,2})`)
	// A phone or fax number after its label.
	phoneNumber = regexp.MustCompile(`^[0-9０-９][0-9０-９\-－‐ー−()（） ]{4,}[0-9０-９]`)
)

// TestMatchersAgreeWithRegexps runs each hand-written matcher and the
// regexp it replaces on the same texts: every word of the regexp's
// alternations, their combinations, and random mixtures with noise.
func TestMatchersAgreeWithRegexps(t *testing.T) {
	cases := []struct {
		name  string
		fn    func(string) bool
		re    func(string) bool
		words []string
	}{
		// The words are the regexps' own, written out again here, so that
		// a word missing from a matcher's lists shows.
		{"regionName", isRegionName, regionName.MatchString, strings.Fields(`サイト グローバル ローカル サブ メイン 共通
			メニュー ナビ ナビゲーション フッター ヘッダー ヘッダ フッタ サイドバー サイド コンテンツ パンくず パンくずリスト
			リンク 検索 バナー カテゴリ 関連情報 関連リンク お知らせ ページ 情報 エリア 領域 部分 は ここから です サ ナ`)},
		{"orgLinkText", isOrgLinkText, orgLinkText.MatchString, strings.Fields(`組織詳細 組織 所在地 地図 アクセス 詳細 案内 ホームページ
			へ を見る はこちら 情報 組 を 詳`)},
		{"formLinkText", isFormLinkText, formLinkText.MatchString, strings.Fields(`メール フォーム 問 い 合 わ せ 問い合わせ 問合せ メー ル こちら お`)},
	}
	noise := []string{"", "a", " ", "　", "。", "\xe5", "x"}
	rng := rand.New(rand.NewPCG(21, 22))
	for _, c := range cases {
		matched := 0
		check := func(s string) {
			got, want := c.fn(s), c.re(s)
			if got != want {
				t.Fatalf("%s(%q) = %v, the regexp says %v", c.name, s, got, want)
			}
			if want {
				matched++
			}
		}
		// Every sequence of up to three words, with noise around.
		for _, a := range c.words {
			check(a)
			for _, b := range c.words {
				check(a + b)
				for _, d := range c.words {
					check(a + b + d)
				}
			}
		}
		for range 200000 {
			var b strings.Builder
			for n := rng.IntN(5); n > 0; n-- {
				if rng.IntN(4) == 0 {
					b.WriteString(noise[rng.IntN(len(noise))])
				}
				w := c.words[rng.IntN(len(c.words))]
				if rng.IntN(8) == 0 {
					w = w[:rng.IntN(len(w)+1)] // a cut word, maybe mid-rune
				}
				b.WriteString(w)
			}
			check(b.String())
		}
		if matched == 0 {
			t.Fatalf("%s: no text matched; the test proves nothing", c.name)
		}
	}
}

// TestPhoneNumberAtAgreesWithRegexp runs phoneNumberAt and phoneNumber's
// FindString on every sequence of up to five of the characters a number
// is made of, and on random runs of them with noise.
func TestPhoneNumberAtAgreesWithRegexp(t *testing.T) {
	pieces := []string{"0", "9", "０", "９", "-", "－", "‐", "ー", "−", "(", ")", "（", "）", " ", "a", "　", "内線", "\xef", "\xef\xbc"}
	found := 0
	check := func(s string) {
		t.Helper()
		got, want := phoneNumberAt(s), phoneNumber.FindString(s)
		if got != want {
			t.Fatalf("phoneNumberAt(%q) = %q, the regexp says %q", s, got, want)
		}
		if want != "" {
			found++
		}
	}
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		check(prefix)
		if n == 0 {
			return
		}
		for _, p := range pieces {
			gen(prefix+p, n-1)
		}
	}
	gen("", 4)
	depth := 4 // five and six runes: the shortest numbers
	if raceEnabled {
		depth = 3
	}
	for _, p := range pieces {
		gen("0"+p, depth)
	}
	rng := rand.New(rand.NewPCG(23, 24))
	pick := func() string {
		if rng.IntN(3) == 0 {
			return pieces[rng.IntN(len(pieces))]
		}
		return pieces[rng.IntN(4)]
	}
	for range cases(200000) {
		check(randomJoin(rng, 24, pick))
	}
	if found < 1000 {
		t.Fatalf("only %d numbers found; the test proves little", found)
	}
}

// TestWesternDateAgreesWithRegexp runs westernDate and parseWestern on
// texts made of the pieces a western date is written with.
func TestWesternDateAgreesWithRegexp(t *testing.T) {
	pieces := []string{"2", "0", "21", "2021", "12", "9", "年", "月", "日", "/", ".", "-", "‐", "－", " ", "\t", "\n", "\f", "\r", "\v", "　", "a", "\xe5", "\xe2\x80"}
	rng := rand.New(rand.NewPCG(25, 26))
	found := 0
	for range 300000 {
		// Most tries are dates, slot by slot, with a slot now and then
		// left out or made of any piece.
		var b strings.Builder
		slots := [][]string{{"2021", "202", "20211"}, {"", " ", "\t ", "　"}, {"年", "/", ".", "-", "‐", "－"}, {"", " ", "\n"}, {"2", "12", "123", ""},
			{"", " ", "\r", "\v"}, {"月", "/", ".", "-", "‐", "－"}, {"", " ", "\f"}, {"2", "02", "123", "", "a"}}
		for _, slot := range slots {
			switch rng.IntN(12) {
			case 0:
			case 1:
				b.WriteString(pieces[rng.IntN(len(pieces))])
			default:
				b.WriteString(slot[rng.IntN(len(slot))])
			}
		}
		for n := rng.IntN(3); n > 0; n-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		var got []string
		if g, ok := westernDate(s); ok {
			got = g[:]
			found++
		}
		want := parseWestern.FindStringSubmatch(s)
		if want != nil {
			want = want[1:]
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || (got == nil) != (want == nil) {
			t.Fatalf("westernDate(%q) = %q, the regexp says %q", s, got, want)
		}
	}
	if found < 1000 {
		t.Fatalf("only %d dates found; the test proves little", found)
	}
}
