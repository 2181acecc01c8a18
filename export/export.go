package export

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/staffvoice/staffvoice/archive"
	"github.com/staffvoice/staffvoice/extract"
)

// Source is what an export reads: the sites, and the catalog's rows table
// by table, in each site's order. An export reads several sites at once.
// *archive.Store is one.
type Source interface {
	ExportSites(ctx context.Context, f archive.ExportFilter) ([]string, error)
	ExportPages(ctx context.Context, f archive.ExportFilter, fn func(archive.PageRow) error) error
	ExportVersions(ctx context.Context, f archive.ExportFilter, fn func(archive.VersionRow) error) error
	ExportQA(ctx context.Context, f archive.ExportFilter, fn func(archive.QARow) error) error
	ExportChanges(ctx context.Context, f archive.ExportFilter, fn func(archive.ChangeRow) error) error
	ExportCaptures(ctx context.Context, f archive.ExportFilter, fn func(archive.CaptureRow) error) error
}

var _ Source = (*archive.Store)(nil)

// Format says which files to write.
type Format int

const (
	Parquet Format = 1 << iota
	JSONL
	Both = Parquet | JSONL
)

// ParseFormat reads "parquet", "jsonl" or "both".
func ParseFormat(s string) (Format, error) {
	switch s {
	case "parquet":
		return Parquet, nil
	case "jsonl":
		return JSONL, nil
	case "both":
		return Both, nil
	}
	return 0, fmt.Errorf("export: format %q: want parquet, jsonl or both", s)
}

// Options configure an export.
type Options struct {
	Out     string // the output directory; created if needed
	Formats Format // default Both
	// Since keeps versions, Q&A rows, changes and captures on or after
	// this day (YYYY-MM-DD, UTC), and names their files part-since-YYYYMMDD
	// so that daily exports add files instead of replacing them.
	Since string
	Sites []string // only these sites; none: all
	// Municipalities maps a site's name to its municipality, for the
	// pages table. The catalog does not know them; the configuration does.
	Municipalities map[string]string
}

// Tables are the exported tables, in the order they are written.
var Tables = []string{"pages", "versions", "qa", "changes", "captures"}

// NullPartition is the partition of rows without a site, and of the one
// empty file written for a table with no rows. It is the name Hive, Spark
// and Arrow read as a null partition value.
const NullPartition = "__HIVE_DEFAULT_PARTITION__"

// TableStats is what was written for one table.
type TableStats struct {
	Name  string
	Rows  int64
	Files []string // relative to Options.Out, by site
}

// Stats is what an export wrote, one entry per table in Tables' order.
type Stats struct {
	Out    string
	Tables []TableStats
}

// ParseDay reads a --since day, YYYY-MM-DD, as midnight UTC.
func ParseDay(s string) (time.Time, error) {
	day, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("export: since %q: want YYYY-MM-DD", s)
	}
	return day, nil
}

// batchSize rows are converted and handed to the Parquet writer at a time.
const batchSize = 1024

// maxPersisting bounds the partitions of a table that wait for their
// files to be synced and renamed into place.
const maxPersisting = 16

// rowGroupRows bounds a Parquet row group. The writer keeps a row group's
// compressed pages in memory until it is flushed, so this bounds memory.
const rowGroupRows = 64 * 1024

