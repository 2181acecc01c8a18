package notify

import (
	"cmp"
	"encoding/json"
	"slices"
	"time"

	"github.com/staffvoice/staffvoice/archive"
	"github.com/staffvoice/staffvoice/diff"
)

// Event is one new version of one page with its changes. Its JSON is the
// `staffvoice diff --format json` shape (diff.Report) plus site,
// municipality and detected_at; webhooks and command hooks receive it.
type Event struct {
	URL          string        `json:"url"`
	Site         string        `json:"site"`
	Municipality string        `json:"municipality"`
	FromVersion  int           `json:"from_version"`
	ToVersion    int           `json:"to_version"`
	DetectedAt   time.Time     `json:"detected_at"`
	Changes      []diff.Change `json:"changes"`
}

// MarshalJSON keeps "changes" a list, never null.
func (e Event) MarshalJSON() ([]byte, error) {
	type plain Event
	if e.Changes == nil {
		e.Changes = []diff.Change{}
	}
	return json.Marshal(plain(e))
}

// Events groups recorded changes into one Event per page version (URL and
// from/to version), oldest first, each with its changes in their recorded
// order. municipalities maps a site's name to its municipality; a site
// missing from it gets an empty Municipality.
func Events(changes []archive.RecordedChange, municipalities map[string]string) []Event {
	type key struct {
		url      string
		from, to int
	}
	index := map[key]int{}
	var out []Event
	for _, c := range changes {
		k := key{c.URL, c.FromVersion, c.ToVersion}
		i, ok := index[k]
		if !ok {
			// The archive writes detected_at as RFC 3339 in UTC; a value
			// that does not parse leaves the zero time rather than
			// dropping the change.
			at, _ := time.Parse(time.RFC3339Nano, c.DetectedAt)
			i = len(out)
			index[k] = i
			out = append(out, Event{
				URL:          c.URL,
				Site:         c.Site,
				Municipality: municipalities[c.Site],
				FromVersion:  c.FromVersion,
				ToVersion:    c.ToVersion,
				DetectedAt:   at.UTC(),
			})
		}
		out[i].Changes = append(out[i].Changes, c.Change)
	}
	slices.SortStableFunc(out, func(a, b Event) int {
		return cmp.Or(a.DetectedAt.Compare(b.DetectedAt), cmp.Compare(a.URL, b.URL), cmp.Compare(a.ToVersion, b.ToVersion))
	})
	return out
}
