package archive

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

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
//	  // Since schema 5, instead of 1–4: the question is the same as
//	  // (question, key, answer and notes alike) question home_index,
//	  // counted over all sections from 0, of version home_version of
//	  // the page, which holds it in full.
//	  uint64          home_version = 5;
//	  uint64          home_index   = 6;
//	}
//
// Decoding it is a walk over length-prefixed strings, far cheaper than
// decoding the Document's JSON or reading a catalog row per question:
// reading 1,000,000 Q&A rows for an export took 12 s from the old qa
// table, 2 s from here. It is a table of its own, not a column of
// versions, so that a versions row stays short (see migration 4). The
// breadcrumbs, which the versions export reads, are a JSON list in the
// versions row.
//
// A new version of a page usually changes one answer or two. Each version
// stores in full only the questions that differ from the version before
// (PageEncoder); the others point at the version that holds their text.
// A version's row is then a few hundred bytes instead of the whole page's
// text (13.5 KB for the Nerima page), which is what an export reads: the
// export walks a page's versions in order and resolves each pointer from
// the version before it (pageDecoder). The home fields are varints, a
// wire type that a decoder older than schema 5 refuses, so it can never
// read such a question as an empty one.
const (
	fieldSection = 1

	fieldHeading = 1
	fieldQA      = 2

	fieldQuestion    = 1
	fieldQuestionKey = 2
	fieldAnswer      = 3
	fieldNotes       = 4
	fieldHomeVersion = 5
	fieldHomeIndex   = 6
)

// A PageEncoder encodes the successive versions of one page, in order, as
// the structures table holds them: the questions that are the same as in
// the version before point at the version holding their text. Its zero
// value is ready to encode the page's first version. It is exported for
// tools that build catalogs directly, as the export benchmark does.
type PageEncoder struct {
	version int          // the version encoded last; 0 before any
	prev    []extract.QA // its questions, over all sections
	homes   []qaHome     // where each of them is stored in full
	keys    map[string][]int
	sec, qa []byte
}

// fullSections encodes every question of doc in full, as the rows of
// schemas 3 and 4 held them (a page's first version is the same).
func fullSections(doc *extract.Document) []byte {
	var e PageEncoder
	return e.encode(doc, false)
}

// qaHome is where a question is stored in full: a version of the page and
// the question's index there, counted over all sections.
type qaHome struct{ version, index int }

// Encode encodes doc as the page's next version.
func (e *PageEncoder) Encode(doc *extract.Document) []byte { return e.encode(doc, true) }

// continueAfter readies e to encode the version after version v, whose
// Document is doc and whose structures row is stored. A row that does not
// decode, or that does not hold doc's questions, leaves e to store the
// next version in full.
func (e *PageEncoder) continueAfter(v int, doc *extract.Document, stored []byte) {
	*e = PageEncoder{version: v}
	qas := flatQA(doc)
	var homes []qaHome
	err := eachQuestion(stored, func(si int, heading string, qi int, q storedQA) error {
		i := len(homes)
		h := q.home
		if !q.ref {
			// A question the row holds in full must be the Document's:
			// pointers to it will stand for the Document's text.
			if i >= len(qas) || !sameQA(q.QA, qas[i]) {
				return errSections
			}
			h = qaHome{v, i}
		}
		homes = append(homes, h)
		return nil
	})
	if err != nil || len(homes) != len(qas) {
		return
	}
	e.prev, e.homes = qas, homes
}

func flatQA(doc *extract.Document) []extract.QA {
	var qas []extract.QA
	for _, s := range doc.Sections {
		qas = append(qas, s.QA...)
	}
	return qas
}

// fullEvery: versions 1, 1+fullEvery, 1+2×fullEvery… store every
// question in full, so that a reader can start at one of them (an export
// --since reads a page's versions from the last such version before the
// first it exports, never its whole history). It costs a full row every
// 16 versions: on the Nerima page, 0.8 KB a version on average.
const fullEvery = 16

// encode encodes doc as version e.version+1; with delta, its questions
// that are the same as one of the version before point at their home,
// unless fullEvery says the version is stored in full.
func (e *PageEncoder) encode(doc *extract.Document, delta bool) []byte {
	v := e.version + 1
	delta = delta && (v-1)%fullEvery != 0
	b := []byte{} // never nil: nil would be stored as NULL
	var homes []qaHome
	var qas []extract.QA
	for _, s := range doc.Sections {
		e.sec = appendString(e.sec[:0], fieldHeading, s.Heading)
		for _, q := range s.QA {
			i, j := len(homes), -1
			if delta {
				j = e.same(q, i)
			}
			if j >= 0 {
				h := e.homes[j]
				e.qa = protowire.AppendTag(e.qa[:0], fieldHomeVersion, protowire.VarintType)
				e.qa = protowire.AppendVarint(e.qa, uint64(h.version))
				e.qa = protowire.AppendTag(e.qa, fieldHomeIndex, protowire.VarintType)
				e.qa = protowire.AppendVarint(e.qa, uint64(h.index))
				homes = append(homes, h)
			} else {
				e.qa = appendString(e.qa[:0], fieldQuestion, q.Question)
				e.qa = appendString(e.qa, fieldQuestionKey, q.QuestionKey)
				for _, a := range q.Answer {
					e.qa = appendString(e.qa, fieldAnswer, a)
				}
				for _, n := range q.Notes {
					e.qa = appendString(e.qa, fieldNotes, n)
				}
				homes = append(homes, qaHome{v, i})
			}
			qas = append(qas, q)
			e.sec = appendBytes(e.sec, fieldQA, e.qa)
		}
		b = appendBytes(b, fieldSection, e.sec)
	}
	e.version, e.prev, e.homes, e.keys = v, qas, homes, nil
	return b
}

