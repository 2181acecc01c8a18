package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/staffvoice/staffvoice/archive"
)

func runHistory(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("history", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dir := archiveFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: staffvoice history [--archive DIR] [--json] URL")
		fs.PrintDefaults()
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		fs.Usage()
		return fmt.Errorf("%w: want one URL", errUsage)
	}
	s, err := archive.OpenReadOnly(ctx, *dir)
	if err != nil {
		return err
	}
	defer s.Close()
	versions, caps, err := s.History(ctx, rest[0])
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(versions)
	}
	return printHistory(e.stdout, versions, caps)
}

// printHistory prints a page's versions and a line about its captures.
func printHistory(w io.Writer, versions []archive.VersionInfo, caps archive.CaptureSummary) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tCAPTURED AT\tUPDATED\tQ&A\tCONTENT HASH")
	for _, v := range versions {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\n", v.Version, v.CapturedAt, orDash(v.Updated), v.QACount, v.ContentHash)
	}
	tw.Flush()
	_, err := fmt.Fprintf(w, "%d captures from %s to %s: %d new payloads, %d unchanged (revisit), %d not modified (304), %d errors\n",
		caps.Total, caps.First, caps.Last, caps.New, caps.Revisit, caps.NotModified, caps.Error)
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
