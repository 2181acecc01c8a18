package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/staffvoice/staffvoice/archive"
	"github.com/staffvoice/staffvoice/config"
	"github.com/staffvoice/staffvoice/internal/gctune"
	"github.com/staffvoice/staffvoice/notify"
	"github.com/staffvoice/staffvoice/schedules"
)

type runOptions struct {
	config     string
	listen     string
	staleAfter time.Duration
}

// runRun is staffvoice run: the daemon that crawls each site on its
// schedule until SIGINT or SIGTERM.
func runRun(ctx context.Context, e *env, args []string) error {
	gctune.Tune()
	var o runOptions
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&o.config, "config", "", "the configuration file (default "+config.DefaultFile+")")
	fs.StringVar(&o.listen, "listen", "", "serve /metrics and /healthz on this address, e.g. 127.0.0.1:9090")
	fs.DurationVar(&o.staleAfter, "stale-after", 0, "/healthz fails when a site's last successful run is older than this (default: two periods of its schedule, plus its jitter and lock_wait)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: staffvoice run [--config FILE] [--listen ADDR] [--stale-after DURATION]")
		fmt.Fprintln(e.stderr, "\nCrawls each configured site on its schedule until SIGINT or SIGTERM.")
		fs.PrintDefaults()
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, rest)
	}
	cfg, err := requireConfig(o.config)
	if err != nil {
		return err
	}
	if err := checkSecrets(cfg); err != nil {
		return err
	}

	log := daemonLogger(e.stderr)
	start := time.Now()
	var sites []string
	maxAge := map[string]time.Duration{}
	for _, s := range cfg.Sites {
		if s.Schedule == "" {
			continue
		}
		sites = append(sites, s.Name)
		maxAge[s.Name] = o.staleAfter
		if o.staleAfter == 0 {
			if maxAge[s.Name], err = schedules.MaxAge(s.Schedule, s.Jitter, cfg.LockWait, cfg.Location, start); err != nil {
				return err
			}
		}
	}
	if len(sites) == 0 {
		return fmt.Errorf("%w: no site in %s has a schedule", errUsage, cfg.Path)
	}
	metrics := schedules.NewMetrics(sites, start)
	runner := &schedules.CrawlRunner{Config: cfg, Logger: log, Notifier: notifier(cfg, log)}
	sched, err := schedules.New(cfg, runner, schedules.Options{Logger: log, Metrics: metrics})
	if err != nil {
		return err
	}

	if o.listen != "" {
		ln, err := net.Listen("tcp", o.listen)
		if err != nil {
			return fmt.Errorf("listen: %w", err)
		}
		srv := &http.Server{Handler: metrics.Handler(maxAge, nil), ReadHeaderTimeout: 10 * time.Second}
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()
		defer func() {
			shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			srv.Shutdown(shutdownCtx)
			if err := <-served; !errors.Is(err, http.ErrServerClosed) {
				log.Error("metrics server failed", "error", err.Error())
			}
		}()
		log.Info("serving /metrics and /healthz", "addr", ln.Addr().String())
	}

	log.Info("started", "config", cfg.Path, "archive", cfg.Archive, "timezone", cfg.Timezone, "sites", sites)
	if err := sched.Run(ctx); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

// notifyDeadline bounds one run's notifications, however many events
// and however slow the receivers.
const notifyDeadline = 5 * time.Minute

// checkSecrets makes sure every webhook_secret_env names a set variable:
// an unset one would send unsigned webhooks without a word.
func checkSecrets(cfg *config.Config) error {
	for _, s := range cfg.Sites {
		n := cfg.NotifyFor(s)
		if n.WebhookSecretEnv != "" && os.Getenv(n.WebhookSecretEnv) == "" {
			return fmt.Errorf("%w: site %s: webhook_secret_env names %s, which is not set", errUsage, s.Name, n.WebhookSecretEnv)
		}
	}
	return nil
}

// notifier tells people about the changes a run recorded: the site's
// webhook and command, then the archive's Atom feeds, rebuilt from every
// recorded change. A failure is logged and counted, never fatal.
func notifier(cfg *config.Config, log *slog.Logger) schedules.Notifier {
	municipalities := cfg.Municipalities()
	return schedules.NotifierFunc(func(ctx context.Context, site string, since time.Time) int {
		// The run's context ends when the daemon's grace is over; a slow
		// receiver is bounded further by an overall deadline.
		ctx, cancel := context.WithTimeout(ctx, notifyDeadline)
		defer cancel()
		store, err := archive.OpenReadOnly(ctx, cfg.Archive)
		if err != nil {
			log.Error("notify: open the archive", "site", site, "error", err.Error())
			return 1
		}
		defer store.Close()
		recent, err := store.Changes(ctx, archive.ChangeFilter{Since: since.UTC().Format(time.RFC3339Nano), Sites: []string{site}})
		if err != nil {
			log.Error("notify: read the changes", "site", site, "error", err.Error())
			return 1
		}
		failures := 0
		if len(recent) > 0 {
			s, _ := cfg.Site(site)
			n := &notify.Notifier{Logger: log}
			target := cfg.NotifyFor(s)
			if target.WebhookURL != "" {
				secret := target.WebhookSecret
				if target.WebhookSecretEnv != "" {
					secret = os.Getenv(target.WebhookSecretEnv)
				}
				n.Webhook = &notify.Webhook{URL: target.WebhookURL, Secret: secret, Retries: 3}
			}
			if len(target.Command) > 0 {
				n.Command = &notify.Command{Argv: target.Command}
			}
			failures += n.Notify(ctx, notify.Events(recent, municipalities))
		}
		all, err := store.Changes(ctx, archive.ChangeFilter{})
		if err == nil {
			err = notify.WriteFeeds(filepath.Join(cfg.Archive, "feeds"), notify.Events(all, municipalities), time.Now())
		}
		if err != nil {
			log.Error("notify: write the Atom feeds", "error", err.Error())
			failures++
		}
		return failures
	})
}

// daemonLogger logs as JSON for journald and log collectors, and as text
// on a terminal.
func daemonLogger(w io.Writer) *slog.Logger {
	if isTerminal(w) {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}
