package assessment

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/deadline"
)

// lateEntryChange guards how a case now begins: the steps already taken
// applied before any alarm, alarms whose moment passed before the case was
// entered not sent, steps held until the case's first register write and
// letters are out, a reference another case holds refused, and the
// partners told (reg 4(2), 5(2), 10(3)). Runs that began before it replay
// as they ran.
const lateEntryChange = "late-entry"

// PastStep is one step already taken before the case was entered: the
// update it would have been and that update's input, as JSON. It goes
// through the same validator and handler as the live step, so the same
// rules hold, but sends no letter: the family and advisers had those from
// whoever ran the case before.
type PastStep struct {
	Update string          `json:"update"`
	Input  json.RawMessage `json:"input"`
}

// pastStep applies one past step: with check, the same bounds and validator
// as the live update first, then its handler.
type pastStep func(ctx workflow.Context, raw json.RawMessage, check bool) error

// applyHistory takes the steps already taken, oldest first, checking each
// when check is set (the dry run) and trusting that verdict otherwise.
func (a *assessment) applyHistory(ctx workflow.Context, check bool) error {
	a.entering = true
	defer func() { a.entering = false }()
	for i, p := range a.In.History {
		apply, ok := a.past[p.Update]
		if !ok {
			return fmt.Errorf("step %d of the history: %q is not a step (steps: decide-assess, request-advice, record-advice, ...)", i+1, p.Update)
		}
		if err := apply(ctx, p.Input, check); err != nil {
			return fmt.Errorf("step %d of the history (%s): %w", i+1, p.Update, err)
		}
	}
	return nil
}

// checkHistory runs the history on a scratch case that records nothing and
// sends nothing, so a bad history fails the start before anything happens.
// The verdict is recorded once (a side effect): a later change to a rule
// must not make a case entered under the old one fail on replay.
func checkHistory(ctx workflow.Context, in AssessmentInput) error {
	if len(in.History) == 0 {
		return nil
	}
	var verdict string
	enc := workflow.SideEffect(ctx, func(ctx workflow.Context) any {
		if len(in.History) > MaxHistorySteps {
			return fmt.Sprintf("the history has %d steps; the limit is %d", len(in.History), MaxHistorySteps)
		}
		b := newAssessment(in)
		b.dryRun = true
		b.past = map[string]pastStep{}
		b.handlers(ctx, func(name string, p pastStep) { b.past[name] = p })
		if err := b.applyHistory(ctx, true); err != nil {
			return err.Error()
		}
		return ""
	})
	if err := enc.Get(&verdict); err != nil {
		return err
	}
	if verdict != "" {
		return errors.New(verdict)
	}
	return nil
}

// MaxHistorySteps bounds a history: a case has a dozen steps, an unusual
// one a few dozen.
const MaxHistorySteps = 200

// enteredAtStartChange guards when a case counts as entered: when it was
// started, not when a worker first ran it. Alarms that passed while no
// worker ran (a case started during an outage) are owed and fire next, the
// family's letter among them, and the partners are told of the request
// (reg 4(2)); before it, such a case was taken as entered after the fact.
const enteredAtStartChange = "entered-at-start"

// queuedStepsChange guards the wait before a case started during an outage
// fires the alarms that passed meanwhile: the steps its caseworker sent
// then are retrying (CaseSettingUp) and land first, so no family is told a
// limit was missed that a queued step met in time.
const queuedStepsChange = "queued-steps-first"

// queuedStepsGrace is longer than the CLI's retries of a step refused while
// the case was set up (at most 2 s apart).
const queuedStepsGrace = 15 * time.Second

