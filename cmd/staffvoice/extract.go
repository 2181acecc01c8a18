package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"

	"github.com/staffvoice/staffvoice/extract"
)

type extractOptions struct {
	url         string
	contentType string
	format      string
}

func runExtract(ctx context.Context, e *env, args []string) error {
	var opts extractOptions
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&opts.url, "url", "", "the page's URL, for resolving links (default: the file's file:// URL)")
	fs.StringVar(&opts.contentType, "content-type", "", "the HTTP Content-Type the page was served with, e.g. 'text/html; charset=Shift_JIS'")
	fs.StringVar(&opts.format, "format", "json", "output format: json or text")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: staffvoice extract [--url URL] [--content-type CT] [--format json|text] FILE|-")
		fs.PrintDefaults()
	}
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		fs.Usage()
		return fmt.Errorf("%w: want one FILE (or - for standard input), got %d", errUsage, len(files))
	}
	if opts.format != "json" && opts.format != "text" {
		return fmt.Errorf("%w: --format must be json or text, not %q", errUsage, opts.format)
	}
	return extractFile(ctx, e, opts, files[0])
}

func extractFile(_ context.Context, e *env, opts extractOptions, name string) error {
	var body []byte
	var err error
	if name == "-" {
		body, err = io.ReadAll(e.stdin)
	} else {
		body, err = os.ReadFile(name)
		if opts.url == "" {
			if abs, aerr := filepath.Abs(name); aerr == nil {
				opts.url = (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
			}
		}
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	doc, err := extract.Extract(body, opts.url, opts.contentType)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if opts.format == "text" {
		return doc.WriteOutline(e.stdout)
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
