// Package registertest gives each test its own fresh register database on
// the real PostgreSQL server, dropped when the test ends.
package registertest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/register"
)

var counter atomic.Int64

// BaseURL is the server tests use: EHC_TEST_DATABASE_URL, or the local
// stack's default. A test that cannot reach it fails.
func BaseURL() string {
	if u := os.Getenv("EHC_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return config.DefaultDatabaseURL
}

// URL creates an empty database for t and returns its URL; the database is
// dropped when t ends.
func URL(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(BaseURL())
	if err != nil {
		t.Fatalf("EHC_TEST_DATABASE_URL: %v", err)
	}
	name := fmt.Sprintf("ehc_test_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6, counter.Add(1))
	admin := cfg.Copy()
	admin.Database = "postgres"
	conn, err := pgx.ConnectConfig(ctx, admin)
	if err != nil {
		t.Fatalf("PostgreSQL at %s:%d is not reachable (make test starts it): %v", cfg.Host, cfg.Port, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "create database "+name); err != nil {
		t.Fatalf("creating test database: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.ConnectConfig(ctx, admin)
		if err != nil {
			t.Errorf("dropping %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "drop database if exists "+name+" with (force)"); err != nil {
			t.Errorf("dropping %s: %v", name, err)
		}
	})
	u, err := url.Parse(BaseURL())
	if err != nil || u.Scheme == "" {
		t.Fatalf("EHC_TEST_DATABASE_URL must be a postgres:// URL: %q", BaseURL())
	}
	u.Path = "/" + name
	return u.String()
}

// Store opens a fresh, migrated register for t, sealing with Sealer.
func Store(t testing.TB) *register.Store {
	t.Helper()
	s, err := register.Open(context.Background(), URL(t), register.WithSealer(Sealer()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}
