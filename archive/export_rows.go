package archive

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// ExportFilter narrows the Export* readers.
type ExportFilter struct {
	// Since keeps versions, Q&A rows, changes and captures at or after
	// this time: a day (YYYY-MM-DD, from 00:00 UTC) or an RFC 3339 time.
	// Pages are never filtered by time.
	Since string
	// Sites keeps only the pages of these sites; none: all.
	Sites []string
}

// PageRow is one page, for export.
type PageRow struct {
	PageID        string
	URL           string
	Site          string
	FirstSeen     time.Time
	LastSeen      time.Time
	LatestVersion int // 0 when the page has no version (only failed fetches)
}

// VersionRow is one version of a page, for export. The WARC fields point
// at the response record holding the version's payload.
type VersionRow struct {
	PageID           string
	URL              string
	Site             string
	Version          int
	CapturedAt       time.Time
	ContentHash      string
	ExtractorVersion string
	Title            string
	PageNumber       string
	Updated          string // YYYY-MM-DD or ""
	Published        string // YYYY-MM-DD or ""
	Breadcrumbs      []string
	WARCFile         string
	WARCOffset       int64
	WARCLength       int64
	PayloadDigest    string
}

// QARow is one question and its answer in one version, for export.
type QARow struct {
	PageID           string
	URL              string
	Site             string
	Version          int
	CapturedAt       time.Time
	Updated          string // YYYY-MM-DD or ""
	ExtractorVersion string
	SectionIndex     int
	SectionHeading   string
	QAIndex          int
	Question         string
	QuestionKey      string
	Answer           []string // paragraphs
	Notes            []string
}

// ChangeRow is one recorded change between two versions, for export.
type ChangeRow struct {
	PageID      string
	URL         string
	Site        string
	FromVersion int
	ToVersion   int
	DetectedAt  time.Time
	Kind        string
	Section     string
	Question    string
	Field       string
	Old         string
	New         string
}

// CaptureRow is one fetch of a page, for export. URL is the URL as
// fetched; PageURL the page's canonical URL.
type CaptureRow struct {
	PageID        string
	PageURL       string
	URL           string
	Site          string
	CapturedAt    time.Time
	Status        int
	Outcome       string
	ETag          string
	LastModified  string
	ContentType   string
	PayloadDigest string
	WARCFile      string
	WARCOffset    int64
	WARCLength    int64
}

// exportPage is the part of a page the per-page readers need.
type exportPage struct {
	id, url, site string
}

// pageChunk is how many pages are read at a time. The readers walk the
// pages in (site, url) order a chunk at a time and read each page's rows
// through the primary keys, so that no query sorts a whole table and no
// reader holds more than a chunk of pages.
const pageChunk = 1000

// eachPage calls fn for every page the filter keeps, in (site, url) order.
// fn runs after the chunk's query is closed, so it may query the catalog
// itself even on a Store with one connection.
func (s *Store) eachPage(ctx context.Context, f ExportFilter, fn func(exportPage) error) error {
	siteClause, siteArgs := sitesClause(f.Sites)
	var lastSite, lastURL string
	first := true
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		q := `SELECT page_id, url, site FROM pages WHERE 1 = 1` + siteClause
		args := append([]any(nil), siteArgs...)
		if !first {
			q += ` AND (site > ? OR (site = ? AND url > ?))`
			args = append(args, lastSite, lastSite, lastURL)
		}
		q += ` ORDER BY site, url LIMIT ?`
		args = append(args, pageChunk)
		chunk, err := s.queryPages(ctx, q, args)
		if err != nil {
			return err
		}
		for _, p := range chunk {
			if err := fn(p); err != nil {
				return err
			}
		}
		if len(chunk) < pageChunk {
			return nil
		}
		first = false
		lastSite, lastURL = chunk[len(chunk)-1].site, chunk[len(chunk)-1].url
	}
}

