package archive

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nlnwa/gowarc"

	"github.com/staffvoice/staffvoice/extract"
)

// Capture is one fetch of one URL, as the crawler or an import saw it.
type Capture struct {
	URL  string // the URL fetched
	Site string // the configured site it belongs to, or ""
	Time time.Time

	// RequestHeader is what was sent (User-Agent, If-None-Match …).
	RequestHeader http.Header

	// Status, Header and Body are the response; Status is 0 when Err is
	// set. Body is the payload after transfer and content decoding.
	Status    int
	Header    http.Header
	Body      []byte
	Truncated bool // the body was cut at the size limit

	// Err is a fetch that got no response: a timeout, a refused
	// connection. It is recorded as an error capture.
	Err error

	// Links are the payload's links the crawler followed, kept so that a
	// later 304 leads to them too; nil when it followed none.
	Links *LinkSet

	// Document is the payload's extraction when the caller has it
	// already (the crawler extracts every page for its links); nil makes
	// Record extract the payload itself when it is new.
	Document *extract.Document

	// Source identifies an imported record ("file.warc.gz#<urn:uuid:…>");
	// a capture with a Source already in the catalog is skipped.
	Source string
}

// Outcome says what a capture added to the archive.
type Outcome string

const (
	OutcomeNew         Outcome = "new"          // a new payload, stored whole
	OutcomeRevisit     Outcome = "revisit"      // the same payload as the page's last capture
	OutcomeNotModified Outcome = "not_modified" // the server answered 304
	OutcomeError       Outcome = "error"        // no response
)

// Result is what Record did.
type Result struct {
	CaptureID  int64
	PageID     string
	Outcome    Outcome
	Version    int  // the page's latest version after the capture (0: none yet)
	NewVersion bool // the capture created that version
	Skipped    bool // an import already in the catalog
	// ExtractErr is why the payload was not extracted (not HTML, empty).
	ExtractErr error
}