// enter settles what a case entered after the fact owes. An alarm whose
// moment passed before the case was entered is not sent as if it were new:
// staff get one summary of where each limit stands, and the family an
// acknowledgement with the real dates and one letter for each limit
// already missed (never one saying late what was done on time).
func (a *assessment) enter(ctx workflow.Context) {
	now, today := a.now(ctx), a.today(ctx)
	entered := now
	if workflow.GetVersion(ctx, enteredAtStartChange, workflow.DefaultVersion, 1) >= 1 {
		if started := a.In.Clock.At(workflow.GetInfo(ctx).WorkflowStartTime); started.Before(now) {
			entered = started
		}
	}
	passed := false
	var missed deadline.Set
	for _, d := range a.Deadlines {
		if a.TellsMetLate && d.MetOn.After(d.Due) {
			d.FamilyTold = true // met late before the case was entered: the acknowledgement says so
		}
		if !d.Open() {
			continue
		}
		if d.SkipPassed(a.Policy.Schedule, entered) {
			passed = true
		}
		// Missed, and the alarm that would have told the family has passed
		// (before it, that alarm still fires and tells them itself).
		if d.Fired > len(d.Leads(a.Policy.Schedule)) && statutory(d) {
			missed = append(missed, d)
		}
	}
	for _, d := range a.Deadlines {
		if al := d.AlarmAt(d.Fired, a.Policy.Schedule); d.Open() && al.Kind != deadline.AlarmNone && !al.At().After(now) {
			a.startedLate = true // an alarm passed between the start and this first task
		}
	}
	tt := statute.Compute(a.In.Received, statute.Steps{})
	facts := letters.Facts{Timetable: &tt}
	late := passed || len(a.In.History) > 0
	if late {
		facts.Limits = a.limitFacts(today)
	}
	if a.Stage.Closed() {
		// Entered already closed, for the record: nothing is owed to the
		// family now, and staff hear where it stood, if anything is left.
		if len(facts.Limits) > 0 {
			a.send(ctx, letters.StaffCaseEntered, "1", a.caseworker(), a.manager(), facts)
		}
		return
	}
	if a.In.QuietEntry {
		// Imported without writing to families: no acknowledgement of a
		// request made before, no partners' notice of it, no letter now for
		// a limit missed before. A limit still missed is the present: the
		// next weekly escalation tells the family, as for any case.
		a.send(ctx, letters.StaffCaseEntered, "1", a.caseworker(), a.manager(), facts)
		return
	}
	a.tellFamily(ctx, letters.FamilyRequestReceived, "1", facts)
	facts.FamilyTold = true // the staff summary's, below
	if !late {
		// reg 4(2): partners hear of a request as it arrives; one entered
		// after the fact was told of by whoever ran it then.
		a.tellPartners(ctx, letters.PartnerRequestReceived, letters.Facts{Timetable: &tt},
			letters.RoleSchool, letters.RoleHealth, letters.RoleSocialCare)
		return
	}
	for _, d := range missed {
		f := a.missedFacts(ctx, d)
		if d.Chase == deadline.ChaseAdvice {
			f.AdviceKind = a.adviceByID(d.AdviceID).Kind
			a.tellFamily(ctx, letters.FamilyAdviceOverdue, d.Key, f)
			continue
		}
		d.FamilyTold = true
		a.tellFamily(ctx, letters.FamilyDeadlineMissed, d.Key, f)
	}
	a.send(ctx, letters.StaffCaseEntered, "1", a.caseworker(), a.manager(), facts)
}

// limitFacts is where each statutory limit stands today, for a case
// entered after the fact: Day-1 limits and advice, in the case's order.
func (a *assessment) limitFacts(today statute.Date) []letters.LimitFact {
	var out []letters.LimitFact
	for _, d := range a.Deadlines {
		if !statutory(d) || (d.Closed && d.MetOn.IsZero()) {
			continue
		}
		what := d.Name.Title()
		if d.AdviceID != "" {
			what = a.adviceByID(d.AdviceID).Kind.Title()
		}
		l := letters.LimitFact{What: what, Regulation: d.Name.Regulation(), Due: d.Due, MetOn: d.MetOn}
		switch {
		case !d.MetOn.IsZero() && d.MetOn.After(d.Due):
			l.DaysLate = d.MetOn.DaysSince(d.Due)
		case d.MetOn.IsZero() && today.After(d.Due):
			l.DaysOverdue = today.DaysSince(d.Due)
		}
		out = append(out, l)
	}
	return out
}
