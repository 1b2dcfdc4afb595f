package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/ehc-send/ehc/codec"
	"github.com/ehc-send/ehc/workflows"
)

// stack is what the run starts for itself and stops at the end.
type stack struct {
	dir       string // binaries and logs
	temporal  *testsuite.DevServer
	address   string // the dev server's frontend
	adminURL  string // the register database, direct (the tally reads it)
	workerURL string // the same database through the fault proxy
	dbName    string
	queue     string
	keyLine   string // the payload key, id=base64
	apiKey    string // the fake SendGrid's
	mailURL   string
}

// startTemporal starts the pinned CLI's dev server (in memory) with the EHC
// search attributes, as the integration tests and make run register them.
func startTemporal(ctx context.Context, cli string, log *os.File) (*testsuite.DevServer, error) {
	if _, err := os.Stat(cli); err != nil {
		return nil, fmt.Errorf("the Temporal CLI is not at %s (%v): run make chaos, which builds it", cli, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	return testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath:  cli,
		ClientOptions: &client.Options{Logger: quietLogger()},
		LogLevel:      "error",
		Stdout:        log,
		Stderr:        log,
		SearchAttributes: temporal.NewSearchAttributes(
			workflows.SearchCaseRef.ValueSet(""), workflows.SearchStage.ValueSet(""),
			workflows.SearchNextDeadline.ValueSet(time.Time{}), workflows.SearchOverdue.ValueSet(false),
			workflows.SearchCaseworker.ValueSet(""), workflows.SearchDeliveryProblem.ValueSet(false)),
	})
}

// createDatabase makes an empty database ehc_chaos_<random> on the server
// base names and returns its URL; the worker migrates it when it starts.
func createDatabase(ctx context.Context, base string) (name, dbURL string, err error) {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name = "ehc_chaos_" + hex.EncodeToString(b)
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", "", fmt.Errorf("PostgreSQL at %s: %w (is it running? make ensure-postgres)", redact(base), err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "create database "+name); err != nil {
		return "", "", fmt.Errorf("creating database %s: %w", name, err)
	}
	u, _ := url.Parse(base)
	u.Path = "/" + name
	return name, u.String(), nil
}

func dropDatabase(ctx context.Context, base, name string) error {
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "drop database if exists "+name+" with (force)")
	return err
}

// withHost is dbURL with its host and port replaced by hostPort.
func withHost(dbURL, hostPort string) string {
	u, _ := url.Parse(dbURL)
	u.Host = hostPort
	return u.String()
}

func redact(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return "[redacted]"
}

// build compiles the worker and the caseworker CLI into dir, so the worker
// runs as its own process (to be killed) and the CLI as caseworkers run it.
func build(ctx context.Context, dir string) error {
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

// env is the environment the stack's processes run with: this process's,
// less every setting of ours, plus the stack's own.
func (s *stack) env(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "TEMPORAL_") || strings.HasPrefix(k, "EHC_") || strings.HasPrefix(k, "SENDGRID_") || k == "DATABASE_URL" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "TEMPORAL_ADDRESS="+s.address, "EHC_TASK_QUEUE="+s.queue, "EHC_CODEC_KEYS="+s.keyLine)
	return append(env, extra...)
}

// workerEnv points the worker at the fault proxy and the fake SendGrid.
func (s *stack) workerEnv() []string {
	return s.env("DATABASE_URL="+s.workerURL, "SENDGRID_API_KEY="+s.apiKey, "EHC_SENDGRID_BASE_URL="+s.mailURL,
		"EHC_MAIL_FROM=SEND team <send-team@la.example.gov.uk>", "EHC_LOG_LEVEL=info")
}

// freePort is a loopback port nothing listens on.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// payloadKey makes the run's payload key, so payloads are encrypted as in
// production: a fresh key, or, when recording fixtures, the committed test
// key (the replay test decodes the encrypted fixture with it).
func (s *stack) payloadKey(testKey bool) (*codec.Codec, error) {
	if testKey {
		b, err := os.ReadFile(testKeyFile)
		if err != nil {
			return nil, fmt.Errorf("-record needs the test key %s: %w", testKeyFile, err)
		}
		var lines []string
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				lines = append(lines, l)
			}
		}
		s.keyLine = strings.Join(lines, ",")
	} else {
		var err error
		if s.keyLine, err = codec.NewKeyLine("chaos"); err != nil {
			return nil, err
		}
	}
	keys, err := codec.ParseKeys(s.keyLine, "the chaos run's key")
	if err != nil {
		return nil, err
	}
	return codec.New(keys)
}
