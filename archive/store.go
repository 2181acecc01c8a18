package archive

import (
	"bufio"
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nlnwa/gowarc"
)

// DefaultMaxWARCSize is the size at which a WARC file is closed and the
// next one started.
const DefaultMaxWARCSize = 1 << 30

// Options configure a writable archive.
type Options struct {
	// MaxWARCSize rotates WARC files at this many bytes (default 1 GB).
	MaxWARCSize int64
	// Now is the clock; tests inject one. Default time.Now.
	Now func() time.Time
}

// Store is an open archive. A writable Store holds the archive's writer
// lock until Close; a read-only one (OpenReadOnly) takes no lock and runs
// beside a writer.
type Store struct {
	dir    string
	db     *sql.DB
	lock   *lock
	warc   *gowarc.WarcFileWriter
	opts   Options
	closed atomic.Bool
	stmts  stmts
	// mu serialises the catalog's reads and writes in Record: one
	// transaction at a time, while crawls of several sites call it
	// concurrently. pages serialises the captures of one page, from the
	// lookup of its last capture to the commit. Record and LastBody hold
	// open for reading throughout; Close takes it for writing, so that
	// it waits for them.
	mu    sync.Mutex
	pages pageLocks
	open  sync.RWMutex
	// schema is the catalog's schema version, for a read-only Store; a
	// writable one is always up to date (0).
	schema int
}

// warcMu serialises the WARC writers and the making of every gowarc
// record builder and reader in the process: each one writes a global of
// github.com/google/uuid (EnableRandPool) that making a record ID reads,
// a data race otherwise. A goroutine holding warcMu never takes a Store's
// mu.
var warcMu sync.Mutex

// pageLocks are locks by page ID, held while a page's capture is
// recorded: captures of one page are compared with each other (is it a
// revisit? a new version?), so they are recorded one after the other,
// while those of other pages overlap.
type pageLocks struct {
	mu sync.Mutex
	m  map[string]*pageLock
}

type pageLock struct {
	sync.Mutex
	refs int
}

// lock locks the page and returns its unlock.
func (p *pageLocks) lock(id string) (unlock func()) {
	p.mu.Lock()
	if p.m == nil {
		p.m = map[string]*pageLock{}
	}
	l := p.m[id]
	if l == nil {
		l = &pageLock{}
		p.m[id] = l
	}
	l.refs++
	p.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		p.mu.Lock()
		if l.refs--; l.refs == 0 {
			delete(p.m, id)
		}
		p.mu.Unlock()
	}
}

// WARCDir is where an archive keeps its WARC files.
func WARCDir(dir string) string { return filepath.Join(dir, "warc") }

// Open opens the archive in dir for writing, creating it if needed. It
// fails at once with a *LockedError when another process writes to it.
// Opening finishes what a crash left: WARC files still open are cut back
// to their last complete record and closed.
func Open(ctx context.Context, dir string, opts Options) (*Store, error) {
	if opts.MaxWARCSize <= 0 {
		opts.MaxWARCSize = DefaultMaxWARCSize
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := os.MkdirAll(WARCDir(dir), 0o755); err != nil {
		return nil, fmt.Errorf("archive: create %s: %w", dir, err)
	}
	l, err := acquireLock(dir)
	if err != nil {
		return nil, err
	}
	s := &Store{dir: dir, lock: l, opts: opts}
	if s.db, err = openCatalog(ctx, filepath.Join(dir, "catalog.db"), false); err != nil {
		l.release()
		return nil, err
	}
	err = s.repair(ctx)
	if err == nil {
		err = s.prepare(ctx, hotQueries...)
	}
	if err != nil {
		s.stmts.close()
		s.db.Close()
		l.release()
		return nil, err
	}
	s.warc = newWARCWriter(dir, opts)
	return s, nil
}

// OpenReadOnly opens an existing archive for reading. It takes no lock, so
// it works while a crawl writes, and changes nothing: a catalog made by an
// older staffvoice is read as it is (see ErrOldSchema).
func OpenReadOnly(ctx context.Context, dir string) (*Store, error) {
	path := filepath.Join(dir, "catalog.db")
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("archive: %s is not an archive (no catalog.db): %w", dir, err)
	}
	db, err := openCatalog(ctx, path, true)
	if err != nil {
		return nil, err
	}
	s := &Store{dir: dir, db: db, opts: Options{Now: time.Now}}
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&s.schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("archive: read schema version: %w", err)
	}
	if s.schema > len(migrations) {
		// Its rows may be stored in ways this staffvoice would misread.
		db.Close()
		return nil, fmt.Errorf("archive: catalog schema %d is newer than this staffvoice knows (%d); upgrade staffvoice", s.schema, len(migrations))
	}
	return s, nil
}

