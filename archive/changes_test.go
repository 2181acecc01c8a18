package archive

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/staffvoice/staffvoice/diff"
)

// TestChangesAreRecordedWithVersions records a page, an edited answer and
// a new update date, and reads the changes back.
func TestChangesAreRecordedWithVersions(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	const u = "https://www.city.nerima.tokyo.jp/kusei/saiyo/mezasu/koe.html"
	page := string(nerimaPage(t))
	record(t, s, htmlCapture(u, []byte(page)))
	if got, err := s.Changes(ctx, ChangeFilter{}); err != nil || len(got) != 0 {
		t.Fatalf("changes after one version: %v %v", got, err)
	}
	edited := strings.Replace(page, "更新日:2021年2月2日", "更新日:2021年4月1日", 1)
	edited = strings.Replace(edited, "通学途中の車窓から毎日眺めており", "通勤途中の車窓から毎日眺めており", 1)
	if edited == page {
		t.Fatal("the edits did not apply")
	}
	res := record(t, s, htmlCapture(u, []byte(edited)))
	if res.Version != 2 {
		t.Fatalf("version %d", res.Version)
	}
	got, err := s.Changes(ctx, ChangeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	old, _ := s.Document(ctx, u, 1)
	cur, _ := s.Document(ctx, u, 2)
	want := diff.Compare(*old, *cur)
	if len(got) != len(want) || len(want) == 0 {
		t.Fatalf("%d changes recorded, Compare gives %d", len(got), len(want))
	}
	for i := range want {
		g := got[i]
		if g.Kind != want[i].Kind || g.Old != want[i].Old || g.New != want[i].New || g.Section != want[i].Section ||
			g.Question != want[i].Question || g.Field != want[i].Field || len(g.Ops) != len(want[i].Ops) {
			t.Errorf("change %d: recorded %+v, want %+v", i, g.Change, want[i])
		}
		if g.URL != u || g.FromVersion != 1 || g.ToVersion != 2 {
			t.Errorf("change %d: %s v%d→v%d", i, g.URL, g.FromVersion, g.ToVersion)
		}
	}
	kinds := map[string]bool{}
	for _, c := range got {
		kinds[c.Kind+" "+c.Field] = true
	}
	if !kinds["metadata updated"] || !kinds["answer_changed "] {
		t.Errorf("kinds %v", kinds)
	}

	// Filters.
	if got, _ := s.Changes(ctx, ChangeFilter{Since: "2099-01-01"}); len(got) != 0 {
		t.Errorf("--since in the future: %d changes", len(got))
	}
	if got, _ := s.Changes(ctx, ChangeFilter{Since: got[0].DetectedAt}); len(got) != len(want) {
		t.Errorf("since the detection time itself: %d changes, want %d", len(got), len(want))
	}
	if got, _ := s.Changes(ctx, ChangeFilter{Sites: []string{"nosuch"}}); len(got) != 0 {
		t.Errorf("--site nosuch: %d changes", len(got))
	}
	if _, err := s.Changes(ctx, ChangeFilter{Since: "April"}); err == nil {
		t.Errorf("a bad --since is accepted")
	}

	// Re-extraction rebuilds the same changes.
	if _, _, _, err := s.Reextract(ctx); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.Changes(ctx, ChangeFilter{}); len(again) != len(got) {
		t.Errorf("after reextract: %d changes, had %d", len(again), len(got))
	}
}

// TestUpgradeBackfillsChanges opens a catalog of schema 1, which had no
// recorded changes, and finds them filled in.
func TestUpgradeBackfillsChanges(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir, Options{Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	const u = "https://www.city.nerima.tokyo.jp/kusei/saiyo/mezasu/koe.html"
	page := string(nerimaPage(t))
	record(t, s, htmlCapture(u, []byte(page)))
	record(t, s, htmlCapture(u, []byte(strings.Replace(page, "更新日:2021年2月2日", "更新日:2021年4月1日", 1))))
	want, err := s.Changes(ctx, ChangeFilter{})
	if err != nil || len(want) == 0 {
		t.Fatalf("%v %v", want, err)
	}
	downgrade(t, s, 1)
	s.Close()

	s, err = Open(ctx, dir, Options{Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Changes(ctx, ChangeFilter{})
	if err != nil || len(got) != len(want) {
		t.Fatalf("after the upgrade: %d changes (%v), want %d", len(got), err, len(want))
	}
	for i := range want {
		if got[i].Kind != want[i].Kind || got[i].New != want[i].New || got[i].DetectedAt != want[i].DetectedAt {
			t.Errorf("change %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestImportBetweenACaptureAndALaterRevisit: content A at t1 and again at
// t3 (a revisit), then an import of content B dated t2. In time order
// the page went A, B, A: three versions, and the current one is A.
func TestImportBetweenACaptureAndALaterRevisit(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	const u = "https://www.city.nerima.tokyo.jp/kusei/saiyo/mezasu/koe.html"
	a := nerimaPage(t)
	b := []byte(strings.Replace(string(a), "更新日:2021年2月2日", "更新日:2021年4月1日", 1))
	t1 := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	at := func(c Capture, tm time.Time) Capture { c.Time = tm; return c }
	record(t, s, at(htmlCapture(u, a), t1))
	if r := record(t, s, at(htmlCapture(u, a), t1.Add(48*time.Hour))); r.Outcome != OutcomeRevisit {
		t.Fatalf("t3: %+v", r)
	}
	imported := at(htmlCapture(u, b), t1.Add(24*time.Hour))
	imported.Source = "old.warc.gz#<urn:uuid:1>"
	record(t, s, imported)

	versions, _, err := s.History(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range versions {
		got = append(got, v.Updated)
	}
	if strings.Join(got, " ") != "2021-02-02 2021-04-01 2021-02-02" {
		t.Errorf("versions by update date: %v, want A, B, A", got)
	}
	changes, err := s.Changes(ctx, ChangeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 2 || changes[0].ToVersion != 3 || changes[0].New != "2021-02-02" || changes[1].ToVersion != 2 {
		t.Errorf("changes %+v", changes)
	}
	// A later crawl of A changes nothing: A is the current version.
	if r := record(t, s, at(htmlCapture(u, a), t1.Add(72*time.Hour))); r.NewVersion || r.Version != 3 {
		t.Errorf("t4: %+v", r)
	}
	if n, problems, err := s.Verify(ctx); err != nil || len(problems) > 0 {
		t.Errorf("verify %d: %v %v", n, problems, err)
	}
}
