package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/staffvoice/staffvoice/notify"
)

// TestRunNotifiesAndStopsOnSIGTERM is issue 7's acceptance check:
// staffvoice run, with two sites on loopback, crawls both on schedule,
// sends one signed webhook per changed page and writes Atom entries when
// the pages change, and exits 0 on SIGTERM leaving a clean archive.
func TestRunNotifiesAndStopsOnSIGTERM(t *testing.T) {
	site := &demoServer{}
	site.version.Store(1)
	srv := httptest.NewServer(site)
	defer srv.Close()
	other := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)

	const secret = "s3cret-for-the-test"
	var mu sync.Mutex
	deliveries := map[string]int{} // site url version → count
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !notify.VerifySignature(secret, body, r.Header.Get(notify.SignatureHeader)) {
			t.Errorf("bad signature on %s", body)
		}
		var e notify.Event
		if err := json.Unmarshal(body, &e); err != nil || len(e.Changes) == 0 {
			t.Errorf("delivery %s: %v", body, err)
		}
		mu.Lock()
		deliveries[fmt.Sprintf("%s %s v%d", e.Site, e.URL, e.ToVersion)]++
		mu.Unlock()
	}))
	defer receiver.Close()

	dir := t.TempDir()
	cfg := filepath.Join(dir, "staffvoice.toml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`archive = "archive"
[defaults]
delay = "0s"
[notify]
webhook_url = %q
webhook_secret_env = "STAFFVOICE_TEST_SECRET"
[[sites]]
name = "nerima"
municipality = "練馬区"
seeds = [%q]
follow = ['/kusei/saiyo/']
pages = ['/koe/']
schedule = "@every 1s"
[[sites]]
name = "other"
seeds = [%q]
follow = ['/kusei/saiyo/']
pages = ['/koe/']
schedule = "@every 1s"
`, receiver.URL, srv.URL+"/kusei/saiyo/", other+"/kusei/saiyo/")), 0o644)

	cmd := exec.Command(os.Args[0], "run", "--config", cfg)
	cmd.Env = append(os.Environ(), "STAFFVOICE_RUN_MAIN=1", "STAFFVOICE_TEST_SECRET="+secret)
	logs := &lockedBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); !ok(); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatalf("timed out waiting for %s; log:\n%s", what, logs.String())
			}
		}
	}
	feed := filepath.Join(dir, "archive", "feeds", "all.atom")
	// Both sites' first runs archive version 1: no changes, no delivery.
	waitFor("the first runs", func() bool {
		return strings.Count(logs.String(), `"result":"ok"`) >= 2
	})
	site.version.Store(2)
	waitFor("the deliveries", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(deliveries) == 6
	})
	time.Sleep(2500 * time.Millisecond) // more runs: nothing new to deliver
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after SIGTERM: %v\n%s", err, logs.String())
	}
	mu.Lock()
	for k, n := range deliveries {
		if n != 1 {
			t.Errorf("%s delivered %d times", k, n)
		}
	}
	mu.Unlock()
	if strings.Contains(logs.String(), secret) {
		t.Errorf("the secret is in the log")
	}

	var atom struct {
		Entries []struct {
			ID      string `xml:"id"`
			Summary string `xml:"summary"`
		} `xml:"entry"`
	}
	data, err := os.ReadFile(feed)
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(data, &atom); err != nil || len(atom.Entries) != 6 {
		t.Fatalf("all.atom: %v, %d entries", err, len(atom.Entries))
	}
	if _, err := os.Stat(filepath.Join(dir, "archive", "feeds", "nerima.atom")); err != nil {
		t.Error(err)
	}
	if code, out, stderr := runCmd(t, "", "verify", "--archive", filepath.Join(dir, "archive")); code != exitOK {
		t.Errorf("verify: %s%s", out, stderr)
	}
}

// lockedBuffer is a strings.Builder a child process writes to while the
// test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestRunSIGTERMMidCrawl stops the daemon while a slow crawl is under
// way: the crawl gets grace (1s here), is then cancelled, and the daemon
// exits 0 leaving an archive that verify finds clean.
func TestRunSIGTERMMidCrawl(t *testing.T) {
	var links strings.Builder
	for i := range 100 {
		fmt.Fprintf(&links, "<li><a href=\"/saiyo/koe/%d.html\">職員の声 %d</a></li>", i, i)
	}
	site := http.NewServeMux()
	site.HandleFunc("/saiyo/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/saiyo/" {
			fmt.Fprintf(w, "<html><body><ul>%s</ul></body></html>", links.String())
			return
		}
		time.Sleep(100 * time.Millisecond)
		fmt.Fprintf(w, "<html><body><div id=main><h1>職員の声</h1><h2>職員A</h2><h3>仕事は？</h3><p>%s</p></div></body></html>", r.URL.Path)
	})
	srv := httptest.NewServer(site)
	defer srv.Close()

	dir := t.TempDir()
	cfg := filepath.Join(dir, "staffvoice.toml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`archive = "archive"
grace = "1s"
[defaults]
delay = "0s"
[[sites]]
name = "slow"
seeds = [%q]
follow = ['/saiyo/$']
pages = ['/koe/']
schedule = "@every 1s"
`, srv.URL+"/saiyo/")), 0o644)
	cmd := exec.Command(os.Args[0], "run", "--config", cfg)
	cmd.Env = append(os.Environ(), "STAFFVOICE_RUN_MAIN=1")
	logs := &lockedBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); strings.Count(logs.String(), `"msg":"fetched"`) < 3; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no crawl started:\n%s", logs.String())
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	start := time.Now()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, logs.String())
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v to stop with grace 1s", d)
	}
	if !strings.Contains(logs.String(), `"result":"interrupted"`) {
		t.Errorf("the crawl was not cut short:\n%s", logs.String())
	}
	if code, out, stderr := runCmd(t, "", "verify", "--archive", filepath.Join(dir, "archive")); code != exitOK {
		t.Errorf("verify: %s%s", out, stderr)
	}
}

func TestRunRefusesAnUnsetSecretVariable(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "staffvoice.toml")
	os.WriteFile(cfg, []byte(`[notify]
webhook_url = "http://127.0.0.1:1/hook"
webhook_secret_env = "STAFFVOICE_TEST_UNSET_SECRET"
[[sites]]
name = "nerima"
seeds = ["http://127.0.0.1:1/saiyo/"]
schedule = "@daily"
`), 0o644)
	os.Unsetenv("STAFFVOICE_TEST_UNSET_SECRET")
	code, _, stderr := runCmd(t, "", "run", "--config", cfg)
	if code != exitUsage || !strings.Contains(stderr, "STAFFVOICE_TEST_UNSET_SECRET, which is not set") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