// Record adds one capture to the archive: WARC records first (request and
// response, or a revisit record for a payload the page already has, or a
// server-not-modified revisit for a 304), written through to the file
// before the catalog transaction commits; then the catalog rows, and a new
// version when the extracted content differs from the page's latest.
// It is safe for concurrent use. Captures of one page are recorded one
// after the other; those of different pages overlap in three phases: the
// catalog is read and written one capture at a time (s.mu), the WARC file
// written one capture at a time (warcMu), and the rest (extraction, the
// encoding of versions) runs in parallel, so that one capture's WARC
// compression overlaps another's catalog transaction.
func (s *Store) Record(ctx context.Context, c Capture) (Result, error) {
	if s.warc == nil {
		return Result{}, errors.New("archive: read-only store")
	}
	s.open.RLock() // Close waits for the captures under way
	defer s.open.RUnlock()
	if s.closed.Load() {
		return Result{}, fmt.Errorf("archive: record %s: the archive is closed", c.URL)
	}
	canon, err := CanonicalURL(c.URL)
	if err != nil {
		return Result{}, fmt.Errorf("archive: record %s: %w", c.URL, err)
	}
	if c.Time.IsZero() {
		c.Time = s.opts.Now()
	}
	c.Time = c.Time.UTC()
	res := Result{PageID: PageID(canon)}

	row := captureRow{pageID: res.PageID, at: c.Time, url: c.URL, status: c.Status, source: c.Source, truncated: c.Truncated}
	if c.Links != nil {
		b, err := json.Marshal(c.Links)
		if err != nil {
			return res, fmt.Errorf("archive: record %s: %w", c.URL, err)
		}
		row.links = string(b)
	}
	if c.Header != nil {
		row.etag = c.Header.Get("ETag")
		row.lastModified = c.Header.Get("Last-Modified")
		row.contentType = c.Header.Get("Content-Type")
	}
	var digest string
	if c.Err == nil {
		digest = PayloadDigest(c.Body)
	}

	unlock := s.pages.lock(res.PageID)
	defer unlock()
	prev, skip, err := s.lookup(ctx, c, res.PageID)
	if err != nil || skip {
		res.Skipped = skip
		return res, err
	}
	switch {
	case c.Err != nil:
		row.outcome, row.errText = OutcomeError, c.Err.Error()
	case c.Status == http.StatusNotModified && prev != nil:
		row.outcome = OutcomeNotModified
		row.digest, row.payloadCapture = prev.digest, prev.id
	case c.Status == http.StatusNotModified:
		// Nothing earlier to refer to: keep the 304 response itself.
		row.outcome = OutcomeNotModified
		row.digest = digest
	default:
		row.digest = digest
		row.outcome = OutcomeNew
		if prev != nil && prev.digest == row.digest && c.Status == prev.status && c.Truncated == prev.truncated {
			row.outcome, row.payloadCapture = OutcomeRevisit, prev.id
		}
	}
	res.Outcome = row.outcome

	if row.outcome != OutcomeError {
		if err := s.writeWARC(&row, c, prev); err != nil {
			return res, err
		}
	}

	// Extract only new payloads: a revisit or a 304 has the content of a
	// capture already extracted.
	var doc *encodedDoc
	if row.outcome == OutcomeNew && c.Status == http.StatusOK && !c.Truncated {
		d := c.Document
		if d == nil {
			d, res.ExtractErr = extractPage(c.Body, c.URL, row.contentType)
		}
		if d != nil {
			if doc, err = encodeDoc(d); err != nil {
				return res, fmt.Errorf("archive: record %s: %w", c.URL, err)
			}
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("archive: record %s: %w", c.URL, err)
	}
	defer tx.Rollback()
	if res.CaptureID, err = s.insertCapture(ctx, tx, canon, c.Site, row); err != nil {
		return res, fmt.Errorf("archive: record %s: %w", c.URL, err)
	}
	var latest string
	if err := s.queryRow(ctx, tx, qLatestContentTime, res.PageID).Scan(&latest); err != nil {
		return res, fmt.Errorf("archive: record %s: %w", c.URL, err)
	}
	late := doc != nil && latest > c.Time.Format(timeLayout)
	if !late {
		if res.Version, res.NewVersion, err = s.addVersion(ctx, tx, res.PageID, res.CaptureID, c.Time, doc); err != nil {
			return res, fmt.Errorf("archive: record %s: %w", c.URL, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return res, fmt.Errorf("archive: record %s: %w", c.URL, err)
	}
	if late {
		// A capture older than the page's latest version (an import of an
		// old WARC file): rebuild the versions in time order.
		if res.NewVersion, err = s.reextractPage(ctx, res.PageID); err != nil {
			return res, fmt.Errorf("archive: record %s: rebuild versions: %w", c.URL, err)
		}
		if err := s.queryRow(ctx, nil, `SELECT coalesce(max(version), 0) FROM versions WHERE page_id = ?`, res.PageID).Scan(&res.Version); err != nil {
			return res, fmt.Errorf("archive: record %s: %w", c.URL, err)
		}
	}
	return res, nil
}

// The statements Record runs for every capture, prepared once at open.
const (
	qSourceSeen = `SELECT count(*) FROM captures WHERE source = ? AND source != ''`
	// The time of the page's latest capture with content: a capture
	// older than that is late, and the page's versions are rebuilt.
	qLatestContentTime = `SELECT coalesce(max(captured_at), '') FROM captures WHERE page_id = ? AND outcome IN ('new', 'revisit', 'not_modified')`
	qLastPayload       = `
		SELECT capture_id, payload_digest, status, truncated, record_id, url, captured_at, payload_capture
		FROM captures WHERE page_id = ? AND outcome IN ('new', 'revisit', 'not_modified') AND captured_at <= ?
		ORDER BY captured_at DESC, capture_id DESC LIMIT 1`
	qLastOK = `
		SELECT capture_id, payload_digest, status, truncated, record_id, url, captured_at, payload_capture
		FROM captures WHERE page_id = ? AND status = 200 AND truncated = 0 AND outcome IN ('new', 'revisit') AND captured_at <= ?
		ORDER BY captured_at DESC, capture_id DESC LIMIT 1`
	qCaptureLinks = `SELECT links FROM captures WHERE capture_id = ?`
	qCaptureByID  = `SELECT capture_id, status, truncated, record_id, url, captured_at FROM captures WHERE capture_id = ?`
	qUpsertPage   = `
		INSERT INTO pages (page_id, url, site, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (page_id) DO UPDATE SET
			first_seen = min(pages.first_seen, excluded.first_seen),
			last_seen = max(pages.last_seen, excluded.last_seen),
			site = CASE WHEN excluded.site != '' THEN excluded.site ELSE pages.site END`
	qInsertCapture = `
		INSERT INTO captures (page_id, captured_at, url, status, etag, last_modified, content_type, payload_digest,
			outcome, error, truncated, warc_file, warc_offset, warc_length, record_id, payload_capture, source, links)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	qLatestVersion = `SELECT version, content_hash FROM versions WHERE page_id = ? ORDER BY version DESC LIMIT 1`
	qValidators    = `
		SELECT etag, last_modified FROM captures
		WHERE page_id = ? AND status = 200 AND truncated = 0 AND outcome IN ('new', 'revisit')
		ORDER BY captured_at DESC, capture_id DESC LIMIT 1`
)

// hotQueries are prepared when a writable Store opens.
var hotQueries = []string{qCaptureLinks, qSourceSeen, qLatestContentTime, qLastPayload, qLastOK, qCaptureByID, qUpsertPage, qInsertCapture, qLatestVersion, qValidators}

// timeLayout writes catalog times in UTC with a fixed width, so that
// their text sorts as the times do.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// captureRow is a captures row in the making.
type captureRow struct {
	pageID                          string
	at                              time.Time
	url                             string
	status                          int
	etag, lastModified, contentType string
	digest                          string
	outcome                         Outcome
	errText                         string
	truncated                       bool
	warcFile                        string
	warcOffset, warcLength          int64
	recordID                        string
	payloadCapture                  int64 // 0: none
	source                          string
	links                           string // JSON, or ""
}

// prevCapture is the page's last capture that stored or referenced a
// payload.
type prevCapture struct {
	id        int64
	digest    string
	status    int
	truncated bool
	recordID  string
	url       string
	at        string
}

// lastPayloadCapture returns the page's last capture at or before t that
// query (qLastPayload or qLastOK) picks, resolved to the capture holding
// its payload. Captures are ordered by time, so that an import of an older
// WARC file fits in its place.
func (s *Store) lastPayloadCapture(ctx context.Context, query, pageID string, t time.Time) (*prevCapture, error) {
	var p prevCapture
	var payload sql.NullInt64
	err := s.queryRow(ctx, nil, query, pageID, t.UTC().Format(timeLayout)).Scan(&p.id, &p.digest, &p.status, &p.truncated, &p.recordID, &p.url, &p.at, &payload)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("archive: last capture of %s: %w", pageID, err)
	}
	if payload.Valid {
		// A revisit: point at the record that holds the payload.
		err = s.queryRow(ctx, nil, qCaptureByID, payload.Int64).
			Scan(&p.id, &p.status, &p.truncated, &p.recordID, &p.url, &p.at)
		if err != nil {
			return nil, fmt.Errorf("archive: last capture of %s: %w", pageID, err)
		}
	}
	return &p, nil
}

func (s *Store) insertCapture(ctx context.Context, tx *sql.Tx, canon, site string, r captureRow) (int64, error) {
	at := r.at.UTC().Format(timeLayout)
	if _, err := s.exec(ctx, tx, qUpsertPage,
		r.pageID, canon, site, at, at); err != nil {
		return 0, err
	}
	var payload any
	if r.payloadCapture != 0 {
		payload = r.payloadCapture
	}
	truncated := 0
	if r.truncated {
		truncated = 1
	}
	res, err := s.exec(ctx, tx, qInsertCapture,
		r.pageID, at, r.url, r.status, r.etag, r.lastModified, r.contentType, r.digest,
		string(r.outcome), r.errText, truncated, r.warcFile, r.warcOffset, r.warcLength, r.recordID, payload, r.source, r.links)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// addVersion stores doc as the page's next version when its content hash
// differs from the latest version's, and returns the latest version.
func (s *Store) addVersion(ctx context.Context, tx *sql.Tx, pageID string, captureID int64, at time.Time, doc *encodedDoc) (int, bool, error) {
	var latest int
	var hash string
	err := s.queryRow(ctx, tx, qLatestVersion, pageID).Scan(&latest, &hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, false, err
	}
	if doc == nil || doc.ContentHash == hash {
		return latest, false, nil
	}
	var prev *extract.Document
	var enc PageEncoder
	if latest > 0 {
		if prev, err = s.versionDocument(ctx, tx, pageID, latest); err != nil {
			return 0, false, err
		}
		var stored []byte
		err := s.queryRow(ctx, tx, `SELECT sections FROM structures WHERE page_id = ? AND version = ?`, pageID, latest).Scan(&stored)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, false, err
		}
		enc.continueAfter(latest, prev, stored)
	}
	v := latest + 1
	if err := s.insertVersion(ctx, tx, pageID, v, captureID, at, doc, prev, enc.Encode(doc.Document)); err != nil {
		return 0, false, err
	}
	return v, true, nil
}

// insertVersion stores version v of a page, with its sections encoded by
// the page's PageEncoder, and the changes to it from prev, the version
// before (nil for the first).
func (s *Store) insertVersion(ctx context.Context, tx *sql.Tx, pageID string, v int, captureID int64, at time.Time, doc *encodedDoc, prev *extract.Document, sections []byte) error {
	if _, err := s.exec(ctx, tx, `
		INSERT INTO versions (page_id, version, capture_id, captured_at, content_hash, extractor_version,
			title, page_number, updated, published, qa_count, breadcrumbs)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		pageID, v, captureID, at.UTC().Format(timeLayout), doc.ContentHash, doc.ExtractorVersion,
		doc.Title, doc.PageNumber, doc.Updated, doc.Published, doc.QACount(), doc.breadcrumbs); err != nil {
		return err
	}
	if _, err := s.exec(ctx, tx, `INSERT INTO documents (page_id, version, document) VALUES (?, ?, ?)`, pageID, v, doc.json); err != nil {
		return err
	}
	if _, err := s.exec(ctx, tx, `INSERT INTO structures (page_id, version, sections) VALUES (?, ?, ?)`, pageID, v, sections); err != nil {
		return err
	}
	if prev != nil {
		return s.insertChanges(ctx, tx, pageID, v, at, prev, doc.Document)
	}
	return nil
}

// encodedDoc is a Document with the encodings its version's rows store,
// made before the catalog is locked. Its sections are encoded against
// the version before, once the catalog is locked.
type encodedDoc struct {
	*extract.Document
	json, breadcrumbs string
}

func encodeDoc(doc *extract.Document) (*encodedDoc, error) {
	body, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return &encodedDoc{Document: doc, json: string(body), breadcrumbs: MarshalBreadcrumbs(doc)}, nil
}

// lookup reads what a capture is compared with: the page's last capture
// with a payload. A 304 means the payload of the last complete 200, the
// capture the validators came from (see Validators); anything else
// compares with the last payload of any status. skip is an import already
// in the catalog.
func (s *Store) lookup(ctx context.Context, c Capture, pageID string) (prev *prevCapture, skip bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.Source != "" {
		var n int
		if err := s.queryRow(ctx, nil, qSourceSeen, c.Source).Scan(&n); err != nil {
			return nil, false, fmt.Errorf("archive: record %s: %w", c.URL, err)
		}
		if n > 0 {
			return nil, true, nil
		}
	}
	query := qLastPayload
	if c.Err == nil && c.Status == http.StatusNotModified {
		query = qLastOK
	}
	prev, err = s.lastPayloadCapture(ctx, query, pageID, c.Time)
	return prev, false, err
}

// writeWARC writes the capture's records and fills in where the main one
// landed. A new payload gets a request and a response record; a revisit
// or a 304 one revisit record that refers to the record holding the
// payload.
func (s *Store) writeWARC(row *captureRow, c Capture, prev *prevCapture) error {
	warcMu.Lock()
	defer warcMu.Unlock()
	date := c.Time.Format(time.RFC3339)
	resp, err := buildResponse(c, date)
	if err != nil {
		return fmt.Errorf("archive: record %s: %w", c.URL, err)
	}
	records := []gowarc.WarcRecord{}
	main := resp
	switch {
	case row.outcome == OutcomeNew || prev == nil:
		req, err := buildRequest(c, date)
		if err != nil {
			return fmt.Errorf("archive: record %s: %w", c.URL, err)
		}
		req.WarcHeader().SetId(gowarc.WarcConcurrentTo, resp.WarcHeader().GetId(gowarc.WarcRecordID))
		records = append(records, req, resp)
	default:
		profile := gowarc.ProfileIdenticalPayloadDigestV1_1
		if row.outcome == OutcomeNotModified {
			profile = gowarc.ProfileServerNotModifiedV1_1
		}
		rev, err := resp.ToRevisitRecord(&gowarc.RevisitRef{Profile: profile, TargetRecordId: prev.recordID, TargetUri: prev.url, TargetDate: prevDate(prev.at)})
		if err != nil {
			return fmt.Errorf("archive: record %s: revisit: %w", c.URL, err)
		}
		main = rev
		records = append(records, rev)
	}
	defer func() {
		for _, r := range records {
			r.Close()
		}
	}()
	results := s.warc.Write(records...)
	if len(results) != len(records) {
		return fmt.Errorf("archive: record %s: WARC writer closed", c.URL)
	}
	end, err := s.checkWritten(results)
	if err != nil {
		return fmt.Errorf("archive: record %s: write WARC: %w", c.URL, err)
	}
	last := results[len(results)-1]
	row.warcFile = last.FileName
	row.warcOffset = last.FileOffset
	row.warcLength = end - last.FileOffset
	row.recordID = main.WarcHeader().GetId(gowarc.WarcRecordID)
	return nil
}

// checkWritten makes sure the records just written are whole on disk before
// the catalog may point at them. gowarc does not report an error from the
// final flush of a gzip member (a full disk, a file size limit), so each
// member is checked where that flush lands: it must begin with a gzip
// header and end, where the next member or the file begins, with a gzip
// trailer whose length field is the record's length. Reading the member
// back whole and decompressing it would cost as much as writing it. On
// failure the file is closed and cut back to before these records, so that
// no torn record sits in the middle of a WARC file. It returns where the
// last record ends.
func (s *Store) checkWritten(results []gowarc.WriteResponse) (end int64, err error) {
	from := map[string]int64{} // file → offset of the first of our records
	var failed error
	for _, r := range results {
		if r.Err != nil && failed == nil {
			failed = r.Err
		}
		if r.FileName == "" {
			continue
		}
		if off, ok := from[r.FileName]; !ok || r.FileOffset < off {
			from[r.FileName] = r.FileOffset
		}
	}
	if failed == nil {
		end, failed = s.checkMembers(results)
	}
	if failed == nil {
		return end, nil
	}
	rerr := s.warc.Rotate()
	for name, off := range from {
		if err := os.Truncate(s.warcPath(name), off); err != nil && rerr == nil {
			rerr = err
		}
	}
	if rerr != nil {
		return 0, fmt.Errorf("%w (and cutting it back failed: %v)", failed, rerr)
	}
	return 0, failed
}

// checkMembers checks the gzip header and trailer of each record written
// (see checkWritten) and returns where the last one ends. A record ends
// where the next one in its file begins, the last one at the file's end:
// no one else writes while Record holds warcMu.
func (s *Store) checkMembers(results []gowarc.WriteResponse) (end int64, err error) {
	files := map[string]*os.File{}
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	for i, r := range results {
		f := files[r.FileName]
		if f == nil {
			if f, err = os.Open(s.warcPath(r.FileName)); err != nil {
				return 0, err
			}
			files[r.FileName] = f
		}
		end = -1
		for _, next := range results[i+1:] {
			if next.FileName == r.FileName && next.FileOffset > r.FileOffset && (end < 0 || next.FileOffset < end) {
				end = next.FileOffset
			}
		}
		if end < 0 {
			fi, err := f.Stat()
			if err != nil {
				return 0, err
			}
			end = fi.Size()
		}
		if err := checkMember(f, r.FileOffset, end, r.BytesWritten); err != nil {
			return 0, err
		}
	}
	return end, nil
}

// checkMember checks that the gzip member of f from off to end has a
// header and a trailer for size uncompressed bytes.
func checkMember(f *os.File, off, end, size int64) error {
	var head [3]byte
	var tail [8]byte
	const minMember = 18 // a gzip header and trailer around no data
	whole := end-off >= minMember
	if whole {
		_, err := f.ReadAt(head[:], off)
		if err == nil {
			_, err = f.ReadAt(tail[:], end-int64(len(tail)))
		}
		if err != nil {
			return err
		}
		// ID1 ID2 CM: gzip, deflate. The trailer: CRC-32, then ISIZE, the
		// length mod 2^32, little-endian.
		whole = head == [3]byte{0x1f, 0x8b, 8} && binary.LittleEndian.Uint32(tail[4:]) == uint32(size)
	}
	if !whole {
		return fmt.Errorf("%s: the record at offset %d is incomplete on disk (%d bytes, no gzip trailer for its %d bytes)", filepath.Base(f.Name()), off, end-off, size)
	}
	return nil
}

func prevDate(at string) string {
	t, err := time.Parse(timeLayout, at)
	if err != nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// buildResponse makes the response record: the status line, the headers
// and the body. Headers that describe the encoding on the wire
// (Content-Encoding, Transfer-Encoding) no longer apply to the decoded
// body and are renamed, as archival crawlers do.
func buildResponse(c Capture, date string) (gowarc.WarcRecord, error) {
	var b bytes.Buffer
	status := c.Status
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	h := c.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	for _, k := range []string{"Content-Encoding", "Transfer-Encoding"} {
		if v := h.Values(k); len(v) > 0 {
			h.Del(k)
			h["X-Archive-Orig-"+k] = v
		}
	}
	if c.Status != http.StatusNotModified {
		h.Set("Content-Length", fmt.Sprint(len(c.Body)))
	}
	if err := h.Write(&b); err != nil {
		return nil, err
	}
	b.WriteString("\r\n")
	var extra [][2]string
	if c.Truncated {
		extra = append(extra, [2]string{gowarc.WarcTruncated, "length"})
	}
	return httpRecord(gowarc.Response, "response", [][]byte{b.Bytes(), c.Body}, c.URL, date, extra...)
}

// httpRecord builds a WARC record holding an HTTP message, given in parts
// (its head, its body); gowarc adds the record id, the digests and the
// length.
func httpRecord(t gowarc.RecordType, msgtype string, message [][]byte, target, date string, extra ...[2]string) (gowarc.WarcRecord, error) {
	rb := gowarc.NewRecordBuilder(t, gowarc.WithAddMissingDigest(true), gowarc.WithAddMissingRecordId(true), gowarc.WithAddMissingContentLength(true))
	for _, part := range message { // the head and the body, not copied together first
		if _, err := rb.Write(part); err != nil {
			return nil, err
		}
	}
	rb.AddWarcHeader(gowarc.WarcTargetURI, target)
	rb.AddWarcHeader(gowarc.WarcDate, date)
	rb.AddWarcHeader(gowarc.ContentType, gowarc.ApplicationHttp+";msgtype="+msgtype)
	for _, h := range extra {
		rb.AddWarcHeader(h[0], h[1])
	}
	rec, _, err := rb.Build()
	return rec, err
}

func buildRequest(c Capture, date string) (gowarc.WarcRecord, error) {
	u, err := url.Parse(c.URL)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "GET %s HTTP/1.1\r\nHost: %s\r\n", u.RequestURI(), u.Host)
	if err := c.RequestHeader.Write(&b); err != nil {
		return nil, err
	}
	b.WriteString("\r\n")
	return httpRecord(gowarc.Request, "request", [][]byte{b.Bytes()}, c.URL, date)
}

// PayloadDigest is the WARC payload digest of a body: sha1, base32.
func PayloadDigest(body []byte) string {
	sum := sha1.Sum(body)
	return "sha1:" + base32.StdEncoding.EncodeToString(sum[:])
}

// CanonicalURL is the form of a URL that identifies a page: scheme and
// host lower-cased, the default port and the fragment dropped, an empty
// path made "/".
func CanonicalURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", err
	}
	if u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("not an absolute URL: %q", raw)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	switch {
	case port != "":
		u.Host = net.JoinHostPort(host, port)
	case strings.Contains(host, ":"):
		u.Host = "[" + host + "]" // IPv6
	default:
		u.Host = host
	}
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String(), nil
}

// PageID is the stable identifier of a page: the first 16 hex digits of
// the SHA-256 of its canonical URL.
func PageID(canonicalURL string) string {
	sum := sha256.Sum256([]byte(canonicalURL))
	return hex.EncodeToString(sum[:8])
}
