package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/ehc-send/ehc/workflows/assessment"
)

// lifecycleResult is one kind's whole-case figures in one run.
type lifecycleResult struct {
	perSecond float64   // whole cases a second
	first     latencies // the first Update after each start
	every     latencies // every Update
	failed    int       // cases that did not finish
}

// lifecycle drives cases of kind k from start to close as fast as the
// system takes them: caseworkers at once, each taking the next case,
// starting it, sending the plan's Updates one after another (the first
// waiting out the case's set-up as ehc does) and a status query after the
// first, then waiting for the workflow to close. A case is done when its
// last Update has returned and its workflow has closed.
func lifecycle(ctx context.Context, c client.Client, k kind, prefix string, cases, caseworkers int, timeout time.Duration) *lifecycleResult {
	r := &lifecycleResult{}
	var next, done, failed atomic.Int64
	var once sync.Once
	began := time.Now()
	var last atomic.Int64 // when the last case closed, as ns since began
	var wg sync.WaitGroup
	for range caseworkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := next.Add(1)
				if i > int64(cases) {
					return
				}
				ref := fmt.Sprintf("%s-%05d", prefix, i)
				if err := r.oneCase(ctx, c, k, ref, timeout); err != nil {
					failed.Add(1)
					once.Do(func() { logf("%s: a case failed (the first of %s shown): %v", k.name, prefix, err) })
					continue
				}
				done.Add(1)
				last.Store(int64(time.Since(began)))
			}
		}()
	}
	wg.Wait()
	r.failed = int(failed.Load())
	r.perSecond = perSecond(int(done.Load()), time.Duration(last.Load()))
	return r
}

func (r *lifecycleResult) oneCase(ctx context.Context, c client.Client, k kind, ref string, timeout time.Duration) error {
	in := input(ref)
	if err := start(ctx, c, k, in, timeout, defaultPriority); err != nil {
		return fmt.Errorf("start %s: %w", ref, err)
	}
	for i, s := range plan {
		t0 := time.Now()
		if _, err := step(ctx, c, ref, s, in.Received, timeout); err != nil {
			return err
		}
		d := time.Since(t0)
		r.every.add(d)
		if i == 0 {
			r.first.add(d)
			if _, err := status(ctx, c, ref, timeout); err != nil {
				return fmt.Errorf("status of %s: %w", ref, err)
			}
		}
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var res assessment.AssessmentResult
	if err := c.GetWorkflow(wctx, assessment.WorkflowID(ref), "").Get(wctx, &res); err != nil {
		return fmt.Errorf("%s did not close: %w", ref, err)
	}
	if res.Stage != assessment.StageFinalPlanIssued {
		return fmt.Errorf("%s closed at %s, not with its final plan", ref, res.Stage)
	}
	return nil
}
