package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// The synthetic site imitates a municipal CMS (the Nerima page in
// testdata/pages is the model): every page carries a mega menu of about
// 340 links to sections that exist only as links, a header, breadcrumbs,
// a sidebar and a footer around its content. Only /saiyo/ is in the
// crawl's scope:
//
//	/saiyo/                 the seed: links to the list pages
//	/saiyo/list/N.html      list pages, perPage interviews each, with a pager
//	/saiyo/koe/NNNNN.html   interview pages, about 50 KB each
//
// Everything is derived from a fixed seed, so two servers serve the same
// bytes.

// perPage is how many interviews a list page links.
const perPage = 100

// sitePage is one rendered page.
type sitePage struct {
	path string
	body []byte
}

// buildSite renders the seed, the list pages and n interview pages.
func buildSite(n int) []sitePage {
	menu := globalMenu()
	lists := (n + perPage - 1) / perPage
	pages := make([]sitePage, 0, n+lists+1)
	pages = append(pages, sitePage{"/saiyo/", seedPage(menu, lists)})
	for l := 1; l <= lists; l++ {
		pages = append(pages, sitePage{listPath(l), listPage(menu, l, lists, n)})
	}
	for i := 1; i <= n; i++ {
		pages = append(pages, sitePage{koePath(i), interviewPage(menu, i, n)})
	}
	return pages
}

func listPath(l int) string { return fmt.Sprintf("/saiyo/list/%d.html", l) }
func koePath(i int) string  { return fmt.Sprintf("/saiyo/koe/%05d.html", i) }

// menuCategory is a top-level entry of the global menu.
type menuCategory struct {
	slug, label string
	groups      [][2]string // slug, label
}

var menuCategories = []menuCategory{
	{"kurashi", "くらし・手続き", [][2]string{{"koseki", "戸籍・住民票・印鑑登録"}, {"zei", "税金"}, {"kokuho", "国民健康保険"}, {"nenkin", "国民年金"}, {"sumai", "住まい"}, {"shohi", "消費生活"}}},
	{"kosodate", "子育て・教育", [][2]string{{"ninshin", "妊娠・出産"}, {"teate", "手当・助成"}, {"hoiku", "保育園・幼稚園"}, {"gakudo", "学童クラブ"}, {"gakko", "小学校・中学校"}, {"seishonen", "青少年"}}},
	{"kenko", "健康・医療", [][2]string{{"kenshin", "健診・がん検診"}, {"yobo", "予防接種"}, {"iryo", "医療機関"}, {"kansen", "感染症"}, {"shokuiku", "食育・栄養"}, {"kokoro", "こころの健康"}}},
	{"fukushi", "福祉・介護", [][2]string{{"koureisha", "高齢者"}, {"kaigo", "介護保険"}, {"shogai", "障害のある方"}, {"seikatsu", "生活にお困りの方"}, {"chiiki", "地域福祉"}, {"borantia", "ボランティア"}}},
	{"kankyo", "環境・ごみ", [][2]string{{"gomi", "ごみ・リサイクル"}, {"midori", "みどり・公園"}, {"ondanka", "地球温暖化対策"}, {"kogai", "公害・騒音"}, {"dobutsu", "動物・ペット"}, {"bika", "まちの美化"}}},
	{"bosai", "防災・安全", [][2]string{{"jishin", "地震への備え"}, {"suigai", "水害・土砂災害"}, {"hinan", "避難所"}, {"bohan", "防犯"}, {"kotsu", "交通安全"}, {"kokumin", "国民保護"}}},
	{"sangyo", "産業・しごと", [][2]string{{"shoko", "商工業"}, {"nogyo", "都市農業"}, {"keiyaku", "入札・契約"}, {"shugyo", "就労支援"}, {"kanko", "観光"}, {"kigyo", "創業支援"}}},
	{"kusei", "区政情報", [][2]string{{"keikaku", "計画・構想"}, {"zaisei", "財政・予算"}, {"koho", "広報・広聴"}, {"soshiki", "組織案内"}, {"gikai", "区議会"}, {"senkyo", "選挙"}}},
}

