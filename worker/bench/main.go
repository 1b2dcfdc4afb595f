// Command bench prints the load figures (make bench): on a stack of its
// own on free ports (see runStack), started afresh for each of -runs runs,
// it measures
//
//   - whole cases a second of the assessment and of a same-shaped no-op
//     (noop.go), driven by caseworkers at once, and their ratio;
//   - the first Update after a start and every Update, p50 and p99, for
//     both;
//   - the assessment's Update p99 at a light, paced load;
//   - a bulk start of many open cases: starts and settled cases a second,
//     the status query's p99 while they settle, whether a caseworker's
//     step on another case timed out meanwhile, and the peak memory of the
//     worker and of the dev server;
//   - the caseworker CLI's wall time per command,
//
// and prints one table: each figure's min, median and max over the runs,
// its target, and whether the median (for timeouts, the worst run) meets
// it. The figures are a real machine's: noisy where others share it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/ehc-send/ehc/worker/internal/stack"
)

type options struct {
	runs             int
	cases            int
	caseworkers      int
	lightRate        float64
	lightFor         time.Duration
	open             int
	imports          int
	startConcurrency int
	settleTimeout    time.Duration
	probeEvery       time.Duration
	stepTimeout      time.Duration
	cliRuns          int
	cli              string
	pgBase           string
	keep             bool
	phases           map[string]bool
	workerBin        string   // a worker built elsewhere (an older commit's), instead of this tree's
	workerEnv        []string // extra KEY=VALUE settings for both workers (tuning experiments)
}

// settings is a repeatable KEY=VALUE flag.
type settings []string

func (s *settings) String() string { return strings.Join(*s, " ") }

