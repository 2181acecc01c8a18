package archive

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/staffvoice/staffvoice/extract"
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

// The export queries, one per table (see eachRow). CROSS JOIN keeps
// SQLite's join order: the site's pages in URL order outside. A version's
// capture may be a revisit; its payload is then in the capture it refers
// to. A change's from_version is always to_version - 1, so ordering by
// to_version follows the index changes_by_page.
const (
	qExportPages = `SELECT p.page_id, p.url, p.site, p.first_seen, p.last_seen,
			coalesce((SELECT max(version) FROM versions v WHERE v.page_id = p.page_id), 0)
		FROM pages p WHERE p.site = ?1 AND ?2 = '' AND p.url > ?3 AND p.url <= ?4
		ORDER BY p.url`
	qExportVersions = `SELECT p.page_id, p.url, p.site, v.version, v.captured_at, v.content_hash, v.extractor_version,
			v.title, v.page_number, v.updated, v.published, v.breadcrumbs,
			coalesce(pc.warc_file, c.warc_file), coalesce(pc.warc_offset, c.warc_offset),
			coalesce(pc.warc_length, c.warc_length), c.payload_digest
		FROM pages p
		CROSS JOIN versions v ON v.page_id = p.page_id
		JOIN captures c ON c.capture_id = v.capture_id
		LEFT JOIN captures pc ON pc.capture_id = c.payload_capture
		WHERE p.site = ?1 AND v.captured_at >= ?2 AND p.url > ?3 AND p.url <= ?4
		ORDER BY p.url, v.version`
	qExportChanges = `SELECT p.page_id, p.url, p.site, c.from_version, c.to_version, c.detected_at, c.kind, c.section,
			c.question, c.field, c.old, c.new
		FROM pages p
		CROSS JOIN changes c ON c.page_id = p.page_id
		WHERE p.site = ?1 AND c.detected_at >= ?2 AND p.url > ?3 AND p.url <= ?4
		ORDER BY p.url, c.to_version, c.change_id`
	qExportCaptures = `SELECT p.page_id, p.url, p.site, c.url, c.captured_at, c.status, c.outcome, c.etag, c.last_modified,
			c.content_type, c.payload_digest, c.warc_file, c.warc_offset, c.warc_length
		FROM pages p
		CROSS JOIN captures c ON c.page_id = p.page_id
		WHERE p.site = ?1 AND c.captured_at >= ?2 AND p.url > ?3 AND p.url <= ?4
		ORDER BY p.url, c.captured_at, c.capture_id`
)

// qExportQA reads a page's versions from the last one stored in full (see
// fullEvery) before the first captured at or after the since time: the
// versions between give the text the later ones point at. ExportQA
// drops their rows.
var qExportQA = fmt.Sprintf(`SELECT p.page_id, p.url, p.site, v.version, v.captured_at, v.updated, v.extractor_version, st.sections
		FROM pages p
		CROSS JOIN versions v ON v.page_id = p.page_id
		CROSS JOIN structures st ON st.page_id = v.page_id AND st.version = v.version
		WHERE p.site = ?1 AND p.url > ?3 AND p.url <= ?4
			AND v.version >= (SELECT (min(f.version) - 1) / %[1]d * %[1]d + 1 FROM versions f
				WHERE f.page_id = p.page_id AND f.captured_at >= ?2)
		ORDER BY p.url, v.version`, fullEvery)

// eachRow runs q for every site the filter keeps, in name order, a chunk
// of pageChunk pages at a time, and calls scan for each row. q's
// arguments are the site, the since time, and the chunk's bounds: the
// pages with lo < url <= hi.
//
// Each query walks the chunk's pages in URL order through the index
// pages_by_site and reaches each page's rows through the primary keys or
// the per-page indexes, so that rows come out in order without a sort
// (TestExportQueriesDoNotSort) and a reader holds one row at a time,
// however big the catalog. A chunk keeps a query, and the read snapshot
// that goes with it, short: a crawl writing meanwhile is not held up, and
// its write-ahead log can be checkpointed.
func (s *Store) eachRow(ctx context.Context, op string, f ExportFilter, q string, scan func(*sql.Rows) error) error {
	err := s.eachRowErr(ctx, f, q, scan)
	if err != nil {
		return fmt.Errorf("archive: export %s: %w", op, err)
	}
	return nil
}

// pageChunk is how many pages an export query reads (a variable for tests).
var pageChunk = 500

// lastURL is above every URL: a chunk's upper bound when it is a site's
// last.
const lastURL = "\xff"

func (s *Store) eachRowErr(ctx context.Context, f ExportFilter, q string, scan func(*sql.Rows) error) error {
	since, err := exportSince(f.Since)
	if err != nil {
		return err
	}
	sites, err := s.ExportSites(ctx, f)
	if err != nil {
		return err
	}
	for _, site := range sites {
		for lo := ""; lo != lastURL; {
			// The chunk's last URL; none: the rest of the site.
			hi := lastURL
			err := s.db.QueryRowContext(ctx, `SELECT url FROM pages WHERE site = ? AND url > ? ORDER BY url LIMIT 1 OFFSET ?`,
				site, lo, pageChunk-1).Scan(&hi)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if err := s.scanRows(ctx, q, scan, site, since, lo, hi); err != nil {
				return err
			}
			lo = hi
		}
	}
	return nil
}

