package archive

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/staffvoice/staffvoice/extract"
)

// The structures table holds the part of each version's Document that the
// Q&A export reads row by row: the sections with their questions, in the
// protocol buffers wire format of this schema:
//
//	message Sections {
//	  repeated Section sections = 1;
//	}
//	message Section {
//	  string          heading = 1;
//	  repeated QA     qa      = 2;
//	}
//	message QA {
//	  string          question     = 1;
//	  string          question_key = 2;
//	  repeated string answer       = 3;
//	  repeated string notes        = 4;
//	}
//
// Decoding it is a walk over length-prefixed strings, far cheaper than
// decoding the Document's JSON or reading a catalog row per question:
// reading 1,000,000 Q&A rows for an export took 12 s from the old qa
// table, 2 s from here. It is a table of its own, not a column of
// versions, so that a versions row stays short (see migration 4). The
// breadcrumbs, which the versions export reads, are a JSON list in the
// versions row.
const (
	fieldSection = 1

	fieldHeading = 1
	fieldQA      = 2

	fieldQuestion    = 1
	fieldQuestionKey = 2
	fieldAnswer      = 3
	fieldNotes       = 4
)

// MarshalSections encodes the sections of doc as structures.sections
// holds them. It is exported for tools that build catalogs directly.
func MarshalSections(doc *extract.Document) []byte {
	b := []byte{} // never nil: nil would be stored as NULL
	var sec, qa []byte
	for _, s := range doc.Sections {
		sec = appendString(sec[:0], fieldHeading, s.Heading)
		for _, q := range s.QA {
			qa = appendString(qa[:0], fieldQuestion, q.Question)
			qa = appendString(qa, fieldQuestionKey, q.QuestionKey)
			for _, a := range q.Answer {
				qa = appendString(qa, fieldAnswer, a)
			}
			for _, n := range q.Notes {
				qa = appendString(qa, fieldNotes, n)
			}
			sec = appendBytes(sec, fieldQA, qa)
		}
		b = appendBytes(b, fieldSection, sec)
	}
	return b
}

// MarshalBreadcrumbs encodes the breadcrumbs of doc as
// versions.breadcrumbs holds them.
func MarshalBreadcrumbs(doc *extract.Document) string {
	if len(doc.Breadcrumbs) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(doc.Breadcrumbs) // a []string always encodes
	return string(b)
}

// appendString appends a string field, even an empty one, so that the
// decoder sees every list element.
func appendString(b []byte, field protowire.Number, s string) []byte {
	b = protowire.AppendTag(b, field, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendBytes(b []byte, field protowire.Number, v []byte) []byte {
	b = protowire.AppendTag(b, field, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

// errSections is a structures.sections value that does not decode.
var errSections = errors.New("malformed sections")

// eachField calls fn for every length-delimited field of b, with the
// field's offset in b. Any other wire type, or a field cut short, is
// errSections.
func eachField(b []byte, fn func(num protowire.Number, off int, v []byte) error) error {
	for off := 0; off < len(b); {
		num, typ, n := protowire.ConsumeTag(b[off:])
		if n < 0 || typ != protowire.BytesType {
			return errSections
		}
		off += n
		v, n := protowire.ConsumeBytes(b[off:])
		if n < 0 {
			return errSections
		}
		if err := fn(num, off+n-len(v), v); err != nil {
			return err
		}
		off += n
	}
	return nil
}

// decodeSections calls fn for every question of encoded sections, in
// order, with its section's index and heading and its index within the
// section. A section without questions gives no call but keeps its index.
//
// The strings are substrings of one copy of b, so that a version's
// questions cost one allocation, not one per string.
func decodeSections(b []byte, fn func(section int, heading string, index int, q extract.QA) error) error {
	all := string(b)
	si := 0
	return eachField(b, func(num protowire.Number, off int, f []byte) error {
		if num != fieldSection {
			return nil
		}
		err := decodeSection(all, off, f, si, fn)
		si++
		return err
	})
}

// decodeSection decodes section si, which is b, found at offset base of
// all.
func decodeSection(all string, base int, b []byte, si int, fn func(int, string, int, extract.QA) error) error {
	var heading string
	qi := 0
	return eachField(b, func(num protowire.Number, off int, f []byte) error {
		switch num {
		case fieldHeading:
			heading = all[base+off : base+off+len(f)]
		case fieldQA:
			var q extract.QA
			qbase := base + off
			err := eachField(f, func(num protowire.Number, off int, f []byte) error {
				v := all[qbase+off : qbase+off+len(f)]
				switch num {
				case fieldQuestion:
					q.Question = v
				case fieldQuestionKey:
					q.QuestionKey = v
				case fieldAnswer:
					q.Answer = append(q.Answer, v)
				case fieldNotes:
					q.Notes = append(q.Notes, v)
				}
				return nil
			})
			if err != nil {
				return err
			}
			if err := fn(si, heading, qi, q); err != nil {
				return err
			}
			qi++
		}
		return nil
	})
}

// backfillStructures fills the structures table for the versions of a
// catalog made before it existed (schema 2), from their Documents, a
// chunk of versions at a time so that memory stays bounded.
func backfillStructures(ctx context.Context, tx *sql.Tx) error {
	type fill struct {
		page        string
		version     int
		breadcrumbs string
		sections    []byte
	}
	lastPage, lastVersion := "", 0
	for {
		rows, err := tx.QueryContext(ctx, `SELECT page_id, version, document FROM versions
			WHERE (page_id, version) > (?, ?) ORDER BY page_id, version LIMIT 500`, lastPage, lastVersion)
		if err != nil {
			return err
		}
		var fills []fill
		for rows.Next() {
			var f fill
			var body string
			if err := rows.Scan(&f.page, &f.version, &body); err != nil {
				rows.Close()
				return err
			}
			var doc extract.Document
			if err := json.Unmarshal([]byte(body), &doc); err != nil {
				rows.Close()
				return fmt.Errorf("stored document of %s version %d: %w", f.page, f.version, err)
			}
			f.breadcrumbs, f.sections = MarshalBreadcrumbs(&doc), MarshalSections(&doc)
			fills = append(fills, f)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(fills) == 0 {
			return nil
		}
		for _, f := range fills {
			// The structures table as schema 3 made it.
			if _, err := tx.ExecContext(ctx, `INSERT INTO structures (page_id, version, breadcrumbs, sections) VALUES (?, ?, ?, ?)`,
				f.page, f.version, f.breadcrumbs, f.sections); err != nil {
				return err
			}
		}
		lastPage, lastVersion = fills[len(fills)-1].page, fills[len(fills)-1].version
	}
}
