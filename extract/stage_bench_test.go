package extract

import (
	"bytes"
	"testing"

	"golang.org/x/net/html"
)

func BenchmarkStageWalk(b *testing.B) {
	body := nerima(b)
	root, _ := html.Parse(bytes.NewReader(body))
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		walkPage(root, len(body))
	}
}

func BenchmarkStageDecode(b *testing.B) {
	body := nerima(b)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		decode(body, "")
	}
}

func BenchmarkStageAnalysis(b *testing.B) {
	body := nerima(b)
	root, _ := html.Parse(bytes.NewReader(body))
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		doc := &Document{}
		a := &analysis{page: walkPage(root, len(body)), doc: doc}
		a.regions()
		a.findTitle()
		a.findBreadcrumbs()
		a.findPageNumberAndDates()
		a.findContact()
		a.buildSections()
		a.finish()
	}
}
