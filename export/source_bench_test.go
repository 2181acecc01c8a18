package export

import (
	"context"
	"testing"

	"github.com/staffvoice/staffvoice/archive"
)

// BenchmarkSyntheticSource is the cost of making up the rows alone, to be
// subtracted from BenchmarkExport's time when judging the exporter.
func BenchmarkSyntheticSource(b *testing.B) {
	g := newSynthetic(50, 200, 5, 2, 10)
	for b.Loop() {
		n := 0
		g.ExportQA(context.Background(), archive.ExportFilter{}, func(archive.QARow) error { n++; return nil })
		b.ReportMetric(float64(n), "rows")
	}
}
