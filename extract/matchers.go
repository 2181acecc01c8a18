package extract

import (
	"strings"
	"unicode/utf8"
)

// Hand-written matchers for regexps that run on every page. Each answers
// exactly what its regexp's MatchString does (TestMatchersAgreeWithRegexps
// keeps the regexps as the oracle); they spare the regexp engine's setup
// and backtracking on short texts.

// Words of regionName: an optional prefix, a name, an optional suffix,
// then an optional は.
var (
	regionPrefixes = []string{"サイト", "グローバル", "ローカル", "サブ", "メイン", "共通"}
	regionNames    = []string{"メニュー", "ナビ", "ナビゲーション", "フッター", "ヘッダー", "ヘッダ", "フッタ", "サイドバー", "サイド", "コンテンツ", "パンくず", "パンくずリスト", "リンク", "検索", "バナー", "カテゴリ", "関連情報", "関連リンク", "お知らせ", "ページ", "情報"}
	regionSuffixes = []string{"エリア", "領域", "部分"}
)

// isRegionName is regionName.MatchString(s).
func isRegionName(s string) bool {
	return anyPrefix(s, regionPrefixes, true, func(s string) bool {
		return anyPrefix(s, regionNames, false, func(s string) bool {
			return anyPrefix(s, regionSuffixes, true, func(s string) bool {
				return s == "" || s == "は"
			})
		})
	})
}

// anyPrefix reports whether rest(s') holds for some s' that s becomes
// once one of words (or, when optional, nothing) is cut from its front.
// Trying every word is what a regexp's alternation does when the whole
// text must match.
func anyPrefix(s string, words []string, optional bool, rest func(string) bool) bool {
	if optional && rest(s) {
		return true
	}
	for _, w := range words {
		if t, ok := strings.CutPrefix(s, w); ok && rest(t) {
			return true
		}
	}
	return false
}

var (
	orgLinkWords   = []string{"組織詳細", "組織", "所在地", "地図", "アクセス", "詳細", "案内", "ホームページ"}
	orgLinkEndings = []string{"へ", "を見る", "はこちら", "情報"}
)

// isOrgLinkText is orgLinkText.MatchString(s).
func isOrgLinkText(s string) bool {
	return anyPrefix(s, orgLinkWords, false, func(s string) bool {
		return anyPrefix(s, orgLinkEndings, true, func(s string) bool { return s == "" })
	})
}

// isFormLinkText is formLinkText.MatchString(s): メール, フォーム, or
// 問い合わせ with or without い and わ.
func isFormLinkText(s string) bool {
	if strings.Contains(s, "メール") || strings.Contains(s, "フォーム") {
		return true
	}
	for {
		i := strings.Index(s, "問")
		if i < 0 {
			return false
		}
		s = s[i+len("問"):]
		t := strings.TrimPrefix(s, "い")
		if t, ok := strings.CutPrefix(t, "合"); ok {
			if strings.HasPrefix(strings.TrimPrefix(t, "わ"), "せ") {
				return true
			}
		}
	}
}

// phoneNumberAt is phoneNumber.FindString(s): the number s starts with, a
// digit, four or more digits, dashes, brackets or spaces, and a digit.
// The regexp's greedy run gives back up to its last digit, so the match
// ends at the last digit of the run that has four runes or more before
// it. (The regexp cost 4k instructions a line.)
func phoneNumberAt(s string) string {
	r, i := utf8.DecodeRuneInString(s)
	if !isDigitRune(r) {
		return ""
	}
	end := 0
	for n := 0; i < len(s); n++ {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isPhoneRune(r) {
			break
		}
		i += size
		if n >= 4 && isDigitRune(r) {
			end = i
		}
	}
	return s[:end]
}

// isDigitRune reports an ASCII or full-width digit.
func isDigitRune(r rune) bool { return '0' <= r && r <= '9' || '０' <= r && r <= '９' }

// isPhoneRune reports a rune a phone number may hold: digits, dashes,
// brackets and spaces.
func isPhoneRune(r rune) bool {
	switch r {
	case '-', '－', '‐', 'ー', '−', '(', ')', '（', '）', ' ':
		return true
	}
	return isDigitRune(r)
}
