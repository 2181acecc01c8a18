package archive

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/nlnwa/gowarc"

	"github.com/staffvoice/staffvoice/extract"
)

// Problem is one catalog reference that does not hold.
type Problem struct {
	CaptureID int64
	URL       string
	File      string
	Offset    int64
	Err       string
}

func (p Problem) String() string {
	return fmt.Sprintf("capture %d (%s): %s at offset %d: %s", p.CaptureID, p.URL, p.File, p.Offset, p.Err)
}

// Verify checks that every capture's WARC reference points at a readable
// record with the recorded id and, for stored payloads, the recorded
// payload digest; and that every revisit's payload capture exists.
func (s *Store) Verify(ctx context.Context) (checked int, problems []Problem, err error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT c.capture_id, c.url, c.outcome, c.warc_file, c.warc_offset, c.warc_length, c.record_id, c.payload_digest,
			c.payload_capture IS NULL OR p.capture_id IS NOT NULL, c.payload_capture IS NULL, coalesce(p.record_id, '')
		FROM captures c LEFT JOIN captures p ON p.capture_id = c.payload_capture
		WHERE c.outcome != 'error' ORDER BY c.capture_id`)
	if err != nil {
		return 0, nil, fmt.Errorf("archive: verify: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return checked, problems, err
		}
		var p Problem
		var outcome, recordID, digest string
		var length int64
		var payloadOK, ownRecord bool
		var refersTo string
		if err := rows.Scan(&p.CaptureID, &p.URL, &outcome, &p.File, &p.Offset, &length, &recordID, &digest, &payloadOK, &ownRecord, &refersTo); err != nil {
			return checked, problems, fmt.Errorf("archive: verify: %w", err)
		}
		checked++
		fail := func(format string, args ...any) {
			p.Err = fmt.Sprintf(format, args...)
			problems = append(problems, p)
		}
		fi, err := os.Stat(s.warcPath(p.File))
		switch {
		case p.File == "":
			fail("no WARC record")
			continue
		case err != nil:
			fail("%v", err)
			continue
		case p.Offset+length > fi.Size():
			fail("record runs past the end of the file (%d + %d > %d)", p.Offset, length, fi.Size())
			continue
		case !payloadOK:
			fail("the capture holding its payload is missing")
			continue
		}
		if outcome == string(OutcomeNew) {
			if _, err := s.readPayload(p.File, p.Offset, recordID, digest); err != nil {
				fail("%v", err)
			}
			continue
		}
		// A revisit record, or, for a 304 with nothing earlier to refer
		// to, the 304 response itself.
		want := gowarc.Revisit
		if ownRecord {
			want = gowarc.Response
		}
		if err := s.checkRecord(p.File, p.Offset, recordID, want, refersTo); err != nil {
			fail("%v", err)
		}
	}
	return checked, problems, rows.Err()
}

// checkRecord checks the record at offset: its id, its type and, for a
// revisit, that it refers to the record holding its payload.
func (s *Store) checkRecord(file string, offset int64, recordID string, want gowarc.RecordType, refersTo string) error {
	r, rec, validation, err := recordAt(s.warcPath(file), offset)
	if err != nil {
		return err
	}
	defer r.Close()
	defer rec.Close()
	if got := rec.WarcHeader().GetId(gowarc.WarcRecordID); got != recordID {
		return fmt.Errorf("record at offset %d is %s, not %s", offset, got, recordID)
	}
	if rec.Type() != want {
		return fmt.Errorf("record %s is a %s, not a %s", recordID, rec.Type(), want)
	}
	if got := rec.WarcHeader().GetId(gowarc.WarcRefersTo); want == gowarc.Revisit && got != refersTo {
		return fmt.Errorf("revisit %s refers to %s, but its payload is in %s", recordID, got, refersTo)
	}
	if validation != nil && !validation.Valid() {
		return fmt.Errorf("record %s: %s", recordID, validation)
	}
	return nil
}

// Reextract runs the current extractor over every stored payload and
// rebuilds each page's versions: captures in order, a version wherever the
// content hash changes. It returns how many pages' versions changed.
// Running it twice changes nothing the second time.
// A page whose stored payload cannot be read, or on which the extractor
// meets a bug (extract.ErrInternal), keeps its versions and is reported;
// the others go on.
func (s *Store) Reextract(ctx context.Context) (pages, changed int, problems []string, err error) {
	if s.warc == nil {
		return 0, 0, nil, fmt.Errorf("archive: reextract: read-only store")
	}
	ids, err := pageIDs(ctx, s.db)
	if err != nil {
		return 0, 0, nil, err
	}
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return pages, changed, problems, err
		}
		did, err := s.reextractPage(ctx, id)
		var kept *keptPageError
		if errors.As(err, &kept) {
			problems = append(problems, fmt.Sprintf("page %s kept as it was: %v", id, err))
			continue
		}
		if err != nil {
			return pages, changed, problems, err
		}
		pages++
		if did {
			changed++
		}
	}
	return pages, changed, problems, nil
}

// extractPage is extract.Extract; a test puts a failing extractor in its
// place.
var extractPage = extract.Extract

// keptPageError is why a page's versions cannot be rebuilt, so that it
// keeps them: a stored payload that cannot be read back, or one the
// extractor fails on.
type keptPageError struct{ err error }

func (e *keptPageError) Error() string { return e.err.Error() }
func (e *keptPageError) Unwrap() error { return e.err }

// pageIDs lists the archive's pages, in q: the store's database, or the
// transaction of a migration.
func pageIDs(ctx context.Context, q querier) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT page_id FROM pages ORDER BY page_id`)
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("archive: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

type rebuilt struct {
	captureID int64
	at        time.Time
	doc       *extract.Document
}

func (s *Store) reextractPage(ctx context.Context, pageID string) (bool, error) {
	// Every capture that holds or refers to a complete 200 payload, in
	// time order: a revisit that returns to older content after another
	// version is a version too.
	rows, err := s.db.QueryContext(ctx, `
		SELECT c.capture_id, c.captured_at, p.capture_id, p.url, p.content_type, p.warc_file, p.warc_offset, p.record_id, p.payload_digest
		FROM captures c JOIN captures p ON p.capture_id = coalesce(c.payload_capture, c.capture_id)
		WHERE c.page_id = ? AND c.outcome IN ('new', 'revisit', 'not_modified')
			AND p.outcome = 'new' AND p.status = 200 AND p.truncated = 0
		ORDER BY c.captured_at, c.capture_id`, pageID)
	if err != nil {
		return false, fmt.Errorf("archive: reextract %s: %w", pageID, err)
	}
	type stored struct {
		id, payload                         int64
		at, url, ct, file, recordID, digest string
		offset                              int64
	}
	var caps []stored
	for rows.Next() {
		var c stored
		if err := rows.Scan(&c.id, &c.at, &c.payload, &c.url, &c.ct, &c.file, &c.offset, &c.recordID, &c.digest); err != nil {
			rows.Close()
			return false, fmt.Errorf("archive: reextract %s: %w", pageID, err)
		}
		caps = append(caps, c)
	}
	rows.Close()

	var versions []rebuilt
	docs := map[int64]*extract.Document{} // by payload capture; nil: not HTML
	last := ""
	for _, c := range caps {
		doc, seen := docs[c.payload]
		if !seen {
			body, err := s.readPayload(c.file, c.offset, c.recordID, c.digest)
			if err != nil {
				return false, &keptPageError{fmt.Errorf("capture %d: %w", c.payload, err)}
			}
			// Not HTML (nil) is no version; a bug must not drop one.
			doc, err = extractPage(body, c.url, c.ct)
			if errors.Is(err, extract.ErrInternal) {
				return false, &keptPageError{fmt.Errorf("capture %d: %w", c.payload, err)}
			}
			docs[c.payload] = doc
		}
		if doc == nil || doc.ContentHash == last {
			continue // not HTML, or the same content as the version before
		}
		last = doc.ContentHash
		at, _ := time.Parse(timeLayout, c.at)
		versions = append(versions, rebuilt{c.id, at, doc})
	}

	same, err := s.sameVersions(ctx, pageID, versions)
	if err != nil || same {
		return false, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("archive: reextract %s: %w", pageID, err)
	}
	defer tx.Rollback()
	// Changes between versions are derived from them: they go with them.
	for _, q := range []string{`DELETE FROM changes WHERE page_id = ?`, `DELETE FROM versions WHERE page_id = ?`} {
		if _, err := tx.ExecContext(ctx, q, pageID); err != nil {
			return false, fmt.Errorf("archive: reextract %s: %w", pageID, err)
		}
	}
	var enc PageEncoder
	for i, v := range versions {
		var prev *extract.Document
		if i > 0 {
			prev = versions[i-1].doc
		}
		doc, err := encodeDoc(v.doc)
		if err == nil {
			err = s.insertVersion(ctx, tx, pageID, i+1, v.captureID, v.at, doc, prev, enc.Encode(v.doc))
		}
		if err != nil {
			return false, fmt.Errorf("archive: reextract %s: %w", pageID, err)
		}
	}
	return true, tx.Commit()
}

// sameVersions reports whether the stored versions are those rebuilt: the
// same captures, hashes and extractor version.
func (s *Store) sameVersions(ctx context.Context, pageID string, versions []rebuilt) (bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT capture_id, content_hash, extractor_version FROM versions WHERE page_id = ? ORDER BY version`, pageID)
	if err != nil {
		return false, fmt.Errorf("archive: reextract %s: %w", pageID, err)
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var id int64
		var hash, ev string
		if err := rows.Scan(&id, &hash, &ev); err != nil {
			return false, err
		}
		if i >= len(versions) || versions[i].captureID != id || versions[i].doc.ContentHash != hash || versions[i].doc.ExtractorVersion != ev {
			return false, nil
		}
		i++
	}
	return i == len(versions), rows.Err()
}
