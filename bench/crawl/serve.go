package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/staffvoice/staffvoice/extract"
)

// lastModified is the Last-Modified of every page: the site never
// changes while the benchmark runs.
var lastModified = time.Date(2021, 2, 2, 9, 0, 0, 0, time.UTC)

// statsPath is where the server reports the statuses it sent. Crawlers
// never see it: nothing links to it.
const statsPath = "/_bench/stats"

// serverStats count the responses by status, and the connections
// opened.
type serverStats struct {
	OK, NotModified, NotFound, Conns int64
}

func (s serverStats) sub(o serverStats) serverStats {
	return serverStats{s.OK - o.OK, s.NotModified - o.NotModified, s.NotFound - o.NotFound, s.Conns - o.Conns}
}

type servedPage struct {
	body []byte
	etag string
}

// siteServer serves pre-rendered pages with ETag and Last-Modified, and
// answers conditional requests with 304 (http.ServeContent does both).
type siteServer struct {
	pages                       map[string]servedPage
	ok, notMod, notFound, conns atomic.Int64
}

func newSiteServer(pages []sitePage) *siteServer {
	s := &siteServer{pages: make(map[string]servedPage, len(pages))}
	for _, p := range pages {
		sum := sha256.Sum256(p.body)
		s.pages[p.path] = servedPage{body: p.body, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
	}
	return s
}

func (s *siteServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == statsPath {
		json.NewEncoder(w).Encode(serverStats{s.ok.Load(), s.notMod.Load(), s.notFound.Load(), s.conns.Load()})
		return
	}
	p, ok := s.pages[r.URL.Path]
	if !ok {
		s.notFound.Add(1)
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("ETag", p.etag)
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	http.ServeContent(sw, r, "", lastModified, bytes.NewReader(p.body))
	switch sw.status {
	case http.StatusOK:
		s.ok.Add(1)
	case http.StatusNotModified:
		s.notMod.Add(1)
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// serveOptions are the flags of -mode serve.
type serveOptions struct {
	addr  string
	pages int
}

// runServe renders the site, checks that an interview page extracts as
// one should, prints the site's URL on stdout and serves until
// interrupted.
func runServe(ctx context.Context, opts serveOptions, stdout, stderr io.Writer) error {
	start := time.Now()
	pages := buildSite(opts.pages)
	var total, koe int64
	for _, p := range pages {
		if strings.HasPrefix(p.path, "/saiyo/koe/") {
			total += int64(len(p.body))
			koe++
		}
	}
	doc, err := extract.Extract(pages[len(pages)-1].body, "http://127.0.0.1"+pages[len(pages)-1].path, "text/html; charset=utf-8")
	if err != nil {
		return fmt.Errorf("serve: extract a generated page: %w", err)
	}
	fmt.Fprintf(stderr, "site: %d pages (%d interviews of %.1f KB on average, %d links each), built in %s; an interview extracts to %d sections, %d Q&A, updated %s\n",
		len(pages), koe, float64(total)/float64(koe)/1024, len(doc.Links), time.Since(start).Round(time.Millisecond),
		len(doc.Sections), doc.QACount(), doc.Updated)

	ln, err := net.Listen("tcp", opts.addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	site := newSiteServer(pages)
	srv := &http.Server{Handler: site, ConnState: func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			site.conns.Add(1)
		}
	}}
	fmt.Fprintf(stdout, "http://%s\n", ln.Addr())
	if f, ok := stdout.(*os.File); ok {
		f.Sync()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		srv.Shutdown(context.Background())
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
