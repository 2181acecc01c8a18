// Command staffvoice archives the staff-voice (職員の声) interview pages of
// Japanese municipalities, extracts their structure and reports changes.
//
// main only wires subcommands to their run functions and maps errors to
// exit codes; each subcommand lives in its own file.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/staffvoice/staffvoice/archive"
	"github.com/staffvoice/staffvoice/config"
)

// Exit codes, documented in the README.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
	exitLocked  = 3 // another process writes to the archive
)

// errUsage marks errors caused by how the command was called.
var errUsage = errors.New("usage")

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what a subcommand may touch of the outside world.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

var commands = []command{
	{"demo", "crawl a bundled site twice, offline, and show what changed", runDemo},
	{"crawl", "crawl the configured sites, or archive the URLs given", runCrawl},
	{"run", "crawl each site on its schedule until SIGTERM; serve metrics", runRun},
	{"schedule", "list each site's schedule and its next three run times", runSchedule},
	{"extract", "print the structured content of one saved page", runExtract},
	{"import", "add the HTTP responses of WARC files made by other tools", runImport},
	{"history", "list the versions and captures of a page", runHistory},
	{"diff", "show what changed between two versions of a page", runDiff},
	{"changes", "list every recorded change, newest first", runChanges},
	{"export", "write the catalog as Parquet and JSON Lines tables", runExport},
	{"show", "print a stored version of a page", runShow},
	{"reextract", "rebuild every version with the current extractor", runReextract},
	{"verify", "check every catalog reference against the WARC files", runVerify},
	{"upgrade", "bring an archive made by an older staffvoice up to date", runUpgrade},
}

func main() {
	os.Exit(run(os.Args[1:], &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}))
}

func run(args []string, e *env) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, flag.ErrHelp):
			return exitOK
		case errors.Is(err, errUsage):
			fmt.Fprintf(e.stderr, "staffvoice %s: %v\n", c.name, err)
			return exitUsage
		case errors.As(err, new(*config.Error)):
			fmt.Fprintf(e.stderr, "staffvoice %s: bad configuration:\n%v\n", c.name, err)
			return exitUsage
		case errors.Is(err, archive.ErrLocked):
			fmt.Fprintf(e.stderr, "staffvoice %s: %v\n", c.name, err)
			return exitLocked
		default:
			fmt.Fprintf(e.stderr, "staffvoice %s: %v\n", c.name, err)
			return exitFailure
		}
	}
	fmt.Fprintf(e.stderr, "staffvoice: unknown command %q\n\n", args[0])
	usage(e.stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: staffvoice <command> [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'staffvoice <command> -h' for a command's flags.")
}

// parseFlags parses flags that may come before, between or after the
// positional arguments (staffvoice extract page.html --format text).
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// archiveFlag adds the --archive flag every archive command takes.
func archiveFlag(fs *flag.FlagSet) *string {
	return fs.String("archive", "archive", "the archive directory")
}
