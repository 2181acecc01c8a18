package archive

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestConcurrentRecord records the captures of many pages from several
// goroutines at once, as a crawl of several sites does, reading stored
// bodies meanwhile, and closes the archive while captures are under way.
// Run with -race: the catalog, the WARC writer and gowarc's globals are
// each used by one goroutine at a time. Every capture that was recorded is
// whole in the WARC files and the catalog; every one after Close fails
// cleanly.
func TestConcurrentRecord(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	page := string(nerimaPage(t))
	const workers, pages = 6, 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	recorded := map[Outcome]int{}
	for w := range workers {
		wg.Go(func() {
			for p := range pages {
				u := fmt.Sprintf("https://www.city.nerima.tokyo.jp/kusei/saiyo/koe/%d-%d.html", w, p)
				body := strings.Replace(page, "23区の中で", fmt.Sprintf("%d区の中で", w*100+p), 1)
				for i, b := range []string{body, body, strings.Replace(body, "更新日:2021年2月2日", "更新日:2021年4月1日", 1)} {
					c := htmlCapture(u, []byte(b))
					c.Time = time.Date(2026, 4, 1+i, 0, 0, 0, 0, time.UTC)
					res, err := s.Record(context.Background(), c)
					if err != nil {
						t.Errorf("%s: %v", u, err)
						return
					}
					mu.Lock()
					recorded[res.Outcome]++
					mu.Unlock()
				}
				if got, _, err := s.LastBody(context.Background(), u); err != nil || !bytes.Contains(got, []byte("更新日:2021年4月1日")) {
					t.Errorf("%s: last body %d bytes, %v", u, len(got), err)
				}
			}
		})
	}
	wg.Wait()
	if recorded[OutcomeNew] != 2*workers*pages || recorded[OutcomeRevisit] != workers*pages {
		t.Errorf("outcomes %v, want %d new and %d revisits", recorded, 2*workers*pages, workers*pages)
	}

	// Close while captures are under way: each one either lands whole or
	// fails with an error.
	var late sync.WaitGroup
	start := make(chan struct{})
	for w := range workers {
		late.Go(func() {
			<-start
			c := htmlCapture(fmt.Sprintf("https://www.city.nerima.tokyo.jp/late/%d.html", w), []byte(page))
			if _, err := s.Record(context.Background(), c); err != nil && !strings.Contains(err.Error(), "closed") {
				t.Errorf("a capture during Close: %v", err)
			}
		})
	}
	close(start)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	late.Wait()

	r, err := OpenReadOnly(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	checked, problems, err := r.Verify(context.Background())
	if err != nil || len(problems) != 0 || checked < 3*workers*pages {
		t.Fatalf("verify: %d checked, %v, %v", checked, problems, err)
	}
}

// TestConcurrentCapturesOfOnePage: captures of one page recorded at once
// (two sites sharing a URL) are compared with each other as if recorded
// one after the other: one payload stored whole, the others revisits of
// it, one version.
func TestConcurrentCapturesOfOnePage(t *testing.T) {
	s := openTest(t, t.TempDir())
	page := nerimaPage(t)
	const n = 12
	outcomes := make([]Outcome, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			c := htmlCapture(nerimaURL, page)
			c.Time = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC) // fetched at once
			res, err := s.Record(context.Background(), c)
			if err != nil {
				t.Error(err)
			}
			outcomes[i] = res.Outcome
		})
	}
	wg.Wait()
	counts := map[Outcome]int{}
	for _, o := range outcomes {
		counts[o]++
	}
	var versions int
	s.db.QueryRow(`SELECT count(*) FROM versions`).Scan(&versions)
	if counts[OutcomeNew] != 1 || counts[OutcomeRevisit] != n-1 || versions != 1 {
		t.Errorf("outcomes %v and %d versions, want 1 new, %d revisits, 1 version", counts, versions, n-1)
	}
	if _, problems, err := s.Verify(context.Background()); err != nil || len(problems) != 0 {
		t.Fatalf("verify: %v %v", problems, err)
	}
}
