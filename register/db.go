// Package register is the case register in PostgreSQL: the projection of
// every case, the append-only audit of statutory events, advice requests,
// the advice-provider directory, the notification outbox and the figures
// managers report. Temporal runs cases; this is what outlives them. The
// records it keeps are spelt in caserecord, which the workflows share.
package register

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/tern/v2/migrate"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the register, over a connection pool.
type Store struct {
	Pool *pgxpool.Pool
	// Sealer seals and opens the personal data notifications carry (see
	// WithSealer); nil: none is written, and none is read.
	Sealer Sealer
}

// Open connects to url, creating its database if it is missing, and
// applies any migrations not yet applied: for the worker, ehc migrate and
// tests, which own the schema. Given a Sealer, it then seals what rows from
// before sealing still hold in clear (SealLegacyOutbox).
func Open(ctx context.Context, url string, opts ...Option) (*Store, error) {
	cfg, err := parse(url)
	if err != nil {
		return nil, err
	}
	if err := ensureDatabase(ctx, cfg.ConnConfig); err != nil {
		return nil, err
	}
	s, err := connect(ctx, cfg)
	if err != nil {
		return nil, err
	}
	for _, o := range opts {
		o(s)
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if s.Sealer != nil {
		if _, err := s.SealLegacyOutbox(ctx); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// Connect connects to an existing, migrated register: for the CLI, which
// reads and writes rows but does not own the schema.
func Connect(ctx context.Context, url string, opts ...Option) (*Store, error) {
	cfg, err := parse(url)
	if err != nil {
		return nil, err
	}
	s, err := connect(ctx, cfg)
	if err != nil {
		return nil, err
	}
	var n int
	err = s.Pool.QueryRow(ctx, "select count(*) from pg_tables where tablename = 'ehc_schema_version'").Scan(&n)
	if err == nil && n == 0 {
		err = fmt.Errorf("the case register at %s has no tables yet: run 'ehc migrate' (or start the worker)", where(cfg.ConnConfig))
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

func parse(url string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL is malformed: %w", err) // pgx redacts any password
	}
	return cfg, nil
}

func connect(ctx context.Context, cfg *pgxpool.Config) (*Store, error) {
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("cannot reach PostgreSQL at %s: %w", where(cfg.ConnConfig), err)
	}
	return &Store{Pool: pool}, nil
}

// Close releases the pool.
func (s *Store) Close() { s.Pool.Close() }

// where names the server without the password, for messages.
func where(c *pgx.ConnConfig) string { return fmt.Sprintf("%s:%d/%s", c.Host, c.Port, c.Database) }

// ensureDatabase creates the configured database through the server's
// maintenance database when connecting says it does not exist.
func ensureDatabase(ctx context.Context, c *pgx.ConnConfig) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, c)
	if err == nil {
		return conn.Close(ctx)
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "3D000" { // invalid_catalog_name
		return fmt.Errorf("cannot reach PostgreSQL at %s: %w", where(c), err)
	}
	admin := c.Copy()
	admin.Database = "postgres"
	aconn, err := pgx.ConnectConfig(ctx, admin)
	if err != nil {
		return fmt.Errorf("database %s is missing and cannot be created: %w", where(c), err)
	}
	defer aconn.Close(ctx)
	_, err = aconn.Exec(ctx, "create database "+pgx.Identifier{c.Database}.Sanitize())
	if err != nil && !isDuplicateDatabase(err) {
		return fmt.Errorf("creating database %s: %w", where(c), err)
	}
	return nil
}

func isDuplicateDatabase(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "42P04"
}

// Migrate applies the embedded migrations under tern's advisory lock, so
// workers starting together apply each once.
func (s *Store) Migrate(ctx context.Context) error {
	conn, err := s.Pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("cannot reach PostgreSQL at %s: %w", where(s.Pool.Config().ConnConfig), err)
	}
	defer conn.Release()
	m, err := migrate.NewMigrator(ctx, conn.Conn(), "ehc_schema_version")
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	if err := m.LoadMigrations(sub); err != nil {
		return fmt.Errorf("loading migrations: %w", err)
	}
	if err := m.Migrate(ctx); err != nil {
		return fmt.Errorf("migrating %s: %w", where(s.Pool.Config().ConnConfig), err)
	}
	return nil
}
