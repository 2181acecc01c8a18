package extract

import (
	"bytes"
	"testing"

	"golang.org/x/net/html"
)

// The stage benchmarks split BenchmarkExtract: decoding, the DOM walk, and
// the walk with the analysis after it. Like Extract, they hand each walked
// page back for reuse.

func BenchmarkStageWalk(b *testing.B) {
	body := nerima(b)
	root, _ := html.Parse(bytes.NewReader(body))
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		walkPage(root, len(body)).release()
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
		a := &analysis{page: walkPage(root, len(body)), doc: &Document{}}
		a.run()
		a.release()
	}
}
