package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// DefaultCommandTimeout bounds a Command with no Timeout.
const DefaultCommandTimeout = time.Minute

// stderrLimit is how much of a failed command's stderr its error quotes.
const stderrLimit = 1 << 10

// Command is a program run once per Event, with the Event's JSON on its
// standard input. Argv is run directly, not through a shell; the
// environment is the caller's plus STAFFVOICE_URL and STAFFVOICE_SITE.
type Command struct {
	Argv []string
	// Timeout bounds each run (default DefaultCommandTimeout); the
	// command is killed when it runs longer.
	Timeout time.Duration
}

// Run runs the command for e. Its error gives the exit status and the
// start of what the command wrote to stderr.
func (c *Command) Run(ctx context.Context, e Event) error {
	if len(c.Argv) == 0 {
		return errors.New("notify: command: empty argv")
	}
	body, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("notify: command: encode event: %w", err)
	}
	timeout := cmpOr(c.Timeout, DefaultCommandTimeout)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.Argv[0], c.Argv[1:]...)
	cmd.Stdin = bytes.NewReader(body)
	cmd.Env = append(os.Environ(), "STAFFVOICE_URL="+e.URL, "STAFFVOICE_SITE="+e.Site)
	stderr := &prefixWriter{limit: stderrLimit}
	cmd.Stderr = stderr
	// A child the command leaves behind may hold stderr open; don't wait
	// for it long after the command itself is gone.
	cmd.WaitDelay = time.Second
	err = cmd.Run()
	if err == nil {
		return nil
	}
	msg := err.Error()
	if ctx.Err() == context.DeadlineExceeded {
		msg = fmt.Sprintf("killed after %v (%v)", timeout, err)
	}
	if s := strings.ToValidUTF8(strings.TrimSpace(stderr.buf.String()), "\uFFFD"); s != "" {
		msg += ": stderr: " + s
	}
	return fmt.Errorf("notify: command %s: %s", c.Argv[0], msg)
}

// prefixWriter keeps the first limit bytes written to it and drops the
// rest, so a chatty command cannot fill memory.
type prefixWriter struct {
	buf   bytes.Buffer
	limit int
}

func (w *prefixWriter) Write(p []byte) (int, error) {
	if room := w.limit - w.buf.Len(); room > 0 {
		w.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}
