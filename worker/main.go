// Command ehc-worker runs the EHC needs-assessment workflows and their
// activities. It only wires things together: configuration from flags and
// the environment (see package config), a JSON logger, a Temporal client
// and a worker on the assessments' task queue, until SIGINT or SIGTERM.
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/workflows"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "ehc-worker:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := config.Load(flag.CommandLine, os.Args[1:], os.Getenv)
	if err != nil {
		return err
	}
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q: the worker takes only flags (-h lists them)", flag.Args())
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.SlogLevel()}))

	opts, err := cfg.ClientOptions(logger)
	if err != nil {
		return err
	}
	c, err := client.Dial(opts)
	if err != nil {
		return fmt.Errorf("connecting to Temporal at %s (namespace %s): %w", cfg.TemporalAddress, cfg.Namespace, err)
	}
	defer c.Close()

	w := worker.New(c, cfg.TaskQueue, worker.Options{})
	register(w, logger)

	logger.Info("ehc-worker starting", "config", cfg)
	if err := w.Run(worker.InterruptCh()); err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	logger.Info("ehc-worker stopped")
	return nil
}

// register puts every workflow and activity on the worker. The workflows
// go under the names the CLI starts them by (workflows.Register, which the
// integration and replay tests use too); the activities send notifications
// to the log until a mail transport is wired.
func register(w worker.Registry, logger *slog.Logger) {
	workflows.Register(w)
	w.RegisterActivity(&activities.Activities{Transport: &activities.LogTransport{Logger: logger}, Logger: logger})
}
