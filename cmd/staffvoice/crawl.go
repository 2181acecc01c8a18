package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/staffvoice/staffvoice/archive"
	"github.com/staffvoice/staffvoice/config"
	"github.com/staffvoice/staffvoice/crawler"
	"github.com/staffvoice/staffvoice/internal/gctune"
)

// stringList is a flag that may be repeated.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

type crawlOptions struct {
	config  string
	archive string
	sites   stringList
	quiet   bool
}

func runCrawl(ctx context.Context, e *env, args []string) error {
	gctune.Tune()
	var o crawlOptions
	fs := flag.NewFlagSet("crawl", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&o.config, "config", "", "the configuration file (default "+config.DefaultFile+")")
	fs.StringVar(&o.archive, "archive", "", "the archive directory (default: the config's archive, else ./archive)")
	fs.Var(&o.sites, "site", "crawl only this configured site (repeatable)")
	fs.BoolVar(&o.quiet, "quiet", false, "print nothing but errors")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: staffvoice crawl [--config FILE] [--archive DIR] [--site NAME]... [--quiet] [URL...]")
		fmt.Fprintln(e.stderr, "\nCrawls the configured sites, or archives exactly the URLs given.")
		fs.PrintDefaults()
	}
	urls, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	cfg, sites, err := crawlPlan(o, urls)
	if err != nil {
		return err
	}
	store, err := archive.Open(ctx, cfg.Archive, archive.Options{})
	if err != nil {
		return err
	}
	defer store.Close()

	out := newCrawlOutput(e, o.quiet, sites)
	sum, err := crawler.Crawl(ctx, store, sites, crawler.Options{
		UserAgent: cfg.UserAgent,
		Logger:    out.logger,
		Progress:  out.progress,
	})
	out.close()
	if cerr := store.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if !o.quiet {
		printSummary(e.stdout, sum, cfg.Archive)
	}
	if err := crawlError(e.stderr, sum); err != nil {
		return err
	}
	if skipped := sum.Total.RobotsBlocked + sum.Total.OffSite; len(urls) > 0 && skipped > 0 {
		// Each URL given was to be archived; say why some were not.
		return fmt.Errorf("%d of the URLs given were not archived: forbidden by robots.txt or redirected off-site", skipped)
	}
	return nil
}

// crawlPlan reads the configuration and picks the sites to crawl: the
// named ones, all of them, or one ad-hoc site holding exactly the URLs
// given on the command line.
func crawlPlan(o crawlOptions, urls []string) (*config.Config, []crawler.Site, error) {
	cfg, found, err := loadConfig(o.config)
	switch {
	case err != nil:
		return nil, nil, err
	case !found && len(urls) > 0:
		// Bare URLs need no configuration file.
		cfg = &config.Config{Archive: "archive", UserAgent: config.DefaultUserAgent, Defaults: crawler.DefaultLimits()}
	case !found:
		return nil, nil, fmt.Errorf("%w: no %s here: pass --config FILE, or the URLs to archive (see staffvoice.example.toml)", errUsage, config.DefaultFile)
	}
	if o.archive != "" {
		cfg.Archive = o.archive
	}
	if len(urls) > 0 {
		if len(o.sites) > 0 {
			return nil, nil, fmt.Errorf("%w: give either --site or URLs, not both", errUsage)
		}
		site, err := urlSite(urls, cfg.Defaults)
		return cfg, []crawler.Site{site}, err
	}
	var sites []crawler.Site
	for _, name := range o.sites {
		s, ok := cfg.Site(name)
		if !ok {
			return nil, nil, fmt.Errorf("%w: no site %q in %s", errUsage, name, cfg.Path)
		}
		sites = append(sites, s.Site)
	}
	if len(o.sites) == 0 {
		for _, s := range cfg.Sites {
			sites = append(sites, s.Site)
		}
	}
	if len(sites) == 0 {
		return nil, nil, fmt.Errorf("%w: %s configures no sites", errUsage, cfg.Path)
	}
	return cfg, sites, nil
}

// urlSite archives exactly the given pages: every one is a page, and no
// link is followed.
func urlSite(urls []string, limits crawler.Limits) (crawler.Site, error) {
	site := crawler.Site{Seeds: urls, Pages: []*regexp.Regexp{regexp.MustCompile(``)}, Limits: limits}
	site.Limits.MaxDepth = 0
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return site, fmt.Errorf("%w: %q is not an http(s) URL", errUsage, raw)
		}
		site.AllowedDomains = append(site.AllowedDomains, strings.ToLower(u.Hostname()))
	}
	return site, nil
}

// crawlError turns fetch failures into the command's error: exit code 1
// when some pages failed or the crawl was interrupted.
func crawlError(w io.Writer, sum crawler.Summary) error {
	for _, s := range sum.Sites {
		for _, f := range s.Failures {
			status := "no response"
			if f.Status != 0 {
				status = fmt.Sprint(f.Status)
			}
			fmt.Fprintf(w, "failed: %s %s (%s): %s\n", siteLabel(s.Site), f.URL, status, f.Err)
		}
	}
	switch {
	case sum.Interrupted:
		return fmt.Errorf("interrupted after %d fetches; what was fetched is archived", sum.Total.Fetched)
	case sum.Total.Errors > 0:
		return fmt.Errorf("%d fetches failed; the rest is archived", sum.Total.Errors)
	}
	return nil
}

func siteLabel(name string) string {
	if name == "" {
		return "(urls)"
	}
	return name
}

func printSummary(w io.Writer, sum crawler.Summary, archiveDir string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "site\tfetched\tnew versions\tunchanged\tnot modified\terrors\tbytes\tduration\t")
	row := func(name string, st crawler.Stats) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t\n", name, st.Fetched, st.NewVersions, st.Unchanged,
			st.NotModified, st.Errors, st.Bytes, st.Duration.Round(time.Millisecond))
	}
	for _, s := range sum.Sites {
		row(siteLabel(s.Site), s.Stats)
	}
	if len(sum.Sites) > 1 {
		row("total", sum.Total)
	}
	tw.Flush()
	var notes []string
	if n := sum.Total.RobotsBlocked; n > 0 {
		notes = append(notes, fmt.Sprintf("%d URLs forbidden by robots.txt", n))
	}
	if n := sum.Total.OffSite; n > 0 {
		notes = append(notes, fmt.Sprintf("%d off-site redirects not followed", n))
	}
	if n := sum.Total.Truncated; n > 0 {
		notes = append(notes, fmt.Sprintf("%d bodies cut at max_body", n))
	}
	if n := sum.Total.Retries; n > 0 {
		notes = append(notes, fmt.Sprintf("%d retries", n))
	}
	if len(notes) > 0 {
		fmt.Fprintln(w, strings.Join(notes, "; "))
	}
	fmt.Fprintf(w, "archive: %s\n", archiveDir)
}
