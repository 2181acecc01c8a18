package archive

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ErrLocked is returned when another process holds the archive's writer
// lock. The error is a *LockedError.
var ErrLocked = errors.New("archive: locked by another writer")

// LockedError names the process that holds the lock.
type LockedError struct {
	Dir   string
	PID   int
	Since time.Time
	Host  string
}

func (e *LockedError) Error() string {
	who := "another process"
	if e.PID > 0 {
		who = fmt.Sprintf("pid %d", e.PID)
		if e.Host != "" {
			who += " on " + e.Host
		}
		if !e.Since.IsZero() {
			who += ", running since " + e.Since.Local().Format(time.RFC3339)
		}
	}
	return fmt.Sprintf("archive: %s is locked by %s; only one writer at a time", e.Dir, who)
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// lock is an exclusive flock on dir/lock. The file holds the holder's pid,
// host and start time, so that a refused writer can say who holds it. The
// kernel drops the lock when the process dies, however it dies.
type lock struct{ f *os.File }

func acquireLock(dir string) (*lock, error) {
	path := filepath.Join(dir, "lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("archive: open lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, readHolder(dir, path)
		}
		return nil, fmt.Errorf("archive: lock %s: %w", path, err)
	}
	host, _ := os.Hostname()
	info := fmt.Sprintf("pid %d\nhost %s\nsince %s\n", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339Nano))
	if err := f.Truncate(0); err == nil {
		_, err = f.WriteAt([]byte(info), 0)
	}
	return &lock{f: f}, nil
}

// readHolder reads who holds the lock; a holder that has not written its
// details yet is "another process".
func readHolder(dir, path string) error {
	e := &LockedError{Dir: dir}
	b, err := os.ReadFile(path)
	if err != nil {
		return e
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(line, " ")
		switch k {
		case "pid":
			e.PID, _ = strconv.Atoi(v)
		case "host":
			e.Host = v
		case "since":
			e.Since, _ = time.Parse(time.RFC3339Nano, v)
		}
	}
	return e
}

func (l *lock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.f.Truncate(0)
	err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}
