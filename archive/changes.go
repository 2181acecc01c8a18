package archive

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/staffvoice/staffvoice/diff"
	"github.com/staffvoice/staffvoice/extract"
)

// insertChanges stores the changes from version v-1 (prev) to version v
// (doc), detected at the time of v's capture.
func (s *Store) insertChanges(ctx context.Context, tx *sql.Tx, pageID string, v int, at time.Time, prev, doc *extract.Document) error {
	for _, c := range diff.Compare(*prev, *doc) {
		args, err := changeArgs(pageID, v, at.UTC().Format(timeLayout), c)
		if err != nil {
			return err
		}
		if _, err := s.exec(ctx, tx, qInsertChange, args...); err != nil {
			return err
		}
	}
	return nil
}

// changeArgs are the values of qInsertChange for one change.
func changeArgs(pageID string, v int, at string, c diff.Change) ([]any, error) {
	ops := ""
	if len(c.Ops) > 0 {
		b, err := json.Marshal(c.Ops)
		if err != nil {
			return nil, err
		}
		ops = string(b)
	}
	return []any{pageID, v - 1, v, at, c.Kind, c.Section, c.Question, c.Field, c.Old, c.New, ops}, nil
}

// backfillChanges fills the changes table of a catalog made before it was
// written (schema 1): the changes between consecutive stored versions.
func backfillChanges(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT page_id, version, captured_at, document FROM versions ORDER BY page_id, version`)
	if err != nil {
		return err
	}
	var pending [][]any
	var prevPage string
	var prev *extract.Document
	for rows.Next() {
		var page, at, body string
		var v int
		if err := rows.Scan(&page, &v, &at, &body); err != nil {
			rows.Close()
			return err
		}
		var doc extract.Document
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			rows.Close()
			return fmt.Errorf("stored document of %s version %d: %w", page, v, err)
		}
		if page == prevPage && prev != nil {
			for _, c := range diff.Compare(*prev, doc) {
				args, err := changeArgs(page, v, at, c)
				if err != nil {
					rows.Close()
					return err
				}
				pending = append(pending, args)
			}
		}
		prevPage, prev = page, &doc
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, args := range pending {
		if _, err := tx.ExecContext(ctx, qInsertChange, args...); err != nil {
			return err
		}
	}
	return nil
}

const qInsertChange = `
	INSERT INTO changes (page_id, from_version, to_version, detected_at, kind, section, question, field, old, new, ops)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// versionDocument reads the Document of a page's version from the catalog.
func (s *Store) versionDocument(ctx context.Context, tx *sql.Tx, pageID string, v int) (*extract.Document, error) {
	var body string
	if err := s.queryRow(ctx, tx, `SELECT document FROM documents WHERE page_id = ? AND version = ?`, pageID, v).Scan(&body); err != nil {
		return nil, err
	}
	var doc extract.Document
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		return nil, fmt.Errorf("stored document of %s version %d: %w", pageID, v, err)
	}
	return &doc, nil
}

// RecordedChange is one row of the changes table, with its page.
type RecordedChange struct {
	URL         string `json:"url"`
	Site        string `json:"site"`
	FromVersion int    `json:"from_version"`
	ToVersion   int    `json:"to_version"`
	DetectedAt  string `json:"detected_at"`
	diff.Change
}

// ChangeFilter narrows Changes.
type ChangeFilter struct {
	Since string   // YYYY-MM-DD (from 00:00 UTC) or an RFC 3339 time: changes detected then or later
	Sites []string // only these sites; none: all
}

// Changes lists every recorded change, newest first.
func (s *Store) Changes(ctx context.Context, f ChangeFilter) ([]RecordedChange, error) {
	q := `SELECT p.url, p.site, c.from_version, c.to_version, c.detected_at, c.kind, c.section, c.question, c.field, c.old, c.new, c.ops
		FROM changes c JOIN pages p ON p.page_id = c.page_id WHERE 1 = 1`
	var args []any
	if f.Since != "" {
		since, err := time.Parse(time.DateOnly, f.Since)
		if err != nil {
			if since, err = time.Parse(time.RFC3339Nano, f.Since); err != nil {
				return nil, fmt.Errorf("archive: changes since %q: want YYYY-MM-DD or an RFC 3339 time", f.Since)
			}
		}
		q += ` AND c.detected_at >= ?`
		args = append(args, since.UTC().Format(timeLayout))
	}
	if len(f.Sites) > 0 {
		q += ` AND p.site IN (?` + strings.Repeat(`, ?`, len(f.Sites)-1) + `)`
		for _, site := range f.Sites {
			args = append(args, site)
		}
	}
	q += ` ORDER BY c.detected_at DESC, p.url, c.change_id`
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("archive: changes: %w", err)
	}
	defer rows.Close()
	out := []RecordedChange{}
	for rows.Next() {
		var r RecordedChange
		var ops string
		if err := rows.Scan(&r.URL, &r.Site, &r.FromVersion, &r.ToVersion, &r.DetectedAt, &r.Kind, &r.Section,
			&r.Question, &r.Field, &r.Old, &r.New, &ops); err != nil {
			return nil, fmt.Errorf("archive: changes: %w", err)
		}
		if ops != "" {
			if err := json.Unmarshal([]byte(ops), &r.Ops); err != nil {
				return nil, fmt.Errorf("archive: changes: ops of %s: %w", r.URL, err)
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
