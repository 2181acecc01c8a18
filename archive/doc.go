// Package archive is the system of record: an archive directory holding
// raw HTTP captures in WARC 1.1 files (warc/, written with
// github.com/nlnwa/gowarc) and an SQLite catalog (catalog.db, through
// modernc.org/sqlite) of pages, captures, versions, their structures (the
// sections and questions the exports read) and changes.
//
// It owns the archive's layout and schema migrations, the single-writer
// lock, the rule that a new version exists only when the extracted content
// changes, revisit records for unchanged payloads, crash recovery of WARC
// files, WARC import, re-extraction and verification.
package archive
