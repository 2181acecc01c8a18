package archive

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestCrashRecovery kills a process that records captures in a loop with
// SIGKILL, then reopens the archive: verify must be clean, and every
// capture the process saw committed must be there.
func TestCrashRecovery(t *testing.T) {
	if os.Getenv("STAFFVOICE_CRASH_DIR") != "" {
		t.Skip("in the writer process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashWriterProcess$")
	cmd.Env = append(os.Environ(), "STAFFVOICE_CRASH_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	committed := 0
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if n, ok := strings.CutPrefix(sc.Text(), "committed "); ok {
			committed, _ = strconv.Atoi(n)
			if committed >= 40 {
				break
			}
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if committed < 40 {
		t.Fatalf("the writer committed only %d captures before it stopped", committed)
	}

	s := openTest(t, dir) // repairs the WARC file the writer left open
	ctx := context.Background()
	checked, problems, err := s.Verify(ctx)
	if err != nil || len(problems) != 0 {
		t.Fatalf("verify after the crash: %v %v", problems, err)
	}
	if checked < committed {
		t.Errorf("%d captures in the catalog, but the writer saw %d committed", checked, committed)
	}
	entries, _ := os.ReadDir(WARCDir(dir))
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), openSuffix) {
			t.Errorf("%s is still open after recovery", e.Name())
		}
	}
	// The archive takes new captures after recovery.
	record(t, s, htmlCapture(nerimaURL, nerimaPage(t)))
	if _, problems, _ := s.Verify(ctx); len(problems) != 0 {
		t.Errorf("verify after a new capture: %v", problems)
	}
}

// TestCrashWriterProcess is the process TestCrashRecovery kills: it
// records captures until it is killed, printing each commit.
func TestCrashWriterProcess(t *testing.T) {
	dir := os.Getenv("STAFFVOICE_CRASH_DIR")
	if dir == "" {
		t.Skip("run by TestCrashRecovery")
	}
	s, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	page := string(nerimaPage(t))
	for i := 1; ; i++ {
		// Every capture a new payload, every third a new version.
		body := strings.Replace(page, "</body>", fmt.Sprintf("<!-- %d --></body>", i), 1)
		if i%3 == 0 {
			body = strings.Replace(body, "23区の中で", fmt.Sprintf("23区の中で(%d)", i), 1)
		}
		if _, err := s.Record(context.Background(), htmlCapture(nerimaURL, []byte(body))); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("committed %d\n", i)
	}
}
