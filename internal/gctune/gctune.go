// Package gctune owns the garbage collector's setting for staffvoice's
// bulk jobs: crawls and exports, which allocate far more than they keep.
package gctune

import (
	"os"
	"runtime/debug"
)

// Percent is the garbage collector's setting (GOGC) for a process that
// crawls or exports. Both allocate a great deal over a small live heap: a
// parse tree per page, a catalog row and its strings per version. At Go's
// default of 100 a crawl spent a fifth of its CPU collecting (bench/: 28.2
// CPU seconds for 5,000 pages at 100, 23.6 at 200, peak RSS 103 and 141
// MB), and an export of 1,000,000 Q&A rows 10% more CPU than at 200 (peak
// RSS 120 and 160–185 MB; at 400 it nears 256 MB).
const Percent = 200

// Tune sets the garbage collector to Percent, unless the environment sets
// GOGC: the operator's choice wins. The commands that crawl or export
// call it, and so do their benchmarks.
func Tune() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(Percent)
	}
}