// menuItems turn each group of the menu into six links.
var menuItems = [][2]string{{"annai", "のご案内"}, {"tetsuduki", "の手続き"}, {"shinsei", "の申請書ダウンロード"}, {"madoguchi", "の窓口・受付時間"}, {"faq", "に関するよくある質問"}, {"oshirase", "のお知らせ"}}

// globalMenu is the header of every page: a mega menu of 8 categories ×
// 6 groups × 6 items, plus the header tools. Like a real CMS it is the
// same on every page.
func globalMenu() string {
	var b strings.Builder
	b.WriteString(`<div id="header">
<div id="header_inner">
<div id="header_logo"><a href="/index.html"><img src="/images/header_logo.png" alt="みどり区" width="160" height="48"><span class="logo_en">Midori city office</span></a></div>
<div id="header_tools">
<ul id="header_tool_list">
<li class="tool_contact"><a href="/otoiawase/index.html">お問い合わせ</a></li>
<li class="tool_size"><a href="/about/moji.html">文字サイズ・色合い変更</a></li>
<li class="tool_voice"><a href="/about/onsei.html">音声読み上げ</a></li>
<li class="tool_lang" lang="en"><a href="/foreign/index.html">Foreign Language</a></li>
</ul>
<form action="/search/result.html" method="get" id="header_search" role="search">
<label for="header_search_q" class="hide">サイト内検索</label>
<input type="text" name="q" id="header_search_q" placeholder="キーワードを入力">
<input type="submit" value="検索" class="search_btn">
</form>
</div>
</div>
<div id="gnavi">
<ul id="gnavi_list">
`)
	for _, c := range menuCategories {
		fmt.Fprintf(&b, "<li class=\"gnavi_%s\"><a href=\"/%s/index.html\">%s</a>\n<div class=\"gnavi_sub\">\n", c.slug, c.slug, c.label)
		for _, g := range c.groups {
			fmt.Fprintf(&b, "<div class=\"gnavi_group\"><p class=\"gnavi_group_title\"><a href=\"/%s/%s/index.html\">%s</a></p>\n<ul>\n", c.slug, g[0], g[1])
			for _, it := range menuItems {
				fmt.Fprintf(&b, "<li><a href=\"/%s/%s/%s.html\">%s%s</a></li>\n", c.slug, g[0], it[0], g[1], it[1])
			}
			b.WriteString("</ul>\n</div>\n")
		}
		b.WriteString("</div></li>\n")
	}
	b.WriteString(`</ul>
</div>
<div id="header_banner">
<p class="banner_foreign"><a href="/foreign/yasashii/index.html">がいこくのひとむけ</a></p>
<ul class="banner_list">
<li><a href="https://faq.city.midori.example.jp/" target="_blank">Q&amp;Aよくある質問</a></li>
<li><a href="/otoiawase/index.html">お問い合わせ</a></li>
</ul>
</div>
</div>
<div class="skip">サイトメニューここまで</div>
<hr class="hide">
`)
	return b.String()
}

// head opens a page: the <head> and the menu.
func head(b *strings.Builder, title, menu string) {
	fmt.Fprintf(b, `<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="UTF-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="keywords" content="みどり区,職員採用,先輩職員の声">
<meta property="og:title" content="%s">
<meta property="og:site_name" content="みどり区公式ホームページ">
<title>%s｜みどり区公式ホームページ</title>
<link rel="stylesheet" href="/css/common.css" media="all">
<link rel="stylesheet" href="/css/layout.css" media="all">
<link rel="stylesheet" href="/css/contents.css" media="all">
<script src="/js/jquery-3.6.0.min.js"></script>
<script src="/js/common.js"></script>
</head>
<body class="format_detail">
<div id="wrapper">
<div class="skip"><a id="TOP" name="TOP">このページの先頭です</a></div><div class="skip">サイトメニューここから</div>
<div id="skip_honbun"><a href="#HONBUN">このページの本文へ移動</a></div>
`, title, title)
	b.WriteString(menu)
	b.WriteString("<div id=\"mymainback\">\n<div id=\"main\">\n<div class=\"skip\"><a id=\"HONBUN\" name=\"HONBUN\">本文ここから</a></div>\n<div id=\"content\">\n")
}

