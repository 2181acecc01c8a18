package extract

import (
	"strings"
	"testing"
)

const menu = `<header id="header"><h1 class="logo"><a href="/"><img alt="〇〇市"></a></h1>
<ul class="gnavi"><li><a href="/a">くらし・手続き</a></li><li><a href="/b">子育て・教育</a></li><li><a href="/c">職員採用</a></li><li><a href="/d">お問い合わせ</a></li></ul></header>`

const sidebar = `<div id="side"><h2>職員採用</h2><ul><li><a href="/e">採用試験の日程</a></li><li><a href="/f">職員の声</a></li></ul><p>情報が見つからないときは</p></div>`

const footer = `<footer><p>〒100-0000 〇〇市1-1 電話：00-0000-0000</p><p>Copyright 〇〇市</p></footer>`

const interview = `<h1>職員の声</h1><p>若手職員に聞きました。</p><h2>総務課 Aさん</h2><h3>志望動機を教えてください</h3><p>まちが好きだからです。</p>`

// TestMainContent checks each way of finding the main content, and that
// menus, sidebars and footers never enter it.
func TestMainContent(t *testing.T) {
	pages := map[string]string{
		"text markers":    menu + `<div><p class="skip">本文ここから</p>` + interview + `<p class="skip">本文ここまで</p></div>` + sidebar + footer,
		"comment markers": menu + `<!-- 本文ここから -->` + interview + `<!-- 本文ここまで --><div class="sub"><p>関連する情報です。</p></div>` + footer,
		"start marker":    menu + `<a id="CONT">ここから本文です。</a>` + interview + sidebar + footer,
		"main":            menu + `<main>` + interview + `</main><div class="sub"><p>関連する情報です。</p></div>` + footer,
		"article":         menu + `<article>` + interview + `</article><div class="sub"><p>関連する情報です。</p></div>` + footer,
		"tmp_contents":    menu + `<div id="tmp_contents">` + interview + `</div><div class="sub"><p>関連する情報です。</p></div>` + footer,
		"density":         menu + `<div class="a"><div class="b">` + interview + `</div></div>` + `<div class="c"><a href="/1">リンク1</a> <a href="/2">リンク2</a> <a href="/3">リンク3</a></div>` + footer,
	}
	for name, body := range pages {
		doc, err := Extract([]byte("<html><body>"+body+"</body></html>"), "https://example.jp/", "")
		if err != nil {
			t.Fatal(err)
		}
		if doc.Title != "職員の声" {
			t.Errorf("%s: title %q", name, doc.Title)
		}
		if strings.Join(doc.Intro, "|") != "若手職員に聞きました。" {
			t.Errorf("%s: intro %q", name, doc.Intro)
		}
		if len(doc.Sections) != 1 || len(doc.Sections[0].QA) != 1 || doc.Sections[0].QA[0].Answer[0] != "まちが好きだからです。" ||
			len(doc.Sections[0].QA[0].Answer) != 1 || len(doc.Sections[0].Intro) != 0 {
			t.Errorf("%s: sections %+v", name, doc.Sections)
		}
	}
}

