package archive

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"os"
	"strings"

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

// maxImportErrors stops reading a file after this many malformed records in
// a row.
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
	for inARow := 0; ; {
		before := st.Records
		failedAt, err := s.importFrom(ctx, path, offset, &st)
		if err != nil || failedAt < 0 {
			return st, err
		}
		if st.Records > before {
			inARow = 0
		}
		if inARow++; inARow >= maxImportErrors {
			st.Malformed = append(st.Malformed, ImportProblem{path, failedAt, fmt.Sprintf("stopped reading: %d malformed records in a row", inARow)})
			return st, nil
		}
		// After a malformed record the reader's state is lost: start a
		// new one at the next record.
		next, ok := nextRecordStart(path, failedAt+1, gz)
		if !ok {
			return st, nil
		}
		offset = next
	}
}

// importFrom imports the records of path from offset on, until the end
// (it returns -1) or a malformed record (it returns its offset).
func (s *Store) importFrom(ctx context.Context, path string, offset int64, st *ImportStats) (int64, error) {
	// Other tools bend the standard: wget writes WARC-Target-URI in angle
	// brackets, which gowarc blanks unless told to ignore the violation.
	// Read leniently; check what we use (the URL, the date, the HTTP
	// message) ourselves.
	warcMu.Lock() // see warcMu
	r, err := gowarc.NewWarcFileReader(path, offset,
		gowarc.WithSpecViolationPolicy(gowarc.ErrIgnore), gowarc.WithSyntaxErrorPolicy(gowarc.ErrIgnore),
		gowarc.WithBlockErrorPolicy(gowarc.ErrIgnore), gowarc.WithUnknownRecordTypePolicy(gowarc.ErrIgnore))
	warcMu.Unlock()
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
	target := strings.Trim(strings.TrimSpace(rec.WarcHeader().Get(gowarc.WarcTargetURI)), "<>")
	if !strings.HasPrefix(target, "http://") && !strings.HasPrefix(target, "https://") {
		return Capture{}, false, nil // dns:, ftp:, metadata:
	}
	block, ok := rec.Block().(gowarc.HttpResponseBlock)
	if !ok {
		return Capture{}, false, fmt.Errorf("record %s: not a readable HTTP response", rec.RecordId())
	}
	if block.HttpStatusCode() < 100 || block.HttpStatusCode() > 599 {
		return Capture{}, false, fmt.Errorf("record %s: bad HTTP status line %q", rec.RecordId(), block.HttpStatusLine())
	}
	if _, err := CanonicalURL(target); err != nil {
		return Capture{}, false, fmt.Errorf("record %s: %w", rec.RecordId(), err)
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
	header := http.Header{}
	if h := block.HttpHeader(); h != nil {
		header = h.Clone()
	}
	// Other tools record the body as it came over the wire; the archive
	// keeps it decoded, as a crawl does, so both give the same digest.
	if chunked(block.ProtocolHeaderBytes()) && len(header.Values("Transfer-Encoding")) == 0 {
		// net/http takes Transfer-Encoding out of the header it parses.
		header.Set("Transfer-Encoding", "chunked")
	}
	if body, err = decodeBody(header, body); err != nil {
		return Capture{}, false, fmt.Errorf("record %s: %w", rec.RecordId(), err)
	}
	return Capture{
		URL:       target,
		Time:      date.UTC(),
		Status:    block.HttpStatusCode(),
		Header:    header,
		Body:      body,
		Truncated: rec.WarcHeader().Has(gowarc.WarcTruncated),
		Source:    "warc:" + rec.RecordId(),
	}, true, nil
}

// chunked reports a raw HTTP header that declares chunked transfer coding.
func chunked(raw []byte) bool {
	for _, line := range bytes.Split(raw, []byte("\n")) {
		k, v, ok := bytes.Cut(line, []byte(":"))
		if ok && strings.EqualFold(string(bytes.TrimSpace(k)), "Transfer-Encoding") &&
			strings.Contains(strings.ToLower(string(v)), "chunked") {
			return true
		}
	}
	return false
}

// decodeBody undoes chunked transfer coding and gzip or deflate content
// coding. The headers keep saying what was done; buildResponse renames
// them, as for a crawled body.
func decodeBody(h http.Header, body []byte) ([]byte, error) {
	for _, te := range h.Values("Transfer-Encoding") {
		if strings.EqualFold(strings.TrimSpace(te), "chunked") {
			b, err := io.ReadAll(httputil.NewChunkedReader(bytes.NewReader(body)))
			if err != nil {
				return nil, fmt.Errorf("chunked body: %w", err)
			}
			body = b
		}
	}
	switch ce := strings.ToLower(strings.TrimSpace(h.Get("Content-Encoding"))); ce {
	case "", "identity":
	case "gzip", "x-gzip":
		z, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		if body, err = io.ReadAll(z); err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
	case "deflate":
		b, err := io.ReadAll(flate.NewReader(bytes.NewReader(body)))
		if err != nil {
			// Some servers send zlib-wrapped deflate.
			z, zerr := zlib.NewReader(bytes.NewReader(body))
			if zerr != nil {
				return nil, fmt.Errorf("deflate body: %w", err)
			}
			if b, err = io.ReadAll(z); err != nil {
				return nil, fmt.Errorf("deflate body: %w", err)
			}
		}
		body = b
	default:
		return nil, fmt.Errorf("unsupported Content-Encoding %q", ce)
	}
	return body, nil
}
