package archive

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/nlnwa/gowarc"

	"github.com/staffvoice/staffvoice/extract"
)

// ErrNotFound is returned for a URL or version the archive does not have.
var ErrNotFound = errors.New("archive: not found")

// VersionInfo summarises one version of a page.
type VersionInfo struct {
	Version     int    `json:"version"`
	CapturedAt  string `json:"captured_at"`
	ContentHash string `json:"content_hash"`
	Updated     string `json:"updated"`
	QACount     int    `json:"qa_count"`
}

// CaptureSummary counts a page's captures by outcome.
type CaptureSummary struct {
	Total       int    `json:"total"`
	New         int    `json:"new"`
	Revisit     int    `json:"revisit"`
	NotModified int    `json:"not_modified"`
	Error       int    `json:"error"`
	First       string `json:"first"`
	Last        string `json:"last"`
}

// History is a page's versions, oldest first, and its captures.
func (s *Store) History(ctx context.Context, rawURL string) ([]VersionInfo, CaptureSummary, error) {
	pageID, err := s.pageID(ctx, rawURL)
	if err != nil {
		return nil, CaptureSummary{}, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT version, captured_at, content_hash, updated, qa_count FROM versions WHERE page_id = ? ORDER BY version`, pageID)
	if err != nil {
		return nil, CaptureSummary{}, fmt.Errorf("archive: history: %w", err)
	}
	defer rows.Close()
	versions := []VersionInfo{}
	for rows.Next() {
		var v VersionInfo
		if err := rows.Scan(&v.Version, &v.CapturedAt, &v.ContentHash, &v.Updated, &v.QACount); err != nil {
			return nil, CaptureSummary{}, fmt.Errorf("archive: history: %w", err)
		}
		versions = append(versions, v)
	}
	if err := rows.Err(); err != nil {
		return nil, CaptureSummary{}, fmt.Errorf("archive: history: %w", err)
	}
	var c CaptureSummary
	var first, last sql.NullString
	err = s.db.QueryRowContext(ctx, `SELECT count(*),
		coalesce(sum(outcome = 'new'), 0), coalesce(sum(outcome = 'revisit'), 0),
		coalesce(sum(outcome = 'not_modified'), 0), coalesce(sum(outcome = 'error'), 0),
		min(captured_at), max(captured_at)
		FROM captures WHERE page_id = ?`, pageID).Scan(&c.Total, &c.New, &c.Revisit, &c.NotModified, &c.Error, &first, &last)
	if err != nil {
		return nil, CaptureSummary{}, fmt.Errorf("archive: history: %w", err)
	}
	c.First, c.Last = first.String, last.String
	return versions, c, nil
}

// Document returns the stored Document of a version of a page; version 0
// means the latest.
func (s *Store) Document(ctx context.Context, rawURL string, version int) (*extract.Document, error) {
	pageID, err := s.pageID(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	// Before schema 4, Documents were in the versions table; a reader
	// reads an older catalog as it is.
	table := "documents"
	if s.schema != 0 && s.schema < 4 {
		table = "versions"
	}
	q := `SELECT document FROM ` + table + ` WHERE page_id = ? AND version = ?`
	args := []any{pageID, version}
	if version == 0 {
		q = `SELECT document FROM ` + table + ` WHERE page_id = ? ORDER BY version DESC LIMIT 1`
		args = args[:1]
	}
	var body string
	if err := s.db.QueryRowContext(ctx, q, args...).Scan(&body); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			if version == 0 {
				return nil, fmt.Errorf("%w: %s has no version yet", ErrNotFound, rawURL)
			}
			return nil, fmt.Errorf("%w: %s has no version %d", ErrNotFound, rawURL, version)
		}
		return nil, fmt.Errorf("archive: show: %w", err)
	}
	var doc extract.Document
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		return nil, fmt.Errorf("archive: show: stored document: %w", err)
	}
	return &doc, nil
}

func (s *Store) pageID(ctx context.Context, rawURL string) (string, error) {
	canon, err := CanonicalURL(rawURL)
	if err != nil {
		return "", fmt.Errorf("archive: %w", err)
	}
	id := PageID(canon)
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM pages WHERE page_id = ?`, id).Scan(&n); err != nil {
		return "", fmt.Errorf("archive: %w", err)
	}
	if n == 0 {
		return "", fmt.Errorf("%w: %s is not in the archive", ErrNotFound, rawURL)
	}
	return id, nil
}

