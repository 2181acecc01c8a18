package extract

import "testing"

func TestStripSiteSuffix(t *testing.T) {
	tests := []struct{ in, want string }{
		{"職員の声｜練馬区公式ホームページ", "職員の声"},
		{"新規採用職員インタビュー - ひばり町", "新規採用職員インタビュー"},
		{"譲渡動物情報《犬・その他の動物》　横浜市", "譲渡動物情報《犬・その他の動物》"},
		{"職員の声　先輩職員編", "職員の声　先輩職員編"},
		{"JVNDB-2018-013542 - JVN iPedia - 脆弱性対策情報データベース", "JVNDB-2018-013542 - JVN iPedia"},
		{"職員インタビュー / 〇〇町役場", "職員インタビュー"},
		{"職員インタビュー", "職員インタビュー"},
		{"｜練馬区", "｜練馬区"},
	}
	for _, tt := range tests {
		if got := stripSiteSuffix(tt.in); got != tt.want {
			t.Errorf("stripSiteSuffix(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