// Export writes the tables of src to opts.Out. A file appears under its
// final name only once complete. On error, files already renamed into
// place stay (each one complete); the rest are removed.
func Export(ctx context.Context, src Source, opts Options) (Stats, error) {
	if opts.Formats == 0 {
		opts.Formats = Both
	}
	if opts.Out == "" {
		return Stats{}, errors.New("export: no output directory")
	}
	part := "part-00000"
	if opts.Since != "" {
		day, err := ParseDay(opts.Since)
		if err != nil {
			return Stats{}, err
		}
		part = "part-since-" + day.Format("20060102")
	}
	f := archive.ExportFilter{Since: opts.Since, Sites: opts.Sites}
	pf := archive.ExportFilter{Sites: opts.Sites} // pages: the current state, not history
	// An encoder for each worker's writer, and one for its writer's Close.
	codec := newZstdCodec(2 * runtime.GOMAXPROCS(0))
	stats := Stats{Out: opts.Out}
	add := func(ts TableStats, err error) error {
		stats.Tables = append(stats.Tables, ts)
		return err
	}
	// pages is the current state, not history: always a whole snapshot.
	pages := table[archive.PageRow, pageRecord]{name: "pages", codec: codec, part: "part-00000", opts: opts, filter: pf,
		site: func(r *archive.PageRow) string { return r.Site },
		conv: func(r *archive.PageRow) pageRecord { return pageFrom(r, opts.Municipalities) },
		json: (*pageRecord).appendJSON}
	versions := table[archive.VersionRow, versionRecord]{name: "versions", codec: codec, part: part, opts: opts, filter: f,
		site: func(r *archive.VersionRow) string { return r.Site }, conv: versionFrom, json: (*versionRecord).appendJSON,
		extractor: func(r *archive.VersionRow) string { return r.ExtractorVersion }}
	qa := table[archive.QARow, qaRecord]{name: "qa", codec: codec, part: part, opts: opts, filter: f, text: qaText,
		site: func(r *archive.QARow) string { return r.Site }, conv: qaFrom, json: (*qaRecord).appendJSON,
		extractor: func(r *archive.QARow) string { return r.ExtractorVersion }}
	changes := table[archive.ChangeRow, changeRecord]{name: "changes", codec: codec, part: part, opts: opts, filter: f, text: changeText,
		site: func(r *archive.ChangeRow) string { return r.Site }, conv: changeFrom, json: (*changeRecord).appendJSON}
	captures := table[archive.CaptureRow, captureRecord]{name: "captures", codec: codec, part: part, opts: opts, filter: f,
		site: func(r *archive.CaptureRow) string { return r.Site }, conv: captureFrom, json: (*captureRecord).appendJSON}

	sites, err := src.ExportSites(ctx, f)
	if err != nil {
		return stats, fmt.Errorf("export: %w", err)
	}
	err = add(pages.write(ctx, sites, src.ExportPages))
	if err == nil {
		err = add(versions.write(ctx, sites, src.ExportVersions))
	}
	if err == nil {
		err = add(qa.write(ctx, sites, src.ExportQA))
	}
	if err == nil {
		err = add(changes.write(ctx, sites, src.ExportChanges))
	}
	if err == nil {
		err = add(captures.write(ctx, sites, src.ExportCaptures))
	}
	return stats, err
}

// table writes one table: S is the source row, R the Parquet row.
type table[S any, R any] struct {
	name      string
	part      string // file name without extension
	opts      Options
	filter    archive.ExportFilter
	site      func(*S) string
	conv      func(*S) R
	extractor func(*S) string // nil: the table has no extractor column
	json      func(*R, []byte) []byte
	codec     *zstdCodec // shared, so that its encoders are reused
	// text is the paths of the free-text columns, which get no min and
	// max statistics: no reader filters on the lexical range of answers,
	// and working the range out was 4% of an export's CPU.
	text [][]string
}

// reader is a Source's reader of one table.
type reader[S any] func(context.Context, archive.ExportFilter, func(S) error) error

