package notify

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/staffvoice/staffvoice/archive"
	"github.com/staffvoice/staffvoice/diff"
)

func TestEventsGroupsRecordedChanges(t *testing.T) {
	rc := func(url, site string, from, to int, at, question string) archive.RecordedChange {
		return archive.RecordedChange{URL: url, Site: site, FromVersion: from, ToVersion: to, DetectedAt: at,
			Change: diff.Change{Kind: diff.KindAnswerChanged, Question: question}}
	}
	const a, b = "https://city.example.jp/a.html", "https://city.example.jp/b.html"
	// As archive.Store.Changes lists them: newest first, recorded order
	// within a version.
	in := []archive.RecordedChange{
		rc(a, "kobe", 2, 3, "2024-05-03T06:00:00.000000000Z", "q3"),
		rc(b, "osaka", 1, 2, "2024-05-02T06:00:00.000000000Z", "qb1"),
		rc(b, "osaka", 1, 2, "2024-05-02T06:00:00.000000000Z", "qb2"),
		rc(a, "kobe", 1, 2, "2024-05-01T06:00:00.000000000Z", "q1"),
		rc(a, "kobe", 1, 2, "2024-05-01T06:00:00.000000000Z", "q2"),
	}
	got := Events(in, map[string]string{"kobe": "神戸市"})
	type short struct {
		URL, Site, Municipality string
		From, To                int
		At                      time.Time
		Questions               []string
	}
	var gotShort []short
	for _, e := range got {
		s := short{e.URL, e.Site, e.Municipality, e.FromVersion, e.ToVersion, e.DetectedAt, nil}
		for _, c := range e.Changes {
			s.Questions = append(s.Questions, c.Question)
		}
		gotShort = append(gotShort, s)
	}
	day := func(d int) time.Time { return time.Date(2024, 5, d, 6, 0, 0, 0, time.UTC) }
	want := []short{
		{a, "kobe", "神戸市", 1, 2, day(1), []string{"q1", "q2"}},
		{b, "osaka", "", 1, 2, day(2), []string{"qb1", "qb2"}},
		{a, "kobe", "神戸市", 2, 3, day(3), []string{"q3"}},
	}
	if !reflect.DeepEqual(gotShort, want) {
		t.Errorf("Events:\ngot  %+v\nwant %+v", gotShort, want)
	}
	if got := Events(nil, nil); len(got) != 0 {
		t.Errorf("Events(nil) = %v, want none", got)
	}
}

func TestEventJSONFieldNames(t *testing.T) {
	e := Event{URL: "https://x.example/p", Site: "s", Municipality: "m", FromVersion: 1, ToVersion: 2,
		DetectedAt: time.Date(2024, 5, 1, 6, 0, 0, 0, time.UTC)}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"url":"https://x.example/p","site":"s","municipality":"m","from_version":1,"to_version":2,"detected_at":"2024-05-01T06:00:00Z","changes":[]}`
	if string(b) != want {
		t.Errorf("JSON of an Event:\ngot  %s\nwant %s", b, want)
	}
}