// same returns the index of a question of the version before that is the
// same as q, the question at index i now; -1 if none is. Questions seldom
// move, so the one at the same index is tried first.
func (e *PageEncoder) same(q extract.QA, i int) int {
	if i < len(e.prev) && sameQA(q, e.prev[i]) {
		return i
	}
	if len(e.prev) == 0 {
		return -1
	}
	if e.keys == nil {
		e.keys = make(map[string][]int, len(e.prev))
		for j, p := range e.prev {
			e.keys[p.QuestionKey] = append(e.keys[p.QuestionKey], j)
		}
	}
	for _, j := range e.keys[q.QuestionKey] {
		if sameQA(q, e.prev[j]) {
			return j
		}
	}
	return -1
}

// sameQA is whether two questions store the same text: question, key,
// answer and notes. An empty list and a nil one are the same (the
// encoding does not tell them apart).
func sameQA(a, b extract.QA) bool {
	return a.Question == b.Question && a.QuestionKey == b.QuestionKey &&
		slices.Equal(a.Answer, b.Answer) && slices.Equal(a.Notes, b.Notes)
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

// eachField calls fn for every field of b: a length-delimited one with
// its offset in b and its value v, a varint with its value x. Any other
// wire type, or a field cut short, is errSections.
func eachField(b []byte, fn func(num protowire.Number, typ protowire.Type, off int, v []byte, x uint64) error) error {
	for off := 0; off < len(b); {
		num, typ, n := protowire.ConsumeTag(b[off:])
		if n < 0 {
			return errSections
		}
		off += n
		var v []byte
		var x uint64
		switch typ {
		case protowire.BytesType:
			v, n = protowire.ConsumeBytes(b[off:])
		case protowire.VarintType:
			x, n = protowire.ConsumeVarint(b[off:])
		default:
			return errSections
		}
		if n < 0 {
			return errSections
		}
		if err := fn(num, typ, off+n-len(v), v, x); err != nil {
			return err
		}
		off += n
	}
	return nil
}

// bytesField is eachField for messages whose fields are all
// length-delimited.
func bytesField(fn func(num protowire.Number, off int, v []byte) error) func(protowire.Number, protowire.Type, int, []byte, uint64) error {
	return func(num protowire.Number, typ protowire.Type, off int, v []byte, _ uint64) error {
		if typ != protowire.BytesType {
			return errSections
		}
		return fn(num, off, v)
	}
}

// storedQA is a question as a structures row holds it: in full, or, with
// ref, as the home that holds it.
type storedQA struct {
	extract.QA
	ref  bool
	home qaHome
}

// eachQuestion calls fn for every question of encoded sections, in order,
// with its section's index and heading and its index within the section,
// as the row holds it. A section without questions gives no call but
// keeps its index.
//
// The strings are substrings of one copy of b, so that a version's
// questions cost one allocation, not one per string.
func eachQuestion(b []byte, fn func(section int, heading string, index int, q storedQA) error) error {
	all := string(b)
	si := 0
	return eachField(b, bytesField(func(num protowire.Number, off int, f []byte) error {
		if num != fieldSection {
			return nil
		}
		err := decodeSection(all, off, f, si, fn)
		si++
		return err
	}))
}

// decodeSection decodes section si, which is b, found at offset base of
// all.
func decodeSection(all string, base int, b []byte, si int, fn func(int, string, int, storedQA) error) error {
	var heading string
	qi := 0
	return eachField(b, bytesField(func(num protowire.Number, off int, f []byte) error {
		switch num {
		case fieldHeading:
			heading = all[base+off : base+off+len(f)]
		case fieldQA:
			var q storedQA
			var hasVersion, hasIndex bool
			qbase := base + off
			err := eachField(f, func(num protowire.Number, typ protowire.Type, off int, f []byte, x uint64) error {
				if (num == fieldHomeVersion || num == fieldHomeIndex) != (typ == protowire.VarintType) {
					return errSections
				}
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
				case fieldHomeVersion:
					hasVersion, q.home.version = true, int(x)
				case fieldHomeIndex:
					hasIndex, q.home.index = true, int(x)
				}
				return nil
			})
			if err != nil {
				return err
			}
			if hasVersion != hasIndex {
				return fmt.Errorf("%w: a pointer without its version or its index", errSections)
			}
			q.ref = hasVersion
			if err := fn(si, heading, qi, q); err != nil {
				return err
			}
			qi++
		}
		return nil
	}))
}

