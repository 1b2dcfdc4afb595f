// Package dev is the local stack make run starts (ehc dev): the codec
// server, a Temporal dev server keeping its state in .data/ (so cases
// survive a restart) and the EHC worker in the background, and in the
// foreground `ehc demo`, which starts the fictional demo cases DEMO-1..4 on
// a compressed statutory clock (EHC_DEMO_WEEK_SECONDS seconds a week,
// default 10) and drives them, printing what happens. Every process of it
// runs in demonstration mode (EHC_DEMO=true).
//
// When the demo has run its course the stack keeps running. If the worker,
// the dev server or the codec server stops, everything stops. Ctrl-C stops
// the demo driver, the worker, the dev server, then the codec server; running
// it again carries on where it was.
//
// Payloads are encrypted with the keys in .data/codec-keys, made on the
// first run (bin/ehc finds that file by itself when run from the checkout).
// The codec server lets the dev server's UI show them decrypted; the UI
// cannot send an Authorization header, so it is given the codec server's
// token (.data/codec-token, also made on the first run) in the path of its
// codec endpoint: http://127.0.0.1:8234/TOKEN.
package dev

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ehc-send/ehc/config"
)

// ip is where every part of the stack listens: this machine only.
const ip = "127.0.0.1"

// How long each part may take to stop after SIGTERM before it is killed.
// The worker lets the activities it is running finish for up to 30 seconds
// (config's stopTimeout) before it cancels them.
const (
	demoGrace   = 10 * time.Second
	workerGrace = 40 * time.Second
	serverGrace = 15 * time.Second
	codecGrace  = 10 * time.Second
)

// Options is how the stack runs; Flags gives make run's fixed defaults.
type Options struct {
	Data        string   // the stack's state, secrets and logs
	Bin         string   // the directory holding ehc, ehc-worker and ehc-codec
	TemporalCLI string   // the pinned Temporal CLI
	Port        int      // the dev server's gRPC port
	UIPort      int      // the dev server's UI
	CodecPort   int      // the codec server's
	WorkerArgs  []string // passed to the worker, e.g. -log-level debug

	Stdout io.Writer // the demo driver's story
	Stderr io.Writer // what the stack says, and the demo driver's errors

	started func(name string, pid int) // tests: each child as it starts
}

// Flags defines ehc dev's flags on fs and returns the Options they fill.
func Flags(fs *flag.FlagSet) *Options {
	o := &Options{}
	cli := os.Getenv("EHC_TEMPORAL_CLI")
	if cli == "" {
		cli = filepath.Join("bin", "temporal")
	}
	fs.StringVar(&o.Data, "data", filepath.Dir(config.LocalKeysFile), "`directory` of the stack's state (temporal.db), payload key, codec token and logs")
	fs.StringVar(&o.Bin, "bin", "bin", "`directory` holding ehc, ehc-worker and ehc-codec (make build makes them)")
	fs.StringVar(&o.TemporalCLI, "temporal-cli", cli, "the pinned Temporal CLI (`path`; default $EHC_TEMPORAL_CLI, else bin/temporal)")
	fs.IntVar(&o.Port, "port", 7233, "the Temporal dev server's gRPC `port` on "+ip)
	fs.IntVar(&o.UIPort, "ui-port", 8233, "the Temporal UI's `port`")
	fs.IntVar(&o.CodecPort, "codec-port", 8234, "the codec server's `port`")
	return o
}

// stack is one run of the local stack.
type stack struct {
	Options
	keys, token                    string // secret files, made on the first run
	serverLog, workerLog, codecLog string
	procs                          []*proc // every child started, in order
}

// Run runs the stack until ctx ends (Ctrl-C) or a part of it stops, then
// stops every part still running, last started first. It returns nil when
// ctx ended and everything stopped cleanly.
func Run(ctx context.Context, o Options) (err error) {
	for _, p := range []struct {
		name string
		port int
	}{{"--port", o.Port}, {"--ui-port", o.UIPort}, {"--codec-port", o.CodecPort}} {
		if p.port < 1 || p.port > 65535 {
			return fmt.Errorf("%s %d is not a port", p.name, p.port)
		}
	}
	if o.Stdout == nil {
		o.Stdout = io.Discard
	}
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
	s := &stack{Options: o,
		keys:      filepath.Join(o.Data, filepath.Base(config.LocalKeysFile)),
		token:     filepath.Join(o.Data, "codec-token"),
		serverLog: filepath.Join(o.Data, "temporal.log"),
		workerLog: filepath.Join(o.Data, "worker.log"),
		codecLog:  filepath.Join(o.Data, "codec.log"),
	}
	defer func() {
		// Last started first: the demo driver, the worker, the dev server,
		// then the codec server.
		for i := len(s.procs) - 1; i >= 0; i-- {
			err = errors.Join(err, s.procs[i].stop(s.say))
		}
	}()
	err = s.run(ctx)
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return nil // interrupted while starting: not a failure
	}
	return err
}

func (s *stack) say(format string, args ...any) {
	fmt.Fprintf(s.Stderr, "ehc dev: "+format+"\n", args...)
}

func (s *stack) address() string   { return ip + ":" + strconv.Itoa(s.Port) }
func (s *stack) uiURL() string     { return "http://" + ip + ":" + strconv.Itoa(s.UIPort) }
func (s *stack) codecAddr() string { return ip + ":" + strconv.Itoa(s.CodecPort) }

