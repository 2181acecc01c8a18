package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/staffvoice/staffvoice/archive"
)

// The targets.
const (
	targetRatio   = 0.70 // staffvoice pages/s over bare Colly's
	targetRSSMB   = 300  // peak RSS of a crawl
	targetSpeedup = 3.0  // second crawl over the first
	targetGrowth  = 0.05 // what the second crawl adds to the archive
)

// driverOptions are the flags of -mode all.
type driverOptions struct {
	pages, parallel int
	follow          string
	collyAbs        bool
	runs            int
	profileDir      string
	keep            bool
}

// measurement is one crawl process, as the driver saw it.
type measurement struct {
	crawlResult
	server  serverStats // responses the server sent during the crawl
	rssKB   int64       // the child's peak RSS, from wait4
	cpu     float64     // the child's CPU seconds, user and system
	srvCPU  float64     // the server's CPU seconds during the crawl
	archive int64       // bytes of the archive after the crawl
	warc    int64       // of which WARC files
}

func (m measurement) pagesPerSec() float64 { return float64(m.Fetched) / m.Seconds }

// runAll starts the server and runs colly, staffvoice and staffvoice
// again, opts.runs times, each crawl in a process of its own.
func runAll(ctx context.Context, opts driverOptions, stdout, stderr io.Writer) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	server := exec.CommandContext(ctx, exe, "-mode", "serve", "-pages", strconv.Itoa(opts.pages))
	server.Stderr = stderr
	out, err := server.StdoutPipe()
	if err != nil {
		return err
	}
	if err := server.Start(); err != nil {
		return fmt.Errorf("start server: %w", err)
	}
	defer func() {
		server.Process.Signal(os.Interrupt)
		server.Wait()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	url := strings.TrimSpace(line)

	child := func(mode, archiveDir, profile string) (measurement, error) {
		args := []string{"-mode", mode, "-url", url, "-parallel", strconv.Itoa(opts.parallel), "-follow", opts.follow}
		if archiveDir != "" {
			args = append(args, "-archive", archiveDir)
		}
		if opts.collyAbs {
			args = append(args, "-colly-absurl")
		}
		if opts.profileDir != "" {
			args = append(args, "-cpuprofile", filepath.Join(opts.profileDir, profile+".pprof"))
		}
		before, err := fetchStats(url)
		if err != nil {
			return measurement{}, err
		}
		srvBefore := cpuSeconds(server.Process.Pid)
		cmd := exec.CommandContext(ctx, exe, args...)
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, stderr
		if err := cmd.Run(); err != nil {
			return measurement{}, fmt.Errorf("%s: %w", mode, err)
		}
		var m measurement
		m.srvCPU = cpuSeconds(server.Process.Pid) - srvBefore
		m.cpu = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
		if err := json.Unmarshal(buf.Bytes(), &m.crawlResult); err != nil {
			return measurement{}, fmt.Errorf("%s: %w", mode, err)
		}
		m.rssKB = m.MaxRSSKB
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			m.rssKB = max(m.rssKB, int64(ru.Maxrss))
		}
		after, err := fetchStats(url)
		if err != nil {
			return measurement{}, err
		}
		m.server = after.sub(before)
		if archiveDir != "" {
			m.archive, m.warc = dirSize(archiveDir), dirSize(archive.WARCDir(archiveDir))
		}
		return m, nil
	}

	if opts.profileDir != "" {
		if err := os.MkdirAll(opts.profileDir, 0o755); err != nil {
			return err
		}
	}
	resolve := "net/url"
	if opts.collyAbs {
		resolve = "Request.AbsoluteURL"
	}
	fmt.Fprintf(stdout, "site %s, %d interview pages, parallelism %d, follow %q, bare colly resolves links with %s, GOMAXPROCS %s\n\n",
		url, opts.pages, opts.parallel, opts.follow, resolve, gomaxprocs())
	var runs [][3]measurement
	for r := 1; r <= opts.runs; r++ {
		dir, err := os.MkdirTemp("", "staffvoice-bench-")
		if err != nil {
			return err
		}
		var ms [3]measurement
		ms[0], err = child("colly", "", fmt.Sprintf("colly-%d", r))
		if err == nil {
			ms[1], err = child("staffvoice", dir, fmt.Sprintf("staffvoice1-%d", r))
		}
		if err == nil {
			ms[2], err = child("staffvoice", dir, fmt.Sprintf("staffvoice2-%d", r))
		}
		if opts.keep {
			fmt.Fprintf(stderr, "run %d: archive kept in %s\n", r, dir)
		} else {
			os.RemoveAll(dir)
		}
		if err != nil {
			return err
		}
		runs = append(runs, ms)
		report(stdout, r, ms)
	}
	if len(runs) > 1 {
		summary(stdout, runs)
	}
	return nil
}

