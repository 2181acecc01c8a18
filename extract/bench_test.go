package extract

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

func nerima(b *testing.B) []byte {
	body, err := os.ReadFile(filepath.Join(fixtureDir, "nerima-staff-voice.html"))
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// BenchmarkExtract is the whole extraction of the Nerima fixture. Compare
// its MB/s with BenchmarkParseOnly: the target is 80% or more.
func BenchmarkExtract(b *testing.B) {
	body := nerima(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Extract(body, "https://www.city.nerima.tokyo.jp/kusei/saiyo/mezasu/koe.html", ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseOnly is x/net/html.Parse alone on the same bytes.
func BenchmarkParseOnly(b *testing.B) {
	body := nerima(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := html.Parse(bytes.NewReader(body)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScaling shows that extraction time grows linearly with the
// input for large and pathological pages: ns/op doubles with the size,
// MB/s stays flat.
func BenchmarkScaling(b *testing.B) {
	inputs := map[string]func(n int) []byte{
		"huge":   func(n int) []byte { return hugePage(b, n<<20) },
		"nested": func(n int) []byte { return deepNesting(n * 10000) },
		"tables": func(n int) []byte { return deepTables(n * 10000) },
		"binary": func(n int) []byte { return garbage(n<<20, 7) },
		// Inputs that once made a search quadratic: many date labels,
		// a contact block of many links, many unterminated <meta> tags,
		// many label lines before one huge table row.
		"labels": func(n int) []byte {
			return []byte("<p>更新日</p><p>2021年2月2日" + strings.Repeat("更新日</p>", n*10000))
		},
		"contact": func(n int) []byte {
			return []byte("<main><h2>お問い合わせ</h2><div class=\"contact\"><p>" + strings.Repeat("<a href=\"/o\">組織詳細へ</a><br>", n*5000) + "</p></div></main>")
		},
		"metas": func(n int) []byte {
			return []byte("<html><head><meta content=\"" + strings.Repeat("<meta ", n*2000) + "\"></head><body><p>x</p></body></html>")
		},
		"rows": func(n int) []byte {
			return []byte("<p>" + strings.Repeat("更新<br>", n*5000) + "</p><table><tr><td>" + strings.Repeat("あ", n*20000) + "</td><td>x</td></tr></table>")
		},
	}
	for _, name := range []string{"huge", "nested", "tables", "binary", "labels", "contact", "metas", "rows"} {
		for _, n := range []int{1, 2, 4, 8} {
			body := inputs[name](n)
			b.Run(name+"-x"+strconv.Itoa(n), func(b *testing.B) {
				b.SetBytes(int64(len(body)))
				for b.Loop() {
					_, _ = Extract(body, "", "text/html")
				}
			})
		}
	}
}

// BenchmarkExtractVsParse alternates Extract and html.Parse on the Nerima
// fixture and reports extraction throughput as a percentage of parse-only
// throughput. Alternating keeps the two measured under the same machine
// conditions, which separate benchmarks on a shared machine are not.
func BenchmarkExtractVsParse(b *testing.B) {
	extractVsParse(b, nerima(b), "https://www.city.nerima.tokyo.jp/kusei/saiyo/mezasu/koe.html")
}

// BenchmarkRealPages is BenchmarkExtractVsParse on each page of the
// directory STAFFVOICE_REALPAGES names (../shared/realpages), if set. Real
// pages hold what fixtures may lack: on them it found the full-width
// punctuation that sent every answer to the Unicode normaliser.
func BenchmarkRealPages(b *testing.B) {
	dir := os.Getenv("STAFFVOICE_REALPAGES")
	if dir == "" {
		b.Skip("set STAFFVOICE_REALPAGES to the directory of real pages")
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.html"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no .html pages in %s", dir)
	}
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(filepath.Base(f), func(b *testing.B) {
			extractVsParse(b, body, "https://example.jp/"+filepath.Base(f))
		})
	}
}

func extractVsParse(b *testing.B, body []byte, pageURL string) {
	var parse, extract time.Duration
	for b.Loop() {
		t0 := time.Now()
		if _, err := html.Parse(bytes.NewReader(body)); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := Extract(body, pageURL, ""); err != nil {
			b.Fatal(err)
		}
		parse += t1.Sub(t0)
		extract += time.Since(t1)
	}
	mb := float64(len(body)) * float64(b.N) / 1e6
	b.ReportMetric(mb/parse.Seconds(), "parse-MB/s")
	b.ReportMetric(mb/extract.Seconds(), "extract-MB/s")
	b.ReportMetric(100*parse.Seconds()/extract.Seconds(), "%-of-parse")
}
