package extract

import (
	"reflect"
	"testing"
)

func TestLinksCoverTheWholePage(t *testing.T) {
	page := `<html><head><title>t</title></head><body>
<nav><ul><li><a href="/kurashi/">くらし</a></li><li><a href=" /kenko/ ">健康</a></li></ul></nav>
<div id="main"><h1>職員の声</h1><p>本文 <a href="koe/a.html">先輩職員の声
（管理職）</a></p>
<p><a href="banner.html"><img src="b.png" alt="バナー"></a></p>
<a>no href</a><a href="">empty</a>
</div><footer><a href="https://www.example.org/">外部</a></footer></body></html>`
	doc, err := Extract([]byte(page), "https://www.city.example.jp/saiyo/", "text/html; charset=utf-8")
	if err != nil {
		t.Fatal(err)
	}
	want := []Link{
		{"/kurashi/", "くらし"},
		{"/kenko/", "健康"},
		{"koe/a.html", "先輩職員の声 （管理職）"},
		{"banner.html", ""},
		{"https://www.example.org/", "外部"},
	}
	if !reflect.DeepEqual(doc.Links, want) {
		t.Errorf("Links:\n got %q\nwant %q", doc.Links, want)
	}
}
