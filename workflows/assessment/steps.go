package assessment

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"go.temporal.io/sdk/temporal"
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
	return fmt.Errorf("cannot %s: case %s is at stage %q; this step needs %q", step, a.In.CaseRef, a.Stage.Title(), stages[0].Title())
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
	a.Deadlines.Find(string(statute.DecisionToAssessDue)).MetOn = in.On
	if in.Assess {
		a.Stage, a.StageOn = StageAssessing, in.On
		a.step(ctx, StepRecord{Step: UpdateDecideAssess, On: in.On, Detail: "assess"})
		a.tellFamily(ctx, activities.FamilyDecisionToAssess, "1", activities.Facts{Timetable: a.timetable(), Reason: in.Reason})
		return
	}
	a.close(StageNotAssessed, in.On)
	a.step(ctx, StepRecord{Step: UpdateDecideAssess, On: in.On, Detail: "refused"})
	a.tellFamily(ctx, activities.FamilyRefusalToAssess, "1", activities.Facts{Reason: in.Reason})
	a.tellPartners(ctx, activities.PartnerRefusalToAssess, activities.Facts{}, activities.RoleSchool, activities.RoleHealth) // reg 5(2)
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
	if err := dated(ctx, a, in.On, a.StageOn, "the decision to assess"); err != nil {
		return err
	}
	// reg 6(1)(a)-(e): each kind sought, unless reg 6(4) applies to it.
	if missing := a.unsought(); len(missing) > 0 {
		return fmt.Errorf("the assessment has not sought %s advice (reg 6(1)): request it (ehc request-advice), or record why reg 6(4) applies (ehc advice-not-needed --kind KIND --reason TEXT)",
			strings.Join(missing, ", "))
	}
	return nil
}

func (a *assessment) decideIssue(ctx workflow.Context, in DecideIssueInput) {
	a.Deadlines.Find(string(statute.DecisionNotToIssueDue)).MetOn = in.On
	if in.Issue {
		a.Stage, a.StageOn = StageDrafting, in.On
		a.step(ctx, StepRecord{Step: UpdateDecideIssue, On: in.On, Detail: "issue"})
		a.tellFamily(ctx, activities.FamilyDecisionToIssue, "1", activities.Facts{Due: a.In.Received.AddWeeks(20)})
		return
	}
	a.close(StageNoPlan, in.On)
	a.step(ctx, StepRecord{Step: UpdateDecideIssue, On: in.On, Detail: "no plan"})
	a.tellFamily(ctx, activities.FamilyDecisionNotToIssue, "1", activities.Facts{Reason: in.Reason})
	a.tellPartners(ctx, activities.PartnerDecisionNotToIssue, activities.Facts{}, activities.RoleSchool, activities.RoleHealth) // reg 10(3)
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
	a.tellFamily(ctx, activities.FamilyDraftServed, "1", activities.Facts{CommentsEnd: statute.CommentsEnd(in.On), Due: a.Deadlines.Find(string(statute.FinalPlanDue)).Due})
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
	// CFA s.39(3)-(4), s.40: a plan names a school only after consulting it,
	// whether the family asked for it or it is the LA's own choice.
	if in.School != "" && a.consultation(in.School) == nil {
		var names []string
		for _, c := range a.Consults {
			names = append(names, c.School)
		}
		consulted := "no school has been consulted"
		if len(names) > 0 {
			consulted = "consulted: " + strings.Join(names, ", ")
		}
		return fmt.Errorf("the plan cannot name %q: it was not consulted on the draft (CFA s.39(3)); %s. Consult it first (ehc consult-school, for the LA's own choice)", in.School, consulted)
	}
	return nil
}

func (a *assessment) issueFinalPlan(ctx workflow.Context, in IssueFinalPlanInput) {
	d := a.Deadlines.Find(string(statute.FinalPlanDue))
	d.MetOn = in.On
	school := in.School
	if c := a.consultation(in.School); c != nil {
		school = c.School // as consulted
	}
	a.NamedSchool = school
	a.close(StageFinalPlanIssued, in.On)
	detail := "no school named"
	if school != "" {
		detail = "school named" // the name is the child's placement: in the people record only
	}
	a.step(ctx, StepRecord{Step: UpdateIssueFinalPlan, On: in.On, Detail: detail})
	a.tellFamily(ctx, activities.FamilyFinalPlan, "1", activities.Facts{Due: d.Due, School: school})
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