// crumbs writes the breadcrumbs; each pair is href, label, and the last
// label is the current page.
func crumbs(b *strings.Builder, pairs [][2]string, current string) {
	b.WriteString("<div id=\"current_position\">\n<p class=\"icon_current\">現在のページ</p>\n<ol>\n<li><a href=\"/index.html\">トップページ</a></li>\n<li><a href=\"/kusei/index.html\">区政情報</a></li>\n")
	for _, p := range pairs {
		fmt.Fprintf(b, "<li><a href=\"%s\">%s</a></li>\n", p[0], p[1])
	}
	fmt.Fprintf(b, "<li><span class=\"current\">%s</span></li>\n</ol>\n</div>\n", current)
}

// tail closes a page: the sidebar and the footer.
func tail(b *strings.Builder, side string) {
	b.WriteString("</div>\n<div class=\"skip\">本文ここまで</div>\n</div>\n<hr class=\"hide\">\n<div id=\"sidebar\">\n<div class=\"skip\">サブナビゲーションここから</div>\n<div id=\"sidebar_inner\">\n")
	b.WriteString(side)
	b.WriteString(`<div class="side_box">
<h2 class="side_title"><a href="/kusei/saiyo/index.html">職員採用情報</a></h2>
<ul class="side_list">
<li><a href="/kusei/saiyo/tokubetsuku.html">特別区職員採用試験(I類・III類・経験者)</a></li>
<li><a href="/kusei/saiyo/senkou.html">区独自の採用選考</a></li>
<li><a href="/kusei/saiyo/kaikeinendo/index.html">会計年度任用職員の募集</a></li>
<li><a href="/kusei/saiyo/ninkitsuki.html">任期付職員の募集</a></li>
<li><a href="/kusei/saiyo/shogaisha.html">障害者を対象とした職員採用選考</a></li>
<li><a href="/kusei/saiyo/internship.html">インターンシップ</a></li>
<li><a href="/kusei/saiyo/setsumeikai.html">採用説明会のお知らせ</a></li>
<li><a href="/kusei/saiyo/faq.html">採用に関するよくある質問</a></li>
</ul>
</div>
<div class="side_mitsukaranai">
<p><a href="/about/mitsukaranai.html">情報が見つからないときは</a></p>
</div>
</div>
</div>
</div>
<hr class="hide">
<div id="footer">
<div id="footer_inner">
<ul id="footer_navi">
<li><a href="/about/site.html">このサイトについて</a></li>
<li><a href="/about/kojinjoho.html">個人情報の取り扱い</a></li>
<li><a href="/about/accessibility.html">ウェブアクセシビリティ</a></li>
<li><a href="/about/link.html">リンク・著作権</a></li>
<li><a href="/sitemap.html">サイトマップ</a></li>
<li><a href="/kusei/soshiki/index.html">組織から探す</a></li>
</ul>
<div id="footer_address">
<p class="footer_name">みどり区役所</p>
<address>〒176-8501 東京都みどり区豊玉北6丁目12番1号<br>
電話:03-3993-1111(代表)</address>
<p class="footer_hours">窓口受付時間:月曜日から金曜日 午前8時30分から午後5時(祝休日・年末年始を除く)<br>
<a href="/kusei/access/index.html">区役所へのアクセス</a></p>
</div>
<p id="copyright" lang="en"><small>Copyright &copy; Midori City. All rights reserved.</small></p>
</div>
</div>
<div class="skip">フッターここまで</div><div id="pagetop"><a href="#TOP"><img src="/images/pagetop.png" alt="ページトップへ" width="60" height="60"></a></div>
</div>
<script src="/js/analytics.js"></script>
</body>
</html>
`)
}

