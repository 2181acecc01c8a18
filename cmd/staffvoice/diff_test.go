package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/staffvoice/staffvoice/diff"
)

// TestDemoDiffReportsExactlyTheEdits is issue 5's acceptance check: on the
// demo archive, diff --format json reports the demo's edits and no others.
func TestDemoDiffReportsExactlyTheEdits(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := runCmd(t, "", "demo", "--dir", dir)
	if code != exitOK {
		t.Fatalf("demo: exit %d\n%s\n%s", code, out, stderr)
	}
	archiveDir := filepath.Join(dir, "archive")
	base := out[strings.Index(out, "http://127.0.0.1:"):]
	base = base[:strings.Index(base, "/kusei/")]

	want := map[string][]string{
		"kanrishoku.html": {"metadata updated 2021-02-02 → 2021-04-01", "answer_changed"},
		"wakate.html":     {"metadata updated 2022-06-01 → 2023-04-03", "qa_added"},
		"gijutsu.html":    {"metadata updated 2023-04-01 → 2024-04-01", "qa_removed"},
	}
	for page, kinds := range want {
		u := base + "/kusei/saiyo/koe/" + page
		code, out, stderr := runCmd(t, "", "diff", "--archive", archiveDir, "--format", "json", u)
		if code != exitOK {
			t.Fatalf("diff %s: exit %d: %s", page, code, stderr)
		}
		var r diff.Report
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%s: %v\n%s", page, err, out)
		}
		var got []string
		for _, c := range r.Changes {
			s := c.Kind
			if c.Kind == diff.KindMetadata {
				s = fmt.Sprintf("metadata %s %s → %s", c.Field, c.Old, c.New)
			}
			got = append(got, s)
		}
		sort.Strings(got)
		sort.Strings(kinds)
		if r.URL != u || r.FromVersion != 1 || r.ToVersion != 2 || strings.Join(got, "; ") != strings.Join(kinds, "; ") {
			t.Errorf("%s: v%d→v%d %q, want %q", page, r.FromVersion, r.ToVersion, got, kinds)
		}
		for _, f := range []string{`"url"`, `"from_version"`, `"to_version"`, `"changes"`, `"kind"`, `"section"`, `"question"`, `"field"`, `"old"`, `"new"`} {
			if !strings.Contains(out, f) {
				t.Errorf("%s: the JSON lacks %s", page, f)
			}
		}
	}

	// text, html and the errors.
	u := base + "/kusei/saiyo/koe/kanrishoku.html"
	code, out, _ = runCmd(t, "", "diff", "--archive", archiveDir, u)
	if code != exitOK || !strings.Contains(out, "[-") || !strings.Contains(out, "{+") || strings.Contains(out, "\x1b[") {
		t.Errorf("text diff (piped: no colour):\n%s", out)
	}
	code, out, _ = runCmd(t, "", "diff", "--archive", archiveDir, "--format", "html", u, "1", "2")
	if code != exitOK || !strings.HasPrefix(out, "<!DOCTYPE html>") || !strings.Contains(out, `class="ins"`) {
		t.Errorf("html diff:\n%.300s", out)
	}
	for _, tt := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"diff", "--archive", archiveDir, base + "/kusei/saiyo/pamphlet.pdf"}, exitFailure, "nothing to compare"},
		{[]string{"diff", "--archive", archiveDir, u, "7"}, exitFailure, "not found"},
		{[]string{"diff", "--archive", archiveDir, u, "x"}, exitUsage, "not a version number"},
		{[]string{"diff", "--archive", archiveDir, "--format", "xml", u}, exitUsage, "--format"},
		{[]string{"changes", "--archive", archiveDir, "--since", "April"}, exitUsage, "YYYY-MM-DD"},
	} {
		code, _, stderr := runCmd(t, "", tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.msg) {
			t.Errorf("staffvoice %q: exit %d, %q; want %d and %q", tt.args, code, stderr, tt.code, tt.msg)
		}
	}

	// changes: every recorded change, newest first.
	code, out, _ = runCmd(t, "", "changes", "--archive", archiveDir, "--json")
	var all []map[string]any
	if err := json.Unmarshal([]byte(out), &all); code != exitOK || err != nil || len(all) != 6 {
		t.Errorf("changes --json: exit %d, %v, %d changes:\n%s", code, err, len(all), out)
	}
	code, out, _ = runCmd(t, "", "changes", "--archive", archiveDir, "--site", "nerima-demo")
	if code != exitOK || strings.Count(out, "\n") != 6 || !strings.Contains(out, "qa_added") {
		t.Errorf("changes:\n%s", out)
	}
	code, out, _ = runCmd(t, "", "changes", "--archive", archiveDir, "--site", "other")
	if code != exitOK || !strings.Contains(out, "no changes recorded") {
		t.Errorf("changes --site other:\n%s", out)
	}
}
