package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/staffvoice/staffvoice/archive"
)

const wgetWARC = "../../testdata/warc/wget-import.warc.gz"

func TestArchiveCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "arc")
	const page = "http://127.0.0.1:18765/saiyo/koe.html"
	if code, out, stderr := runCmd(t, "", "import", "--archive", dir, wgetWARC); code != exitOK || !strings.Contains(out, "3 captures added") {
		t.Fatalf("import: exit %d: %s %s", code, out, stderr)
	}
	code, out, stderr := runCmd(t, "", "history", "--archive", dir, "--json", page)
	if code != exitOK {
		t.Fatalf("history: exit %d: %s", code, stderr)
	}
	var versions []map[string]any
	if err := json.Unmarshal([]byte(out), &versions); err != nil || len(versions) != 1 {
		t.Fatalf("history --json: %v\n%s", err, out)
	}
	for _, k := range []string{"version", "captured_at", "content_hash", "updated", "qa_count"} {
		if _, ok := versions[0][k]; !ok || len(versions[0]) != 5 {
			t.Errorf("history --json fields: %v", versions[0])
		}
	}
	code, out, _ = runCmd(t, "", "show", "--archive", dir, "--json", page, "1")
	if code != exitOK || !strings.Contains(out, `"page_number": "855-600-871"`) {
		t.Errorf("show: exit %d\n%s", code, out)
	}
	if code, _, stderr := runCmd(t, "", "show", "--archive", dir, page, "9"); code != exitFailure || !strings.Contains(stderr, "no version 9") {
		t.Errorf("show of a missing version: exit %d, %s", code, stderr)
	}
	if code, out, _ := runCmd(t, "", "verify", "--archive", dir); code != exitOK || !strings.Contains(out, "3 captures checked, 0 problems") {
		t.Errorf("verify: exit %d, %s", code, out)
	}
	if code, out, _ := runCmd(t, "", "reextract", "--archive", dir); code != exitOK || !strings.Contains(out, "0 with changed versions") {
		t.Errorf("reextract: exit %d, %s", code, out)
	}
	if code, out, _ := runCmd(t, "", "upgrade", "--archive", dir); code != exitOK || !strings.Contains(out, "up to date (schema") {
		t.Errorf("upgrade: exit %d, %s", code, out)
	}

	// A second writer is refused with exit code 3 and the holder's pid.
	s, err := archive.Open(context.Background(), dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	code, _, stderr = runCmd(t, "", "import", "--archive", dir, wgetWARC)
	if code != exitLocked || !strings.Contains(stderr, "is locked by pid") {
		t.Errorf("import while locked: exit %d, %s", code, stderr)
	}
	if code, _, stderr := runCmd(t, "", "upgrade", "--archive", dir); code != exitLocked {
		t.Errorf("upgrade while locked: exit %d, %s", code, stderr)
	}
	// Readers still work.
	if code, _, stderr := runCmd(t, "", "history", "--archive", dir, page); code != exitOK {
		t.Errorf("history while locked: exit %d, %s", code, stderr)
	}
}