func (s *stack) run(ctx context.Context) error {
	worker, codecBin, ehc := filepath.Join(s.Bin, "ehc-worker"), filepath.Join(s.Bin, "ehc-codec"), filepath.Join(s.Bin, "ehc")
	for _, bin := range []string{s.TemporalCLI, worker, codecBin, ehc} {
		if fi, err := os.Stat(bin); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return fmt.Errorf("%s is missing; use 'make run'", bin)
		}
	}
	if err := os.MkdirAll(s.Data, 0o700); err != nil {
		return err
	}
	token, err := ensureSecrets(s.keys, s.token, s.say)
	if err != nil {
		return err
	}

	// The codec server starts first: if its port is taken, nothing else
	// starts.
	codec, err := s.startCodec(ctx, codecBin, token)
	if err != nil {
		return err
	}
	server, err := s.startTemporal(ctx, token)
	if err != nil {
		return err
	}

	s.say("starting the worker (log %s)", s.workerLog)
	w, err := s.start("the worker", workerGrace, s.workerLog, true, append(s.localEnv(), feedbackEnv(token)...), worker, s.WorkerArgs...)
	if err != nil {
		return err
	}
	if server != nil {
		s.say("starting the demo; Ctrl-C stops it, the worker, the dev server and the codec server")
	} else {
		s.say("starting the demo; Ctrl-C stops it, the worker and the codec server")
	}
	demo, err := s.start("the demo driver", demoGrace, "", false, dropEnv(s.localEnv(), "SENDGRID_API_KEY"),
		ehc, "demo", "--ui", s.uiURL(), "--worker-log", s.workerLog)
	if err != nil {
		return err
	}
	return s.supervise(ctx, demo, w, server, codec)
}

// supervise waits for Ctrl-C, or for a part of the stack to stop. The demo
// driver tells its story in the foreground; when it has finished, the stack
// runs on. Any other part stopping stops it all.
func (s *stack) supervise(ctx context.Context, demo, worker, server, codec *proc) error {
	demoDone, serverDone := demo.done, (<-chan struct{})(nil)
	if server != nil { // nil: a server already running, not ours to watch
		serverDone = server.done
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-demoDone:
			demoDone = nil
			if ctx.Err() != nil {
				return nil
			}
			if demo.err != nil {
				s.say("the demo driver stopped (%v); the stack runs on", demo.err)
			}
			s.say("the stack runs on: UI %s, worker log %s; Ctrl-C stops it", s.uiURL(), s.workerLog)
		case <-worker.done:
			return s.died(ctx, worker)
		case <-serverDone:
			return s.died(ctx, server)
		case <-codec.done:
			return s.died(ctx, codec)
		}
	}
}

// died says plainly that p stopped, with the end of its log.
func (s *stack) died(ctx context.Context, p *proc) error {
	if ctx.Err() != nil {
		return nil // Ctrl-C reached it too (children have a process group of their own on Linux only)
	}
	how := "exit status 0"
	if p.err != nil {
		how = p.err.Error()
	}
	s.say("%s stopped (%s); stopping the rest. The end of %s:", p.name, how, p.log)
	tail(s.Stderr, p.log, p.tailLines)
	return fmt.Errorf("%s stopped (%s); its log is %s", p.name, how, p.log)
}

// The environment of the stack's processes: demonstration mode, and the
// local key file whatever the shell's environment says; the codec token
// goes to the codec server only.
func (s *stack) baseEnv() []string {
	env := dropEnv(os.Environ(), "EHC_CODEC_KEYS", "EHC_CODEC_KEYS_FILE", "EHC_CODEC_TOKEN", "EHC_CODEC_ADDR", "EHC_CODEC_UI_ORIGINS", "EHC_DEMO")
	return append(env, "EHC_DEMO=true", "EHC_CODEC_KEYS_FILE="+s.keys)
}

// feedbackEnv has the demo's family letters ask the family-voice question,
// answered at the worker's own address, with links signed by a key drawn
// from the stack's secret token (so a restart keeps older links working).
// A shell that sets its own feedback URL keeps it.
func feedbackEnv(token string) []string {
	if os.Getenv("EHC_FEEDBACK_URL") != "" {
		return nil
	}
	addr := cmp.Or(os.Getenv("EHC_WEBHOOK_ADDR"), "127.0.0.1:8089")
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("ehc local feedback links"))
	return []string{"EHC_FEEDBACK_URL=http://" + addr, "EHC_FEEDBACK_KEY=" + base64.StdEncoding.EncodeToString(m.Sum(nil))}
}

// localEnv is the worker's and the demo driver's: they talk to this server
// whatever the shell's environment or the user's Temporal configuration
// file says (every TEMPORAL_* variable dropped; a configuration file that
// does not exist, so none is read).
func (s *stack) localEnv() []string {
	var env []string
	for _, kv := range s.baseEnv() {
		if !strings.HasPrefix(kv, "TEMPORAL_") {
			env = append(env, kv)
		}
	}
	return append(env, "TEMPORAL_ADDRESS="+s.address(), "TEMPORAL_NAMESPACE="+namespace,
		"TEMPORAL_CONFIG_FILE="+filepath.Join(s.Data, "no-temporal-config.toml"))
}