// readPayload reads the HTTP body of the response record at file/offset
// and checks it against the digest the catalog recorded.
func (s *Store) readPayload(file string, offset int64, recordID, digest string) ([]byte, error) {
	r, rec, validation, err := recordAt(s.warcPath(file), offset)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	defer rec.Close()
	if got := rec.WarcHeader().GetId(gowarc.WarcRecordID); got != recordID {
		return nil, fmt.Errorf("record at offset %d is %s, not %s", offset, got, recordID)
	}
	if validation != nil && !validation.Valid() {
		return nil, fmt.Errorf("record %s: %s", recordID, validation)
	}
	block, ok := rec.Block().(gowarc.PayloadBlock)
	if !ok {
		return nil, fmt.Errorf("record %s holds no HTTP payload", recordID)
	}
	pr, err := block.PayloadBytes()
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(pr)
	if err != nil {
		return nil, fmt.Errorf("record %s: %w", recordID, err)
	}
	if got := PayloadDigest(body); digest != "" && got != digest {
		return nil, fmt.Errorf("record %s: payload digest %s, catalog says %s", recordID, got, digest)
	}
	return body, nil
}

// warcPath is where a WARC file named in the catalog is: under its final
// name, or with .open while the writer still writes it.
func (s *Store) warcPath(name string) string {
	path := filepath.Join(WARCDir(s.dir), name)
	if _, err := os.Stat(path); err != nil {
		if _, err := os.Stat(path + openSuffix); err == nil {
			return path + openSuffix
		}
	}
	return path
}

// recordAt reads the record at an offset of a WARC file. The caller closes
// the reader and the record. A record so damaged that gowarc panics on it
// is an error like any other.
func recordAt(path string, offset int64) (r *gowarc.WarcFileReader, rec gowarc.WarcRecord, v *gowarc.Validation, err error) {
	warcMu.Lock() // see warcMu
	reader, err := gowarc.NewWarcFileReader(path, offset)
	warcMu.Unlock()
	if err != nil {
		return nil, nil, nil, err
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("unreadable record at offset %d: %v", offset, p)
		}
		if err != nil {
			reader.Close()
			r, rec, v = nil, nil, nil
		}
	}()
	rec, _, v, err = reader.Next()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read record at offset %d: %w", offset, err)
	}
	return reader, rec, v, nil
}

// PageInfo is one page of the archive.
type PageInfo struct {
	URL       string `json:"url"`
	Site      string `json:"site"`
	FirstSeen string `json:"first_seen"`
	LastSeen  string `json:"last_seen"`
	Versions  int    `json:"versions"`
}

// Pages lists the archive's pages by URL.
func (s *Store) Pages(ctx context.Context) ([]PageInfo, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT p.url, p.site, p.first_seen, p.last_seen, (SELECT count(*) FROM versions v WHERE v.page_id = p.page_id)
		FROM pages p ORDER BY p.url`)
	if err != nil {
		return nil, fmt.Errorf("archive: pages: %w", err)
	}
	defer rows.Close()
	var pages []PageInfo
	for rows.Next() {
		var p PageInfo
		if err := rows.Scan(&p.URL, &p.Site, &p.FirstSeen, &p.LastSeen, &p.Versions); err != nil {
			return nil, fmt.Errorf("archive: pages: %w", err)
		}
		pages = append(pages, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("archive: pages: %w", err)
	}
	return pages, nil
}