func seedPage(menu string, lists int) []byte {
	var b strings.Builder
	head(&b, "職員採用情報", menu)
	b.WriteString("<div id=\"content_header\">\n<h1>職員採用情報</h1>\n</div>\n")
	crumbs(&b, nil, "職員採用情報")
	b.WriteString("<p>みどり区で働く先輩職員の声を紹介します。</p>\n<h2>先輩職員の声 一覧</h2>\n<ul class=\"list_link\">\n")
	for l := 1; l <= lists; l++ {
		fmt.Fprintf(&b, "<li><a href=\"%s\">先輩職員の声 一覧（%d）</a></li>\n", listPath(l), l)
	}
	b.WriteString("</ul>\n")
	tail(&b, "")
	return []byte(b.String())
}

func listPage(menu string, l, lists, n int) []byte {
	var b strings.Builder
	title := fmt.Sprintf("先輩職員の声 一覧（%d）", l)
	head(&b, title, menu)
	fmt.Fprintf(&b, "<div id=\"content_header\">\n<h1>%s</h1>\n</div>\n", title)
	crumbs(&b, [][2]string{{"/saiyo/", "職員採用情報"}}, title)
	b.WriteString("<ul class=\"list_link\">\n")
	for i := (l-1)*perPage + 1; i <= min(l*perPage, n); i++ {
		fmt.Fprintf(&b, "<li><a href=\"%s\">先輩職員の声（%d）</a></li>\n", koePath(i), i)
	}
	b.WriteString("</ul>\n<div class=\"pager\">\n")
	for p := max(1, l-5); p <= min(lists, l+5); p++ {
		if p == l {
			fmt.Fprintf(&b, "<span class=\"current\">%d</span>\n", p)
		} else {
			fmt.Fprintf(&b, "<a href=\"%s\">%d</a>\n", listPath(p), p)
		}
	}
	b.WriteString("</div>\n")
	tail(&b, "")
	return []byte(b.String())
}

