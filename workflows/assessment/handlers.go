package assessment

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/statute"
)

// Every step a caseworker takes is a validated Update: its bounds and
// its check (the transitions table and the step's own rules) run in the
// validator, so a refused step leaves no trace; then its handler cannot fail.

// listen installs the status query and one validated update per step. A
// validator that rejects leaves no trace in history, so bad input changes
// nothing; handlers then never fail.
func (a *assessment) listen(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, StatusQuery, func() (CaseStatus, error) { return a.status(ctx), nil }); err != nil {
		return err
	}
	var errs []error
	a.past = map[string]pastStep{}
	a.handlers(ctx, func(name string, p pastStep) { a.past[name] = p }, func(err error) { errs = append(errs, err) })
	return errors.Join(errs...)
}

// handlers lists every step once: each becomes a validated update (when
// install is given) and a past step a history may hold (given to past).
func (a *assessment) handlers(ctx workflow.Context, past func(string, pastStep), installed ...func(error)) {
	add := func(name string, p pastStep, install func(workflow.Context) error) {
		past(name, p)
		for _, report := range installed {
			report(install(ctx))
		}
	}
	on(a, add, UpdateDecideAssess, a.checkDecideAssess, a.decideAssess)
	on(a, add, UpdateRequestAdvice, a.checkRequestAdvice, a.requestAdvice)
	on(a, add, UpdateRecordAdvice, a.checkRecordAdvice, a.recordAdvice)
	on(a, add, UpdateAdviceNotNeeded, a.checkAdviceNotNeeded, a.adviceNotNeeded)
	on(a, add, UpdateDecideIssue, a.checkDecideIssue, a.decideIssue)
	on(a, add, UpdateServeDraft, a.checkServeDraft, a.serveDraft)
	on(a, add, UpdateRecordComments, a.checkRecordComments, a.recordComments)
	on(a, add, UpdateConsultSchool, a.checkConsultSchool, a.consultSchool)
	on(a, add, UpdateRecordConsultation, a.checkRecordConsultation, a.recordConsultation)
	on(a, add, UpdateIssueFinalPlan, a.checkIssueFinalPlan, a.issueFinalPlan)
	on(a, add, UpdateRecordException, a.checkRecordException, a.recordException)
	on(a, add, UpdateWithdraw, a.checkWithdraw, a.withdraw)
	on(a, add, UpdateExpect, a.checkExpect, a.expect)
}

// CaseSettingUp is the error type of a step refused because the case has
// not yet made its first record and letters: the CLI tries it again.
const CaseSettingUp = "CaseSettingUp"

// on makes one step: the same bounds and validator whether it arrives as
// an update or from a history.
func on[T any](a *assessment, add func(string, pastStep, func(workflow.Context) error), name string,
	check func(workflow.Context, T) error, apply func(workflow.Context, T)) {
	validate := func(ctx workflow.Context, in T) error {
		if err := checkBounds(in); err != nil {
			return err
		}
		return check(ctx, in)
	}
	past := func(ctx workflow.Context, raw json.RawMessage, check bool) error {
		var in T
		if err := json.Unmarshal(raw, &in); err != nil {
			return fmt.Errorf("not a %s step: %w", name, err)
		}
		if check {
			if err := validate(ctx, in); err != nil {
				return err
			}
		}
		apply(ctx, in)
		return nil
	}
	install := func(ctx workflow.Context) error {
		return workflow.SetUpdateHandlerWithOptions(ctx, name,
			func(ctx workflow.Context, in T) (CaseStatus, error) {
				apply(ctx, in)
				a.flush(ctx) // the step's record and letters: one activity
				a.changed++
				return a.status(ctx), nil
			},
			workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in T) error {
				// A step waits until the case's first record and letters
				// are out, so it can never overtake them.
				if !a.ready {
					return temporal.NewApplicationError(fmt.Sprintf("case %s is still being set up (its first record and letters are on their way): try again in a few seconds", a.In.CaseRef), CaseSettingUp)
				}
				return validate(ctx, in)
			}})
	}
	add(name, past, install)
}

// open rejects any step on a closed case, naming how it closed.
func (a *assessment) open() error {
	if !a.Stage.Closed() {
		return nil
	}
	if a.Stage == StageFinalPlanIssued {
		return fmt.Errorf("case %s is closed: the final plan was already issued on %s", a.In.CaseRef, a.ClosedOn)
	}
	return fmt.Errorf("case %s is closed (%s on %s): no further steps can be recorded", a.In.CaseRef, a.Stage.Title(), a.ClosedOn)
}

// at rejects a step unless the case is open and, if the transitions table
// names stages for the step, at one of them.
func (a *assessment) at(step string) error {
	if err := a.open(); err != nil {
		return err
	}
	t := transitionOf(step)
	if len(t.From) == 0 || slices.Contains(t.From, a.Stage) {
		return nil
	}
	return fmt.Errorf("cannot %s: case %s is at stage %q; this step needs %q", t.What, a.In.CaseRef, a.Stage.Title(), t.From[0].Title())
}

// transitionOf is the step's row of the table; every handler has one
// (TestEveryStepHasATransition).
func transitionOf(step string) transition {
	for _, t := range transitions {
		if t.Step == step {
			return t
		}
	}
	panic("no transition for step " + step)
}

// dated rejects a missing date, a future date, one before Day 1 and one
// before the step it must follow.
func dated(ctx workflow.Context, a *assessment, on, notBefore statute.Date, after string) error {
	now := a.today(ctx)
	switch {
	case on.IsZero():
		return errors.New("the date the step took effect is required")
	case on.After(now):
		return fmt.Errorf("date %s is in the future (today is %s)", on, now)
	case on.Before(a.In.Received):
		return fmt.Errorf("date %s is before Day 1 (%s), the day the request was received", on, a.In.Received)
	case on.Before(notBefore):
		return fmt.Errorf("date %s is before %s on %s", on, after, notBefore)
	}
	return nil
}

func required(v, what string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("%s is required", what)
	}
	return nil
}
