package assessment

import (
	"fmt"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/deadline"
)

// Exceptions to the time limits (reg 5(4), 8(2), 10(4), 13(3)) and the
// dates a caseworker expects a late limit to be met by.

// limit finds the statutory limit a caseworker names: one of the Day-1
// limits, or an advice request's. what says what is being attached to it,
// for the message.
func (a *assessment) limit(name statute.Deadline, adviceID, what string) (*deadline.Deadline, error) {
	key := string(name)
	switch name {
	case statute.DecisionToAssessDue, statute.DecisionNotToIssueDue, statute.FinalPlanDue:
		if adviceID != "" {
			return nil, fmt.Errorf("an advice request (%s) can only be named for the %s limit", adviceID, statute.AdviceDue)
		}
	case statute.AdviceDue:
		if adviceID == "" {
			return nil, fmt.Errorf("%s to the advice limit must name the advice request", what)
		}
		if a.adviceByID(adviceID) == nil {
			_, err := a.findAdvice(adviceID, "")
			return nil, err
		}
		key += "/" + adviceID
	default:
		return nil, fmt.Errorf("%s cannot apply to %q: it applies to %s, %s, %s or %s", what, name,
			statute.DecisionToAssessDue, statute.DecisionNotToIssueDue, statute.FinalPlanDue, statute.AdviceDue)
	}
	return a.Deadlines.Find(key), nil
}

func (a *assessment) checkRecordException(ctx workflow.Context, in RecordExceptionInput) error {
	if err := a.at(UpdateRecordException); err != nil {
		return err
	}
	g, err := statute.ParseExceptionGround(string(in.Ground))
	if err != nil {
		return err
	}
	d, err := a.limit(in.Deadline, in.AdviceID, "an exception")
	if err != nil {
		return err
	}
	if !g.AppliesTo(in.Deadline) {
		return fmt.Errorf("the ground %s does not apply to the %s limit (see reg 5(4), 8(2), 10(4), 13(3))", g, in.Deadline.Title())
	}
	if s := d.State(a.asOf(ctx)); s.Status == StatusMet || s.Status == StatusNotApplicable {
		return fmt.Errorf("the %s limit is %s: an exception cannot apply", d.Name.Title(), strings.ReplaceAll(s.Status, "_", " "))
	}
	if err := dated(ctx, a, in.From, a.In.Received, "Day 1"); err != nil {
		return fmt.Errorf("exception start: %w", err)
	}
	if !in.To.IsZero() && in.To.Before(in.From) {
		return fmt.Errorf("the exception ends on %s, before it starts on %s", in.To, in.From)
	}
	return dated(ctx, a, in.On, a.In.Received, "Day 1")
}

func (a *assessment) recordException(ctx workflow.Context, in RecordExceptionInput) {
	rec := ExceptionRecord{RecordExceptionInput: in, Regulation: in.Ground.Regulation(in.Deadline)}
	a.Exceptions = append(a.Exceptions, rec)
	d, _ := a.limit(in.Deadline, in.AdviceID, "")
	d.Exception = rec.Regulation
	a.step(ctx, StepRecord{Step: UpdateRecordException, On: in.On, Detail: rec.Regulation + " " + string(in.Deadline)})
}

func (a *assessment) checkExpect(ctx workflow.Context, in ExpectInput) error {
	if err := a.at(UpdateExpect); err != nil {
		return err
	}
	d, err := a.limit(in.Deadline, in.AdviceID, "an expected date")
	if err != nil {
		return err
	}
	if s := d.State(a.asOf(ctx)); s.Status != StatusPending && s.Status != StatusMissed {
		return fmt.Errorf("the %s limit is %s: there is nothing left to expect", d.Name.Title(), s.Status)
	}
	if err := dated(ctx, a, in.On, a.In.Received, "Day 1"); err != nil {
		return err
	}
	if in.By.IsZero() || in.By.Before(in.On) {
		return fmt.Errorf("the expected date %q must be on or after %s, the day it is recorded", in.By, in.On)
	}
	return nil
}

// expect records the new expected date; if the limit is already missed the
// family is told it now, otherwise it goes in the letter when it is missed.
func (a *assessment) expect(ctx workflow.Context, in ExpectInput) {
	d, _ := a.limit(in.Deadline, in.AdviceID, "")
	d.ExpectedBy = in.By
	a.step(ctx, StepRecord{Step: UpdateExpect, On: in.On, Detail: d.Key + " by " + in.By.String()})
	if d.State(a.today(ctx)).Status == StatusMissed {
		facts := a.missedFacts(ctx, d)
		a.tellFamily(ctx, letters.FamilyDeadlineMissed, d.Key+"/expected-"+in.By.String(), facts)
	}
}
