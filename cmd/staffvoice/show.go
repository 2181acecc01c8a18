package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strconv"

	"github.com/staffvoice/staffvoice/archive"
)

func runShow(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("show", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dir := archiveFlag(fs)
	asJSON := fs.Bool("json", false, "print the Document as JSON (the staffvoice extract shape)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: staffvoice show [--archive DIR] [--json] URL [VERSION]")
		fs.PrintDefaults()
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) < 1 || len(rest) > 2 {
		fs.Usage()
		return fmt.Errorf("%w: want a URL and, optionally, a version", errUsage)
	}
	version := 0
	if len(rest) == 2 {
		if version, err = strconv.Atoi(rest[1]); err != nil || version < 1 {
			return fmt.Errorf("%w: version %q is not a number from 1", errUsage, rest[1])
		}
	}
	s, err := archive.OpenReadOnly(ctx, *dir)
	if err != nil {
		return err
	}
	defer s.Close()
	doc, err := s.Document(ctx, rest[0], version)
	if err != nil {
		return err
	}
	if !*asJSON {
		return doc.WriteOutline(e.stdout)
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