// A pageDecoder decodes the successive versions of one page, in order,
// and gives each question its text: a question stored as a pointer to
// its home takes the text the version before had for that home. Its zero
// value is ready for any page's first version.
type pageDecoder struct {
	page      string
	version   int       // the version decoded last
	prev, cur []homedQA // its questions, and this version's
	byHome    map[qaHome]int
}

type homedQA struct {
	home qaHome
	qa   extract.QA
}

// decode calls fn for every question of version v of the page, in order,
// with its section's index and heading and its index within the section.
// The versions of a page must come in order, from one whose questions are
// all stored in full (its first).
func (d *pageDecoder) decode(page string, v int, b []byte, fn func(section int, heading string, index int, q extract.QA) error) error {
	if page != d.page {
		d.page, d.version, d.prev = page, 0, d.prev[:0]
	}
	d.cur, d.byHome = d.cur[:0], nil
	err := eachQuestion(b, func(si int, heading string, qi int, q storedQA) error {
		i := len(d.cur)
		home := qaHome{v, i}
		if q.ref {
			home = q.home
			var ok bool
			if q.QA, ok = d.resolve(home, i); !ok {
				before := "no version was read before it"
				if d.version > 0 {
					before = fmt.Sprintf("version %d, read before it, does not have it", d.version)
				}
				return fmt.Errorf("%w: question %d points at question %d of version %d; %s",
					errSections, i, home.index, home.version, before)
			}
		}
		d.cur = append(d.cur, homedQA{home, q.QA})
		return fn(si, heading, qi, q.QA)
	})
	d.prev, d.cur, d.version = d.cur, d.prev, v
	if err != nil {
		d.page = "" // what the next version points at is not known
	}
	return err
}

// resolve finds the text of home among the questions of the version
// before; i is the question's index now, where it usually was then too.
func (d *pageDecoder) resolve(home qaHome, i int) (extract.QA, bool) {
	if i < len(d.prev) && d.prev[i].home == home {
		return d.prev[i].qa, true
	}
	if d.byHome == nil {
		d.byHome = make(map[qaHome]int, len(d.prev))
		for j, p := range d.prev {
			if _, seen := d.byHome[p.home]; !seen {
				d.byHome[p.home] = j
			}
		}
	}
	j, ok := d.byHome[home]
	if !ok {
		return extract.QA{}, false
	}
	return d.prev[j].qa, true
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
			f.breadcrumbs, f.sections = MarshalBreadcrumbs(&doc), fullSections(&doc)
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

// sections decodes version v of a page as decode does, into its sections,
// those without questions included.
func (d *pageDecoder) sections(page string, v int, b []byte) ([]extract.Section, error) {
	var secs []extract.Section
	err := eachField(b, bytesField(func(num protowire.Number, _ int, f []byte) error {
		if num != fieldSection {
			return nil
		}
		var s extract.Section
		secs = append(secs, s)
		return eachField(f, bytesField(func(num protowire.Number, _ int, h []byte) error {
			if num == fieldHeading {
				secs[len(secs)-1].Heading = string(h)
			}
			return nil
		}))
	}))
	if err != nil {
		return nil, err
	}
	err = d.decode(page, v, b, func(si int, _ string, _ int, q extract.QA) error {
		secs[si].QA = append(secs[si].QA, q)
		return nil
	})
	return secs, err
}

// compactStructures rewrites the structures rows of a catalog made before
// schema 5, which held every question of every version in full, as
// PageEncoder encodes them: a page at a time, its versions in order.
func compactStructures(ctx context.Context, tx *sql.Tx) error {
	return rewriteStructures(ctx, tx, func(enc *PageEncoder, doc *extract.Document) []byte { return enc.Encode(doc) })
}

// rewriteStructures decodes the structures rows of every page, its
// versions in order, and stores what encode makes of each instead.
func rewriteStructures(ctx context.Context, tx *sql.Tx, encode func(*PageEncoder, *extract.Document) []byte) error {
	ids, err := pageIDs(ctx, tx)
	if err != nil {
		return err
	}
	type row struct {
		version  int
		sections []byte
	}
	for _, id := range ids {
		// The rows the export reads: those of versions.
		rows, err := tx.QueryContext(ctx, `SELECT v.version, st.sections FROM versions v
			JOIN structures st ON st.page_id = v.page_id AND st.version = v.version
			WHERE v.page_id = ? ORDER BY v.version`, id)
		if err != nil {
			return err
		}
		var stored []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.version, &r.sections); err != nil {
				rows.Close()
				return err
			}
			stored = append(stored, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var d pageDecoder
		var enc PageEncoder
		for _, r := range stored {
			secs, err := d.sections(id, r.version, r.sections)
			if err != nil {
				// A damaged row stays as it is, for the export to report;
				// the next version is stored in full.
				d, enc = pageDecoder{}, PageEncoder{}
				continue
			}
			enc.version = r.version - 1
			b := encode(&enc, &extract.Document{Sections: secs})
			if bytes.Equal(b, r.sections) {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE structures SET sections = ? WHERE page_id = ? AND version = ?`,
				b, id, r.version); err != nil {
				return err
			}
		}
	}
	return nil
}
