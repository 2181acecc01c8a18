package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/staffvoice/staffvoice/archive"
)

// TestMain lets a test run the command in a child process, to send it
// signals: STAFFVOICE_RUN_MAIN=1 makes the test binary the command.
func TestMain(m *testing.M) {
	if os.Getenv("STAFFVOICE_RUN_MAIN") == "1" {
		os.Exit(run(os.Args[1:], &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}))
	}
	os.Exit(m.Run())
}

// demoSiteServer serves the demo's bundled site (version 1) on loopback.
func demoSiteServer(t *testing.T) *httptest.Server {
	d := &demoServer{}
	d.version.Store(1)
	srv := httptest.NewServer(d)
	t.Cleanup(srv.Close)
	return srv
}

// exampleConfig is staffvoice.example.toml pointed at a loopback server
// instead of Nerima city, with no delay, writing to archiveDir.
func exampleConfig(t *testing.T, srvURL, archiveDir string) string {
	t.Helper()
	data, err := os.ReadFile("../../staffvoice.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(srvURL, "http://")
	r := strings.NewReplacer(
		`https://www.city.nerima.tokyo.jp`, srvURL,
		`https://www\.city\.nerima\.tokyo\.jp`, `http://`+strings.ReplaceAll(host, ".", `\.`),
		`"www.city.nerima.tokyo.jp"`, `"127.0.0.1"`,
		`delay = "2s"`, `delay = "0s"`,
		`random_delay = "1s"`, `random_delay = "0s"`,
		`archive = "archive"`, fmt.Sprintf("archive = %q", archiveDir),
	)
	path := filepath.Join(t.TempDir(), "staffvoice.toml")
	if err := os.WriteFile(path, []byte(r.Replace(string(data))), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCrawlWithTheExampleConfig(t *testing.T) {
	srv := demoSiteServer(t)
	dir := filepath.Join(t.TempDir(), "archive")
	cfg := exampleConfig(t, srv.URL, dir)

	code, out, stderr := runCmd(t, "", "crawl", "--config", cfg, "--site", "nerima")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	// 3 interview pages and the PDF pamphlet (link text 職員の声パンフレット)
	// are archived; the index pages and two other pages are only followed.
	for _, want := range []string{"nerima", "archive: " + dir, "1 URLs forbidden by robots.txt"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(stderr, "msg=fetched") || !strings.Contains(stderr, "site=nerima") {
		t.Errorf("no structured log lines on a non-terminal:\n%s", stderr)
	}
	s, err := archive.OpenReadOnly(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	pages, err := s.Pages(context.Background())
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range pages {
		got = append(got, fmt.Sprintf("%s %s %d", strings.TrimPrefix(p.URL, srv.URL), p.Site, p.Versions))
	}
	want := []string{
		"/kusei/saiyo/koe/gijutsu.html nerima 1",
		"/kusei/saiyo/koe/kanrishoku.html nerima 1",
		"/kusei/saiyo/koe/wakate.html nerima 1",
		"/kusei/saiyo/pamphlet.pdf nerima 0",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("archived pages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Again, quietly: conditional requests, nothing printed.
	code, out, stderr = runCmd(t, "", "crawl", "--config", cfg, "--site", "nerima", "--quiet")
	if code != exitOK || out != "" || stderr != "" {
		t.Errorf("quiet crawl: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	code, out, _ = runCmd(t, "", "history", "--archive", dir, srv.URL+"/kusei/saiyo/koe/wakate.html")
	if code != exitOK || !strings.Contains(out, "1 not modified (304)") {
		t.Errorf("history after the second crawl:\n%s", out)
	}
}

func TestCrawlBareURLs(t *testing.T) {
	srv := demoSiteServer(t)
	dir := filepath.Join(t.TempDir(), "archive")
	t.Chdir(t.TempDir()) // no staffvoice.toml here
	code, out, stderr := runCmd(t, "", "crawl", "--archive", dir, srv.URL+"/kusei/saiyo/koe/wakate.html", srv.URL+"/kusei/saiyo/boshu.html")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	s, err := archive.OpenReadOnly(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pages, err := s.Pages(context.Background())
	if err != nil || len(pages) != 2 {
		t.Fatalf("archived %+v (%v): want exactly the two URLs, no link followed", pages, err)
	}
}

func TestCrawlExitCodes(t *testing.T) {
	srv := demoSiteServer(t)
	dir := t.TempDir()
	badConfig := filepath.Join(dir, "bad.toml")
	os.WriteFile(badConfig, []byte("[defaults]\ndelay = \"2 seconds\"\n\n[[sites]]\nname = \"x\"\nseeds = [\"http://127.0.0.1/\"]\nfollow = ['(']\n"), 0o644)
	unknownKey := filepath.Join(dir, "unknown.toml")
	os.WriteFile(unknownKey, []byte("[[sites]]\nname = \"x\"\nseed = [\"http://127.0.0.1/\"]\n"), 0o644)
	good := exampleConfig(t, srv.URL, filepath.Join(dir, "archive"))

	t.Chdir(dir)
	tests := []struct {
		args     []string
		code     int
		messages []string
	}{
		{[]string{"crawl", "--config", badConfig}, exitUsage, []string{"bad.toml:2: defaults.delay", "bad.toml:7: sites[0].follow[0]"}},
		{[]string{"crawl", "--config", unknownKey}, exitUsage, []string{"unknown.toml:3: sites[0].seed: unknown key"}},
		{[]string{"crawl"}, exitUsage, []string{"no staffvoice.toml here"}},
		{[]string{"crawl", "--config", filepath.Join(dir, "missing.toml")}, exitUsage, []string{"no such file"}},
		{[]string{"crawl", srv.URL + "/private/secret.html"}, exitFailure, []string{"1 of the URLs given were not archived: forbidden by robots.txt"}},
		{[]string{"crawl", "--config", good, "--site", "nosuch"}, exitUsage, []string{`no site "nosuch"`}},
		{[]string{"crawl", "ftp://example.org/"}, exitUsage, []string{"not an http(s) URL"}},
		{[]string{"crawl", srv.URL + "/kusei/saiyo/nosuch.html"}, exitFailure, []string{"1 fetches failed", "(404)"}},
	}
	for _, tt := range tests {
		code, _, stderr := runCmd(t, "", tt.args...)
		if code != tt.code {
			t.Errorf("staffvoice %q: exit %d, want %d\n%s", tt.args, code, tt.code, stderr)
		}
		for _, m := range tt.messages {
			if !strings.Contains(stderr, m) {
				t.Errorf("staffvoice %q: stderr lacks %q:\n%s", tt.args, m, stderr)
			}
		}
	}

	// Exit code 3 while another process writes to the archive.
	s, err := archive.Open(context.Background(), filepath.Join(dir, "archive"), archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	code, _, stderr := runCmd(t, "", "crawl", "--config", good, "--site", "nerima")
	if code != exitLocked || !strings.Contains(stderr, "locked") {
		t.Errorf("locked archive: exit %d, %s", code, stderr)
	}
}

// TestCrawlSIGTERM stops a crawl in a child process: it exits promptly,
// and the archive it leaves verifies clean.
func TestCrawlSIGTERM(t *testing.T) {
	var hits atomic.Int32
	site := http.NewServeMux()
	var links strings.Builder
	for i := range 200 {
		fmt.Fprintf(&links, "<li><a href=\"/saiyo/koe/%d.html\">職員の声 %d</a></li>", i, i)
	}
	site.HandleFunc("/saiyo/", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/saiyo/" {
			fmt.Fprintf(w, "<html><body><h1>職員採用</h1><ul>%s</ul></body></html>", links.String())
			return
		}
		time.Sleep(20 * time.Millisecond)
		fmt.Fprintf(w, "<html><body><div id=main><h1>職員の声</h1><p>更新日：2021年2月2日</p><h2>職員A</h2><h3>仕事は？</h3><p>%s の答え。</p></div></body></html>", r.URL.Path)
	})
	srv := httptest.NewServer(site)
	defer srv.Close()

	dir := t.TempDir()
	cfg := filepath.Join(dir, "staffvoice.toml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`archive = "archive"
[defaults]
delay = "0s"
parallelism = 2
[[sites]]
name = "slow"
seeds = [%q]
allowed_domains = ["127.0.0.1"]
follow = ['/saiyo/']
pages = ['/koe/']
`, srv.URL+"/saiyo/")), 0o644)

	cmd := exec.Command(os.Args[0], "crawl", "--config", cfg)
	cmd.Env = append(os.Environ(), "STAFFVOICE_RUN_MAIN=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for hits.Load() < 20 {
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	start := time.Now()
	err := cmd.Wait()
	if time.Since(start) > 5*time.Second {
		t.Errorf("took %v to stop", time.Since(start))
	}
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitFailure {
		t.Errorf("exit: %v, want code %d\n%s", err, exitFailure, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted after") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	if n := hits.Load(); n >= 201 {
		t.Errorf("the crawl went on to the end: %d fetches", n)
	}
	code, out, errOut := runCmd(t, "", "verify", "--archive", filepath.Join(dir, "archive"))
	if code != exitOK || !strings.Contains(out, "0 problems") {
		t.Errorf("verify after SIGTERM: exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestDemo(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := runCmd(t, "", "demo", "--dir", dir)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	for _, want := range []string{
		"1. first crawl", "2. second crawl", "3. history",
		"/kusei/saiyo/koe/kanrishoku.html", "2021-02-02  18", "2021-04-01  18",
		"/kusei/saiyo/koe/wakate.html", "2022-06-01  8", "2023-04-03  9",
		"/kusei/saiyo/koe/gijutsu.html", "2023-04-01  10", "2024-04-01  9",
		"1 not modified (304)", // the unchanged PDF
		"The archive is in " + filepath.Join(dir, "archive"),
		"== 5. export for research: " + filepath.Join(dir, "export"),
		"qa        72",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
	for _, table := range []string{"pages", "versions", "qa", "changes", "captures"} {
		for _, ext := range []string{"parquet", "jsonl"} {
			if _, err := os.Stat(filepath.Join(dir, "export", table, "site=nerima-demo", "part-00000."+ext)); err != nil {
				t.Errorf("the demo's export lacks %s: %v", table, err)
			}
		}
	}
	code, out, _ = runCmd(t, "", "verify", "--archive", filepath.Join(dir, "archive"))
	if code != exitOK || !strings.Contains(out, "0 problems") {
		t.Errorf("verify: %s", out)
	}
}
