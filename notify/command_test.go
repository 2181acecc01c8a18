package notify

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestCommandGetsEventOnStdin(t *testing.T) {
	dir := t.TempDir()
	stdin, env := filepath.Join(dir, "stdin.json"), filepath.Join(dir, "env")
	c := &Command{Argv: []string{"sh", "-c", `cat > "$1"; printf '%s %s' "$STAFFVOICE_URL" "$STAFFVOICE_SITE" > "$2"`, "sh", stdin, env}}
	if err := c.Run(context.Background(), testEvent()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	b, err := os.ReadFile(stdin)
	if err != nil {
		t.Fatal(err)
	}
	var got Event
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("stdin is not JSON: %v\n%s", err, b)
	}
	if !reflect.DeepEqual(got, testEvent()) {
		t.Errorf("event on stdin: got %+v, want %+v", got, testEvent())
	}
	b, err = os.ReadFile(env)
	if err != nil {
		t.Fatal(err)
	}
	if want := testEvent().URL + " kobe"; string(b) != want {
		t.Errorf("STAFFVOICE_URL and STAFFVOICE_SITE: got %q, want %q", b, want)
	}
}

func TestCommandFailures(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		timeout time.Duration
		want    []string
	}{
		{"exit status and stderr", []string{"sh", "-c", "echo boom >&2; exit 3"}, 0, []string{"exit status 3", "stderr: boom"}},
		{"killed after timeout", []string{"sleep", "10"}, 50 * time.Millisecond, []string{"killed after 50ms"}},
		{"not found", []string{filepath.Join(t.TempDir(), "missing")}, 0, []string{"missing"}},
		{"empty argv", nil, 0, []string{"empty argv"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := (&Command{Argv: tt.argv, Timeout: tt.timeout}).Run(context.Background(), testEvent())
			if err == nil {
				t.Fatal("Run: no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestCommandStderrCapped(t *testing.T) {
	c := &Command{Argv: []string{"sh", "-c", `i=0; while [ $i -lt 300 ]; do printf 'xxxxxxxxxx' >&2; i=$((i+1)); done; exit 1`}}
	err := c.Run(context.Background(), testEvent())
	if err == nil {
		t.Fatal("Run: no error")
	}
	_, stderr, _ := strings.Cut(err.Error(), "stderr: ")
	if len(stderr) != stderrLimit {
		t.Errorf("stderr quoted: got %d bytes, want %d", len(stderr), stderrLimit)
	}
}
