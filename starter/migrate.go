package main

import (
	"context"
	"fmt"
	"io"

	"github.com/ehc-send/ehc/register"
)

// cmdMigrate creates the case register's database if it is missing and
// applies the migrations it has not had yet (the worker does the same at
// start), then says which schema version it is at.
func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate")
	cfg, err := parseConfig(fs, "migrate", args, stderr)
	if err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	s, err := register.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("%w (the register is set by DATABASE_URL or --database-url)", err)
	}
	defer s.Close()
	var version int
	if err := s.Pool.QueryRow(ctx, "select version from ehc_schema_version").Scan(&version); err != nil {
		return fmt.Errorf("reading the register's schema version: %w", err)
	}
	c := s.Pool.Config().ConnConfig
	fmt.Fprintf(stdout, "case register at %s:%d/%s is up to date (schema version %d)\n", c.Host, c.Port, c.Database, version)
	return nil
}
