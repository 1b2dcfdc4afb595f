package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/ehc-send/ehc/email/sendgridtest"
)

// fault is one thing done to the stack at a moment of the run.
type fault struct {
	at   time.Duration // from the start of the drive
	what string
	do   func()
}

// mailWindow is a spell of SendGrid misbehaving.
type mailWindow struct {
	name  string
	fault sendgridtest.Fault
	len   time.Duration
}

// mailWindows are the spells the fake SendGrid goes through, each once.
// "late" answers after the worker's client timeout (10s by default): the
// mail is accepted but the worker does not hear so, the window in which a
// letter can go twice.
func mailWindows() []mailWindow {
	return []mailWindow{
		{"slow (400ms answers)", sendgridtest.Fault{Delay: 400 * time.Millisecond}, 40 * time.Second},
		{"429 Too Many Requests", sendgridtest.Fault{Status: 429}, 20 * time.Second},
		{"500 Internal Server Error", sendgridtest.Fault{Status: 500}, 20 * time.Second},
		{"401 Unauthorized (key revoked)", sendgridtest.Fault{Status: 401}, 15 * time.Second},
		{"hang (no answer)", sendgridtest.Fault{Hang: true}, 12 * time.Second},
		{"late (answers after 15s)", sendgridtest.Fault{Delay: 15 * time.Second}, 10 * time.Second},
	}
}

// plan is the run's faults in time order: kills at random (each restart
// after a random pause of 1-6s) but clear of the PostgreSQL refusal, one
// refusal of 30-60s, and each mail window once, at random non-overlapping
// moments of the drive.
func plan(rng *rand.Rand, drive time.Duration, kills int, sup *supervisor, pg *pgProxy, sg *sendgridtest.Server, log io.Writer) []fault {
	var fs []fault
	span := drive - 40*time.Second
	// PostgreSQL's refusal first, so the kills keep clear of it: a worker
	// killed then cannot start again until it ends, and a minute's outage
	// is seven statutory weeks on the compressed clock, which would judge
	// the clock, not the product.
	pgLen := 30*time.Second + time.Duration(rng.Int64N(int64(30*time.Second)))
	pgAt := 40*time.Second + time.Duration(rng.Int64N(int64(max(span/2, time.Second))))
	fs = append(fs, fault{pgAt, fmt.Sprintf("PostgreSQL refuses connections for %s", pgLen.Round(time.Second)), func() { go pg.refuse(pgLen) }})
	for i := 0; i < kills; i++ {
		// Spread over the drive: one kill in each of kills equal slots.
		slot := span / time.Duration(kills)
		at := 15*time.Second + time.Duration(i)*slot + time.Duration(rng.Int64N(int64(max(slot-8*time.Second, time.Second))))
		if at > pgAt-15*time.Second && at < pgAt+pgLen+5*time.Second {
			at = pgAt + pgLen + 5*time.Second + time.Duration(i)*time.Second // just after the refusal
		}
		pause := time.Second + time.Duration(rng.Int64N(int64(5*time.Second)))
		fs = append(fs, fault{at, fmt.Sprintf("kill -9 the worker, restart after %s", pause.Round(100*time.Millisecond)), func() {
			if err := sup.kill(pause); err != nil {
				fmt.Fprintln(log, "chaos:", err)
			}
		}})
	}
	ws := mailWindows()
	rng.Shuffle(len(ws), func(i, j int) { ws[i], ws[j] = ws[j], ws[i] })
	var busy time.Duration
	for _, w := range ws {
		busy += w.len
	}
	// A short run (fewer cases) overlaps nothing, it just ends later.
	gap := max((span-busy)/time.Duration(len(ws)+1), time.Second)
	at := 10 * time.Second
	for _, w := range ws {
		at += time.Duration(rng.Int64N(int64(gap)))
		w := w
		fs = append(fs, fault{at, "SendGrid " + w.name + " for " + w.len.String(), func() {
			sg.SetFault(w.fault)
			time.AfterFunc(w.len, func() { sg.SetFault(sendgridtest.Fault{}) })
		}})
		at += w.len + gap/2
	}
	slices.SortFunc(fs, func(a, b fault) int { return int(a.at - b.at) })
	return fs
}

// inject runs the faults at their moments from start.
func inject(ctx context.Context, start time.Time, fs []fault, log io.Writer) {
	for _, f := range fs {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(start.Add(f.at))):
		}
		fmt.Fprintf(log, "chaos: %6.1fs  %s\n", time.Since(start).Seconds(), f.what)
		f.do()
	}
}
