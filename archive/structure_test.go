package archive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/staffvoice/staffvoice/extract"
)

// downgrade takes a catalog back to schema to, as an older staffvoice
// left it, with no trace of the later migrations' data.
func downgrade(t *testing.T, s *Store, to int) {
	t.Helper()
	steps := map[int][]string{
		// Undo 4: the Documents back in the versions rows, the breadcrumbs
		// back in the structures.
		4: {`ALTER TABLE versions ADD COLUMN document TEXT NOT NULL DEFAULT ''`,
			`UPDATE versions SET document = (SELECT d.document FROM documents d WHERE d.page_id = versions.page_id AND d.version = versions.version)`,
			`DROP TABLE documents`,
			`ALTER TABLE structures ADD COLUMN breadcrumbs TEXT NOT NULL DEFAULT '[]'`,
			`UPDATE structures SET breadcrumbs = (SELECT v.breadcrumbs FROM versions v WHERE v.page_id = structures.page_id AND v.version = structures.version)`,
			`ALTER TABLE versions DROP COLUMN breadcrumbs`},
		// Undo 3: the sections and qa tables as schema 1 made them (empty:
		// the upgrade does not read them).
		3: {`DROP INDEX pages_by_site`, `DROP TABLE structures`,
			`CREATE TABLE sections (page_id TEXT NOT NULL, version INTEGER NOT NULL, section_index INTEGER NOT NULL,
				heading TEXT NOT NULL, intro TEXT NOT NULL, PRIMARY KEY (page_id, version, section_index))`,
			`CREATE TABLE qa (page_id TEXT NOT NULL, version INTEGER NOT NULL, section_index INTEGER NOT NULL, qa_index INTEGER NOT NULL,
				question TEXT NOT NULL, question_key TEXT NOT NULL, answer TEXT NOT NULL, notes TEXT NOT NULL,
				PRIMARY KEY (page_id, version, section_index, qa_index))`,
			`CREATE INDEX qa_by_key ON qa(question_key)`},
		// Undo 2.
		2: {`DELETE FROM changes`, `DROP INDEX changes_by_page`, `DROP INDEX changes_by_time`,
			`ALTER TABLE captures DROP COLUMN links`},
	}
	for v := len(migrations); v > to; v-- {
		if v == 5 { // undo 5: every question in full
			tx, err := s.db.Begin()
			if err == nil {
				err = rewriteStructures(context.Background(), tx, func(_ *PageEncoder, doc *extract.Document) []byte { return fullSections(doc) })
			}
			if err == nil {
				err = tx.Commit()
			}
			if err != nil {
				t.Fatalf("downgrade 5: %v", err)
			}
		}
		for _, q := range append(steps[v], fmt.Sprintf("PRAGMA user_version = %d", v-1)) {
			if _, err := s.db.ExecContext(context.Background(), q); err != nil {
				t.Fatalf("downgrade %d: %s: %v", v, q, err)
			}
		}
	}
}

// decodeSections decodes sections stored in full.
func decodeSections(b []byte, fn func(section int, heading string, index int, q extract.QA) error) error {
	var d pageDecoder
	return d.decode("", 1, b, fn)
}

