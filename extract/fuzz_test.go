package extract

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzExtract feeds arbitrary bytes and content types to Extract, seeded
// with every fixture page. It must not panic or hang; it returns a typed
// error or a complete, deterministic Document.
func FuzzExtract(f *testing.F) {
	for _, fx := range fixtures(f) {
		f.Add(fx.body, fx.contentType)
	}
	f.Add([]byte("<p>Q. 志望動機は？<br>A. 練馬区が好きだから。</p>【注】注記"), "text/html; charset=utf-8")
	f.Add([]byte("<dl><dt>更新日</dt><dd>令和元年5月1日</dd></dl><table><tr><th>質問</th><th>回答</th></tr><tr><td>なぜ？</td><td>答え</td></tr></table>"), "")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		doc, err := Extract(body, "https://example.jp/a/b.html", contentType)
		if err != nil {
			if !errors.Is(err, ErrEmpty) && !errors.Is(err, ErrNotHTML) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		if doc.Breadcrumbs == nil || doc.Intro == nil || doc.Sections == nil || doc.Warnings == nil {
			t.Fatalf("nil list in %+v", doc)
		}
		if _, err := json.Marshal(doc); err != nil {
			t.Fatalf("marshal: %v", err)
		}
		again, err := Extract(body, "https://example.jp/a/b.html", contentType)
		if err != nil || again.ContentHash != doc.ContentHash {
			t.Fatalf("not deterministic: %v, %s vs %s", err, again.ContentHash, doc.ContentHash)
		}
	})
}
