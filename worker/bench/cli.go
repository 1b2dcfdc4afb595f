package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// cliResult is the caseworker CLI's median wall time per command, in
// seconds.
type cliResult struct{ status, step, advice float64 }

// cliTimes runs bin/ehc as a caseworker types it, against the stack, on
// fresh cases started (and settled) first: ehc status, a step
// (decide-assess) and request-advice naming its provider; n times each,
// the medians kept. One ehc status first is not timed (the binary read
// from disk once).
func cliTimes(ctx context.Context, s *runStack, o options) (cliResult, error) {
	ehc := filepath.Join(s.dir, "ehc")
	var st, sp, ad []time.Duration
	for i := range o.cliRuns {
		ref := fmt.Sprintf("BC-%05d", i+1)
		if err := start(ctx, s.c, s.real, input(ref), o.stepTimeout, defaultPriority); err != nil {
			return cliResult{}, err
		}
		if err := awaitSettled(ctx, s.c, ref, 2*time.Minute); err != nil {
			return cliResult{}, err
		}
		if i == 0 {
			if _, err := s.ehc(ctx, ehc, "status", ref); err != nil {
				return cliResult{}, err
			}
		}
		for _, c := range []struct {
			into *[]time.Duration
			args []string
		}{
			{&st, []string{"status", ref}},
			{&sp, []string{"decide-assess", ref, "--assess"}},
			{&ad, []string{"request-advice", ref, "--kind", "psychological", "--provider-name", ep.Name, "--provider-email", ep.Email}},
		} {
			d, err := s.ehc(ctx, ehc, c.args...)
			if err != nil {
				return cliResult{}, err
			}
			*c.into = append(*c.into, d)
		}
	}
	return cliResult{status: percentile(st, 50), step: percentile(sp, 50), advice: percentile(ad, 50)}, nil
}

// ehc runs the CLI once and returns its wall time.
func (s *runStack) ehc(ctx context.Context, bin string, args ...string) (time.Duration, error) {
	cctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(cctx, bin, args...)
	cmd.Env = s.cliEnv()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	t0 := time.Now()
	err := cmd.Run()
	d := time.Since(t0)
	if err != nil {
		return 0, fmt.Errorf("ehc %s: %v: %s", strings.Join(args[:2], " "), err, strings.TrimSpace(out.String()))
	}
	return d, nil
}

var nan = math.NaN()
