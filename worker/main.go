// Command ehc-worker runs the EHC needs-assessment workflows and their
// activities. It only wires things together: configuration from flags and
// the environment (see package config), a JSON logger, the case register
// (created and migrated at start), Prometheus metrics if asked for, a
// Temporal client and a worker on the assessments' task queue, until SIGINT
// or SIGTERM, which let running activities finish first.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/workflows"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "ehc-worker:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := config.FromCommandLine()
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.SlogLevel()}))
	for _, d := range cfg.Deprecated {
		logger.Warn("deprecated setting: " + d)
	}
	// Without a payload key nothing starts: children's data never reaches
	// Temporal in clear text.
	pc, err := cfg.PayloadCodec()
	if err != nil {
		return err
	}
	wopts, err := cfg.Tuning.WorkerOptions(letters.HeartbeatEvery)
	if err != nil {
		return err
	}
	cfg.Tuning.ApplyProcess()
	// The metrics port is taken first: a clash stops start-up before any
	// migration or connection.
	metrics, err := serveMetrics(cfg.Tuning.MetricsAddr, logger)
	if err != nil {
		return err
	}
	defer metrics.Stop()

	// The case register: its database is created if missing and migrated
	// before any activity can write to it. A signal during start-up (a
	// migration waiting for another worker's lock) stops the wait.
	dbURL := config.RedactURL(cfg.DatabaseURL)
	startCtx, stopStart := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	store, err := register.Open(startCtx, cfg.DatabaseURL, register.WithSealer(pc)) // letters sealed with the payload keys
	stopStart()
	if err != nil {
		return fmt.Errorf("opening the case register (DATABASE_URL or -database-url %s): %w", dbURL, err)
	}
	defer store.Close()
	logger.Info("case register open and migrated", "database_url", dbURL)

	transport, err := outbox(cfg.Mail, cfg.Demo.Enabled, store, logger)
	if err != nil {
		return err
	}
	transport.Health = metrics.Mail // a refused key shows on /metrics and /healthz
	defer startRelay(transport)()   // sends what ehc outbox resend asks for
	links, err := feedbackLinks(cfg.Mail)
	if err != nil {
		return err
	}
	stopWebhook, err := serveWebhook(cfg.Mail, transport, links, store, logger)
	if err != nil {
		return err
	}
	defer stopWebhook()

	opts, err := cfg.ClientOptions(logger)
	if err != nil {
		return err
	}
	opts.MetricsHandler = metrics.Handler
	c, err := client.Dial(opts)
	if err != nil {
		return fmt.Errorf("connecting to Temporal at %s (namespace %s): %w", cfg.TemporalAddress, cfg.Namespace, err)
	}
	defer c.Close()

	w := worker.New(c, cfg.TaskQueue, wopts)
	workflows.Register(w)
	w.RegisterActivity(&activities.Activities{Transport: transport, Register: store, Logger: logger, Feedback: links})

	logger.Info("ehc-worker starting", "config", cfg)
	if err := w.Run(worker.InterruptCh()); err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	logger.Info("ehc-worker stopped")
	return nil
}
