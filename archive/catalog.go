package archive

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver
)

// migrations are the catalog's schema, one step each, applied in order at
// open; PRAGMA user_version records how many have run. Never edit a step
// that has shipped: add one.
var migrations = []string{
	// 1: pages, captures, versions, sections, Q&A, changes.
	`
CREATE TABLE pages (
	page_id    TEXT PRIMARY KEY,          -- from the canonical URL, stable forever
	url        TEXT NOT NULL UNIQUE,      -- the canonical URL
	site       TEXT NOT NULL DEFAULT '',
	first_seen TEXT NOT NULL,             -- RFC 3339, UTC
	last_seen  TEXT NOT NULL
);

CREATE TABLE captures (
	capture_id       INTEGER PRIMARY KEY,
	page_id          TEXT NOT NULL REFERENCES pages(page_id),
	captured_at      TEXT NOT NULL,       -- RFC 3339, UTC
	url              TEXT NOT NULL,       -- as fetched
	status           INTEGER NOT NULL DEFAULT 0,
	etag             TEXT NOT NULL DEFAULT '',
	last_modified    TEXT NOT NULL DEFAULT '',
	content_type     TEXT NOT NULL DEFAULT '',
	payload_digest   TEXT NOT NULL DEFAULT '', -- sha1:BASE32 of the HTTP body
	outcome          TEXT NOT NULL CHECK (outcome IN ('new', 'revisit', 'not_modified', 'error')),
	error            TEXT NOT NULL DEFAULT '',
	truncated        INTEGER NOT NULL DEFAULT 0,
	warc_file        TEXT NOT NULL DEFAULT '',
	warc_offset      INTEGER NOT NULL DEFAULT 0,
	warc_length      INTEGER NOT NULL DEFAULT 0,
	record_id        TEXT NOT NULL DEFAULT '',
	payload_capture  INTEGER REFERENCES captures(capture_id), -- the capture holding the body
	source           TEXT NOT NULL DEFAULT ''  -- for imports: file and record id
);
CREATE INDEX captures_by_page ON captures(page_id, captured_at, capture_id);
CREATE UNIQUE INDEX captures_by_source ON captures(source) WHERE source != '';

CREATE TABLE versions (
	page_id           TEXT NOT NULL REFERENCES pages(page_id),
	version           INTEGER NOT NULL,
	capture_id        INTEGER NOT NULL REFERENCES captures(capture_id),
	captured_at       TEXT NOT NULL,
	content_hash      TEXT NOT NULL,
	extractor_version TEXT NOT NULL,
	title             TEXT NOT NULL,
	page_number       TEXT NOT NULL,
	updated           TEXT NOT NULL,
	published         TEXT NOT NULL,
	qa_count          INTEGER NOT NULL,
	document          TEXT NOT NULL,      -- the Document, as staffvoice extract prints it
	PRIMARY KEY (page_id, version)
);

CREATE TABLE sections (
	page_id       TEXT NOT NULL,
	version       INTEGER NOT NULL,
	section_index INTEGER NOT NULL,
	heading       TEXT NOT NULL,
	intro         TEXT NOT NULL,          -- JSON list of paragraphs
	PRIMARY KEY (page_id, version, section_index),
	FOREIGN KEY (page_id, version) REFERENCES versions(page_id, version) ON DELETE CASCADE
);

CREATE TABLE qa (
	page_id       TEXT NOT NULL,
	version       INTEGER NOT NULL,
	section_index INTEGER NOT NULL,
	qa_index      INTEGER NOT NULL,
	question      TEXT NOT NULL,
	question_key  TEXT NOT NULL,
	answer        TEXT NOT NULL,          -- JSON list of paragraphs
	notes         TEXT NOT NULL,          -- JSON list of notes
	PRIMARY KEY (page_id, version, section_index, qa_index),
	FOREIGN KEY (page_id, version, section_index) REFERENCES sections(page_id, version, section_index) ON DELETE CASCADE
);
CREATE INDEX qa_by_key ON qa(question_key);

CREATE TABLE changes (
	change_id    INTEGER PRIMARY KEY,
	page_id      TEXT NOT NULL REFERENCES pages(page_id),
	from_version INTEGER NOT NULL,
	to_version   INTEGER NOT NULL,
	detected_at  TEXT NOT NULL,
	kind         TEXT NOT NULL,
	section      TEXT NOT NULL DEFAULT '',
	question     TEXT NOT NULL DEFAULT '',
	field        TEXT NOT NULL DEFAULT '',
	old          TEXT NOT NULL DEFAULT '',
	new          TEXT NOT NULL DEFAULT '',
	ops          TEXT NOT NULL DEFAULT ''
);
`,
	// 2: the in-scope links of a capture, so that a 304 still leads the
	// crawler to the pages its payload links to.
	// Indexes for staffvoice changes and for rebuilding a page's changes.
	`
ALTER TABLE captures ADD COLUMN links TEXT NOT NULL DEFAULT '';
CREATE INDEX changes_by_page ON changes(page_id, to_version);
CREATE INDEX changes_by_time ON changes(detected_at);
`,
	// 3: the structures table (structure.go), which the exports read
	// instead of a row per question: the sections and qa tables held the
	// same text as the Documents a second time and cost a catalog row per
	// question to write and to read. An index to read one site's pages in
	// URL order.
	`
CREATE TABLE structures (
	page_id     TEXT NOT NULL,
	version     INTEGER NOT NULL,
	breadcrumbs TEXT NOT NULL,            -- JSON list
	sections    BLOB NOT NULL,            -- protocol buffers, see structure.go
	PRIMARY KEY (page_id, version),
	FOREIGN KEY (page_id, version) REFERENCES versions(page_id, version) ON DELETE CASCADE
);
DROP TABLE qa;
DROP TABLE sections;
CREATE UNIQUE INDEX pages_by_site ON pages(site, url); -- unique, so that SQLite knows it orders a join by URL
`,
	// 4: rows that a walk of the versions table reads in a page or two
	// for hundreds of versions. A version's Document (20 KB for a real
	// page) moves from its versions row to a table of its own, and its
	// breadcrumbs move the other way, from its structures row: each of
	// those rows filled a catalog page or more, so an export of the
	// versions table read every Document or every structure too.
	`
CREATE TABLE documents (
	page_id  TEXT NOT NULL,
	version  INTEGER NOT NULL,
	document TEXT NOT NULL,               -- the Document, as staffvoice extract prints it
	PRIMARY KEY (page_id, version),
	FOREIGN KEY (page_id, version) REFERENCES versions(page_id, version) ON DELETE CASCADE
);
INSERT INTO documents (page_id, version, document) SELECT page_id, version, document FROM versions ORDER BY page_id, version;
ALTER TABLE versions DROP COLUMN document;
ALTER TABLE versions ADD COLUMN breadcrumbs TEXT NOT NULL DEFAULT '[]'; -- JSON list
UPDATE versions SET breadcrumbs = coalesce((SELECT st.breadcrumbs FROM structures st
	WHERE st.page_id = versions.page_id AND st.version = versions.version), '[]');
ALTER TABLE structures DROP COLUMN breadcrumbs;
`,
	// 5: a version's structures row stores in full only the questions
	// that changed from the version before (structure.go); the step
	// rewrites the rows of an existing catalog so.
	`-- 5: structures rows that point at unchanged questions (see compactStructures)`,
}

