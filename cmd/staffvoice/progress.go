package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"

	"github.com/mattn/go-isatty"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/staffvoice/staffvoice/crawler"
)

// crawlOutput shows a crawl's progress: a bar per site on a terminal,
// structured log lines (log/slog) otherwise, and nothing but errors with
// --quiet.
type crawlOutput struct {
	logger   *slog.Logger
	progress func(crawler.Progress)
	close    func()
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

func newCrawlOutput(e *env, quiet bool, sites []crawler.Site) *crawlOutput {
	level := slog.LevelInfo
	if quiet {
		level = slog.LevelError
	}
	if quiet || !isTerminal(e.stderr) {
		return &crawlOutput{
			logger: slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level})),
			close:  func() {},
		}
	}
	p := mpb.New(mpb.WithOutput(e.stderr), mpb.WithWidth(40))
	var mu sync.Mutex
	bars := map[string]*mpb.Bar{}
	stats := map[string]crawler.Stats{}
	for _, s := range sites {
		name := siteLabel(s.Name)
		bars[s.Name] = p.AddBar(0,
			mpb.PrependDecorators(decor.Name(name, decor.WC{C: decor.DindentRight | decor.DextraSpace}), decor.CountersNoUnit("%d/%d")),
			mpb.AppendDecorators(decor.Any(func(decor.Statistics) string {
				mu.Lock()
				defer mu.Unlock()
				st := stats[s.Name]
				return fmt.Sprintf("new %d  unchanged %d  304 %d  errors %d", st.NewVersions, st.Unchanged, st.NotModified, st.Errors)
			})),
		)
	}
	return &crawlOutput{
		// Warnings and errors print above the bars; the per-fetch lines
		// would only scroll them away.
		logger: slog.New(slog.NewTextHandler(p, &slog.HandlerOptions{Level: slog.LevelWarn})),
		progress: func(pr crawler.Progress) {
			mu.Lock()
			stats[pr.Site] = pr.Stats
			mu.Unlock()
			b := bars[pr.Site]
			b.SetTotal(int64(pr.Queued), false)
			b.SetCurrent(int64(pr.Done))
		},
		close: func() {
			for _, b := range bars {
				b.SetTotal(-1, true) // done, whatever the count
			}
			p.Wait()
		},
	}
}
