// Package stack starts the pieces a load or fault run of the worker needs
// on this machine, each of its own and on free ports, and stops them: the
// pinned Temporal CLI's dev server with the EHC search attributes, a fresh
// PostgreSQL database, a payload key, and the binaries built from this
// checkout. make chaos and make bench share it.
package stack

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"github.com/ehc-send/ehc/codec"
	"github.com/ehc-send/ehc/workflows/search"
)

// StartTemporal starts the pinned CLI's dev server (in memory, on a free
// port) with the EHC search attributes, as the integration tests and make
// run register them. Its output goes to logTo.
func StartTemporal(ctx context.Context, cli string, logTo io.Writer) (*testsuite.DevServer, error) {
	if _, err := os.Stat(cli); err != nil {
		return nil, fmt.Errorf("the Temporal CLI is not at %s (%v): make chaos and make bench build it", cli, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	return testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath:     cli,
		ClientOptions:    &client.Options{Logger: QuietLogger()},
		LogLevel:         "error",
		ExtraArgs:        []string{"--dynamic-config-value", "matching.useNewMatcher=true"}, // task priority (assessment.BulkPriority)
		Stdout:           logTo,
		Stderr:           logTo,
		SearchAttributes: search.Declared(),
	})
}

// CreateDatabase makes an empty database <prefix>_<random> on the server
// base names and returns its name and URL; the worker migrates it when it
// starts.
func CreateDatabase(ctx context.Context, base, prefix string) (name, dbURL string, err error) {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name = prefix + "_" + hex.EncodeToString(b)
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", "", fmt.Errorf("PostgreSQL at %s: %w (is it running? make ensure-postgres)", Redact(base), err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "create database "+name); err != nil {
		return "", "", fmt.Errorf("creating database %s: %w", name, err)
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", "", err
	}
	u.Path = "/" + name
	return name, u.String(), nil
}

// DropDatabase drops the database name on the server base names, closing
// any connection still open to it.
func DropDatabase(ctx context.Context, base, name string) error {
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "drop database if exists "+name+" with (force)")
	return err
}

// Redact hides a password in a URL, or the whole string if it is not one.
func Redact(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return "[redacted]"
}

// Build compiles the worker (ehc-worker) and the caseworker CLI (ehc) into
// dir, so each runs as its own process, as in production.
func Build(ctx context.Context, dir string) error {
	for _, b := range []struct{ out, pkg string }{{"ehc-worker", "./worker"}, {"ehc", "./starter"}} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, b.out), b.pkg)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build %s: %v\n%s", b.pkg, err, out.String())
		}
	}
	return nil
}

// Env is this process's environment less every setting of ours (Temporal's,
// EHC's, SendGrid's and DATABASE_URL), so a developer's own settings never
// leak into the stack, plus extra.
func Env(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "TEMPORAL_") || strings.HasPrefix(k, "EHC_") || strings.HasPrefix(k, "SENDGRID_") || k == "DATABASE_URL" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// FreePort is a loopback host:port nothing listens on.
func FreePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// NewPayloadKey makes a fresh payload key named id, as the line
// EHC_CODEC_KEYS takes (id=base64), and its codec: payloads are encrypted
// as in production.
func NewPayloadKey(id string) (line string, c *codec.Codec, err error) {
	if line, err = codec.NewKeyLine(id); err != nil {
		return "", nil, err
	}
	c, err = payloadCodec(line, "the run's key")
	return line, c, err
}

// PayloadKeyFile reads a key file (one id=base64 a line, # comments) as
// the line EHC_CODEC_KEYS takes, and its codec.
func PayloadKeyFile(path string) (line string, c *codec.Codec, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	line = strings.Join(lines, ",")
	c, err = payloadCodec(line, path)
	return line, c, err
}

func payloadCodec(line, source string) (*codec.Codec, error) {
	keys, err := codec.ParseKeys(line, source)
	if err != nil {
		return nil, err
	}
	return codec.New(keys)
}

// QuietLogger is an SDK client's logger: errors only, on stderr.
func QuietLogger() log.Logger {
	return log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
}
