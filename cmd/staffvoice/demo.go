package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/staffvoice/staffvoice/archive"
	"github.com/staffvoice/staffvoice/config"
	"github.com/staffvoice/staffvoice/crawler"
	"github.com/staffvoice/staffvoice/diff"
	"github.com/staffvoice/staffvoice/export"
	"github.com/staffvoice/staffvoice/internal/gctune"
)

// demoSite is a municipal recruiting site before (v1) and after (v2) an
// update; v2 holds only the changed pages. demosite/README.md says what
// changes.
//
//go:embed demosite/v1 demosite/v2
var demoSite embed.FS

func runDemo(ctx context.Context, e *env, args []string) error {
	gctune.Tune()
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dir := fs.String("dir", "", "where to leave the archive (default: a new temporary directory)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: staffvoice demo [--dir DIR]")
		fmt.Fprintln(e.stderr, "\nServes a bundled municipal site on 127.0.0.1, crawls it, changes it, crawls it again")
		fmt.Fprintln(e.stderr, "and shows each page's history. Needs no network.")
		fs.PrintDefaults()
	}
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		fs.Usage()
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, rest)
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "staffvoice-demo-")
		if err != nil {
			return err
		}
		*dir = d
	}
	archiveDir := filepath.Join(*dir, "archive")

	srv := &demoServer{}
	srv.version.Store(1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("demo: serve the bundled site: %w", err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String()

	store, err := archive.Open(ctx, archiveDir, archive.Options{})
	if err != nil {
		return err
	}
	defer store.Close()

	limits := crawler.DefaultLimits()
	limits.Delay = 0 // our own server; a real site gets the configured delay
	site := crawler.Site{
		Name:           "nerima-demo",
		Municipality:   "練馬区",
		Seeds:          []string{base + "/kusei/saiyo/"},
		AllowedDomains: []string{"127.0.0.1"},
		Follow:         []*regexp.Regexp{regexp.MustCompile(`^` + regexp.QuoteMeta(base) + `/kusei/saiyo/`)},
		Pages:          []*regexp.Regexp{regexp.MustCompile(`/koe/`), regexp.MustCompile(`職員の声`)},
		Limits:         limits,
	}
	opts := crawler.Options{UserAgent: config.DefaultUserAgent + " demo"}
	crawl := func(step string) error {
		fmt.Fprintf(e.stdout, "\n== %s\n", step)
		sum, err := crawler.Crawl(ctx, store, []crawler.Site{site}, opts)
		if err != nil {
			return err
		}
		printSummary(e.stdout, sum, archiveDir)
		if sum.Interrupted {
			return errors.New("interrupted")
		}
		return crawlError(e.stderr, sum)
	}

	fmt.Fprintf(e.stdout, "Serving the bundled site of 練馬区 (version 1) at %s/kusei/saiyo/\n", base)
	if err := crawl("1. first crawl: every interview page is new"); err != nil {
		return err
	}
	srv.version.Store(2)
	fmt.Fprintln(e.stdout, "\nThe site is updated (version 2): an answer is rewritten, a question added, another removed, update dates move.")
	if err := crawl("2. second crawl: conditional requests; unchanged pages answer 304"); err != nil {
		return err
	}

	fmt.Fprintln(e.stdout, "\n== 3. history of each archived page")
	pages, err := store.Pages(ctx)
	if err != nil {
		return err
	}
	for _, p := range pages {
		fmt.Fprintf(e.stdout, "\n%s\n", p.URL)
		versions, caps, err := store.History(ctx, p.URL)
		if err != nil {
			return err
		}
		if err := printHistory(e.stdout, versions, caps); err != nil {
			return err
		}
	}
	fmt.Fprintln(e.stdout, "\n== 4. what changed on each page")
	for _, p := range pages {
		if p.Versions < 2 {
			continue
		}
		report, err := pageDiff(ctx, store, p.URL)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout)
		if err := diff.WriteText(e.stdout, report, wantColor(e.stdout)); err != nil {
			return err
		}
	}
	outDir := filepath.Join(*dir, "export")
	fmt.Fprintf(e.stdout, "\n== 5. export for research: %s\n", outDir)
	stats, err := export.Export(ctx, store, export.Options{
		Out: outDir, Formats: export.Both, Municipalities: map[string]string{site.Name: site.Municipality},
	})
	if err != nil {
		return err
	}
	if err := printExport(e.stdout, stats); err != nil {
		return err
	}
	if err := store.Close(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\nThe archive is in %s (WARC files under warc/, the catalog in catalog.db). Try:\n", archiveDir)
	for _, p := range pages {
		if p.Versions > 1 {
			fmt.Fprintf(e.stdout, "  staffvoice history --archive %s %s\n", archiveDir, p.URL)
			fmt.Fprintf(e.stdout, "  staffvoice show --archive %s %s\n", archiveDir, p.URL)
			fmt.Fprintf(e.stdout, "  staffvoice diff --archive %s --format html %s > diff.html\n", archiveDir, p.URL)
			break
		}
	}
	fmt.Fprintf(e.stdout, "  staffvoice changes --archive %s\n", archiveDir)
	fmt.Fprintf(e.stdout, "  duckdb -c \"SELECT * FROM read_parquet('%s/qa/**/*.parquet', hive_partitioning=true)\"\n", outDir)
	fmt.Fprintf(e.stdout, "  staffvoice verify --archive %s\n", archiveDir)
	return nil
}

// demoServer serves demosite/v<version> like a well-behaved municipal
// server: Content-Type without a charset (the pages declare theirs), and
// ETag and Last-Modified validators that conditional requests can use.
type demoServer struct {
	version atomic.Int32
}

// demoTimes are the versions' Last-Modified times.
var demoTimes = [...]time.Time{1: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC), 2: time.Date(2024, 5, 7, 0, 0, 0, 0, time.UTC)}

func (d *demoServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := path.Clean("/" + r.URL.Path)
	if strings.HasSuffix(r.URL.Path, "/") {
		name = path.Join(name, "index.html")
	}
	// demosite/v2 holds only the files the update changed; the others
	// are version 1's, with version 1's time.
	v := int(d.version.Load())
	data, err := demoSite.ReadFile(fmt.Sprintf("demosite/v%d%s", v, name))
	if err != nil && v > 1 {
		v = 1
		data, err = demoSite.ReadFile("demosite/v1" + name)
	}
	if err != nil {
		http.NotFound(w, r)
		return
	}
	modified := demoTimes[v]
	switch path.Ext(name) {
	case ".html":
		w.Header().Set("Content-Type", "text/html")
	case ".pdf":
		w.Header().Set("Content-Type", "application/pdf")
	default:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	sum := sha256.Sum256(data)
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	http.ServeContent(w, r, name, modified, bytes.NewReader(data))
}
