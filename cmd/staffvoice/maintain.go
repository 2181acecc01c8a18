package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/staffvoice/staffvoice/archive"
)

func runReextract(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("reextract", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dir := archiveFlag(fs)
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) != 0 {
		return fmt.Errorf("%w: reextract takes no arguments", errUsage)
	}
	if err := mustBeArchive(*dir); err != nil {
		return err
	}
	s, err := archive.Open(ctx, *dir, archive.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	pages, changed, problems, err := s.Reextract(ctx)
	for _, p := range problems {
		fmt.Fprintln(e.stderr, p)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d pages re-extracted, %d with changed versions\n", pages, changed)
	if err := s.Close(); err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d pages could not be re-extracted", len(problems))
	}
	return nil
}

func runUpgrade(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("upgrade", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dir := archiveFlag(fs)
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) != 0 {
		return fmt.Errorf("%w: upgrade takes no arguments", errUsage)
	}
	if err := mustBeArchive(*dir); err != nil {
		return err
	}
	from, to, err := archive.Upgrade(ctx, *dir)
	if err != nil {
		return err
	}
	if from == to {
		fmt.Fprintf(e.stdout, "%s: the catalog is up to date (schema %d)\n", *dir, to)
	} else {
		fmt.Fprintf(e.stdout, "%s: the catalog was upgraded from schema %d to %d\n", *dir, from, to)
	}
	return nil
}

// mustBeArchive refuses to work on a directory that holds no archive
// (a typo in --archive would otherwise make a new, empty one).
func mustBeArchive(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "catalog.db")); err != nil {
		return fmt.Errorf("%s is not an archive (no catalog.db)", dir)
	}
	return nil
}

func runVerify(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dir := archiveFlag(fs)
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) != 0 {
		return fmt.Errorf("%w: verify takes no arguments", errUsage)
	}
	s, err := archive.OpenReadOnly(ctx, *dir)
	if err != nil {
		return err
	}
	defer s.Close()
	checked, problems, err := s.Verify(ctx)
	for _, p := range problems {
		fmt.Fprintln(e.stdout, p)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d captures checked, %d problems\n", checked, len(problems))
	if len(problems) > 0 {
		return fmt.Errorf("%d problems found", len(problems))
	}
	return nil
}
