package main

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/ehc-send/ehc/statute"
)

// light is the light load: steps sent at rate a second for dur, open
// loop (each at its moment, whether or not the one before has answered),
// round the plans of enough cases that each case's next step comes long
// after its last. A step's latency runs from its moment, so a step held
// up behind its case's previous one counts the wait. The cases are
// started, and settled, before the clock starts.
func light(ctx context.Context, c client.Client, k kind, rate float64, dur, timeout time.Duration) (*latencies, int, error) {
	total := int(math.Round(rate * dur.Seconds()))
	n := max(15, total/len(plan)+1)
	type lightCase struct {
		mu   sync.Mutex
		ref  string
		on   statute.Date
		next int
	}
	cases := make([]*lightCase, n)
	for i := range cases {
		ref := fmt.Sprintf("BL-%05d", i+1)
		in := input(ref)
		if err := start(ctx, c, k, in, timeout, defaultPriority); err != nil {
			return nil, 0, err
		}
		cases[i] = &lightCase{ref: ref, on: in.Received}
	}
	for _, lc := range cases {
		if err := awaitSettled(ctx, c, lc.ref, 2*time.Minute); err != nil {
			return nil, 0, err
		}
	}
	var l latencies
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed := 0
	every := time.Duration(float64(time.Second) / rate)
	began := time.Now()
	for i := range total {
		at := began.Add(time.Duration(i) * every)
		select {
		case <-ctx.Done():
			return nil, 0, ctx.Err()
		case <-time.After(time.Until(at)):
		}
		lc := cases[i%n]
		wg.Add(1)
		go func() {
			defer wg.Done()
			lc.mu.Lock()
			defer lc.mu.Unlock()
			s := plan[lc.next]
			lc.next++
			if _, err := step(ctx, c, lc.ref, s, lc.on, timeout); err != nil {
				mu.Lock()
				failed++
				mu.Unlock()
				logf("light load: %v", err)
				return
			}
			l.add(time.Since(at))
		}()
	}
	wg.Wait()
	return &l, failed, nil
}
