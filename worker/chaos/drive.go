package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
	"github.com/ehc-send/ehc/workflows/deadline"
)

// Caseworkers drive compressed-clock cases through the Temporal client and
// the workflows' exported API (the updates ehc sends, with the same inputs),
// as ehc demo does: the CLI dates every step by London's real calendar and
// refuses a date in the future, so it cannot drive a case whose statutory
// clock runs ahead, and exec'ing it for each of some 3,000 steps would take
// the two cores from the stack under test. Cases entered late use the real
// CLI binary end to end (ehc start --history, ehc withdraw) on the real
// clock, so the caseworker's own path is faulted too.

// stepHour is the statutory hour a caseworker takes a step: after that
// day's 9:00 alarms (as ehc demo does).
const stepHour = 12

// caseRun is one case as its caseworker drives it.
type caseRun struct {
	ref        string
	path       *path
	caseworker string
	startAt    time.Time // real time the caseworker starts it
	in         assessment.AssessmentInput
	started    time.Time // when the start got through
	next       int       // the next step of the script
	withdrawAt time.Time // entered-late: when the CLI withdraws it
	refusals   []string  // steps the case refused (none expected)
	done       bool
}

// nextAt is the real time of the case's next action, or false when its
// script is done.
func (r *caseRun) nextAt() (time.Time, bool) {
	switch {
	case r.done:
		return time.Time{}, false
	case r.started.IsZero():
		return r.startAt, true
	case r.path.entered:
		return r.withdrawAt, true
	case r.next >= len(r.path.steps):
		return time.Time{}, false
	}
	s := r.path.steps[r.next]
	return r.in.Clock.RealAt(r.in.Received.AddDays(s.day).At(stepHour)), true
}

// driver holds what the caseworkers share.
type driver struct {
	c        client.Client
	st       *stack
	ehc      string // the caseworker CLI
	log      io.Writer
	week     int // seconds a statutory week lasts
	mu       sync.Mutex
	attempts int // calls that did not get through and were tried again
}

var (
	firstNames = []string{"Ada", "Ben", "Cara", "Dev", "Ella", "Finn", "Gita", "Hugo", "Isla", "Jay", "Kemi", "Liam", "Maya", "Noah"}
	lastNames  = []string{"Archer", "Bell", "Carver", "Dale", "Ember", "Frost", "Gale", "Hart", "Ives", "Joss", "Kerr", "Lund"}
)

// cases makes n cases, the paths' shares scaled to n and shuffled, spread
// over caseworkers and started every stagger.
func cases(rng *rand.Rand, n, caseworkers int, stagger time.Duration, start time.Time) []*caseRun {
	var ps []*path
	for i := range paths {
		k := (paths[i].share*n + 100) / 200
		for range k {
			ps = append(ps, &paths[i])
		}
	}
	for len(ps) < n {
		ps = append(ps, &paths[0])
	}
	ps = ps[:n]
	rng.Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
	runs := make([]*caseRun, n)
	for i, p := range ps {
		runs[i] = &caseRun{ref: fmt.Sprintf("CH-%03d", i+1), path: p, caseworker: fmt.Sprintf("cw-%02d", i%caseworkers+1),
			startAt: start.Add(time.Duration(i) * stagger)}
	}
	return runs
}

// input is a compressed-clock case's start, its people fictional.
func (d *driver) input(r *caseRun, i int, at time.Time) assessment.AssessmentInput {
	return assessment.AssessmentInput{
		CaseRef:  r.ref,
		Received: statute.DateOf(at),
		Child: assessment.Child{Name: firstNames[i%len(firstNames)] + " " + lastNames[i%len(lastNames)],
			DateOfBirth: statute.NewDate(2014, time.January, 1).AddDays(i * 5)},
		Family:          assessment.Contact{Name: "Parent " + lastNames[i%len(lastNames)], Email: "family." + strings.ToLower(r.ref) + "@example.org"},
		Requester:       []assessment.Requester{assessment.RequesterParent, assessment.RequesterSchool, assessment.RequesterYoungPerson}[i%3],
		School:          oak,
		Caseworker:      r.caseworker,
		CaseworkerEmail: r.caseworker + "@la.example.gov.uk",
		Manager:         assessment.Contact{Name: "SEND manager", Email: "send.manager@la.example.gov.uk"},
		HealthBody:      assessment.Contact{Name: "Health body (SEND)", Email: "dco@icb.example.org"},
		Policy:          assessment.Policy{Schedule: deadline.Schedule{ReminderLeads: []int{14, 7}, EscalationEvery: 7}, ConsultDays: statute.ConsultationDays},
		Clock:           assessment.Clock{Start: at, WeekSeconds: d.week},
	}
}

