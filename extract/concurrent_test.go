package extract

import (
	"encoding/json"
	"sync"
	"testing"
)

// TestConcurrentExtract runs Extract on every fixture from several
// goroutines at once, as the crawler does, and checks that each Document
// is the one a lone extraction gives: the walk's reused lists (pages)
// must never be shared between extractions or leak into a Document.
func TestConcurrentExtract(t *testing.T) {
	fxs := fixtures(t)
	want := make([]string, len(fxs))
	for i, fx := range fxs {
		want[i] = extractJSON(t, fx)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round < 5; round++ {
				for i, fx := range fxs {
					if got := extractJSON(t, fx); got != want[i] {
						t.Errorf("%s: concurrent extraction differs from a lone one", fx.name)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

// extractJSON is a fixture's Document as JSON, with the fields the JSON
// leaves out.
func extractJSON(t *testing.T, fx fixture) string {
	doc, err := Extract(fx.body, fx.url, fx.contentType)
	if err != nil {
		t.Errorf("%s: %v", fx.name, err)
		return ""
	}
	b, err := json.Marshal(struct {
		*Document
		Charset string
		Links   []Link
	}{doc, doc.Charset, doc.Links})
	if err != nil {
		t.Errorf("%s: %v", fx.name, err)
	}
	return string(b)
}