// Upgrade brings the catalog of the archive in dir up to date, as a writer
// does when it opens one, and returns its schema version before and
// after. It fails with a *LockedError while another process writes.
func Upgrade(ctx context.Context, dir string) (from, to int, err error) {
	r, err := OpenReadOnly(ctx, dir)
	if err != nil {
		return 0, 0, err
	}
	from = r.schema
	r.Close()
	w, err := Open(ctx, dir, Options{})
	if err != nil {
		return from, from, err
	}
	return from, len(migrations), w.Close()
}

// ErrOldSchema is what a reader returns when it needs a newer catalog
// schema than the archive has: one made by an older staffvoice, which any
// writer (staffvoice upgrade, a crawl) brings up to date.
var ErrOldSchema = errors.New("the catalog was made by an older staffvoice")

// needSchema fails with ErrOldSchema when the catalog is older than
// schema v.
func (s *Store) needSchema(v int) error {
	if s.schema != 0 && s.schema < v {
		return fmt.Errorf("archive: %s: %w (schema %d, this needs %d): run staffvoice upgrade --archive %s",
			s.dir, ErrOldSchema, s.schema, v, s.dir)
	}
	return nil
}

// Dir is the archive's directory.
func (s *Store) Dir() string { return s.dir }

// Close closes the WARC files and the catalog and releases the lock.
func (s *Store) Close() error {
	if !s.closed.CompareAndSwap(false, true) {
		return nil
	}
	s.open.Lock() // let the captures under way finish
	defer s.open.Unlock()
	var errs []error
	if s.warc != nil {
		errs = append(errs, s.warc.Close())
	}
	s.stmts.close()
	if s.db != nil {
		errs = append(errs, s.db.Close())
	}
	errs = append(errs, s.lock.release())
	return errors.Join(errs...)
}

// newWARCWriter writes gzip-per-record WARC 1.1 files named by creation
// time and a sequence number, staffvoice-20260124090000-00001.warc.gz,
// rotated at the size limit. A file being written carries the suffix
// .open until it is closed.
func newWARCWriter(dir string, opts Options) *gowarc.WarcFileWriter {
	return gowarc.NewWarcFileWriter(
		gowarc.WithCompression(true),
		gowarc.WithMaxFileSize(opts.MaxWARCSize),
		gowarc.WithFileNameGenerator(&gowarc.PatternNameGenerator{
			Directory: WARCDir(dir),
			Prefix:    "staffvoice-",
			Pattern:   "%{prefix}s%{ts}s-%05{serial}d.%{ext}s",
			Serial:    int32(countWARCs(dir)),
		}),
		gowarc.WithWarcInfoFunc(func(b gowarc.WarcRecordBuilder) error {
			_, err := b.WriteString("software: staffvoice\r\nformat: WARC File Format 1.1\r\nconformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n")
			return err
		}),
	)
}

// countWARCs continues the sequence numbers of the files already there.
func countWARCs(dir string) int {
	n := 0
	entries, _ := os.ReadDir(WARCDir(dir))
	for _, e := range entries {
		if strings.Contains(e.Name(), ".warc") {
			n++
		}
	}
	return n
}

// openSuffix marks a WARC file gowarc is still writing.
const openSuffix = ".open"

