package archive

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// TestTornWriteIsCutBack: when the bytes of a capture do not all reach the
// file (a full disk, which gowarc does not report), the capture fails, the
// file is closed and cut back, and the archive goes on cleanly.
func TestTornWriteIsCutBack(t *testing.T) {
	for _, torn := range []int64{1, 4, 8, 20, 1000} {
		s := openTest(t, t.TempDir())
		page := nerimaPage(t)
		record(t, s, htmlCapture(nerimaURL, page))

		c := htmlCapture("https://example.jp/other.html", page)
		resp, err := buildResponse(c, time.Now().UTC().Format(time.RFC3339))
		if err != nil {
			t.Fatal(err)
		}
		results := s.warc.Write(resp)
		path := s.warcPath(results[0].FileName)
		fi, _ := os.Stat(path)
		if err := os.Truncate(path, fi.Size()-torn); err != nil { // the torn tail
			t.Fatal(err)
		}
		if _, err := s.checkWritten(results); err == nil || !strings.Contains(err.Error(), "incomplete on disk") {
			t.Fatalf("%d bytes torn: checkWritten = %v, want an incomplete record", torn, err)
		}
		closed := strings.TrimSuffix(path, openSuffix)
		if fi, err := os.Stat(closed); err != nil || fi.Size() != results[0].FileOffset {
			t.Fatalf("the file was not closed and cut back to %d: %v %v", results[0].FileOffset, fi, err)
		}
		record(t, s, htmlCapture(nerimaURL, page))
		if _, problems, err := s.Verify(context.Background()); err != nil || len(problems) != 0 {
			t.Fatalf("verify: %v %v", problems, err)
		}
		s.Close()
	}
}

// TestLostBytesAreMarked: after a power loss the catalog may point at WARC
// bytes that never reached the disk. Reopening marks those captures lost,
// and the next identical payload is stored again rather than made a
// revisit of bytes that are gone.
func TestLostBytesAreMarked(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	page := nerimaPage(t)
	record(t, s, htmlCapture(nerimaURL, page))
	changed := []byte(strings.Replace(string(page), "23区の中で", "２３区の中でも", 1))
	second := record(t, s, htmlCapture(nerimaURL, changed))
	record(t, s, htmlCapture(nerimaURL, changed)) // a revisit of the second
	var file string
	var off int64
	s.db.QueryRow(`SELECT warc_file, warc_offset FROM captures WHERE capture_id = ?`, second.CaptureID).Scan(&file, &off)
	s.Close()
	path := s.warcPath(file)
	if err := os.Truncate(path, off+100); err != nil { // the second payload is lost
		t.Fatal(err)
	}
	if !strings.HasSuffix(path, openSuffix) {
		os.Rename(path, path+openSuffix) // as a crashed writer leaves it
	}

	s = openTest(t, dir)
	var lost int
	s.db.QueryRow(`SELECT count(*) FROM captures WHERE outcome = 'error' AND error LIKE 'lost%'`).Scan(&lost)
	if lost != 2 {
		t.Errorf("%d captures marked lost, want 2 (the payload and its revisit)", lost)
	}
	if _, problems, err := s.Verify(context.Background()); err != nil || len(problems) != 0 {
		t.Fatalf("verify after recovery: %v %v", problems, err)
	}
	later := htmlCapture(nerimaURL, changed)
	later.Time = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC) // after the captures before the crash
	again := record(t, s, later)
	if again.Outcome != OutcomeNew {
		t.Errorf("the lost payload came back as %s, want it stored again", again.Outcome)
	}
	if again.Version != 2 || again.NewVersion {
		t.Errorf("version %d (new: %v); the content is version 2's", again.Version, again.NewVersion)
	}
}
