package dev

import (
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// Database is the server a PostgreSQL connection string names, as
// scripts/ensure-postgres.sh needs it to decide whether the server is the
// local one it may start.
type Database struct {
	Host     string // "" for this machine's socket, "?" for several hosts
	Port     uint16
	User     string
	Password string
}

// ParseDatabase reads a connection string (a postgres:// URL or libpq's
// keyword form, with PG* variables and libpq's defaults) as pgx does.
func ParseDatabase(conn string) (Database, error) {
	cfg, err := pgconn.ParseConfig(conn)
	if err != nil {
		return Database{}, fmt.Errorf("DATABASE_URL: %w", err)
	}
	d := Database{Host: cfg.Host, Port: cfg.Port, User: cfg.User, Password: cfg.Password}
	switch {
	case len(cfg.Fallbacks) > 0 && !sameServer(cfg):
		d.Host = "?"
	case strings.HasPrefix(d.Host, "/"): // a Unix socket's directory: this machine
		d.Host = ""
	}
	return d, nil
}

// sameServer reports whether every fallback pgx made is the first host
// again (it adds one per TLS mode under sslmode=prefer).
func sameServer(cfg *pgconn.Config) bool {
	for _, f := range cfg.Fallbacks {
		if f.Host != cfg.Host || f.Port != cfg.Port {
			return false
		}
	}
	return true
}

// Shell is d as bash assignments to url_host, url_port, url_user and
// url_password, each value single-quoted.
func (d Database) Shell() string {
	q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
	return fmt.Sprintf("url_host=%s url_port=%d url_user=%s url_password=%s\n", q(d.Host), d.Port, q(d.User), q(d.Password))
}
