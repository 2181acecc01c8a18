package archive

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BenchmarkIngest records 10,000 captures of the Nerima page, 1% of them
// with a changed answer, and reports captures per second (extraction
// included) and the bytes each unchanged capture adds to the archive.
func BenchmarkIngest(b *testing.B) {
	const captures = 10000
	page := string(nerimaPage(b))
	ctx := context.Background()
	for b.Loop() {
		dir := b.TempDir()
		s, err := Open(ctx, dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		body := page
		var elapsed time.Duration
		var unchangedBytes int64 // what the runs of unchanged captures added
		for i := 0; i < captures; i++ {
			changed := i%100 == 0
			if changed {
				body = strings.Replace(page, "23区の中で", fmt.Sprintf("23区の中で(%d)", i), 1)
			}
			start := time.Now()
			res, err := s.Record(ctx, htmlCapture(nerimaURL, []byte(body)))
			elapsed += time.Since(start)
			if err != nil {
				b.Fatal(err)
			}
			if !changed && res.Outcome != OutcomeRevisit {
				b.Fatalf("capture %d: %s, want a revisit", i, res.Outcome)
			}
			// Measure around each run of 99 unchanged captures, with the
			// catalog's write-ahead log folded in.
			if i%100 == 0 || i%100 == 99 {
				s.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
				size := dirSize(b, dir)
				if i%100 == 0 {
					unchangedBytes -= size
				} else {
					unchangedBytes += size
				}
			}
		}
		// What an unchanged capture costs: its revisit record in the WARC
		// file, and its row in the catalog (the catalog's size over all
		// captures, an upper bound).
		var revisitBytes float64
		var stored int64
		s.db.QueryRow(`SELECT avg(warc_length) FROM captures WHERE outcome = 'revisit'`).Scan(&revisitBytes)
		s.db.QueryRow(`SELECT sum(warc_length) FROM captures WHERE outcome = 'new'`).Scan(&stored)
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		total := dirSize(b, dir)
		warc := dirSize(b, WARCDir(dir))
		b.ReportMetric(captures/elapsed.Seconds(), "captures/s")
		b.ReportMetric(revisitBytes, "WARC-bytes/unchanged")
		b.ReportMetric(float64(total-warc)/captures, "catalog-bytes/capture")
		b.ReportMetric(float64(unchangedBytes)/float64(captures-captures/100), "all-bytes/unchanged")
		b.ReportMetric(float64(total)/1e6, "MB-on-disk")
	}
}

// dirSize is the bytes of every file of an archive: the WARC files, the
// catalog and its write-ahead log.
func dirSize(b *testing.B, dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n
}
