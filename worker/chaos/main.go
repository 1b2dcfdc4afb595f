// Command chaos is the fault test (make chaos): it starts a stack of its
// own on free ports (a Temporal dev server, a fresh PostgreSQL database
// behind a proxy it can make refuse, a fake SendGrid it can make misbehave,
// and the worker as a separate process), drives a few hundred cases on a
// compressed statutory clock as about twenty caseworkers would, kills the
// worker at random, refuses PostgreSQL for a while and makes SendGrid slow,
// refusing or hung, then waits for every case to settle and prints one
// table: whether anything a family is owed was lost or sent twice. It exits
// 1 when any figure is over its target.
//
// With -record DIR it also writes a history of every path into DIR (the
// replay test's fixtures; make chaos-histories).
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/email/sendgridtest"
	runstack "github.com/ehc-send/ehc/worker/internal/stack"
)

type options struct {
	seed        uint64
	cases       int
	caseworkers int
	week        int
	kills       int
	stagger     time.Duration
	settle      time.Duration
	keep        bool
	record      string
	cli         string
	pgBase      string
}

func main() {
	var o options
	flag.Uint64Var(&o.seed, "seed", uint64(time.Now().UnixNano()), "random `seed` for the paths' mix and the faults' moments (printed, to repeat a run)")
	flag.IntVar(&o.cases, "cases", 200, "`n` cases to drive")
	flag.IntVar(&o.caseworkers, "caseworkers", 20, "`n` caseworkers driving them at once")
	flag.IntVar(&o.week, "week-seconds", 8, "`seconds` one statutory week lasts on the cases' compressed clock")
	flag.IntVar(&o.kills, "kills", 6, "`n` times to kill -9 the worker (the target is at least 5)")
	flag.DurationVar(&o.stagger, "stagger", 500*time.Millisecond, "real `time` between one case's start and the next")
	flag.DurationVar(&o.settle, "settle", 5*time.Minute, "how long to wait for every case to settle after the last step")
	flag.BoolVar(&o.keep, "keep", false, "keep the database and the run's directory (binaries, logs, histories)")
	flag.StringVar(&o.record, "record", "", "`dir` to write a history of every path into (workflows/testdata/histories)")
	flag.StringVar(&o.cli, "temporal-cli", envOr("EHC_TEMPORAL_CLI", "bin/temporal"), "the pinned Temporal CLI `path`")
	flag.StringVar(&o.pgBase, "postgres", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "PostgreSQL `URL` to create the run's database on")
	flag.Parse()
	if o.cases < 1 || o.caseworkers < 1 || o.week < 1 || o.kills < 0 {
		fmt.Fprintln(os.Stderr, "chaos: -cases, -caseworkers and -week-seconds must be at least 1, -kills at least 0")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ok, err := chaos(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

func envOr(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}

// minKills is the target: the worker killed at least this often.
const minKills = 5

func chaos(ctx context.Context, o options) (ok bool, err error) {
	began := time.Now()
	rng := rand.New(rand.NewPCG(o.seed, o.seed^0x5eed))
	dir, err := os.MkdirTemp("", "ehc-chaos-")
	if err != nil {
		return false, err
	}
	keepDir := o.keep
	defer func() {
		if keepDir {
			fmt.Fprintf(os.Stderr, "chaos: the run's binaries, logs and histories are in %s\n", dir)
		} else {
			_ = os.RemoveAll(dir)
		}
	}()
	logf := func(format string, args ...any) { fmt.Fprintf(os.Stderr, "chaos: "+format+"\n", args...) }

	logf("building the worker and the CLI into %s", dir)
	if err := runstack.Build(ctx, dir); err != nil {
		return false, err
	}
	tlog, err := os.Create(filepath.Join(dir, "temporal.log"))
	if err != nil {
		return false, err
	}
	defer tlog.Close()
	srv, err := runstack.StartTemporal(ctx, o.cli, tlog)
	if err != nil {
		return false, fmt.Errorf("starting the Temporal dev server: %w (log %s)", err, tlog.Name())
	}
	defer func() { _ = srv.Stop() }()

	st := &stack{dir: dir, address: srv.FrontendHostPort(), queue: "ehc-chaos"}
	st.dbName, st.adminURL, err = runstack.CreateDatabase(ctx, o.pgBase, "ehc_chaos")
	if err != nil {
		return false, err
	}
	defer func() {
		if o.keep {
			logf("kept database %s", st.dbName)
			return
		}
		if err := runstack.DropDatabase(context.Background(), o.pgBase, st.dbName); err != nil {
			logf("dropping database %s: %v", st.dbName, err)
		}
	}()
	pgURL, err := url.Parse(st.adminURL)
	if err != nil {
		return false, err
	}
	upstream := pgURL.Host
	pg, err := startPGProxy(upstream)
	if err != nil {
		return false, err
	}
	defer pg.close()
	st.workerURL = withHost(st.adminURL, pg.addr())

	st.apiKey = fmt.Sprintf("SG.chaos-%x", rng.Uint64())
	sg, err := sendgridtest.Start(st.apiKey)
	if err != nil {
		return false, err
	}
	defer sg.Close()
	st.mailURL = sg.URL

	pc, err := st.payloadKey(o.record != "")
	if err != nil {
		return false, err
	}

	wlog, err := os.Create(filepath.Join(dir, "worker.log"))
	if err != nil {
		return false, err
	}
	defer wlog.Close()
	sup := &supervisor{bin: filepath.Join(dir, "ehc-worker"), env: st.workerEnv(), log: wlog}
	if err := sup.start(); err != nil {
		return false, err
	}
	defer sup.stop()

	c, err := client.Dial(client.Options{HostPort: st.address, DataConverter: pc.DataConverter(),
		FailureConverter: temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{
			DataConverter: pc.DataConverter(), EncodeCommonAttributes: true}),
		Logger: runstack.QuietLogger()})
	if err != nil {
		return false, err
	}
	defer c.Close()

	// The drive: every case's script, from its start, on its clock.
	longest := 0
	for _, p := range paths {
		longest = max(longest, p.lastDay()+1)
	}
	drive := time.Duration(o.cases-1)*o.stagger + time.Duration(longest)*time.Duration(o.week)*time.Second/7 + 30*time.Second
	fmt.Printf("chaos run: seed %d; %d cases, %d caseworkers, one statutory week = %ds; drive about %s\n",
		o.seed, o.cases, o.caseworkers, o.week, drive.Round(time.Second))
	fmt.Printf("stack: Temporal %s, PostgreSQL %s (database %s) via proxy %s, fake SendGrid %s, worker %s\n",
		st.address, upstream, st.dbName, pg.addr(), sg.URL, sup.bin)

	start := time.Now().Add(2 * time.Second)
	d := &driver{c: c, st: st, ehc: filepath.Join(dir, "ehc"), log: os.Stderr, week: o.week}
	driven := cases(rng, o.cases, o.caseworkers, o.stagger, start)
	faults := plan(rng, drive, o.kills, sup, pg, sg, os.Stderr)
	for _, f := range faults {
		fmt.Printf("  fault at %6.1fs: %s\n", f.at.Seconds(), f.what)
	}
	fctx, stopFaults := context.WithCancel(ctx)
	var faultsDone sync.WaitGroup
	faultsDone.Add(1)
	go func() { defer faultsDone.Done(); inject(fctx, start, faults, os.Stderr) }()

	index := map[*caseRun]int{}
	mine := map[string][]*caseRun{}
	for i, r := range driven {
		index[r] = i
		mine[r.caseworker] = append(mine[r.caseworker], r)
	}
	dctx, stopDrive := context.WithTimeout(ctx, drive+5*time.Minute)
	defer stopDrive()
	var cw sync.WaitGroup
	for _, rs := range mine {
		cw.Add(1)
		go func() { defer cw.Done(); d.caseworker(dctx, rs, index) }()
	}
	cw.Wait()
	logf("every caseworker has finished (%s)", time.Since(start).Round(time.Second))
	faultsDone.Wait() // every fault happens, however soon the scripts end
	stopFaults()
	sg.SetFault(sendgridtest.Fault{})
	if ctx.Err() != nil {
		return false, ctx.Err()
	}

	if err := settle(ctx, c, o.settle); err != nil {
		return false, err
	}
	cutoff := time.Now().Add(-10 * time.Second) // alarms due by then must have fired
	runs, err := readRuns(ctx, c, pc.DataConverter())
	if err != nil {
		return false, err
	}
	db, err := pgx.Connect(ctx, st.adminURL)
	if err != nil {
		return false, err
	}
	defer db.Close(context.Background())
	t, err := count(ctx, c, db, sg, sup, driven, runs, cutoff)
	if err != nil {
		return false, err
	}
	_, crashes, starts := sup.counts()
	pgRefused := 0
	pg.mu.Lock()
	pgRefused = pg.refused
	pg.mu.Unlock()
	fmt.Printf("run took %s; worker started %d times (%d exits of its own, e.g. PostgreSQL refused at start-up), down %s in all; %d PostgreSQL connections refused; %d caseworker calls tried again; %d workflow executions\n\n",
		time.Since(began).Round(time.Second), starts, crashes, sup.downTotal().Round(100*time.Millisecond), pgRefused, d.attempts, len(runs))
	if err := t.print(os.Stdout, minKills, 30); err != nil {
		return false, err
	}
	ok = t.ok(minKills)
	if !ok {
		keepDir = true
		if f, err := os.Create(filepath.Join(dir, "evidence.txt")); err == nil {
			_ = t.print(f, minKills, 0)
			f.Close()
			fmt.Printf("\nevery item, and the decrypted histories of the cases named, are in %s\n", dir)
		}
		evidence := append(append(append(append(append([]string{}, t.lost...), t.missed...), t.lettersLost...), t.falseLetters...), t.eventsMissing...)
		evidence = append(evidence, t.twiceKeys...)
		keep(ctx, dir, pc, runs, evidence)
	}
	if o.record != "" {
		if err := record(ctx, o.record, pc, driven, runs, os.Stderr); err != nil {
			return ok, err
		}
	}
	return ok, nil
}