// openCatalog opens the SQLite catalog with WAL, foreign keys and a busy
// timeout, and brings its schema up to date when writable.
func openCatalog(ctx context.Context, path string, readOnly bool) (*sql.DB, error) {
	q := url.Values{"_pragma": {"foreign_keys(1)", "busy_timeout(10000)", "synchronous(NORMAL)", "wal_autocheckpoint(16384)"}}
	if readOnly {
		q.Set("mode", "ro")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
	}
	// A URL, so that a path with # or ? in it stays a path.
	dsn := (&url.URL{Scheme: "file", OmitHost: true, Path: path, RawQuery: q.Encode()}).String()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("archive: open catalog: %w", err)
	}
	if !readOnly {
		// One connection: the writer's transactions are serial anyway, and
		// SQLite takes one writer at a time.
		db.SetMaxOpenConns(1)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("archive: open catalog %s: %w", path, err)
	}
	if readOnly {
		return db, nil
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// migrate runs the migrations the catalog has not had yet, each in its own
// transaction with the version bump.
// migrationSteps are Go steps of a migration, run in its transaction
// after its SQL, when an existing catalog is upgraded.
var migrationSteps = map[int]func(context.Context, *sql.Tx) error{
	2: backfillChanges,    // changes were not recorded before schema 2
	3: backfillStructures, // the structures table is new in schema 3
	5: compactStructures,  // unchanged questions point at their home
}

func migrate(ctx context.Context, db *sql.DB) error {
	var have int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&have); err != nil {
		return fmt.Errorf("archive: read schema version: %w", err)
	}
	if have > len(migrations) {
		return fmt.Errorf("archive: catalog schema %d is newer than this staffvoice knows (%d); upgrade staffvoice", have, len(migrations))
	}
	for i := have; i < len(migrations); i++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("archive: migrate to %d: %w", i+1, err)
		}
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			tx.Rollback()
			return fmt.Errorf("archive: migrate to %d: %w", i+1, err)
		}
		if step := migrationSteps[i+1]; step != nil && have > 0 {
			if err := step(ctx, tx); err != nil {
				tx.Rollback()
				return fmt.Errorf("archive: migrate to %d: %w", i+1, err)
			}
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", i+1)); err != nil {
			tx.Rollback()
			return fmt.Errorf("archive: migrate to %d: %w", i+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("archive: migrate to %d: %w", i+1, err)
		}
	}
	return nil
}
