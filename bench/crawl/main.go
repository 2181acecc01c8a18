// Command crawl benchmarks the crawler end to end against bare Colly on a
// loopback copy of a municipal site: 5,000 interview pages of about 50 KB,
// each under a menu of about 340 links.
//
// With -mode all (the default) it starts itself as the site's server and
// runs every crawl in a process of its own, so that each peak RSS is the
// crawl's alone: bare Colly, then the staffvoice crawler twice into one
// archive (the second crawl meets an unchanged site and gets 304s). It
// prints a table of pages/s, peak RSS and archive sizes against the
// issue's targets. See bench/README.md.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("crawl", flag.ContinueOnError)
	mode := fs.String("mode", "all", "all: run the whole benchmark; serve, colly, staffvoice: one part of it")
	var d driverOptions
	var c crawlOptions
	var s serveOptions
	fs.IntVar(&s.pages, "pages", 5000, "interview pages on the site")
	fs.StringVar(&s.addr, "addr", "127.0.0.1:0", "serve: the address to listen on")
	fs.IntVar(&c.parallel, "parallel", 8, "concurrent requests (Colly's LimitRule.Parallelism)")
	fs.StringVar(&c.follow, "follow", "/saiyo/", "regexp, after the site's URL, of the links followed for discovery")
	fs.StringVar(&c.url, "url", "", "colly, staffvoice: the site's URL, as -mode serve printed it")
	fs.StringVar(&c.archive, "archive", "", "staffvoice: the archive directory")
	fs.BoolVar(&c.collyAbs, "colly-absurl", false, "resolve bare Colly's links with Request.AbsoluteURL instead of net/url")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "colly, staffvoice: write a CPU profile of the crawl here")
	fs.IntVar(&d.runs, "runs", 1, "all: how many times to run the benchmark")
	fs.StringVar(&d.profileDir, "profile-dir", "", "all: write a CPU profile of every crawl into this directory")
	fs.BoolVar(&d.keep, "keep", false, "all: keep the archives (their paths are printed)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx := context.Background()
	var err error
	switch *mode {
	case "all":
		d.pages, d.parallel, d.follow, d.collyAbs = s.pages, c.parallel, c.follow, c.collyAbs
		err = runAll(ctx, d, os.Stdout, os.Stderr)
	case "serve":
		err = runServe(ctx, s, os.Stdout, os.Stderr)
	case "colly", "staffvoice":
		if c.url == "" || (*mode == "staffvoice" && c.archive == "") {
			err = errors.New("-url is required, and -archive for staffvoice")
			break
		}
		var res crawlResult
		if *mode == "colly" {
			res, err = runColly(ctx, c)
		} else {
			res, err = runStaffvoice(ctx, c)
		}
		if err == nil {
			err = json.NewEncoder(os.Stdout).Encode(res)
		}
	default:
		err = fmt.Errorf("unknown -mode %q", *mode)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "crawl bench: %v\n", err)
		return 1
	}
	return 0
}
