package workflows

import (
	"errors"
	"fmt"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/statute"
)

// register installs the status query and one validated update per step. A
// validator that rejects leaves no trace in history, so bad input changes
// nothing; handlers then never fail.
func (a *assessment) register(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, StatusQuery, func() (CaseStatus, error) { return a.status(ctx), nil }); err != nil {
		return err
	}
	return errors.Join(
		on(ctx, a, UpdateDecideAssess, a.checkDecideAssess, a.decideAssess),
		on(ctx, a, UpdateRequestAdvice, a.checkRequestAdvice, a.requestAdvice),
		on(ctx, a, UpdateRecordAdvice, a.checkRecordAdvice, a.recordAdvice),
		on(ctx, a, UpdateDecideIssue, a.checkDecideIssue, a.decideIssue),
		on(ctx, a, UpdateServeDraft, a.checkServeDraft, a.serveDraft),
		on(ctx, a, UpdateRecordComments, a.checkRecordComments, a.recordComments),
		on(ctx, a, UpdateConsultSchool, a.checkConsultSchool, a.consultSchool),
		on(ctx, a, UpdateRecordConsultation, a.checkRecordConsultation, a.recordConsultation),
		on(ctx, a, UpdateIssueFinalPlan, a.checkIssueFinalPlan, a.issueFinalPlan),
		on(ctx, a, UpdateRecordException, a.checkRecordException, a.recordException),
		on(ctx, a, UpdateWithdraw, a.checkWithdraw, a.withdraw),
		on(ctx, a, UpdateExpect, a.checkExpect, a.expect),
	)
}

func on[T any](ctx workflow.Context, a *assessment, name string,
	check func(workflow.Context, T) error, apply func(workflow.Context, T)) error {
	return workflow.SetUpdateHandlerWithOptions(ctx, name,
		func(ctx workflow.Context, in T) (CaseStatus, error) {
			apply(ctx, in)
			a.changed++
			return a.status(ctx), nil
		},
		workflow.UpdateHandlerOptions{Validator: check})
}

// open rejects any step on a closed case, naming how it closed.
func (a *assessment) open() error {
	if !a.Stage.Closed() {
		return nil
	}
	if a.Stage == StageFinalPlanIssued {
		return fmt.Errorf("case %s is closed: the final plan was already issued on %s", a.In.CaseRef, a.ClosedOn)
	}
	return fmt.Errorf("case %s is closed (%s on %s): no further steps can be recorded", a.In.CaseRef, a.Stage, a.ClosedOn)
}