func (s *Store) queryPages(ctx context.Context, q string, args []any) ([]exportPage, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []exportPage
	for rows.Next() {
		var p exportPage
		if err := rows.Scan(&p.id, &p.url, &p.site); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func sitesClause(sites []string) (string, []any) {
	if len(sites) == 0 {
		return "", nil
	}
	args := make([]any, len(sites))
	for i, s := range sites {
		args[i] = s
	}
	return ` AND site IN (?` + strings.Repeat(`, ?`, len(sites)-1) + `)`, args
}

// exportSince turns ExportFilter.Since into a catalog time ("" when unset).
func exportSince(since string) (string, error) {
	if since == "" {
		return "", nil
	}
	if day, err := time.Parse(time.DateOnly, since); err == nil {
		return day.UTC().Format(timeLayout), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, since); err == nil {
		return t.UTC().Format(timeLayout), nil
	}
	return "", fmt.Errorf("archive: export since %q: want YYYY-MM-DD or an RFC 3339 time", since)
}

// eachRow runs q for every page the filter keeps and calls scan for each
// row. q's first argument is the page id, its second the since time.
func (s *Store) eachRow(ctx context.Context, op string, f ExportFilter, q string, scan func(exportPage, *sql.Rows) error) error {
	since, err := exportSince(f.Since)
	if err != nil {
		return err
	}
	err = s.eachPage(ctx, f, func(p exportPage) error {
		rows, err := s.db.QueryContext(ctx, q, p.id, since)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(p, rows); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("archive: export %s: %w", op, err)
	}
	return nil
}

// ExportPages calls fn for every page, ordered by site and URL.
func (s *Store) ExportPages(ctx context.Context, f ExportFilter, fn func(PageRow) error) error {
	f.Since = "" // pages are the current state, not history
	const q = `SELECT first_seen, last_seen, coalesce((SELECT max(version) FROM versions v WHERE v.page_id = p.page_id), 0)
		FROM pages p WHERE page_id = ? AND ? = ''`
	return s.eachRow(ctx, "pages", f, q, func(p exportPage, rows *sql.Rows) error {
		r := PageRow{PageID: p.id, URL: p.url, Site: p.site}
		var first, last string
		if err := rows.Scan(&first, &last, &r.LatestVersion); err != nil {
			return err
		}
		var err error
		if r.FirstSeen, err = parseCatalogTime(first); err != nil {
			return err
		}
		if r.LastSeen, err = parseCatalogTime(last); err != nil {
			return err
		}
		return fn(r)
	})
}

// ExportVersions calls fn for every version, ordered by site, URL and
// version.
func (s *Store) ExportVersions(ctx context.Context, f ExportFilter, fn func(VersionRow) error) error {
	// A version's capture may be a revisit; its payload is then in the
	// capture it refers to.
	const q = `SELECT v.version, v.captured_at, v.content_hash, v.extractor_version, v.title, v.page_number,
			v.updated, v.published, coalesce(json_extract(v.document, '$.breadcrumbs'), '[]'),
			coalesce(pc.warc_file, c.warc_file), coalesce(pc.warc_offset, c.warc_offset),
			coalesce(pc.warc_length, c.warc_length), c.payload_digest
		FROM versions v
		JOIN captures c ON c.capture_id = v.capture_id
		LEFT JOIN captures pc ON pc.capture_id = c.payload_capture
		WHERE v.page_id = ?1 AND v.captured_at >= ?2
		ORDER BY v.version`
	return s.eachRow(ctx, "versions", f, q, func(p exportPage, rows *sql.Rows) error {
		r := VersionRow{PageID: p.id, URL: p.url, Site: p.site}
		var at, crumbs string
		if err := rows.Scan(&r.Version, &at, &r.ContentHash, &r.ExtractorVersion, &r.Title, &r.PageNumber,
			&r.Updated, &r.Published, &crumbs, &r.WARCFile, &r.WARCOffset, &r.WARCLength, &r.PayloadDigest); err != nil {
			return err
		}
		var err error
		if r.CapturedAt, err = parseCatalogTime(at); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(crumbs), &r.Breadcrumbs); err != nil {
			return fmt.Errorf("breadcrumbs of %s version %d: %w", p.url, r.Version, err)
		}
		return fn(r)
	})
}

// ExportQA calls fn for every question of every version, ordered by site,
// URL, version, section_index and qa_index.
func (s *Store) ExportQA(ctx context.Context, f ExportFilter, fn func(QARow) error) error {
	const q = `SELECT q.version, v.captured_at, v.updated, v.extractor_version, q.section_index, s.heading,
			q.qa_index, q.question, q.question_key, q.answer, q.notes
		FROM qa q
		JOIN versions v ON v.page_id = q.page_id AND v.version = q.version
		JOIN sections s ON s.page_id = q.page_id AND s.version = q.version AND s.section_index = q.section_index
		WHERE q.page_id = ?1 AND v.captured_at >= ?2
		ORDER BY q.version, q.section_index, q.qa_index`
	return s.eachRow(ctx, "qa", f, q, func(p exportPage, rows *sql.Rows) error {
		r := QARow{PageID: p.id, URL: p.url, Site: p.site}
		var at, answer, notes string
		if err := rows.Scan(&r.Version, &at, &r.Updated, &r.ExtractorVersion, &r.SectionIndex, &r.SectionHeading,
			&r.QAIndex, &r.Question, &r.QuestionKey, &answer, &notes); err != nil {
			return err
		}
		var err error
		if r.CapturedAt, err = parseCatalogTime(at); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(answer), &r.Answer); err != nil {
			return fmt.Errorf("answer of %s version %d: %w", p.url, r.Version, err)
		}
		if err := json.Unmarshal([]byte(notes), &r.Notes); err != nil {
			return fmt.Errorf("notes of %s version %d: %w", p.url, r.Version, err)
		}
		return fn(r)
	})
}

// ExportChanges calls fn for every recorded change, ordered by site, URL,
// from and to version, and the order diff.Compare gave them.
func (s *Store) ExportChanges(ctx context.Context, f ExportFilter, fn func(ChangeRow) error) error {
	const q = `SELECT from_version, to_version, detected_at, kind, section, question, field, old, new
		FROM changes WHERE page_id = ?1 AND detected_at >= ?2
		ORDER BY from_version, to_version, change_id`
	return s.eachRow(ctx, "changes", f, q, func(p exportPage, rows *sql.Rows) error {
		r := ChangeRow{PageID: p.id, URL: p.url, Site: p.site}
		var at string
		if err := rows.Scan(&r.FromVersion, &r.ToVersion, &at, &r.Kind, &r.Section, &r.Question, &r.Field, &r.Old, &r.New); err != nil {
			return err
		}
		var err error
		if r.DetectedAt, err = parseCatalogTime(at); err != nil {
			return err
		}
		return fn(r)
	})
}

// ExportCaptures calls fn for every capture, ordered by site, page URL and
// capture time.
func (s *Store) ExportCaptures(ctx context.Context, f ExportFilter, fn func(CaptureRow) error) error {
	const q = `SELECT url, captured_at, status, outcome, etag, last_modified, content_type, payload_digest,
			warc_file, warc_offset, warc_length
		FROM captures WHERE page_id = ?1 AND captured_at >= ?2
		ORDER BY captured_at, capture_id`
	return s.eachRow(ctx, "captures", f, q, func(p exportPage, rows *sql.Rows) error {
		r := CaptureRow{PageID: p.id, PageURL: p.url, Site: p.site}
		var at string
		if err := rows.Scan(&r.URL, &at, &r.Status, &r.Outcome, &r.ETag, &r.LastModified, &r.ContentType,
			&r.PayloadDigest, &r.WARCFile, &r.WARCOffset, &r.WARCLength); err != nil {
			return err
		}
		var err error
		if r.CapturedAt, err = parseCatalogTime(at); err != nil {
			return err
		}
		return fn(r)
	})
}

func parseCatalogTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("catalog time %q: %w", s, err)
	}
	return t.UTC(), nil
}
