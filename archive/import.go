package archive

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/nlnwa/gowarc"
)

// ImportStats counts what an import did.
type ImportStats struct {
	Records   int // records read
	Captures  int // responses added as captures
	Versions  int // new versions they made
	Duplicate int // responses already imported
	Ignored   int // records that are not responses (request, warcinfo, revisit …)
	Malformed []ImportProblem
}

// ImportProblem is a record that could not be read.
type ImportProblem struct {
	File   string
	Offset int64
	Err    string
}

func (p ImportProblem) String() string {
	return fmt.Sprintf("%s at offset %d: %s", p.File, p.Offset, p.Err)
}

// maxImportErrors stops reading a file that yields nothing but errors.
const maxImportErrors = 100

// Import adds the HTTP responses of a WARC file made by another tool (wget
// --warc-file, Heritrix, Browsertrix) as captures. Each is written again
// into the archive's own WARC files, so the archive stays self-contained,
// and extracted when it is HTML. A response already imported (by its
// record id) is skipped, so importing a file twice adds nothing. A
// malformed record is reported with its file and offset and skipped.
func (s *Store) Import(ctx context.Context, path string) (ImportStats, error) {
	var st ImportStats
	gz, err := isGzip(path)
	if err != nil {
		return st, fmt.Errorf("archive: import %s: %w", path, err)
	}
	offset := int64(0)
	for errs := 0; errs < maxImportErrors; errs++ {
		failedAt, err := s.importFrom(ctx, path, offset, &st)
		if err != nil || failedAt < 0 {
			return st, err
		}
		// After a malformed record the reader's state is lost: start a
		// new one at the next record.
		next, ok := nextRecordStart(path, failedAt+1, gz)
		if !ok {
			return st, nil
		}
		offset = next
	}
	return st, nil
}

// importFrom imports the records of path from offset on, until the end
// (it returns -1) or a malformed record (it returns its offset).
func (s *Store) importFrom(ctx context.Context, path string, offset int64, st *ImportStats) (int64, error) {
	// Other tools bend the standard: wget writes WARC-Target-URI in angle
	// brackets, which gowarc blanks unless told to ignore the violation.
	// Read leniently; check what we use (the URL, the date, the HTTP
	// message) ourselves.
	r, err := gowarc.NewWarcFileReader(path, offset,
		gowarc.WithSpecViolationPolicy(gowarc.ErrIgnore), gowarc.WithSyntaxErrorPolicy(gowarc.ErrIgnore),
		gowarc.WithBlockErrorPolicy(gowarc.ErrIgnore), gowarc.WithUnknownRecordTypePolicy(gowarc.ErrIgnore))
	if err != nil {
		return -1, fmt.Errorf("archive: import %s: %w", path, err)
	}
	defer r.Close()
	for {
		if err := ctx.Err(); err != nil {
			return -1, err
		}
		rec, at, err := nextRecord(r)
		if err == io.EOF {
			return -1, nil
		}
		if err != nil {
			st.Malformed = append(st.Malformed, ImportProblem{path, at, err.Error()})
			return at, nil
		}
		st.Records++
		c, ok, err := importedCapture(rec)
		if err != nil {
			st.Malformed = append(st.Malformed, ImportProblem{path, at, err.Error()})
			continue
		}
		if !ok {
			st.Ignored++
			continue
		}
		res, err := s.Record(ctx, c)
		if err != nil {
			return -1, err
		}
		if res.Skipped {
			st.Duplicate++
			continue
		}
		st.Captures++
		if res.NewVersion {
			st.Versions++
		}
	}
}

// nextRecord reads the next record, turning a panic inside gowarc on a
// damaged file into an error.
func nextRecord(r *gowarc.WarcFileReader) (rec gowarc.WarcRecord, at int64, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("unreadable record: %v", p)
		}
	}()
	rec, at, _, err = r.Next()
	return rec, at, err
}

func isGzip(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	var magic [2]byte
	n, _ := io.ReadFull(f, magic[:])
	return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b, nil
}

// nextRecordStart finds where the next record may start at or after from:
// a gzip member header in a .warc.gz, a WARC version line in a .warc.
func nextRecordStart(path string, from int64, gz bool) (int64, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	if _, err := f.Seek(from, io.SeekStart); err != nil {
		return 0, false
	}
	marker := []byte("\nWARC/1.")
	skip := int64(1) // the record starts after the newline
	if gz {
		marker, skip = []byte{0x1f, 0x8b, 0x08}, 0
	}
	buf := make([]byte, 64<<10)
	base, keep := from, 0
	for {
		n, err := f.Read(buf[keep:])
		if n == 0 && err != nil {
			return 0, false
		}
		window := buf[:keep+n]
		if i := bytes.Index(window, marker); i >= 0 {
			return base + int64(i) + skip, true
		}
		// Keep the tail in case the marker straddles two reads.
		keep = min(len(marker)-1, len(window))
		copy(buf, window[len(window)-keep:])
		base += int64(len(window) - keep)
	}
}

// importedCapture turns a WARC response record into a Capture; ok is false
// for records that are not HTTP responses.
func importedCapture(rec gowarc.WarcRecord) (Capture, bool, error) {
	if rec.Type() != gowarc.Response {
		return Capture{}, false, nil
	}
	block, ok := rec.Block().(gowarc.HttpResponseBlock)
	if !ok {
		return Capture{}, false, nil // a response that is not HTTP (dns:, ftp:)
	}
	target := strings.Trim(strings.TrimSpace(rec.WarcHeader().Get(gowarc.WarcTargetURI)), "<>")
	if !strings.HasPrefix(target, "http://") && !strings.HasPrefix(target, "https://") {
		return Capture{}, false, nil
	}
	date, err := rec.Date()
	if err != nil {
		return Capture{}, false, fmt.Errorf("record %s: bad WARC-Date: %w", rec.RecordId(), err)
	}
	pr, err := block.PayloadBytes()
	if err != nil {
		return Capture{}, false, fmt.Errorf("record %s: %w", rec.RecordId(), err)
	}
	body, err := io.ReadAll(pr)
	if err != nil {
		return Capture{}, false, fmt.Errorf("record %s: %w", rec.RecordId(), err)
	}
	var header http.Header
	if h := block.HttpHeader(); h != nil {
		header = h.Clone()
	}
	return Capture{
		URL:    target,
		Time:   date.UTC().Truncate(time.Second),
		Status: block.HttpStatusCode(),
		Header: header,
		Body:   body,
		Source: "warc:" + rec.RecordId(),
	}, true, nil
}
