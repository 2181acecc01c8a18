package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"text/tabwriter"

	"github.com/staffvoice/staffvoice/archive"
	"github.com/staffvoice/staffvoice/config"
	"github.com/staffvoice/staffvoice/export"
	"github.com/staffvoice/staffvoice/internal/gctune"
)

type exportOptions struct {
	archive string
	out     string
	format  string
	since   string
	sites   stringList
	config  string
}

func runExport(ctx context.Context, e *env, args []string) error {
	var o exportOptions
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	archiveDir := archiveFlag(fs)
	fs.StringVar(&o.out, "out", "", "the output directory (required)")
	fs.StringVar(&o.format, "format", "both", "parquet, jsonl or both")
	fs.StringVar(&o.since, "since", "", "only versions, changes and captures on or after this day (YYYY-MM-DD, UTC); files are named part-since-YYYYMMDD")
	fs.Var(&o.sites, "site", "export only this site (repeatable)")
	fs.StringVar(&o.config, "config", "", "the configuration file, for municipality names (default "+config.DefaultFile+" if present)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: staffvoice export [--archive DIR] --out DIR [--format parquet|jsonl|both] [--since YYYY-MM-DD] [--site NAME]... [--config FILE]")
		fmt.Fprintln(e.stderr, "\nWrites the pages, versions, qa, changes and captures tables as OUT/<table>/site=<site>/part-*.parquet and .jsonl.")
		fs.PrintDefaults()
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	o.archive = *archiveDir
	if len(rest) > 0 {
		fs.Usage()
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, rest)
	}
	if o.out == "" {
		fs.Usage()
		return fmt.Errorf("%w: --out is required", errUsage)
	}
	gctune.Tune()
	formats, err := export.ParseFormat(o.format)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if err := checkDay(o.since); err != nil {
		return err
	}
	// The catalog does not store municipalities; the configuration does.
	var municipalities map[string]string
	cfg, _, err := loadConfig(o.config)
	if err != nil {
		return err
	}
	if cfg != nil {
		municipalities = cfg.Municipalities()
	}
	s, err := archive.OpenReadOnly(ctx, o.archive)
	if err != nil {
		return err
	}
	defer s.Close()
	stats, err := export.Export(ctx, s, export.Options{
		Out: o.out, Formats: formats, Since: o.since, Sites: o.sites, Municipalities: municipalities,
	})
	if err != nil {
		return err
	}
	return printExport(e.stdout, stats)
}

// checkDay checks a --since value before any work is done.
func checkDay(day string) error {
	if day == "" {
		return nil
	}
	if _, err := export.ParseDay(day); err != nil {
		return fmt.Errorf("%w: --since %q: want YYYY-MM-DD", errUsage, day)
	}
	return nil
}

// printExport says where each table went and how many rows it has.
func printExport(w io.Writer, stats export.Stats) error {
	fmt.Fprintf(w, "Exported to %s\n", stats.Out)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tROWS\tFILES\tPATH")
	for _, t := range stats.Tables {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", t.Name, t.Rows, len(t.Files), filepath.Join(stats.Out, t.Name)+string(filepath.Separator))
	}
	return tw.Flush()
}