// caseworker drives its cases, one action at a time, earliest first.
func (d *driver) caseworker(ctx context.Context, runs []*caseRun, index map[*caseRun]int) {
	for ctx.Err() == nil {
		var best *caseRun
		var bestAt time.Time
		for _, r := range runs {
			if at, ok := r.nextAt(); ok && (best == nil || at.Before(bestAt)) {
				best, bestAt = r, at
			}
		}
		if best == nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(bestAt)):
		}
		if err := d.act(ctx, best, index[best]); err != nil {
			d.mu.Lock()
			d.attempts++
			d.mu.Unlock()
			if best.path.entered && best.started.IsZero() {
				best.startAt = time.Now().Add(2 * time.Second)
			} else if best.path.entered {
				best.withdrawAt = time.Now().Add(2 * time.Second)
			}
			select { // the same step again shortly, as a caseworker would
			case <-ctx.Done():
			case <-time.After(2 * time.Second):
			}
		}
	}
}

// act takes the case's next action; an error means try again.
func (d *driver) act(ctx context.Context, r *caseRun, i int) error {
	if r.path.entered {
		return d.actCLI(ctx, r, i)
	}
	if r.started.IsZero() {
		r.in = d.input(r, i, time.Now())
		if err := d.start(ctx, r.in); err != nil {
			return err
		}
		r.started = time.Now()
		return nil
	}
	s := r.path.steps[r.next]
	on := r.in.Received.AddDays(s.day)
	uctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	h, err := d.c.UpdateWorkflow(uctx, client.UpdateWorkflowOptions{
		// The ID makes a step sent again (no answer heard) count once.
		UpdateID:     fmt.Sprintf("chaos/%s/%d/%s", r.ref, r.next+1, s.update),
		WorkflowID:   assessment.WorkflowID(r.ref),
		UpdateName:   s.update,
		Args:         []any{s.input(on, r.in.Received)},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(uctx, nil)
	}
	var appErr *temporal.ApplicationError
	switch {
	case errors.As(err, &appErr) && appErr.Type() == assessment.CaseSettingUp:
		return err
	case errors.As(err, &appErr):
		r.refusals = append(r.refusals, fmt.Sprintf("%s on %s: %s", s.update, on, appErr.Message()))
	case err != nil:
		return err
	}
	r.next++
	return nil
}

// start starts a case as ehc start does (the same ID, policies and search
// attributes), on the run's compressed clock, which only the API takes.
func (d *driver) start(ctx context.Context, in assessment.AssessmentInput) error {
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	_, err := d.c.ExecuteWorkflow(sctx, assessment.StartOptions(in, d.st.queue), assessment.AssessmentWorkflowName, in)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return nil // an earlier try got through
	}
	return err
}

// actCLI enters a case after the fact, or withdraws it, with the real CLI,
// as a caseworker types it (real dates: the CLI takes no compressed clock).
func (d *driver) actCLI(ctx context.Context, r *caseRun, i int) error {
	if r.started.IsZero() {
		day1 := enteredDay1(time.Now())
		file := filepath.Join(d.st.dir, r.ref+".history")
		if err := os.WriteFile(file, []byte(enteredHistory(day1)), 0o600); err != nil {
			return err
		}
		in := d.input(r, i, time.Now())
		out, err := d.run(ctx, "start", "--case", r.ref, "--received", day1.String(), "--child-name", in.Child.Name,
			"--child-dob", in.Child.DateOfBirth.String(), "--family-name", in.Family.Name, "--family-email", in.Family.Email,
			"--requester", "parent", "--school-name", oak.Name, "--school-email", oak.Email, "--caseworker", r.caseworker,
			"--caseworker-email", in.CaseworkerEmail, "--manager-email", in.Manager.Email, "--history", file)
		if err != nil && !strings.Contains(out, "already has an assessment running") {
			return err
		}
		in.Received, in.Clock = day1, assessment.Clock{}
		r.in, r.started = in, time.Now()
		r.withdrawAt = r.started.Add(20*time.Second + time.Duration(i%40)*time.Second)
		return nil
	}
	out, err := d.run(ctx, "withdraw", r.ref, "--reason", "the family moved out of the area")
	if err != nil && !strings.Contains(out, "has ended") {
		return err
	}
	r.done = true
	return nil
}

// run execs the caseworker CLI and returns what it printed.
func (d *driver) run(ctx context.Context, args ...string) (string, error) {
	cctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(cctx, d.ehc, args...)
	cmd.Env = d.st.env("DATABASE_URL=" + d.st.adminURL)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil {
		fmt.Fprintf(d.log, "chaos: ehc %s %s: %v: %s\n", args[0], args[1], err, strings.TrimSpace(out.String()))
	}
	return out.String(), err
}
