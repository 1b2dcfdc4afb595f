package main

import (
	"fmt"
	"strings"
	"time"
)

// runFigures is what one run measured; nil where a phase did not run.
type runFigures struct {
	real, nop   *lifecycleResult
	light       *latencies
	lightFailed int
	cli         cliResult
	open        *openResult
	imported    *importResult
	failures    []string
}

func (r *runFigures) fail(phase string, err error) {
	logf("%s: %v", phase, err)
	r.failures = append(r.failures, fmt.Sprintf("%s: %v", phase, err))
}

// notes says what a run left undone, for under the table.
func (r *runFigures) notes() string {
	var n []string
	if r.real != nil && r.real.failed > 0 {
		n = append(n, fmt.Sprintf("%d assessment cases did not finish", r.real.failed))
	}
	if r.nop != nil && r.nop.failed > 0 {
		n = append(n, fmt.Sprintf("%d no-op cases did not finish", r.nop.failed))
	}
	if r.lightFailed > 0 {
		n = append(n, fmt.Sprintf("%d light-load steps failed", r.lightFailed))
	}
	if r.open != nil {
		n = append(n, fmt.Sprintf("open cases settled %d (99%% of them in %s); caseworker steps during the bulk start %d",
			r.open.settled, r.open.settled99.Round(time.Second), r.open.probeSteps))
	}
	if r.imported != nil {
		n = append(n, fmt.Sprintf("imported cases and plans settled %d", r.imported.settled))
	}
	n = append(n, r.failures...)
	return strings.Join(n, "; ")
}

// figures are the table's rows, each with its value in every run.
func figures(o options, runs []*runFigures) []figure {
	col := func(f func(r *runFigures) float64) []float64 {
		vs := make([]float64, len(runs))
		for i, r := range runs {
			vs[i] = f(r)
		}
		return vs
	}
	life := func(pick func(r *runFigures) *lifecycleResult, f func(l *lifecycleResult) float64) []float64 {
		return col(func(r *runFigures) float64 {
			if l := pick(r); l != nil {
				return f(l)
			}
			return nan
		})
	}
	real := func(r *runFigures) *lifecycleResult { return r.real }
	nop := func(r *runFigures) *lifecycleResult { return r.nop }
	rate := func(l *lifecycleResult) float64 { return l.perSecond }
	firstP50 := func(l *lifecycleResult) float64 { return l.first.percentile(50) }
	firstP99 := func(l *lifecycleResult) float64 { return l.first.percentile(99) }
	everyP50 := func(l *lifecycleResult) float64 { return l.every.percentile(50) }
	everyP99 := func(l *lifecycleResult) float64 { return l.every.percentile(99) }
	both := func(f func(l *lifecycleResult) float64) []float64 {
		return col(func(r *runFigures) float64 {
			if r.real == nil || r.nop == nil {
				return nan
			}
			return ratio(f(r.real), f(r.nop))
		})
	}
	open := func(f func(o *openResult) float64) []float64 {
		return col(func(r *runFigures) float64 {
			if r.open == nil {
				return nan
			}
			return f(r.open)
		})
	}
	imp := func(f func(i *importResult) float64) []float64 {
		return col(func(r *runFigures) float64 {
			if r.imported == nil {
				return nan
			}
			return f(r.imported)
		})
	}
	lightP99 := col(func(r *runFigures) float64 {
		if r.light == nil {
			return nan
		}
		return r.light.percentile(99)
	})
	return []figure{
		{name: "lifecycle: assessment, whole cases a second", unit: perSec, runs: life(real, rate)},
		{name: "lifecycle: no-op, whole cases a second", unit: perSec, runs: life(nop, rate)},
		{name: "lifecycle: assessment ÷ no-op", unit: ratioX, runs: both(rate), target: atLeast(0.8)},
		{name: "first Update after start, p50: assessment", unit: seconds, runs: life(real, firstP50), target: atMost(1)},
		{name: "first Update after start, p50: no-op", unit: seconds, runs: life(nop, firstP50)},
		{name: "first Update after start, p99: assessment", unit: seconds, runs: life(real, firstP99)},
		{name: "first Update after start, p99: no-op", unit: seconds, runs: life(nop, firstP99)},
		{name: "every Update, p50: assessment", unit: seconds, runs: life(real, everyP50)},
		{name: "every Update, p50: no-op", unit: seconds, runs: life(nop, everyP50)},
		{name: "every Update, p99: assessment", unit: seconds, runs: life(real, everyP99)},
		{name: "every Update, p99: no-op", unit: seconds, runs: life(nop, everyP99)},
		{name: "every Update, p99: assessment ÷ no-op", unit: ratioX, runs: both(everyP99), target: atMost(1.5)},
		{name: fmt.Sprintf("light load (%g steps/s, %s): Update p99", o.lightRate, o.lightFor), unit: millis, runs: lightP99, target: atMost(0.2)},
		{name: fmt.Sprintf("%d open cases: started a second", o.open), unit: perSec, runs: open(func(o *openResult) float64 { return o.startsPerSec })},
		{name: fmt.Sprintf("%d open cases: settled a second", o.open), unit: perSec, runs: open(func(o *openResult) float64 { return o.settledPerSec }), target: atLeast(30)},
		{name: "open cases: status query p99 while they settle", unit: millis, runs: open(func(o *openResult) float64 { return o.status.percentile(99) })},
		{name: "open cases: caseworker steps timed out meanwhile", unit: count, runs: open(func(o *openResult) float64 { return float64(o.timeouts) }),
			target: target{atMost: true, value: 0, worst: true}},
		{name: "open cases: worker peak memory (VmHWM)", unit: megabytes, runs: open(func(o *openResult) float64 { return o.workerPeak }), target: atMost(500e6)},
		{name: "open cases: dev server peak memory (VmHWM)", unit: megabytes, runs: open(func(o *openResult) float64 { return o.serverPeak })},
		{name: fmt.Sprintf("ehc import of %d: started a second", o.imports), unit: perSec, runs: imp(func(i *importResult) float64 { return i.importedPerSec })},
		{name: fmt.Sprintf("ehc import of %d: settled a second (%d in 5 minutes)", o.imports, o.imports), unit: perSec,
			runs: imp(func(i *importResult) float64 { return i.settledPerSec }), target: atLeast(float64(o.imports) / 300)},
		{name: "ehc import: worker peak memory (VmHWM)", unit: megabytes, runs: imp(func(i *importResult) float64 { return i.workerPeak }), target: atMost(500e6)},
		{name: "ehc import again: started", unit: count, runs: imp(func(i *importResult) float64 { return float64(i.again) }),
			target: target{atMost: true, value: 0, worst: true}},
		{name: "CLI: ehc status, median", unit: millis, runs: col(func(r *runFigures) float64 { return r.cli.status })},
		{name: "CLI: ehc decide-assess, median", unit: millis, runs: col(func(r *runFigures) float64 { return r.cli.step })},
		{name: "CLI: ehc request-advice naming its provider, median", unit: millis, runs: col(func(r *runFigures) float64 { return r.cli.advice })},
	}
}
