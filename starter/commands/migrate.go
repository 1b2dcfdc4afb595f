package commands

import (
	"context"
	"errors"
	"fmt"

	"github.com/ehc-send/ehc/codec"
	"github.com/ehc-send/ehc/register"
)

// cmdMigrate creates the case register's database if it is missing and
// applies the migrations it has not had yet (the worker does the same at
// start), then says which schema version it is at. With the payload keys
// (EHC_CODEC_KEYS or EHC_CODEC_KEYS_FILE) it also seals notifications
// written before the register sealed them; without, it says how many wait
// for the worker, which seals them at start (it cannot start without keys).
func cmdMigrate(ctx context.Context, e *Env, args []string) error {
	stdout, stderr := e.Stdout, e.Stderr
	fs := newFlagSet("migrate")
	cfg, err := e.parseOnly(fs, "migrate", args)
	if err != nil {
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

	if len(cfg.Codec.Keys) > 0 {
		pc, err := codec.New(cfg.Codec.Keys)
		if err != nil {
			return err
		}
		s.Sealer = pc
	}
	n, err := s.SealLegacyOutbox(ctx)
	switch {
	case errors.Is(err, register.ErrNoSealer):
		fmt.Fprintf(stderr, "ehc migrate: %v; the worker seals them when it starts, or run ehc migrate again with the keys\n", err)
	case err != nil:
		return err
	case n > 0:
		fmt.Fprintf(stdout, "sealed %d notifications written before schema version 7: their recipients, subject and text are now encrypted\n", n)
	}
	return nil
}
