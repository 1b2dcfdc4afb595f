package assessment

import (
	"fmt"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
)

// The final plan, due 20 weeks from Day 1 (reg 13(2)), and the other
// way a case closes: the request withdrawn.

func (a *assessment) checkIssueFinalPlan(ctx workflow.Context, in IssueFinalPlanInput) error {
	if err := a.at(UpdateIssueFinalPlan); err != nil {
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
	a.tellFamily(ctx, letters.FamilyFinalPlan, "1", letters.Facts{Due: d.Due, School: school})
}

func (a *assessment) checkWithdraw(ctx workflow.Context, in WithdrawInput) error {
	if err := a.at(UpdateWithdraw); err != nil {
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
	a.tellFamily(ctx, letters.FamilyWithdrawn, "1", letters.Facts{Reason: in.Reason})
}
