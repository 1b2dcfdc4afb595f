package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.temporal.io/api/serviceerror"
)

// openResult is the open cases' figures in one run.
type openResult struct {
	startsPerSec  float64
	settledPerSec float64
	settled       int
	settled99     time.Duration // when 99% had settled
	status        latencies     // the status query while they settle
	probeSteps    int           // caseworker steps on other cases meanwhile
	timeouts      int           // of those, how many timed out
	workerPeak    float64       // bytes
	serverPeak    float64
}

// openCases starts n cases as fast as concurrent starts go (a bulk
// start), then watches them settle: a case is settled when its register
// row is written (the cases table) and the fake SendGrid has accepted its
// first letter. Both come of its first workflow task (the task schedules
// the activity that writes them), so they mark that too. Meanwhile a
// sampler asks random settled cases their status and a caseworker takes
// steps on cases of their own at a slow pace (one every probeEvery), each
// within the step timeout; the peak memory of the worker and the dev
// server is read at the end.
func openCases(ctx context.Context, s *runStack, o options) (*openResult, error) {
	r := &openResult{}
	stop := make(chan struct{})
	var bg sync.WaitGroup
	bg.Add(1)
	go func() { defer bg.Done(); r.probe(ctx, s, o, stop) }()

	// Settled cases, for the sampler, and when each settled.
	var mu sync.Mutex
	var settledRefs []string
	for range 2 {
		bg.Add(1)
		go func() {
			defer bg.Done()
			for {
				select {
				case <-stop:
					return
				case <-time.After(50 * time.Millisecond):
				}
				mu.Lock()
				ref := ""
				if len(settledRefs) > 0 {
					ref = settledRefs[rand.IntN(len(settledRefs))]
				}
				mu.Unlock()
				if ref == "" {
					continue
				}
				t0 := time.Now()
				if _, err := status(ctx, s.c, ref, o.stepTimeout); err == nil {
					r.status.add(time.Since(t0))
				}
			}
		}()
	}
	defer func() { close(stop); bg.Wait() }()

	began := time.Now()
	var next atomic.Int64
	var startWG sync.WaitGroup
	var startErr firstErr
	for range o.startConcurrency {
		startWG.Add(1)
		go func() {
			defer startWG.Done()
			for ctx.Err() == nil {
				i := next.Add(1)
				if i > int64(o.open) {
					return
				}
				in := input(fmt.Sprintf("BO-%06d", i))
				if err := start(ctx, s.c, s.real, in, 2*time.Minute, bulkPriority); err != nil {
					startErr.set(err)
				}
			}
		}()
	}
	startsDone := make(chan time.Duration, 1)
	go func() { startWG.Wait(); startsDone <- time.Since(began) }()

	rows, mails := map[string]bool{}, map[string]bool{}
	settledAt := map[string]time.Duration{}
	var lastSettled, lastLog time.Duration
	deadline := began.Add(o.settleTimeout)
	for len(settledAt) < o.open && time.Now().Before(deadline) && ctx.Err() == nil {
		select {
		case d := <-startsDone:
			if err := r.started(o.open, d, &startErr); err != nil {
				return r, err
			}
		case <-time.After(time.Second):
		}
		if err := s.registered(ctx, rows); err != nil {
			return r, err
		}
		for _, m := range s.sg.Mails() {
			if strings.HasPrefix(m.CaseRef, "BO-") {
				mails[m.CaseRef] = true
			}
		}
		now := time.Since(began)
		if now-lastLog >= 10*time.Second {
			lastLog = now
			logf("open cases at %3.0fs: %d started, %d registered, %d with a letter, %d settled", now.Seconds(), min(next.Load(), int64(o.open)), len(rows), len(mails), len(settledAt))
		}
		mu.Lock()
		for ref := range rows {
			if _, ok := settledAt[ref]; !ok && mails[ref] {
				if len(settledAt) == o.open*99/100 {
					r.settled99 = now
				}
				settledAt[ref] = now
				settledRefs = append(settledRefs, ref)
				lastSettled = now
			}
		}
		mu.Unlock()
	}
	r.settled = len(settledAt)
	if r.settled < o.open {
		logf("open cases: only %d of %d settled within %s", r.settled, o.open, o.settleTimeout)
		lastSettled = time.Since(began)
	}
	if r.startsPerSec == 0 { // every case settled as the last start returned
		select {
		case d := <-startsDone:
			if err := r.started(o.open, d, &startErr); err != nil {
				return r, err
			}
		case <-time.After(time.Minute):
			r.startsPerSec = math.NaN()
		}
	}
	r.settledPerSec = perSecond(r.settled, lastSettled)
	logf("open cases: %d settled in %s", r.settled, lastSettled.Round(time.Millisecond))
	var err error
	if r.workerPeak, err = peak(s.worker.Process.Pid); err != nil {
		return r, fmt.Errorf("the worker's memory: %w", err)
	}
	if r.serverPeak, err = peak(s.serverPID); err != nil {
		return r, fmt.Errorf("the dev server's memory: %w", err)
	}
	return r, nil
}

// started records the bulk start's end.
func (r *openResult) started(n int, d time.Duration, startErr *firstErr) error {
	r.startsPerSec = perSecond(n, d)
	logf("open cases: %d started in %s", n, d.Round(time.Millisecond))
	if err := startErr.get(); err != nil {
		return fmt.Errorf("starting the open cases: %w", err)
	}
	return nil
}

// registered adds to rows the open cases the register has a row for.
func (s *runStack) registered(ctx context.Context, rows map[string]bool) error {
	qr, err := s.db.Query(ctx, "select case_ref from cases where case_ref like 'BO-%'")
	if err != nil {
		return fmt.Errorf("reading the register: %w", err)
	}
	defer qr.Close()
	for qr.Next() {
		var ref string
		if err := qr.Scan(&ref); err != nil {
			return err
		}
		rows[ref] = true
	}
	return qr.Err()
}

// probe is a caseworker carrying on with other cases during the bulk
// start: one action (a start, or the next step of the plan) every
// probeEvery, each allowed the step timeout; a step that runs out of it
// counts as timed out.
func (r *openResult) probe(ctx context.Context, s *runStack, o options, stop <-chan struct{}) {
	for i := 1; ; i++ {
		ref := fmt.Sprintf("BP-%05d", i)
		in := input(ref)
		if err := start(ctx, s.c, s.real, in, o.stepTimeout, defaultPriority); err != nil {
			logf("open cases: caseworker's start of %s: %v", ref, err)
		}
		for _, st := range plan {
			select {
			case <-stop:
				return
			case <-time.After(o.probeEvery):
			}
			_, err := step(ctx, s.c, ref, st, in.Received, o.stepTimeout)
			r.probeSteps++
			if timedOut(err) {
				r.timeouts++
				logf("open cases: a caseworker's step timed out after %s: %v", o.stepTimeout, err)
			} else if err != nil {
				logf("open cases: a caseworker's step failed: %v", err)
			}
		}
	}
}

func timedOut(err error) bool {
	var dl *serviceerror.DeadlineExceeded
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &dl)
}

// firstErr keeps the first error of many goroutines.
type firstErr struct {
	mu  sync.Mutex
	err error
}

func (f *firstErr) set(err error) {
	f.mu.Lock()
	if f.err == nil {
		f.err = err
	}
	f.mu.Unlock()
}

func (f *firstErr) get() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}