// repair finishes what a crashed writer left. Each WARC file still open is
// cut back to the end of its last complete record (a record half-written
// when the process died is never read as data), but never below what the
// catalog points at, and renamed to its final name. Then captures whose
// bytes did not survive (a power loss can lose WARC bytes the catalog
// already recorded) are marked lost, so that no later capture is made a
// revisit of them.
func (s *Store) repair(ctx context.Context) error {
	referenced, err := s.referencedEnds(ctx)
	if err != nil {
		return err
	}
	var open []string
	err = filepath.WalkDir(WARCDir(s.dir), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, openSuffix) {
			open = append(open, path)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("archive: list WARC files: %w", err)
	}
	sort.Strings(open)
	for _, path := range open {
		end, err := lastCompleteRecordEnd(path)
		if err != nil {
			return err
		}
		end = max(end, referenced[filepath.Base(strings.TrimSuffix(path, openSuffix))])
		if fi, err := os.Stat(path); err == nil && end > fi.Size() {
			end = fi.Size()
		}
		if err := os.Truncate(path, end); err != nil {
			return fmt.Errorf("archive: repair %s: %w", path, err)
		}
		if err := os.Rename(path, strings.TrimSuffix(path, openSuffix)); err != nil {
			return fmt.Errorf("archive: repair %s: %w", path, err)
		}
	}
	return s.markLost(ctx, referenced)
}

// referencedEnds returns, per WARC file, where the last byte the catalog
// points at ends.
func (s *Store) referencedEnds(ctx context.Context) (map[string]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT warc_file, max(warc_offset + warc_length) FROM captures WHERE warc_file != '' GROUP BY warc_file`)
	if err != nil {
		return nil, fmt.Errorf("archive: repair: %w", err)
	}
	defer rows.Close()
	ends := map[string]int64{}
	for rows.Next() {
		var name string
		var end int64
		if err := rows.Scan(&name, &end); err != nil {
			return nil, fmt.Errorf("archive: repair: %w", err)
		}
		ends[name] = end
	}
	return ends, rows.Err()
}

// markLost turns captures whose WARC bytes are missing into error
// captures, and so the revisits that rely on their payload.
func (s *Store) markLost(ctx context.Context, referenced map[string]int64) error {
	const lost = "lost in a crash: its WARC record did not reach the disk"
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("archive: repair: %w", err)
	}
	defer tx.Rollback()
	for name, end := range referenced {
		size := int64(-1)
		if fi, err := os.Stat(s.warcPath(name)); err == nil {
			size = fi.Size()
		}
		if size >= end {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE captures SET outcome = 'error', error = ?, warc_file = '', warc_offset = 0, warc_length = 0
			WHERE warc_file = ? AND warc_offset + warc_length > ?`, lost, name, size); err != nil {
			return fmt.Errorf("archive: repair: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE captures SET outcome = 'error', error = ?
		WHERE outcome IN ('revisit', 'not_modified') AND payload_capture IN (SELECT capture_id FROM captures WHERE outcome = 'error')`, lost); err != nil {
		return fmt.Errorf("archive: repair: %w", err)
	}
	return tx.Commit()
}

// lastCompleteRecordEnd returns the offset where the last complete record
// of a WARC file ends. Our WARC files hold one gzip member per record, and
// a member is complete when it decompresses to its end with a good CRC and
// length, which a record cut short by a crash never does.
func lastCompleteRecordEnd(path string) (int64, error) {
	end, _, err := scanMembers(path, 0)
	return end, err
}

// scanMembers reads the gzip members of a file from offset from, and
// returns where the last complete one ends and the file's size.
func scanMembers(path string, from int64) (end, size int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, fmt.Errorf("archive: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, 0, fmt.Errorf("archive: %w", err)
	}
	if _, err := f.Seek(from, io.SeekStart); err != nil {
		return 0, 0, fmt.Errorf("archive: %w", err)
	}
	cr := &countingReader{r: bufio.NewReader(f), n: from}
	end = from
	var z *gzip.Reader
	for {
		if _, err := cr.r.Peek(1); err != nil {
			return end, fi.Size(), nil // the end of the file, after a complete member
		}
		if z == nil {
			z, err = gzip.NewReader(cr)
		} else {
			err = z.Reset(cr)
		}
		if err != nil {
			return end, fi.Size(), nil
		}
		z.Multistream(false)
		if _, err := io.Copy(io.Discard, z); err != nil {
			return end, fi.Size(), nil
		}
		end = cr.n
	}
}

// countingReader counts the bytes gzip takes. It is an io.ByteReader, so
// gzip reads exactly one member and no further.
type countingReader struct {
	r *bufio.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}