func (s *settings) Set(v string) error {
	if k, _, ok := strings.Cut(v, "="); !ok || k == "" {
		return fmt.Errorf("%q: want KEY=VALUE", v)
	}
	*s = append(*s, v)
	return nil
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == noopWorkerFlag { // the no-op's worker process, started by a run
		if err := runNoopWorker(); err != nil {
			fmt.Fprintln(os.Stderr, "bench noop worker:", err)
			os.Exit(1)
		}
		return
	}
	var o options
	flag.IntVar(&o.runs, "runs", 3, "`n` runs, each on a fresh stack; each figure is shown as min / median / max over them")
	flag.IntVar(&o.cases, "cases", 200, "`n` whole cases of each workflow in the lifecycle figures")
	flag.IntVar(&o.caseworkers, "caseworkers", 20, "`n` caseworkers driving the lifecycle cases at once")
	flag.Float64Var(&o.lightRate, "light-rate", 5, "steps a `second` at the light load")
	flag.DurationVar(&o.lightFor, "light-for", 30*time.Second, "how long the light load lasts")
	flag.IntVar(&o.open, "open", 10000, "`n` open cases started at once (fewer for a quick run)")
	flag.IntVar(&o.imports, "import", 5000, "`n` cases and plans (half each) brought in by ehc import")
	flag.IntVar(&o.startConcurrency, "start-concurrency", 50, "`n` starts in flight at once in the bulk start")
	flag.DurationVar(&o.settleTimeout, "settle-timeout", 20*time.Minute, "how long the open cases are given to settle")
	flag.DurationVar(&o.probeEvery, "probe-every", 2*time.Second, "how often a caseworker takes a step on another case during the bulk start")
	flag.DurationVar(&o.stepTimeout, "step-timeout", time.Minute, "how long a caseworker's step (or start, or status) may take before it counts as timed out")
	flag.IntVar(&o.cliRuns, "cli-runs", 5, "`n` times each CLI command is timed (the median is shown)")
	flag.StringVar(&o.cli, "temporal-cli", envOr("EHC_TEMPORAL_CLI", "bin/temporal"), "the pinned Temporal CLI `path`")
	flag.StringVar(&o.pgBase, "postgres", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "PostgreSQL `URL` to create each run's database on")
	flag.BoolVar(&o.keep, "keep", false, "keep the run's directory (binaries and logs)")
	flag.StringVar(&o.workerBin, "worker", "", "an ehc-worker `binary` to measure instead of this tree's (e.g. an older commit's, for a before figure)")
	flag.Var((*settings)(&o.workerEnv), "worker-env", "a `KEY=VALUE` setting for both workers, e.g. EHC_STICKY_CACHE_SIZE=2000 (repeatable)")
	phases := flag.String("phases", "lifecycle,light,cli,open,import", "the `phases` to run, comma-separated (the others' figures show n/a)")
	flag.Parse()
	o.phases = map[string]bool{}
	for _, p := range strings.Split(*phases, ",") {
		o.phases[strings.TrimSpace(p)] = true
	}
	if o.runs < 1 || o.cases < 1 || o.caseworkers < 1 || o.lightRate <= 0 || o.open < 1 || o.imports < 2 || o.startConcurrency < 1 || o.cliRuns < 1 {
		fmt.Fprintln(os.Stderr, "bench: -runs, -cases, -caseworkers, -light-rate, -open, -start-concurrency and -cli-runs must be positive")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := bench(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func envOr(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench %s: "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

func bench(ctx context.Context, o options) error {
	began := time.Now()
	dir, err := os.MkdirTemp("", "ehc-bench-")
	if err != nil {
		return err
	}
	defer func() {
		if o.keep {
			logf("binaries and logs kept in %s", dir)
		} else {
			_ = os.RemoveAll(dir)
		}
	}()
	logf("building the worker and the CLI into %s", dir)
	if err := stack.Build(ctx, dir); err != nil {
		return err
	}
	var runs []*runFigures
	for n := 1; n <= o.runs && ctx.Err() == nil; n++ {
		logf("run %d of %d", n, o.runs)
		runs = append(runs, oneRun(ctx, o, dir, n))
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	fmt.Printf("make bench: %d runs; %d cases of each workflow by %d caseworkers (%d Updates a case); light load %g steps/s for %s; %d open cases (%d starts at once); CLI medians of %d; took %s\n\n",
		o.runs, o.cases, o.caseworkers, len(plan), o.lightRate, o.lightFor, o.open, o.startConcurrency, o.cliRuns, time.Since(began).Round(time.Second))
	if err := render(os.Stdout, figures(o, runs)); err != nil {
		return err
	}
	for i, r := range runs {
		if note := r.notes(); note != "" {
			fmt.Printf("\nrun %d: %s", i+1, note)
		}
	}
	fmt.Println()
	return nil
}

// oneRun measures everything once on a fresh stack; a phase that fails
// leaves its figures unmeasured for this run and the others go on.
func oneRun(ctx context.Context, o options, dir string, n int) *runFigures {
	r := &runFigures{cli: cliResult{nan, nan, nan}}
	s, err := startStack(ctx, o, dir, n)
	defer s.close()
	if err != nil {
		r.fail("stack", err)
		return r
	}
	if o.phases["lifecycle"] {
		logf("run %d: lifecycle of the assessment, %d cases", n, o.cases)
		r.real = lifecycle(ctx, s.c, s.real, "BA", o.cases, o.caseworkers, o.stepTimeout)
		logf("run %d: lifecycle of the no-op, %d cases", n, o.cases)
		r.nop = lifecycle(ctx, s.c, s.nop, "BN", o.cases, o.caseworkers, o.stepTimeout)
	}
	if o.phases["light"] {
		logf("run %d: light load", n)
		if r.light, r.lightFailed, err = light(ctx, s.c, s.real, o.lightRate, o.lightFor, o.stepTimeout); err != nil {
			r.fail("light load", err)
		}
	}
	if o.phases["cli"] {
		logf("run %d: the CLI", n)
		if r.cli, err = cliTimes(ctx, s, o); err != nil {
			r.fail("CLI", err)
			r.cli = cliResult{nan, nan, nan}
		}
	}
	if o.phases["open"] {
		logf("run %d: %d open cases", n, o.open)
		if r.open, err = openCases(ctx, s, o); err != nil {
			r.fail("open cases", err)
		}
	}
	if o.phases["import"] {
		logf("run %d: ehc import of %d cases and plans", n, o.imports)
		if r.imported, err = importCaseload(ctx, s, o); err != nil {
			r.fail("import", err)
		}
	}
	return r
}
