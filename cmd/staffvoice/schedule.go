package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/staffvoice/staffvoice/config"
	"github.com/staffvoice/staffvoice/schedules"
)

// runSchedule is staffvoice schedule: each site's schedule and its next
// three run times.
func runSchedule(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("schedule", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	path := fs.String("config", "", "the configuration file (default "+config.DefaultFile+")")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: staffvoice schedule [--config FILE]")
		fmt.Fprintln(e.stderr, "\nLists each site's schedule and its next three run times.")
		fs.PrintDefaults()
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, rest)
	}
	cfg, err := requireConfig(*path)
	if err != nil {
		return err
	}
	return printSchedule(e.stdout, cfg, time.Now())
}

// printSchedule prints a row per site: its schedule, jitter and next three
// runs after now, in the configured time zone. A site without a schedule
// says so.
func printSchedule(w io.Writer, cfg *config.Config, now time.Time) error {
	runs, err := schedules.NextRuns(cfg, 3, now)
	if err != nil {
		return err
	}
	next := map[string][]time.Time{}
	for _, r := range runs {
		next[r.Site] = r.Next
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "site\tschedule\tjitter\tnext runs (%s)\n", cfg.Timezone)
	for _, s := range cfg.Sites {
		if s.Schedule == "" {
			fmt.Fprintf(tw, "%s\t-\t-\tnot scheduled: crawled only by staffvoice crawl\n", s.Name)
			continue
		}
		var times []string
		for _, t := range next[s.Name] {
			times = append(times, t.Format("2006-01-02 15:04 Mon"))
		}
		if len(times) == 0 {
			times = []string{"never"}
		}
		jitter := "-"
		if s.Jitter > 0 {
			jitter = "up to " + s.Jitter.String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, s.Schedule, jitter, strings.Join(times, ", "))
	}
	return tw.Flush()
}
