package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/staffvoice/staffvoice/archive"
)

func TestExportCommand(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s, err := archive.Open(ctx, dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(nerimaFixture)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Record(ctx, archive.Capture{URL: "https://www.city.nerima.tokyo.jp/kusei/saiyo/mezasu/koe.html", Site: "nerima", Status: 200, Body: page}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	// A config in the working directory names the municipality.
	wd := t.TempDir()
	t.Chdir(wd)
	os.WriteFile("staffvoice.toml", []byte("[[sites]]\nname = \"nerima\"\nmunicipality = \"練馬区\"\nseeds = [\"https://www.city.nerima.tokyo.jp/kusei/saiyo/\"]\n"), 0o644)

	out := filepath.Join(wd, "out")
	var stdout, stderr bytes.Buffer
	e := &env{stdout: &stdout, stderr: &stderr}
	if err := runExport(ctx, e, []string{"--archive", dir, "--out", out}); err != nil {
		t.Fatalf("export: %v\n%s", err, stderr.String())
	}
	for _, want := range []string{"Exported to " + out, "qa        18", "pages     1"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
	b, err := os.ReadFile(filepath.Join(out, "pages", "site=nerima", "part-00000.jsonl"))
	if err != nil || !strings.Contains(string(b), `"municipality":"練馬区"`) {
		t.Errorf("pages.jsonl = %s, %v", b, err)
	}

	for _, args := range [][]string{
		{"--archive", dir},
		{"--archive", dir, "--out", out, "--format", "csv"},
		{"--archive", dir, "--out", out, "--since", "yesterday"},
		{"--archive", dir, "--out", out, "--config", "missing.toml"},
		{"--archive", dir, "--out", out, "extra"},
	} {
		if err := runExport(ctx, e, args); !errors.Is(err, errUsage) {
			t.Errorf("export %v: err = %v, want a usage error", args, err)
		}
	}
}