// write writes the table's partitions, one per site, several sites at
// once: each site is read, converted and written by a worker of its own,
// so that an export uses every core. Each file depends only on its own
// site's rows, so the output is the same whatever the concurrency.
func (t *table[S, R]) write(ctx context.Context, sites []string, read reader[S]) (TableStats, error) {
	ts := TableStats{Name: t.name}
	type result struct {
		rows  int64
		files []string
		err   error
	}
	results := make([]result, len(sites))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	go func() {
		defer close(next)
		for i := range sites {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	// A worker finishes a site's files, then goes on with its next site
	// while a goroutine of persisting makes them durable: a sync takes
	// the disk's time, not the CPU's (0.8 s in an export of 250 files).
	// At most maxPersisting partitions wait for the disk, each holding
	// its open files and nothing else.
	var wg, persisting sync.WaitGroup
	slots := make(chan struct{}, maxPersisting)
	for range min(runtime.GOMAXPROCS(0), len(sites)) {
		wg.Go(func() {
			for i := range next {
				r := &results[i]
				var p *partition[R]
				r.rows, p, r.err = t.writeSite(ctx, sites[i], read)
				if r.err != nil {
					cancel()
					continue
				}
				if p != nil {
					slots <- struct{}{}
					persisting.Go(func() {
						defer func() { <-slots }()
						if err := ctx.Err(); err != nil {
							p.abort() // the export failed or stops: no more files in place
							r.err = err
							return
						}
						if r.files, r.err = p.persist(); r.err != nil {
							cancel()
						}
					})
				}
			}
		})
	}
	wg.Wait()
	persisting.Wait()
	var errs []error
	for _, r := range results {
		ts.Rows += r.rows
		ts.Files = append(ts.Files, r.files...)
		if r.err != nil && !errors.Is(r.err, context.Canceled) {
			errs = append(errs, r.err)
		}
	}
	err := errors.Join(errs...)
	if err == nil {
		err = ctx.Err()
	}
	if err == nil && ts.Rows == 0 {
		// An empty table still gets one file, so that readers find its
		// schema: in a requested site's partition when the export names
		// sites, never over the rows of pages without one.
		site := ""
		if len(t.opts.Sites) > 0 {
			site = t.opts.Sites[0]
		}
		var p *partition[R]
		if p, err = t.open(site); err == nil {
			var files []string
			files, err = p.finishAndPersist()
			ts.Files = append(ts.Files, files...)
		}
	}
	if err != nil {
		return ts, fmt.Errorf("export %s: %w", t.name, err)
	}
	return ts, nil
}

// writeSite writes the partition of one site, if it has rows, and
// returns it finished, to be persisted.
func (t *table[S, R]) writeSite(ctx context.Context, site string, read reader[S]) (int64, *partition[R], error) {
	var rows int64
	var p *partition[R]
	f := t.filter
	f.Sites = []string{site}
	err := read(ctx, f, func(row S) error {
		if s := t.site(&row); s != site {
			return fmt.Errorf("a row of site %q among those of %q", s, site)
		}
		if p == nil {
			if err := ctx.Err(); err != nil {
				return err
			}
			var err error
			if p, err = t.open(site); err != nil {
				return err
			}
		}
		if t.extractor != nil {
			p.extractors[t.extractor(&row)] = true
		}
		rows++
		return p.add(t.conv(&row))
	})
	if p == nil {
		return rows, nil, err
	}
	if err == nil {
		err = p.finish()
	}
	if err != nil {
		p.abort()
		return rows, nil, err
	}
	return rows, p, nil
}

// partition is the open files of one table and site.
type partition[R any] struct {
	site   string
	dir    string // relative to Out
	pq     *parquet.GenericWriter[R]
	pqFile *pendingFile
	// Batches go to the Parquet writer on its own goroutine, so that
	// Parquet encoding and compression overlap with reading rows and
	// writing JSON. free returns written batches for reuse.
	batches, free chan []R
	pqErr         chan error
	jsonl         *pendingFile
	line          []byte
	batch         []R
	extractors    map[string]bool
	json          func(*R, []byte) []byte
}

// partitionDir is the Hive partition directory of a site: site=NAME, with
// the characters that paths and Hive readers treat specially escaped as
// %XX, as Hive does.
func partitionDir(site string) string {
	if site == "" {
		return "site=" + NullPartition
	}
	var b strings.Builder
	for i := 0; i < len(site); i++ {
		c := site[i]
		if c < 0x20 || c == 0x7f || strings.IndexByte(`"#%'*/:=?\{[]^<>|`, c) >= 0 || (i == 0 && c == '.') {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return "site=" + b.String()
}

// unescapeSite is partitionDir's inverse, for tests and readers.
func unescapeSite(dir string) (string, error) {
	v := strings.TrimPrefix(dir, "site=")
	if v == NullPartition {
		return "", nil
	}
	return url.PathUnescape(v)
}

func (t *table[S, R]) open(site string) (*partition[R], error) {
	p := &partition[R]{site: site, dir: filepath.Join(t.name, partitionDir(site)), extractors: map[string]bool{}, json: t.json}
	dir := filepath.Join(t.opts.Out, p.dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if t.opts.Formats&Parquet != 0 {
		f, err := createPending(filepath.Join(dir, t.part+".parquet"))
		if err != nil {
			return nil, err
		}
		p.pqFile = f
		options := []parquet.WriterOption{
			parquet.Compression(t.codec),
			parquet.MaxRowsPerRowGroup(rowGroupRows),
			// A fixed creator, so that files do not depend on how the
			// binary was built.
			parquet.CreatedBy("staffvoice", SchemaVersion, ""),
			parquet.KeyValueMetadata("staffvoice.schema_version", SchemaVersion),
			parquet.KeyValueMetadata("staffvoice.table", t.name),
		}
		for _, path := range t.text {
			options = append(options, parquet.SkipPageBounds(path...), parquet.SkipPageStatistics(path...))
		}
		p.pq = parquet.NewGenericWriter[R](f.w, options...)
		p.batch = make([]R, 0, batchSize)
		p.batches, p.free, p.pqErr = make(chan []R, 4), make(chan []R, 5), make(chan error, 1)
		for range 4 {
			p.free <- make([]R, 0, batchSize)
		}
		go p.writeParquet()
	}
	if t.opts.Formats&JSONL != 0 {
		f, err := createPending(filepath.Join(dir, t.part+".jsonl"))
		if err != nil {
			p.abort()
			return nil, err
		}
		p.jsonl = f
	}
	return p, nil
}

func (p *partition[R]) add(r R) error {
	if p.jsonl != nil {
		p.line = p.json(&r, p.line[:0])
		if _, err := p.jsonl.w.Write(p.line); err != nil {
			return err
		}
	}
	if p.pq != nil {
		p.batch = append(p.batch, r)
		if len(p.batch) == cap(p.batch) {
			return p.flushBatch()
		}
	}
	return nil
}

// flushBatch hands the current batch to the Parquet writer.
func (p *partition[R]) flushBatch() error {
	if len(p.batch) == 0 {
		return nil
	}
	p.batches <- p.batch
	p.batch = <-p.free
	return nil
}

// writeParquet writes the batches it is sent until the channel closes,
// then closes the writer and reports the first error.
func (p *partition[R]) writeParquet() {
	var err error
	for batch := range p.batches {
		if err == nil {
			_, err = p.pq.Write(batch)
		}
		clear(batch) // drop references to the rows' strings
		p.free <- batch[:0]
	}
	if err == nil {
		p.pq.SetKeyValueMetadata("staffvoice.extractor_version", p.extractorVersion())
		err = p.pq.Close()
	}
	p.pqErr <- err
}

// closeParquet sends the last batch and waits for the writer to finish.
func (p *partition[R]) closeParquet() error {
	err := p.flushBatch()
	close(p.batches)
	if werr := <-p.pqErr; err == nil {
		err = werr
	}
	p.pq = nil
	return err
}

// finishAndPersist finishes the partition's files and persists them.
func (p *partition[R]) finishAndPersist() ([]string, error) {
	if err := p.finish(); err != nil {
		p.abort()
		return nil, err
	}
	return p.persist()
}

// finish writes what the writers still hold to the files, closes the
// writers and lets their buffers go.
func (p *partition[R]) finish() error {
	if p.pq != nil {
		if err := p.closeParquet(); err != nil {
			return err
		}
	}
	p.batch, p.free, p.line = nil, nil, nil
	for _, f := range []*pendingFile{p.pqFile, p.jsonl} {
		if f != nil {
			if err := f.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// persist makes the finished files durable and renames them into place.
// On error, it removes those not yet in place.
func (p *partition[R]) persist() ([]string, error) {
	var files []string
	for _, f := range []*pendingFile{p.pqFile, p.jsonl} {
		if f == nil {
			continue
		}
		if err := f.commit(); err != nil {
			p.abort()
			return files, err
		}
		files = append(files, filepath.Join(p.dir, filepath.Base(f.final)))
	}
	return files, nil
}

// extractorVersion is the extractor versions of the file's rows, sorted
// and comma-separated; for tables without one, or no rows, this build's.
func (p *partition[R]) extractorVersion() string {
	if len(p.extractors) == 0 {
		return extract.Version
	}
	var vs []string
	for v := range p.extractors {
		vs = append(vs, v)
	}
	slices.Sort(vs)
	return strings.Join(vs, ",")
}

func (p *partition[R]) abort() {
	if p.pq != nil {
		p.closeParquet()
	}
	if p.pqFile != nil {
		p.pqFile.abort()
	}
	if p.jsonl != nil {
		p.jsonl.abort()
	}
}

// pendingFile is written under a temporary name in its final directory
// and renamed into place when complete.
type pendingFile struct {
	f     *os.File
	w     *bufio.Writer
	final string
	done  bool
}

func createPending(final string) (*pendingFile, error) {
	// A leading dot: readers of a whole directory (pyarrow, R arrow,
	// Spark) skip the file while it is being written.
	f, err := os.CreateTemp(filepath.Dir(final), "."+filepath.Base(final)+".tmp-*")
	if err != nil {
		return nil, err
	}
	return &pendingFile{f: f, w: bufio.NewWriterSize(f, 256<<10), final: final}, nil
}

// flush writes what the buffer holds and lets the buffer go.
func (p *pendingFile) flush() error {
	err := p.w.Flush()
	if err != nil {
		return fmt.Errorf("write %s: %w", p.final, err)
	}
	p.w = nil
	return nil
}

// commit syncs the flushed file and renames it into place.
func (p *pendingFile) commit() error {
	err := p.f.Chmod(0o644)
	if err == nil {
		// Durable before it is visible: a crash after the rename must not
		// leave an empty or partial file under the final name.
		err = p.f.Sync()
	}
	if cerr := p.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(p.f.Name(), p.final)
	}
	if err != nil {
		os.Remove(p.f.Name())
		return fmt.Errorf("write %s: %w", p.final, err)
	}
	p.done = true
	syncDir(filepath.Dir(p.final))
	return nil
}

func (p *pendingFile) abort() {
	if p.done {
		return
	}
	p.f.Close()
	os.Remove(p.f.Name())
	p.done = true
}

// syncDir makes a rename durable; where directories cannot be synced
// (Windows), the rename is still atomic.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
