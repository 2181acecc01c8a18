package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/staffvoice/staffvoice/config"
)

// scheduledConfig is exampleConfig with its nerima site crawled every
// second, without jitter.
func scheduledConfig(t *testing.T, srvURL, archiveDir string) string {
	t.Helper()
	path := exampleConfig(t, srvURL, archiveDir)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := strings.NewReplacer(`schedule = "0 6 * * 1"`, `schedule = "@every 1s"`, `jitter = "5m"`, `jitter = "0s"`)
	if err := os.WriteFile(path, []byte(r.Replace(string(data))), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRunDaemon runs staffvoice run until its first crawl is done, reads
// /metrics, then cancels its context as SIGTERM would: it returns nil (exit
// 0) and leaves an archive that verify finds clean.
func TestRunDaemon(t *testing.T) {
	srv := demoSiteServer(t)
	archiveDir := filepath.Join(t.TempDir(), "archive")
	cfgPath := scheduledConfig(t, srv.URL, archiveDir)

	logs, logw := io.Pipe()
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: logw}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- runRun(ctx, e, []string{"--config", cfgPath, "--listen", "127.0.0.1:0"})
		logw.Close()
	}()

	// Every line is JSON: stderr is not a terminal.
	var addr string
	lines := bufio.NewScanner(logs)
	for lines.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(lines.Bytes(), &rec); err != nil {
			t.Fatalf("log line is not JSON: %s", lines.Text())
		}
		if rec["msg"] == "serving /metrics and /healthz" {
			addr, _ = rec["addr"].(string)
		}
		if msg, _ := rec["msg"].(string); strings.HasPrefix(msg, "run ") { // the first run's summary
			if rec["site"] != "nerima" || rec["result"] != "ok" {
				t.Errorf("first run: %s, want site nerima, result ok", lines.Text())
			}
			break
		}
		if rec["level"] == "ERROR" {
			t.Errorf("error logged: %s", lines.Text())
		}
	}
	go io.Copy(io.Discard, logs) // the rest of the log

	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Contains(body, []byte(`staffvoice_runs_total{result="ok",site="nerima"} 1`)) {
		t.Errorf("/metrics has no runs_total for the run:\n%s", body)
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("runRun after cancel: %v, want nil (exit 0)", err)
	}
	if code, out, stderr := runCmd(t, "", "verify", "--archive", archiveDir); code != exitOK {
		t.Errorf("verify after shutdown: exit %d\n%s%s", code, out, stderr)
	}
}

func TestRunNoSchedule(t *testing.T) {
	path := filepath.Join(t.TempDir(), "staffvoice.toml")
	doc := "[[sites]]\nname = 'a'\nseeds = ['https://a.example.jp/']\n"
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	err := runRun(t.Context(), &env{stdout: io.Discard, stderr: &stderr}, []string{"--config", path})
	if err == nil || !strings.Contains(err.Error(), "no site in "+path+" has a schedule") {
		t.Errorf("runRun: %v, want a usage error about schedules", err)
	}
}

func TestPrintSchedule(t *testing.T) {
	cfg, err := config.Parse("staffvoice.toml", []byte(`
[[sites]]
name = "nerima"
seeds = ["https://www.city.nerima.tokyo.jp/"]
schedule = "0 6 * * 1"
jitter = "5m"
[[sites]]
name = "utc"
seeds = ["https://a.example.jp/"]
schedule = "CRON_TZ=UTC 30 21 * * *"
[[sites]]
name = "manual"
seeds = ["https://b.example.jp/"]
`))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	now := time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC) // Tuesday 15:00 in Tokyo
	if err := printSchedule(&out, cfg, now); err != nil {
		t.Fatal(err)
	}
	want := `site    schedule                 jitter      next runs (Asia/Tokyo)
nerima  0 6 * * 1                up to 5m0s  2026-11-30 06:00 Mon, 2026-12-07 06:00 Mon, 2026-12-14 06:00 Mon
utc     CRON_TZ=UTC 30 21 * * *  -           2026-11-25 06:30 Wed, 2026-11-26 06:30 Thu, 2026-11-27 06:30 Fri
manual  -                        -           not scheduled: crawled only by staffvoice crawl
`
	if got := out.String(); got != want {
		t.Errorf("schedule:\n%s\nwant:\n%s", got, want)
	}
}

func TestScheduleExample(t *testing.T) {
	var out, stderr bytes.Buffer
	err := runSchedule(t.Context(), &env{stdout: &out, stderr: &stderr}, []string{"--config", "../../staffvoice.example.toml"})
	if err != nil {
		t.Fatalf("schedule: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(out.String(), "0 6 * * 1  up to 5m0s") || strings.Count(out.String(), " Mon") != 3 {
		t.Errorf("schedule of the example: want nerima's three Monday runs:\n%s", out.String())
	}
}