// scanRows runs q with args and calls scan for each row.
func (s *Store) scanRows(ctx context.Context, q string, scan func(*sql.Rows) error, args ...any) error {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ExportSites lists the sites that have pages the filter keeps, sorted.
func (s *Store) ExportSites(ctx context.Context, f ExportFilter) ([]string, error) {
	if err := s.needSchema(4); err != nil { // the structures, pages_by_site and versions.breadcrumbs
		return nil, err
	}
	clause, args := sitesClause(f.Sites)
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT site FROM pages WHERE 1 = 1`+clause+` ORDER BY site`, args...)
	if err != nil {
		return nil, fmt.Errorf("archive: export sites: %w", err)
	}
	defer rows.Close()
	var sites []string
	for rows.Next() {
		var site string
		if err := rows.Scan(&site); err != nil {
			return nil, fmt.Errorf("archive: export sites: %w", err)
		}
		sites = append(sites, site)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("archive: export sites: %w", err)
	}
	return sites, nil
}

// ExportPages calls fn for every page, ordered by site and URL.
func (s *Store) ExportPages(ctx context.Context, f ExportFilter, fn func(PageRow) error) error {
	f.Since = "" // pages are the current state, not history
	return s.eachRow(ctx, "pages", f, qExportPages, func(rows *sql.Rows) error {
		var r PageRow
		var first, last string
		if err := rows.Scan(&r.PageID, &r.URL, &r.Site, &first, &last, &r.LatestVersion); err != nil {
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
	return s.eachRow(ctx, "versions", f, qExportVersions, func(rows *sql.Rows) error {
		var r VersionRow
		var at string
		var crumbs sql.RawBytes
		if err := rows.Scan(&r.PageID, &r.URL, &r.Site, &r.Version, &at, &r.ContentHash, &r.ExtractorVersion, &r.Title, &r.PageNumber,
			&r.Updated, &r.Published, &crumbs, &r.WARCFile, &r.WARCOffset, &r.WARCLength, &r.PayloadDigest); err != nil {
			return err
		}
		var err error
		if r.CapturedAt, err = parseCatalogTime(at); err != nil {
			return err
		}
		if err := json.Unmarshal(crumbs, &r.Breadcrumbs); err != nil {
			return fmt.Errorf("breadcrumbs of %s version %d: %w", r.URL, r.Version, err)
		}
		return fn(r)
	})
}

// ExportQA calls fn for every question of every version, ordered by site,
// URL, version, section_index and qa_index. A row's Answer and Notes may
// be shared with other rows: fn must not change them.
//
// A version stores in full only the questions that changed from the
// version before (see PageEncoder), so a page's versions are read in
// order from one stored in full, and f.Since decides which of them give
// rows.
func (s *Store) ExportQA(ctx context.Context, f ExportFilter, fn func(QARow) error) error {
	since, err := exportSince(f.Since)
	if err != nil {
		return fmt.Errorf("archive: export qa: %w", err)
	}
	var d pageDecoder
	return s.eachRow(ctx, "qa", f, qExportQA, func(rows *sql.Rows) error {
		var v QARow
		var at string
		var sections sql.RawBytes
		if err := rows.Scan(&v.PageID, &v.URL, &v.Site, &v.Version, &at, &v.Updated, &v.ExtractorVersion, &sections); err != nil {
			return err
		}
		keep := at >= since // catalog times sort as strings
		var err error
		if v.CapturedAt, err = parseCatalogTime(at); err != nil {
			return err
		}
		err = d.decode(v.PageID, v.Version, sections, func(si int, heading string, qi int, q extract.QA) error {
			if !keep {
				return nil
			}
			r := v
			r.SectionIndex, r.SectionHeading, r.QAIndex = si, heading, qi
			r.Question, r.QuestionKey, r.Answer, r.Notes = q.Question, q.QuestionKey, q.Answer, q.Notes
			if r.Answer == nil {
				r.Answer = []string{}
			}
			if r.Notes == nil {
				r.Notes = []string{}
			}
			return fn(r)
		})
		if err != nil {
			return fmt.Errorf("sections of %s version %d: %w", v.URL, v.Version, err)
		}
		return nil
	})
}

// ExportChanges calls fn for every recorded change, ordered by site, URL,
// from and to version, and the order diff.Compare gave them.
func (s *Store) ExportChanges(ctx context.Context, f ExportFilter, fn func(ChangeRow) error) error {
	return s.eachRow(ctx, "changes", f, qExportChanges, func(rows *sql.Rows) error {
		var r ChangeRow
		var at string
		if err := rows.Scan(&r.PageID, &r.URL, &r.Site, &r.FromVersion, &r.ToVersion, &at, &r.Kind, &r.Section,
			&r.Question, &r.Field, &r.Old, &r.New); err != nil {
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
	return s.eachRow(ctx, "captures", f, qExportCaptures, func(rows *sql.Rows) error {
		var r CaptureRow
		var at string
		if err := rows.Scan(&r.PageID, &r.PageURL, &r.Site, &r.URL, &at, &r.Status, &r.Outcome, &r.ETag, &r.LastModified,
			&r.ContentType, &r.PayloadDigest, &r.WARCFile, &r.WARCOffset, &r.WARCLength); err != nil {
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
