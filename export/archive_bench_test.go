package export

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/staffvoice/staffvoice/archive"
	"github.com/staffvoice/staffvoice/extract"
	"github.com/staffvoice/staffvoice/internal/gctune"
)

// syntheticArchive writes a catalog of the synthetic source's pages,
// versions and Q&A (see synthetic.sections), straight into the SQLite
// tables (recording 50,000 captures through Record would take minutes).
func syntheticArchive(b *testing.B, sites, pages, versions, sections, questions int) string {
	b.Helper()
	g := newSynthetic(sites, pages, versions, sections, questions)
	dir := b.TempDir()
	ctx := context.Background()
	s, err := archive.Open(ctx, dir, archive.Options{})
	if err != nil {
		b.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "catalog.db")+"?_pragma=synchronous(OFF)&_pragma=journal_mode(WAL)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	prep := func(q string) *sql.Stmt {
		st, err := tx.Prepare(q)
		if err != nil {
			b.Fatal(err)
		}
		return st
	}
	insPage := prep(`INSERT INTO pages (page_id, url, site, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)`)
	insCapture := prep(`INSERT INTO captures (capture_id, page_id, captured_at, url, status, etag, content_type, payload_digest, outcome, warc_file, warc_offset, warc_length, record_id)
		VALUES (?, ?, ?, ?, 200, ?, 'text/html; charset=UTF-8', ?, 'new', 'staffvoice-20260401000000-00001.warc.gz', ?, 12000, ?)`)
	insVersion := prep(`INSERT INTO versions (page_id, version, capture_id, captured_at, content_hash, extractor_version, title, page_number, updated, published, qa_count, breadcrumbs)
		VALUES (?, ?, ?, ?, ?, '1.0.0', ?, ?, ?, '', ?, ?)`)
	insDocument := prep(`INSERT INTO documents (page_id, version, document) VALUES (?, ?, ?)`)
	insStructure := prep(`INSERT INTO structures (page_id, version, sections) VALUES (?, ?, ?)`)
	exec := func(st *sql.Stmt, args ...any) {
		if _, err := st.Exec(args...); err != nil {
			b.Fatal(err)
		}
	}
	const catalogTime = "2006-01-02T15:04:05.000000000Z" // as the archive writes times
	capture := 0
	for si := range sites {
		for pi := range pages {
			site, url, id := g.page(si, pi)
			exec(insPage, id, url, site, synthStart.Format(catalogTime), synthStart.AddDate(0, versions, 0).Format(catalogTime))
			var enc archive.PageEncoder // as the archive encodes a page's versions
			for v := 1; v <= versions; v++ {
				capture++
				at := synthStart.AddDate(0, v, 0)
				exec(insCapture, capture, id, at.Format(catalogTime), url, fmt.Sprintf(`"%d"`, capture), fmt.Sprintf("sha1:%032d", capture), capture*12000, fmt.Sprintf("<urn:uuid:%d>", capture))
				doc := extract.Document{URL: url, Title: "職員の声", PageNumber: "855-600-871", Updated: at.Format(time.DateOnly),
					Breadcrumbs: []string{"ホーム", "職員採用", "職員の声"}, Sections: g.sections(si, pi, v)}
				// The Document is as long as a real one: it sits in front of
				// nothing the exports read, and must not slow them down.
				body, err := json.Marshal(doc)
				if err != nil {
					b.Fatal(err)
				}
				exec(insVersion, id, v, capture, at.Format(catalogTime), fmt.Sprintf("sha256:%064d", capture), doc.Title, doc.PageNumber,
					doc.Updated, doc.QACount(), archive.MarshalBreadcrumbs(&doc))
				exec(insDocument, id, v, string(body))
				exec(insStructure, id, v, enc.Encode(&doc))
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkExportArchive exports a synthetic archive of 1,000,000 Q&A rows
// (50,000 versions: 50 sites × 200 pages × 5 versions × 2 sections × 10
// questions) through the archive's readers, as staffvoice export does.
func BenchmarkExportArchive(b *testing.B) {
	gctune.Tune() // as staffvoice export does
	dir := syntheticArchive(b, 50, 200, 5, 2, 10)
	s, err := archive.OpenReadOnly(context.Background(), dir)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for _, bc := range []struct {
		name   string
		format Format
	}{{"parquet", Parquet}, {"both", Both}} {
		b.Run(bc.name, func(b *testing.B) {
			var qaRows int64
			for b.Loop() {
				st, err := Export(context.Background(), s, Options{Out: b.TempDir(), Formats: bc.format})
				if err != nil {
					b.Fatal(err)
				}
				qaRows = st.Tables[2].Rows
			}
			if qaRows != 1_000_000 {
				b.Fatalf("%d qa rows", qaRows)
			}
			b.ReportMetric(float64(qaRows)*float64(b.N)/b.Elapsed().Seconds(), "qa_rows/s")
			b.ReportMetric(float64(maxRSS())/(1<<20), "peak_RSS_MB")
		})
	}
}
