package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/testsuite"

	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/email/sendgridtest"
	"github.com/ehc-send/ehc/worker/internal/stack"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// runStack is one run's stack, on free ports, started fresh for each run
// so no run inherits another's open cases: a Temporal dev server, a fresh
// PostgreSQL database, a fake SendGrid, the real worker (bin/ehc-worker
// built into the run's directory) and the no-op's worker (this binary).
type runStack struct {
	dir       string
	srv       *testsuite.DevServer
	serverPID int
	pgBase    string
	dbName    string
	dbURL     string
	sg        *sendgridtest.Server
	env       []string // the workers' and the CLI's
	worker    *exec.Cmd
	noop      *exec.Cmd
	c         client.Client
	db        *pgx.Conn
	real      kind
	nop       kind
	closers   []func()
}

const apiKey = "SG.bench-fake-key"

// startStack starts run n's stack; close it with close, even on error.
func startStack(ctx context.Context, o options, dir string, n int) (s *runStack, err error) {
	s = &runStack{dir: dir, pgBase: o.pgBase,
		real: kind{name: "assessment", workflow: assessment.AssessmentWorkflowName, queue: "ehc-bench"},
		nop:  kind{name: "no-op", workflow: noopWorkflowName, queue: "ehc-bench-noop"}}
	tlog, err := os.Create(filepath.Join(dir, fmt.Sprintf("temporal-%d.log", n)))
	if err != nil {
		return s, err
	}
	s.closers = append(s.closers, func() { tlog.Close() })
	if s.srv, err = stack.StartTemporal(ctx, o.cli, tlog); err != nil {
		return s, fmt.Errorf("starting the Temporal dev server: %w (log %s)", err, tlog.Name())
	}
	s.closers = append(s.closers, func() { _ = s.srv.Stop() })
	if s.serverPID, err = stack.ChildPID(o.cli); err != nil {
		return s, err
	}
	if s.dbName, s.dbURL, err = stack.CreateDatabase(ctx, o.pgBase, "ehc_bench"); err != nil {
		return s, err
	}
	s.closers = append(s.closers, func() {
		if err := stack.DropDatabase(context.Background(), o.pgBase, s.dbName); err != nil {
			logf("dropping database %s: %v", s.dbName, err)
		}
	})
	if s.sg, err = sendgridtest.Start(apiKey); err != nil {
		return s, err
	}
	s.closers = append(s.closers, s.sg.Close)
	keyLine, _, err := stack.NewPayloadKey("bench")
	if err != nil {
		return s, err
	}
	// As make run configures the worker, but with mail to the fake
	// SendGrid and logs at warn (10,000 cases' info lines would cost the
	// worker more than the cases).
	s.env = []string{"TEMPORAL_ADDRESS=" + s.srv.FrontendHostPort(), "EHC_CODEC_KEYS=" + keyLine, "DATABASE_URL=" + s.dbURL,
		"SENDGRID_API_KEY=" + apiKey, "EHC_SENDGRID_BASE_URL=" + s.sg.URL,
		"EHC_MAIL_FROM=SEND team <send-team@la.example.gov.uk>", "EHC_LOG_LEVEL=warn"}
	s.env = append(s.env, o.workerEnv...)
	workerBin := filepath.Join(dir, "ehc-worker")
	if o.workerBin != "" {
		workerBin = o.workerBin
	}

	if s.worker, err = s.startWorker(workerBin, nil, s.real.queue, fmt.Sprintf("worker-%d.log", n)); err != nil {
		return s, err
	}
	self, err := os.Executable()
	if err != nil {
		return s, err
	}
	if s.noop, err = s.startWorker(self, []string{noopWorkerFlag}, s.nop.queue, fmt.Sprintf("noop-worker-%d.log", n)); err != nil {
		return s, err
	}

	cfg, err := config.Load(flag.NewFlagSet("bench", flag.ContinueOnError), nil, s.getenv(s.real.queue))
	if err != nil {
		return s, err
	}
	opts, err := cfg.ClientOptions(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
	if err != nil {
		return s, err
	}
	if s.c, err = client.Dial(opts); err != nil {
		return s, err
	}
	s.closers = append(s.closers, s.c.Close)
	if s.db, err = pgx.Connect(ctx, s.dbURL); err != nil {
		return s, err
	}
	s.closers = append(s.closers, func() { s.db.Close(context.Background()) })
	logf("run %d: Temporal %s (pid %d), database %s, fake SendGrid %s, worker pid %d, no-op worker pid %d",
		n, s.srv.FrontendHostPort(), s.serverPID, s.dbName, s.sg.URL, s.worker.Process.Pid, s.noop.Process.Pid)
	return s, s.warmUp(ctx, o)
}

// getenv reads the stack's settings for a worker on queue, as config.Load
// reads a process's environment.
func (s *runStack) getenv(queue string) func(string) string {
	return func(k string) string {
		if k == "EHC_TASK_QUEUE" {
			return queue
		}
		for _, kv := range s.env {
			if key, v, _ := strings.Cut(kv, "="); key == k {
				return v
			}
		}
		return ""
	}
}

// cliEnv is the caseworker CLI's environment.
func (s *runStack) cliEnv() []string {
	return stack.Env(append(s.env, "EHC_TASK_QUEUE="+s.real.queue)...)
}

func (s *runStack) startWorker(bin string, args []string, queue, logName string) (*exec.Cmd, error) {
	log, err := os.Create(filepath.Join(s.dir, logName))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = stack.Env(append(s.env, "EHC_TASK_QUEUE="+queue)...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	s.closers = append(s.closers, func() {
		// SIGTERM lets it finish its activities; a worker still busy
		// after 20 s is killed, the run being over.
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		log.Close()
	})
	return cmd, nil
}

// warmUp takes one case of each kind through its first step, so both
// workers are polling (and the register migrated) before anything is
// timed.
func (s *runStack) warmUp(ctx context.Context, o options) error {
	for _, k := range []kind{s.real, s.nop} {
		ref := "BW-" + strings.ToUpper(k.name[:2])
		in := input(ref)
		if err := start(ctx, s.c, k, in, o.stepTimeout, defaultPriority); err != nil {
			return fmt.Errorf("warm-up start on %s: %w", k.queue, err)
		}
		if _, err := step(ctx, s.c, ref, plan[0], in.Received, 2*time.Minute); err != nil {
			return fmt.Errorf("warm-up of the %s worker: %w (logs in %s)", k.name, err, s.dir)
		}
	}
	return nil
}

// close stops everything, last started first.
func (s *runStack) close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
}

var errNoPID = errors.New("no process")

// peak is a process's peak resident memory in bytes, NaN-free: an error
// when it cannot be read.
func peak(pid int) (float64, error) {
	if pid <= 0 {
		return 0, errNoPID
	}
	b, err := stack.PeakMemory(pid)
	return float64(b), err
}