// report prints one run: a row per crawl, then the figures against their
// targets.
func report(w io.Writer, run int, ms [3]measurement) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "run %d\tcrawl\tpages\t200\t304\tTCP conns\tseconds\tpages/s\tCPU s\tserver CPU s\tRecord s\tpeak RSS MB\tarchived\tarchive MB\t\n", run)
	names := []string{"bare colly", "staffvoice 1", "staffvoice 2"}
	for i, m := range ms {
		record, archived, size := "-", "-", "-"
		if i > 0 {
			record, archived, size = fmt.Sprintf("%.1f", m.RecordSeconds), strconv.Itoa(m.Archived), fmt.Sprintf("%.2f", mb(m.archive))
		}
		fmt.Fprintf(tw, "\t%s\t%d\t%d\t%d\t%d\t%.2f\t%.0f\t%.1f\t%.1f\t%s\t%.0f\t%s\t%s\t\n",
			names[i], m.Fetched, m.server.OK, m.server.NotModified, m.server.Conns, m.Seconds, m.pagesPerSec(), m.cpu, m.srvCPU, record, float64(m.rssKB)/1024, archived, size)
	}
	tw.Flush()
	f := figuresOf(ms)
	fmt.Fprintf(w, "  staffvoice/colly pages/s   %.2f   (target >= %.2f) %s\n", f.ratio, targetRatio, verdict(f.ratio >= targetRatio))
	fmt.Fprintf(w, "  peak RSS                   %.0f MB (target <= %d MB) %s\n", f.rssMB, targetRSSMB, verdict(f.rssMB <= targetRSSMB))
	fmt.Fprintf(w, "  crawl 2 speedup            %.2fx  (target >= %.0fx) %s\n", f.speedup, targetSpeedup, verdict(f.speedup >= targetSpeedup))
	fmt.Fprintf(w, "  crawl 2 archive growth     %.2f%%  (target < %.0f%%) %s: %d bytes, %.0f bytes per 304 (WARC %.0f, catalog %.0f)\n",
		100*f.growth, 100*targetGrowth, verdict(f.growth < targetGrowth), f.grown, f.perCapture, f.warcPerCapture, f.perCapture-f.warcPerCapture)
	for i, m := range ms {
		if m.Errors > 0 {
			fmt.Fprintf(w, "  WARNING: %s had %d errors\n", names[i], m.Errors)
		}
	}
	if ms[0].Fetched != ms[1].Fetched {
		fmt.Fprintf(w, "  note: colly fetched %d pages, staffvoice %d\n", ms[0].Fetched, ms[1].Fetched)
	}
	fmt.Fprintln(w)
}

// figures are a run's results, as the issue states its targets.
type figures struct {
	ratio, rssMB, speedup, growth float64
	grown                         int64
	perCapture, warcPerCapture    float64
}

func figuresOf(ms [3]measurement) figures {
	colly, first, second := ms[0], ms[1], ms[2]
	f := figures{
		ratio:   first.pagesPerSec() / colly.pagesPerSec(),
		rssMB:   float64(max(first.rssKB, second.rssKB)) / 1024,
		speedup: first.Seconds / second.Seconds,
		grown:   second.archive - first.archive,
	}
	f.growth = float64(f.grown) / float64(first.archive)
	if n := second.Archived; n > 0 {
		f.perCapture = float64(f.grown) / float64(n)
		f.warcPerCapture = float64(second.warc-first.warc) / float64(n)
	}
	return f
}

// summary prints the median of each figure over the runs.
func summary(w io.Writer, runs [][3]measurement) {
	var ratio, rss, speedup, growth []float64
	for _, ms := range runs {
		f := figuresOf(ms)
		ratio, rss, speedup, growth = append(ratio, f.ratio), append(rss, f.rssMB), append(speedup, f.speedup), append(growth, f.growth)
	}
	fmt.Fprintf(w, "median of %d runs: staffvoice/colly %.2f %s, peak RSS %.0f MB (max %.0f) %s, crawl 2 speedup %.2fx %s, growth %.2f%% %s\n",
		len(runs), median(ratio), verdict(median(ratio) >= targetRatio), median(rss), slices.Max(rss), verdict(slices.Max(rss) <= targetRSSMB),
		median(speedup), verdict(median(speedup) >= targetSpeedup), 100*median(growth), verdict(median(growth) < targetGrowth))
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func verdict(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISSED"
}

func mb(n int64) float64 { return float64(n) / 1e6 }

func gomaxprocs() string {
	if v := os.Getenv("GOMAXPROCS"); v != "" {
		return v
	}
	return "default"
}

// cpuSeconds is the CPU time a process has used so far, user and system,
// from /proc (Linux); 0 elsewhere.
func cpuSeconds(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command name, which is in parentheses: utime
	// and stime are the 12th and 13th, in clock ticks of 1/100 s.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	return (utime + stime) / 100
}

// fetchStats asks the server what it has sent so far.
func fetchStats(url string) (serverStats, error) {
	resp, err := http.Get(url + statsPath)
	if err != nil {
		return serverStats{}, fmt.Errorf("server stats: %w", err)
	}
	defer resp.Body.Close()
	var s serverStats
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		return serverStats{}, fmt.Errorf("server stats: %w", err)
	}
	return s, nil
}

// dirSize is the bytes of every file under dir: for an archive, the WARC
// files, the catalog and its write-ahead log.
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
