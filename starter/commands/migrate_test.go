package commands

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ehc-send/ehc/register/registertest"
)

// useDatabase points the CLI's environment at the register dbURL, as
// DATABASE_URL would.
func useDatabase(t *testing.T, dbURL string) *Env {
	t.Helper()
	env := stubDial(t)
	env.Getenv = func(k string) string {
		if k == "DATABASE_URL" {
			return dbURL
		}
		return ""
	}
	env.OpenRegister = OpenRegister // the register DATABASE_URL names
	return env
}

// migrationCount is how many migrations the register embeds: the schema
// version an up-to-date register is at.
func migrationCount(t *testing.T) int {
	t.Helper()
	files, err := filepath.Glob("../../register/migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations found under ../../register/migrations (%v)", err)
	}
	return len(files)
}

func TestMigrate(t *testing.T) {
	dbURL := registertest.URL(t)
	env := useDatabase(t, dbURL)
	c, err := pgx.ParseConfig(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("case register at %s:%d/%s is up to date (schema version %d)\n",
		c.Host, c.Port, c.Database, migrationCount(t))

	// Twice: the second run finds nothing to do and says the same.
	for i := range 2 {
		code, out, errOut := runCmd(env, "migrate")
		if code != ExitOK || out != want || errOut != "" {
			t.Fatalf("run %d: exit %d\nstdout: %q\nstderr: %q\nwant stdout %q", i+1, code, out, errOut, want)
		}
	}

	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for _, table := range []string{"cases", "case_people", "case_events", "advice_providers", "advice_requests", "notification_outbox"} {
		var n int
		if err := conn.QueryRow(context.Background(), "select count(*) from pg_tables where tablename = $1", table).Scan(&n); err != nil || n != 1 {
			t.Errorf("table %s: count %d, err %v", table, n, err)
		}
	}
}

// A register whose database does not exist yet is created, as on a fresh
// server.
func TestMigrateCreatesDatabase(t *testing.T) {
	base, err := url.Parse(registertest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(base.Path, "/") + "_new"
	fresh := *base
	fresh.Path = "/" + name
	t.Cleanup(func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, base.String())
		if err != nil {
			t.Errorf("dropping %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "drop database if exists "+pgx.Identifier{name}.Sanitize()+" with (force)"); err != nil {
			t.Errorf("dropping %s: %v", name, err)
		}
	})
	env := useDatabase(t, fresh.String())

	code, out, errOut := runCmd(env, "migrate")
	if code != ExitOK || !strings.HasSuffix(out, "/"+name+fmt.Sprintf(" is up to date (schema version %d)\n", migrationCount(t))) {
		t.Fatalf("exit %d\nstdout: %q\nstderr: %q", code, out, errOut)
	}
}

func TestMigrateFailures(t *testing.T) {
	// Nothing listens on port 1: the message names the server and the setting.
	env := useDatabase(t, "postgres://postgres:secret@127.0.0.1:1/ehc?sslmode=disable&connect_timeout=5")
	code, out, errOut := runCmd(env, "migrate")
	if code != ExitFailed || out != "" ||
		!strings.HasPrefix(errOut, "ehc migrate: cannot reach PostgreSQL at 127.0.0.1:1/ehc") ||
		!strings.Contains(errOut, "DATABASE_URL") || strings.Contains(errOut, "secret") {
		t.Errorf("unreachable server: exit %d\nstdout: %q\nstderr: %q", code, out, errOut)
	}

	wantUsage(t, env, []string{"migrate", "now"}, `unexpected argument "now"`)
}
