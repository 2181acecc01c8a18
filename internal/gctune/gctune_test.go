package gctune

import (
	"runtime/debug"
	"testing"
)

// TestTune: Percent unless GOGC is set, which wins.
func TestTune(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	t.Setenv("GOGC", "")
	Tune()
	if got := debug.SetGCPercent(100); got != Percent {
		t.Errorf("GOGC unset: percent %d, want %d", got, Percent)
	}
	t.Setenv("GOGC", "50")
	Tune()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC=50 in the environment: percent %d, want it left alone", got)
	}
}
