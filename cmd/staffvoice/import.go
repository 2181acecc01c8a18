package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/staffvoice/staffvoice/archive"
)

func runImport(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dir := archiveFlag(fs)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: staffvoice import [--archive DIR] FILE.warc[.gz]...")
		fs.PrintDefaults()
	}
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		fs.Usage()
		return fmt.Errorf("%w: name at least one WARC file", errUsage)
	}
	s, err := archive.Open(ctx, *dir, archive.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	malformed := 0
	for _, f := range files {
		st, err := s.Import(ctx, f)
		for _, p := range st.Malformed {
			fmt.Fprintf(e.stderr, "malformed record skipped: %s\n", p)
		}
		malformed += len(st.Malformed)
		fmt.Fprintf(e.stdout, "%s: %d records, %d captures added, %d new versions, %d already imported, %d not responses, %d malformed\n",
			f, st.Records, st.Captures, st.Versions, st.Duplicate, st.Ignored, len(st.Malformed))
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
	}
	if err := s.Close(); err != nil {
		return err
	}
	if malformed > 0 {
		return fmt.Errorf("%d malformed records skipped; the rest was imported", malformed)
	}
	return nil
}