// Word pools for the interviews. Each page draws its own mix, so no two
// payloads are the same.
var (
	surnames = []string{"佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木", "山口", "松本", "井上", "木村", "林", "斎藤", "清水"}
	jobs     = []string{"事務", "土木", "建築", "機械", "電気", "福祉", "心理", "保健師", "保育士", "栄養士", "造園", "衛生監視"}
	depts    = []string{"区民部戸籍住民課", "福祉部介護保険課", "子ども家庭部保育課", "環境部清掃リサイクル課", "都市整備部道路課", "健康部保健予防課", "危機管理室防災課", "企画部財政課", "教育委員会事務局学務課", "産業経済部商工観光課"}
	levels   = []string{"新規採用職員", "若手職員", "係長級職員", "管理職職員"}

	questions = []string{
		"区を選んだ理由、きっかけを教えてください",
		"現在の担当業務を教えてください",
		"これまでの部署での主な業務を教えてください",
		"仕事のやりがいを教えてください",
		"仕事で大変だったことと、それをどう乗り越えたかを教えてください",
		"職場の雰囲気を教えてください",
		"一日のスケジュールを教えてください",
		"研修制度について感想を教えてください",
		"仕事と私生活の両立について教えてください",
		"休日の過ごし方を教えてください",
		"今後の目標や抱負について教えてください",
		"区志望者へメッセージをお願いします",
	}
	sentences = []string{
		"学生の頃から%sに住んでおり、みどりあふれる生活しやすい街並みに愛着がありました。",
		"現在は%sで、窓口での相談対応や制度の案内、関係機関との調整を担当しています。",
		"入庁して%d年目になりますが、毎年新しい発見があり、日々勉強の毎日です。",
		"特別区の中でもより区民の方々の生活に密着した仕事ができる住宅都市で働きたいと思いました。",
		"職場の先輩である%sさんには、細かな事も懇切丁寧に教えてもらっています。",
		"事務フローの見直しや新たなスキームの構築に取り組み、申請をミスなく効率的に処理できるよう工夫しています。",
		"区民の方から「ありがとう」と声をかけていただいたときに、この仕事を選んでよかったと感じます。",
		"困ったときにまず誰に相談すればよいか決まっていることで、非常に心強いと感じています。",
		"職場はとてもアットホームな雰囲気で、職場の至る所で活発な議論が行われています。",
		"朝は8時半に出勤し、メールの確認と係内の打合せから一日が始まります。",
		"午後は現場に出ることが多く、地域の方々や事業者の方々と直接お話しする機会がたくさんあります。",
		"新任研修ではビジネスマナーや接遇などロールプレイング形式での研修を受け、自分の意識を見直す良い機会になりました。",
		"ジョブローテーションにより様々な分野の仕事を経験し、幅広い基礎知識を身につけたいと考えています。",
		"子どもの送り迎えがある日は時差勤務を活用しており、仕事と子育てを無理なく両立できています。",
		"休日は家族と区内の公園を散歩したり、農産物の直売所で季節の野菜を買ったりしています。",
		"%sとしての専門性を生かしながら、より広い視野で区政に携われるよう成長していきたいです。",
		"公務員試験は長期戦ですが、あきらめずに努力を続ければ必ず道は開けます。",
		"%d年度に行われた大規模な制度改正の際には、係全体で準備を重ね、無事に施行を迎えることができました。",
		"区の仕事は多岐に渡り、入庁してから様々な職場に配属されますが、その中でたくさんの学びや気づきがあります。",
		"一緒に働ける日を楽しみにしています。",
		"残業をしない日を決めて、優先順位と終わらせる時間を意識したToDoリストを作って仕事を進めています。",
		"災害時には避難所の運営にも携わるため、日頃から訓練に参加して備えています。",
		"前例にとらわれず、区民の立場に立って考えることを大切にしています。",
		"係長になってからは、職員の知識や経験をどれだけ聞き出し、冷静に全体を見てまとめていくかが求められていると感じます。",
	}
)

