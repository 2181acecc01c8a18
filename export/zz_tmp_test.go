package export

import (
	"context"
	"os"
	"testing"

	"github.com/staffvoice/staffvoice/archive"
)

func BenchmarkZZMake(b *testing.B) {
	dir := syntheticArchive(b, 50, 200, 5, 2, 10)
	os.RemoveAll("/tmp/synth")
	if err := os.Rename(dir, "/tmp/synth"); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkZZReadQA(b *testing.B) {
	s, err := archive.OpenReadOnly(context.Background(), "/tmp/synth")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for b.Loop() {
		n := 0
		s.ExportQA(context.Background(), archive.ExportFilter{}, func(r archive.QARow) error { n++; return nil })
		b.ReportMetric(float64(n), "rows")
	}
}
func BenchmarkZZExport(b *testing.B) {
	s, err := archive.OpenReadOnly(context.Background(), "/tmp/synth")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for b.Loop() {
		_, err := Export(context.Background(), s, Options{Out: b.TempDir(), Formats: Parquet})
		if err != nil {
			b.Fatal(err)
		}
	}
}