func TestBreadcrumbs(t *testing.T) {
	want := "トップページ > 市政情報 > 職員採用 > 職員の声"
	pages := map[string]string{
		"class":     `<div class="breadcrumbs"><ol><li><a href="/">トップページ</a></li><li><a href="/s">市政情報</a></li><li><a href="/s/r">職員採用</a></li><li>職員の声</li></ol></div>`,
		"pankuzu":   `<div id="tmp_pankuzu"><p>現在位置</p><ol><li>トップページ</li><li>市政情報</li><li>職員採用</li><li>職員の声</li></ol></div>`,
		"label":     `<p>現在のページ</p><ol><li><a href="/">トップページ</a></li><li>市政情報</li><li>職員採用</li><li>職員の声</li></ol>`,
		"aria":      `<nav aria-label="パンくずリスト"><ul><li>トップページ</li><li>市政情報</li><li>職員採用</li><li>職員の声</li></ul></nav>`,
		"text path": `<p>トップページ &gt; 市政情報 &gt; 職員採用 &gt; 職員の声</p>`,
		"microdata": `<div itemscope itemtype="http://schema.org/BreadcrumbList"><span itemprop="itemListElement"><a itemprop="item" href="/"><span itemprop="name">トップページ</span></a></span><span>›</span><span itemprop="itemListElement">市政情報</span><span>›</span><span itemprop="itemListElement">職員採用</span><span>›</span><span itemprop="itemListElement">職員の声</span></div>`,
		"json-ld": `<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebPage"},{"@type":"BreadcrumbList","itemListElement":[
			{"@type":"ListItem","position":2,"name":"市政情報"},{"@type":"ListItem","position":1,"name":"トップページ","item":"https://example.jp/"},
			{"@type":"ListItem","position":3,"item":{"@id":"https://example.jp/s/r","name":"職員採用"}},{"@type":"ListItem","position":4,"name":"職員の声"}]}]}</script>`,
	}
	for name, crumbs := range pages {
		doc, err := Extract([]byte("<html><body>"+menu+crumbs+"<main>"+interview+"</main></body></html>"), "https://example.jp/", "")
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(doc.Breadcrumbs, " > "); got != want {
			t.Errorf("%s: breadcrumbs %q, want %q", name, got, want)
		}
		if strings.Join(doc.Intro, "|") != "若手職員に聞きました。" {
			t.Errorf("%s: breadcrumbs leaked into the intro: %q", name, doc.Intro)
		}
	}
}

// TestQAForms checks each Q&A template on its own.
func TestQAForms(t *testing.T) {
	pages := map[string]string{
		"headings": `<h2>総務課 Aさん</h2><h3>志望動機を教えてください</h3><p>まちが好きだから。</p><p>人が好きだから。</p><h3>休日の過ごし方は？</h3><p>山に登ります。<br>川で釣りもします。</p>`,
		"dl":       `<h2>総務課 Aさん</h2><dl><dt>志望動機を教えてください</dt><dd><p>まちが好きだから。</p><p>人が好きだから。</p></dd><dt>休日の過ごし方は？</dt><dd>山に登ります。<br>川で釣りもします。</dd></dl>`,
		"prefixes": `<h2>総務課 Aさん</h2><p>Q1. 志望動機を教えてください</p><p>A. まちが好きだから。</p><p>人が好きだから。</p><p>Ｑ２．休日の過ごし方は？<br>Ａ．山に登ります。<br>川で釣りもします。</p>`,
		"table":    `<h2>総務課 Aさん</h2><table><tr><th>質問</th><th>回答</th></tr><tr><td>志望動機を教えてください</td><td><p>まちが好きだから。</p><p>人が好きだから。</p></td></tr><tr><td>休日の過ごし方は？</td><td>山に登ります。<br>川で釣りもします。</td></tr></table>`,
	}
	for name, qa := range pages {
		doc, err := Extract([]byte("<html><body><main><h1>職員の声</h1>"+qa+"</main></body></html>"), "https://example.jp/", "")
		if err != nil {
			t.Fatal(err)
		}
		if len(doc.Sections) != 1 || doc.Sections[0].Heading != "総務課 Aさん" || len(doc.Sections[0].QA) != 2 {
			t.Errorf("%s: sections %+v", name, doc.Sections)
			continue
		}
		q := doc.Sections[0].QA
		if q[0].Question != "志望動機を教えてください" || strings.Join(q[0].Answer, "|") != "まちが好きだから。|人が好きだから。" ||
			q[1].Question != "休日の過ごし方は？" || strings.Join(q[1].Answer, "|") != "山に登ります。|川で釣りもします。" {
			t.Errorf("%s: qa %+v", name, q)
		}
		if q[1].QuestionKey != "休日の過ごし方は" {
			t.Errorf("%s: question_key %q", name, q[1].QuestionKey)
		}
	}
}