// at rejects a step unless the case is open and at one of the stages given.
func (a *assessment) at(step string, stages ...Stage) error {
	if err := a.open(); err != nil {
		return err
	}
	for _, s := range stages {
		if a.Stage == s {
			return nil
		}
	}
	return fmt.Errorf("cannot %s: case %s is at stage %s, and this step needs stage %s", step, a.In.CaseRef, a.Stage, stages[0])
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

func (a *assessment) checkDecideAssess(ctx workflow.Context, in DecideAssessInput) error {
	if err := a.at("decide whether to assess", StageRequested); err != nil {
		return err
	}
	if !in.Assess {
		if err := required(in.Reason, "a reason for refusing to assess (the family must be told it: reg 5(3))"); err != nil {
			return err
		}
	}
	return dated(ctx, a, in.On, a.In.Received, "the request")
}

func (a *assessment) decideAssess(ctx workflow.Context, in DecideAssessInput) {
	a.deadline(string(statute.DecisionToAssessDue)).MetOn = in.On
	if in.Assess {
		a.Stage, a.StageOn = StageAssessing, in.On
		a.step(ctx, StepRecord{Step: UpdateDecideAssess, On: in.On, Detail: "assess"})
		a.tellFamily(ctx, activities.FamilyDecisionToAssess, "1", activities.Facts{Timetable: a.timetable(), Reason: in.Reason})
		return
	}
	a.close(StageNotAssessed, in.On)
	a.step(ctx, StepRecord{Step: UpdateDecideAssess, On: in.On, Detail: "refused"})
	a.tellFamily(ctx, activities.FamilyRefusalToAssess, "1", activities.Facts{Reason: in.Reason})
}

func (a *assessment) checkDecideIssue(ctx workflow.Context, in DecideIssueInput) error {
	if err := a.at("decide whether to issue a plan", StageAssessing); err != nil {
		return err
	}
	if !in.Issue {
		if err := required(in.Reason, "a reason for not issuing a plan (the family must be told it: reg 10(3))"); err != nil {
			return err
		}
	}
	return dated(ctx, a, in.On, a.StageOn, "the decision to assess")
}

func (a *assessment) decideIssue(ctx workflow.Context, in DecideIssueInput) {
	a.deadline(string(statute.DecisionNotToIssueDue)).MetOn = in.On
	if in.Issue {
		a.Stage, a.StageOn = StageDrafting, in.On
		a.step(ctx, StepRecord{Step: UpdateDecideIssue, On: in.On, Detail: "issue"})
		a.tellFamily(ctx, activities.FamilyDecisionToIssue, "1", activities.Facts{Due: a.In.Received.AddWeeks(20)})
		return
	}
	a.close(StageNoPlan, in.On)
	a.step(ctx, StepRecord{Step: UpdateDecideIssue, On: in.On, Detail: "no plan"})
	a.tellFamily(ctx, activities.FamilyDecisionNotToIssue, "1", activities.Facts{Reason: in.Reason})
}

func (a *assessment) checkServeDraft(ctx workflow.Context, in ServeDraftInput) error {
	if err := a.at("serve the draft plan", StageDrafting); err != nil {
		return err
	}
	return dated(ctx, a, in.On, a.StageOn, "the decision to issue")
}

func (a *assessment) serveDraft(ctx workflow.Context, in ServeDraftInput) {
	a.Stage, a.StageOn, a.DraftServed = StageDraftServed, in.On, in.On
	a.step(ctx, StepRecord{Step: UpdateServeDraft, On: in.On})
	a.tellFamily(ctx, activities.FamilyDraftServed, "1", activities.Facts{CommentsEnd: statute.CommentsEnd(in.On), Due: a.deadline(string(statute.FinalPlanDue)).Due})
}

func (a *assessment) checkIssueFinalPlan(ctx workflow.Context, in IssueFinalPlanInput) error {
	if err := a.at("issue the final plan", StageDraftServed); err != nil {
		return err
	}
	if err := dated(ctx, a, in.On, a.DraftServed, "the draft plan was served"); err != nil {
		return err
	}
	// reg 13(1)(a): the family has at least 15 days unless they have already commented.
	if end := statute.CommentsEnd(a.DraftServed); a.CommentsOn.IsZero() && !in.On.After(end) {
		return fmt.Errorf("the family's 15 days to comment on the draft run until %s (reg 13(1)(a)): record their comments first, or issue the final plan after that date", end)
	}
	return nil
}

func (a *assessment) issueFinalPlan(ctx workflow.Context, in IssueFinalPlanInput) {
	d := a.deadline(string(statute.FinalPlanDue))
	d.MetOn = in.On
	a.close(StageFinalPlanIssued, in.On)
	a.step(ctx, StepRecord{Step: UpdateIssueFinalPlan, On: in.On})
	a.tellFamily(ctx, activities.FamilyFinalPlan, "1", activities.Facts{Due: d.Due, School: in.School})
}

func (a *assessment) checkWithdraw(ctx workflow.Context, in WithdrawInput) error {
	if err := a.open(); err != nil {
		return err
	}
	if err := required(in.Reason, "a reason for the withdrawal"); err != nil {
		return err
	}
	return dated(ctx, a, in.On, a.StageOn, "the last step")
}

func (a *assessment) withdraw(ctx workflow.Context, in WithdrawInput) {
	a.close(StageWithdrawn, in.On)
	a.step(ctx, StepRecord{Step: UpdateWithdraw, On: in.On})
	a.tellFamily(ctx, activities.FamilyWithdrawn, "1", activities.Facts{Reason: in.Reason})
}