// TestSectionsRoundTrip: Documents survive the encoding, empty strings
// and empty lists included.
func TestSectionsRoundTrip(t *testing.T) {
	docs := []*extract.Document{
		{},
		{Breadcrumbs: []string{"ホーム", "", "職員の声"}, Sections: []extract.Section{
			{Heading: "", QA: []extract.QA{{Question: "", QuestionKey: "", Answer: []string{""}, Notes: nil}}},
			{Heading: "職員B", QA: nil},
			{Heading: "職員C", QA: []extract.QA{{Question: "Q", QuestionKey: "q", Answer: []string{"a", "b\nc"}, Notes: []string{"注"}}}},
		}},
		nerimaDocument(t),
	}
	for i, doc := range docs {
		got := make([]extract.Section, len(doc.Sections))
		err := decodeSections(fullSections(doc), func(si int, heading string, qi int, q extract.QA) error {
			if si >= len(got) || qi != len(got[si].QA) {
				t.Fatalf("doc %d: section %d %q question %d out of order", i, si, heading, qi)
			}
			got[si].Heading = heading
			got[si].QA = append(got[si].QA, q)
			return nil
		})
		if err != nil {
			t.Fatalf("doc %d: %v", i, err)
		}
		var crumbs []string
		if err := json.Unmarshal([]byte(MarshalBreadcrumbs(doc)), &crumbs); err != nil || len(crumbs) != len(doc.Breadcrumbs) || (len(crumbs) > 0 && !reflect.DeepEqual(crumbs, doc.Breadcrumbs)) {
			t.Errorf("doc %d: breadcrumbs %q (%v), want %q", i, crumbs, err, doc.Breadcrumbs)
		}
		// A section without questions gives no rows, but keeps its index.
		want := make([]extract.Section, len(doc.Sections))
		for si, s := range doc.Sections {
			if len(s.QA) > 0 {
				want[si] = extract.Section{Heading: s.Heading}
				for _, q := range s.QA {
					// Empty lists come back nil.
					if len(q.Answer) == 0 {
						q.Answer = nil
					}
					if len(q.Notes) == 0 {
						q.Notes = nil
					}
					want[si].QA = append(want[si].QA, q)
				}
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("doc %d: sections\n%+v\nwant\n%+v", i, got, want)
		}
	}
}

// TestSectionsMalformed: a damaged value is an error, never a panic or
// rows made up.
func TestSectionsMalformed(t *testing.T) {
	good := fullSections(nerimaDocument(t))
	for _, b := range [][]byte{good[:len(good)-3], {0x08, 0x01}, {0x0a, 0x7f}, {0xff}} {
		err := decodeSections(b, func(int, string, int, extract.QA) error { return nil })
		if err == nil {
			t.Errorf("% x: no error", b[:min(len(b), 8)])
		}
	}
}

// TestUpgradeFillsStructures: a catalog of schema 2, whose Q&A rows were
// in the qa table, is read as it is by a reader, which refuses to export
// from it with ErrOldSchema; after Upgrade, the same rows come from the
// structures.
func TestUpgradeFillsStructures(t *testing.T) {
	ctx := context.Background()
	dir, s, _ := twoVersions(t)
	want, wantVersions := exportQA(t, s), exportVersions(t, s)
	if len(want) != 36 || len(wantVersions) != 2 || len(wantVersions[0].Breadcrumbs) == 0 {
		t.Fatalf("%d Q&A rows and %+v before the upgrade, want 36 rows and 2 versions with breadcrumbs", len(want), wantVersions)
	}
	downgrade(t, s, 2)
	s.Close()

	r, err := OpenReadOnly(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	err = r.ExportQA(ctx, ExportFilter{}, func(QARow) error { return nil })
	if !errors.Is(err, ErrOldSchema) || !strings.Contains(err.Error(), "staffvoice upgrade") {
		t.Errorf("export from schema 2: %v, want ErrOldSchema and what to do", err)
	}
	if _, _, err := r.History(ctx, nerimaURL); err != nil {
		t.Errorf("history from schema 2: %v", err)
	}
	var have int
	if r.db.QueryRow(`PRAGMA user_version`).Scan(&have); have != 2 {
		t.Errorf("a reader changed the schema to %d", have)
	}
	r.Close()

	if from, to, err := Upgrade(ctx, dir); err != nil || from != 2 || to != len(migrations) {
		t.Fatalf("Upgrade: %d → %d, %v", from, to, err)
	}
	r, err = OpenReadOnly(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := exportQA(t, r); !reflect.DeepEqual(got, want) {
		t.Errorf("after the upgrade: %d rows, want %d equal rows", len(got), len(want))
	}
	if got := exportVersions(t, r); !reflect.DeepEqual(got, wantVersions) {
		t.Errorf("after the upgrade: versions %+v, want %+v", got, wantVersions)
	}
	if from, to, err := Upgrade(ctx, dir); err != nil || from != to {
		t.Errorf("Upgrade again: %d → %d, %v", from, to, err)
	}
}

// twoVersions records two versions of the Nerima page, which differ in
// their update date, in a new archive.
func twoVersions(t *testing.T) (dir string, s *Store, page string) {
	t.Helper()
	dir = t.TempDir()
	s = openTest(t, dir)
	page = string(nerimaPage(t))
	record(t, s, htmlCapture(nerimaURL, []byte(page)))
	record(t, s, htmlCapture(nerimaURL, []byte(strings.Replace(page, "更新日:2021年2月2日", "更新日:2021年4月1日", 1))))
	return dir, s, page
}

func exportQA(t *testing.T, s *Store) []QARow {
	t.Helper()
	var rows []QARow
	if err := s.ExportQA(context.Background(), ExportFilter{}, func(r QARow) error { rows = append(rows, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return rows
}

func nerimaDocument(t *testing.T) *extract.Document {
	t.Helper()
	doc, err := extract.Extract(nerimaPage(t), nerimaURL, "")
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func exportVersions(t *testing.T, s *Store) []VersionRow {
	t.Helper()
	var rows []VersionRow
	if err := s.ExportVersions(context.Background(), ExportFilter{}, func(r VersionRow) error { rows = append(rows, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestExportQueriesDoNotSort: every export query walks one site's pages
// through pages_by_site and needs no temporary B-tree, so that an export
// streams however big the catalog is.
func TestExportQueriesDoNotSort(t *testing.T) {
	s := openTest(t, t.TempDir())
	for name, q := range map[string]string{"pages": qExportPages, "versions": qExportVersions, "qa": qExportQA,
		"changes": qExportChanges, "captures": qExportCaptures} {
		rows, err := s.db.Query("EXPLAIN QUERY PLAN "+q, "site", "", "", lastURL)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		text := strings.Join(plan, "\n")
		if strings.Contains(text, "TEMP B-TREE") || !strings.Contains(plan[0], "pages_by_site") {
			t.Errorf("%s:\n%s", name, text)
		}
	}
}

// TestExportChunks: reading a site a few pages at a time gives the rows
// that reading it whole gives, in the same order.
func TestExportChunks(t *testing.T) {
	s := openTest(t, t.TempDir())
	page := string(nerimaPage(t))
	for i := range 7 {
		u := fmt.Sprintf("https://www.city.nerima.tokyo.jp/kusei/saiyo/koe/%d.html", i)
		c := htmlCapture(u, []byte(strings.Replace(page, "23区の中で", fmt.Sprintf("%d区の中で", i), 1)))
		c.Site = []string{"nerima", "other"}[i%2]
		record(t, s, c)
	}
	whole := exportQA(t, s)
	defer func(n int) { pageChunk = n }(pageChunk)
	for _, n := range []int{1, 2, 3} {
		pageChunk = n
		if got := exportQA(t, s); !reflect.DeepEqual(got, whole) || len(got) != 7*18 {
			t.Errorf("chunks of %d pages: %d rows, want the %d of a whole read", n, len(got), len(whole))
		}
	}
}

// TestUpgradeMovesDocuments: in a catalog of schema 3, the Documents are
// in the versions rows and the breadcrumbs in the structures. A reader
// shows the Documents from there and refuses to export; after Upgrade,
// both have moved (no copy is left behind), and show, export and the
// next capture's diff read them from their new places.
func TestUpgradeMovesDocuments(t *testing.T) {
	ctx := context.Background()
	dir, s, page := twoVersions(t)
	var wantDocs []*extract.Document
	for v := 1; v <= 2; v++ {
		doc, err := s.Document(ctx, nerimaURL, v)
		if err != nil {
			t.Fatal(err)
		}
		wantDocs = append(wantDocs, doc)
	}
	wantVersions := exportVersions(t, s)
	downgrade(t, s, 3)
	s.Close()

	r, err := OpenReadOnly(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if doc, err := r.Document(ctx, nerimaURL, 0); err != nil || !reflect.DeepEqual(doc, wantDocs[1]) {
		t.Errorf("show from schema 3: %v, want the stored Document", err)
	}
	if err := r.ExportVersions(ctx, ExportFilter{}, func(VersionRow) error { return nil }); !errors.Is(err, ErrOldSchema) {
		t.Errorf("export from schema 3: %v, want ErrOldSchema", err)
	}
	r.Close()

	if from, to, err := Upgrade(ctx, dir); err != nil || from != 3 || to != len(migrations) {
		t.Fatalf("Upgrade: %d → %d, %v", from, to, err)
	}
	s = openTest(t, dir)
	defer s.Close()
	for v, want := range wantDocs {
		if doc, err := s.Document(ctx, nerimaURL, v+1); err != nil || !reflect.DeepEqual(doc, want) {
			t.Errorf("version %d after the upgrade: %v, want the Document stored before", v+1, err)
		}
	}
	if got := exportVersions(t, s); !reflect.DeepEqual(got, wantVersions) {
		t.Errorf("versions after the upgrade %+v, want %+v", got, wantVersions)
	}
	for table, column := range map[string]string{"versions": "document", "structures": "breadcrumbs"} {
		var n int
		if err := s.db.QueryRow(`SELECT count(*) FROM pragma_table_info(?) WHERE name = ?`, table, column).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s.%s is still there (%d, %v)", table, column, n, err)
		}
	}
	// A third version is compared with the second, read from documents.
	res := record(t, s, htmlCapture(nerimaURL, []byte(strings.Replace(page, "更新日:2021年2月2日", "更新日:2021年5月6日", 1))))
	var changes int
	s.db.QueryRow(`SELECT count(*) FROM changes WHERE to_version = 3 AND field = 'updated'`).Scan(&changes)
	if res.Version != 3 || changes != 1 {
		t.Errorf("after the upgrade: version %d with %d changes of the date, want version 3 and one", res.Version, changes)
	}
}
