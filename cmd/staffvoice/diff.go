package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/staffvoice/staffvoice/archive"
	"github.com/staffvoice/staffvoice/diff"
	"github.com/staffvoice/staffvoice/extract"
)

func runDiff(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dir := archiveFlag(fs)
	format := fs.String("format", "text", "text, json or html")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: staffvoice diff [--archive DIR] [--format text|json|html] URL [FROM [TO]]")
		fmt.Fprintln(e.stderr, "\nCompares two versions of a page: by default the latest with the one before.")
		fs.PrintDefaults()
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) < 1 || len(rest) > 3 {
		fs.Usage()
		return fmt.Errorf("%w: want URL [FROM [TO]]", errUsage)
	}
	if *format != "text" && *format != "json" && *format != "html" {
		return fmt.Errorf("%w: --format must be text, json or html", errUsage)
	}
	var versions []int
	for _, a := range rest[1:] {
		v, err := strconv.Atoi(a)
		if err != nil || v < 1 {
			return fmt.Errorf("%w: %q is not a version number", errUsage, a)
		}
		versions = append(versions, v)
	}
	s, err := archive.OpenReadOnly(ctx, *dir)
	if err != nil {
		return err
	}
	defer s.Close()
	report, err := pageDiff(ctx, s, rest[0], versions...)
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(report)
	case "html":
		return diff.WriteHTML(e.stdout, report)
	}
	return diff.WriteText(e.stdout, report, wantColor(e.stdout))
}

// pageDiff compares two stored versions of a page: from and to, or from
// and the latest, or the latest and the one before.
func pageDiff(ctx context.Context, s *archive.Store, url string, fromTo ...int) (diff.Report, error) {
	history, _, err := s.History(ctx, url)
	if err != nil {
		return diff.Report{}, err
	}
	latest := len(history)
	from, to := latest-1, latest
	switch len(fromTo) {
	case 1:
		from = fromTo[0]
	case 2:
		from, to = fromTo[0], fromTo[1]
	}
	if latest < 2 && len(fromTo) == 0 {
		return diff.Report{}, fmt.Errorf("%s has %d version(s): nothing to compare yet", url, latest)
	}
	old, err := s.Document(ctx, url, from)
	if err != nil {
		return diff.Report{}, err
	}
	cur, err := s.Document(ctx, url, to)
	if err != nil {
		return diff.Report{}, err
	}
	changes := diff.Compare(*old, *cur)
	if changes == nil {
		changes = []diff.Change{}
	}
	return diff.Report{URL: url, FromVersion: from, ToVersion: to, Changes: changes}, nil
}

// wantColor says whether text output may use colours: on a terminal, and
// when NO_COLOR (https://no-color.org) is not set.
func wantColor(w io.Writer) bool {
	return os.Getenv("NO_COLOR") == "" && isTerminal(w)
}

func runChanges(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("changes", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dir := archiveFlag(fs)
	since := fs.String("since", "", "only changes detected on or after this day (YYYY-MM-DD, UTC)")
	var sites stringList
	fs.Var(&sites, "site", "only this site (repeatable)")
	asJSON := fs.Bool("json", false, "print JSON")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: staffvoice changes [--archive DIR] [--since YYYY-MM-DD] [--site NAME]... [--json]")
		fmt.Fprintln(e.stderr, "\nLists every recorded change across the archive, newest first.")
		fs.PrintDefaults()
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fs.Usage()
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, rest)
	}
	if *since != "" {
		if _, err := time.Parse(time.DateOnly, *since); err != nil {
			return fmt.Errorf("%w: --since wants a day, YYYY-MM-DD: %q", errUsage, *since)
		}
	}
	s, err := archive.OpenReadOnly(ctx, *dir)
	if err != nil {
		return err
	}
	defer s.Close()
	changes, err := s.Changes(ctx, archive.ChangeFilter{Since: *since, Sites: sites})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(changes)
	}
	return printChanges(e.stdout, changes)
}

// printChanges prints one line per change, then its old and new text.
func printChanges(w io.Writer, changes []archive.RecordedChange) error {
	if len(changes) == 0 {
		_, err := fmt.Fprintln(w, "no changes recorded")
		return err
	}
	for _, c := range changes {
		where := c.Field
		if where == "" {
			where = c.Section
			if c.Question != "" {
				where += " / " + c.Question
			}
		}
		if _, err := fmt.Fprintf(w, "%s  %s  %s  v%d→v%d  %s  %s\n", c.DetectedAt[:10], siteLabel(c.Site), extract.Printable(c.URL),
			c.FromVersion, c.ToVersion, c.Kind, extract.Printable(where)); err != nil {
			return err
		}
	}
	return nil
}