// interviewPage renders interview i of n: three interviewees, six
// questions each, with one footnote, and the contact block.
func interviewPage(menu string, i, n int) []byte {
	r := rand.New(rand.NewPCG(20210202, uint64(i)))
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	job := pick(jobs)
	dept := pick(depts)
	title := fmt.Sprintf("先輩職員の声（%d）～%s職編～", i, job)

	var b strings.Builder
	b.Grow(56 << 10)
	head(&b, title, menu)
	fmt.Fprintf(&b, "<div id=\"content_header\">\n<h1>%s</h1>\n</div>\n", title)
	list := (i-1)/perPage + 1
	crumbs(&b, [][2]string{{"/saiyo/", "職員採用情報"}, {listPath(list), fmt.Sprintf("先輩職員の声 一覧（%d）", list)}}, title)
	fmt.Fprintf(&b, "<div id=\"content_date\">\n<p class=\"pagenumber\">ページ番号:%03d-%03d-%03d</p>\n<p class=\"update\">更新日:%d年%d月%d日</p>\n</div>\n",
		100+i%900, 200+i/900, r.IntN(1000), 2019+i%6, 1+i%12, 1+i%28)
	fmt.Fprintf(&b, "<p>みどり区の%s職として%sではたらく職員に、仕事の内容や職場の雰囲気についてインタビューをしてきました。<br>\nあわせてご紹介しますので、是非ご覧ください。</p>\n", job, dept)
	b.WriteString("<p>※一部の写真について、マスクを外して撮影してもらっています。</p>\n\n")

	for sec := 0; sec < 3; sec++ {
		name := pick(surnames)
		level := levels[(i+sec)%len(levels)]
		year := 1 + r.IntN(25)
		fmt.Fprintf(&b, "<h2>%s職 %s（%s さん・入庁%d年目）</h2>\n", job, level, name, year)
		fmt.Fprintf(&b, "<p class=\"imagecenter\"><img src=\"/saiyo/koe/images/%05d_%d.jpg\" alt=\"%sさんの写真\" width=\"400\" height=\"300\"></p>\n\n", i, sec+1, name)
		qs := r.Perm(len(questions))[:6]
		for q, qi := range qs {
			fmt.Fprintf(&b, "<h3>%s</h3>\n", questions[qi])
			for p, paras := 0, 1+r.IntN(2); p < paras; p++ {
				b.WriteString("<p>")
				for s, count := 0, 2+r.IntN(3); s < count; s++ {
					b.WriteString(sentence(r, pick(sentences), dept, job, year))
				}
				b.WriteString("</p>\n")
			}
			if sec == 1 && q == 2 {
				b.WriteString("<p>&nbsp;</p>\n<p><strong>【注】ジョブローテーション</strong></p>\n<p>みどり区では、ジョブローテーションとして、採用後10年間のうちに概ね3年程度を目安に異なる分野の職場を経験します。公務に関して幅広い基礎知識を習得するとともに、より適性のある分野を見つけていきます。</p>\n")
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("<div class=\"related_link\">\n<h2>その他人事制度について気になる方</h2>\n<ul>\n<li><a href=\"/kusei/saiyo/jinzaiikusei.html\">みどり区の人材育成について</a></li>\n<li><a href=\"/kusei/saiyo/career.html\">キャリアデザインと昇任制度</a></li>\n<li><a href=\"/kusei/saiyo/worklifebalance.html\">仕事と子育て・介護の両立支援</a></li>\n</ul>\n</div>\n")
	fmt.Fprintf(&b, "<div id=\"reference\">\n<h2><span>お問い合わせ</span></h2>\n<p><span class=\"sosiki\">人事戦略担当部 職員課 採用係</span>&nbsp;&nbsp;<a class=\"link_soshiki\" href=\"/kusei/soshiki/shokuin/index.html\">組織詳細へ</a><br>\n<span class=\"phone\">電話:03-5984-%04d(直通)</span>&nbsp;&nbsp;<span class=\"fax\">ファクス:03-3993-1195</span><br>\n<a class=\"link_email\" href=\"/cgi-bin/inquiry.php/21?page_no=%d\">この担当課にメールを送る</a></p>\n</div>\n", 4000+i%1000, i)

	// The sidebar links the neighbouring interviews: in scope, already
	// queued by the list pages, so they test the visited set.
	var side strings.Builder
	fmt.Fprintf(&side, "<div class=\"side_box\">\n<h2 class=\"side_title\"><a href=\"%s\">先輩職員の声 一覧（%d）</a></h2>\n<ul class=\"side_list\">\n", listPath(list), list)
	for j := max(1, i-5); j <= min(n, i+5); j++ {
		if j == i {
			fmt.Fprintf(&side, "<li><span class=\"current\">先輩職員の声（%d）</span></li>\n", j)
		} else {
			fmt.Fprintf(&side, "<li><a href=\"%s\">先輩職員の声（%d）</a></li>\n", koePath(j), j)
		}
	}
	side.WriteString("</ul>\n</div>\n")
	tail(&b, side.String())
	return []byte(b.String())
}

// sentence fills in a sentence's placeholders: %s is a department, a job
// or a name, %d a number of years or a fiscal year.
func sentence(r *rand.Rand, s, dept, job string, year int) string {
	switch {
	case strings.Contains(s, "%s") && strings.HasPrefix(s, "%sとして"):
		return fmt.Sprintf(s, job)
	case strings.Contains(s, "%sさん"):
		return fmt.Sprintf(s, surnames[r.IntN(len(surnames))])
	case strings.Contains(s, "%s"):
		return fmt.Sprintf(s, dept)
	case strings.Contains(s, "%d年度"):
		return fmt.Sprintf(s, 2010+r.IntN(15))
	case strings.Contains(s, "%d"):
		return fmt.Sprintf(s, year)
	}
	return s
}
