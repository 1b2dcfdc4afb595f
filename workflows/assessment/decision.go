package assessment

import (
	"fmt"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
)

// The two decisions the LA must take in time: whether to assess (reg 5,
// 6 weeks) and, once the advice is in, whether to issue a plan (reg 10,
// 16 weeks).

func (a *assessment) checkDecideAssess(ctx workflow.Context, in DecideAssessInput) error {
	if err := a.at(UpdateDecideAssess); err != nil {
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
		a.step(ctx, StepRecord{Step: UpdateDecideAssess, On: in.On, Detail: "assess", Decision: yes()})
		a.tellFamily(ctx, letters.FamilyDecisionToAssess, "1", letters.Facts{Timetable: a.timetable(), Reason: in.Reason})
		return
	}
	a.close(StageNotAssessed, in.On)
	a.noticed(ctx, in.On)
	a.step(ctx, StepRecord{Step: UpdateDecideAssess, On: in.On, Detail: "refused", Decision: no()})
	a.tellFamily(ctx, letters.FamilyRefusalToAssess, "1", letters.Facts{Reason: in.Reason})
	a.tellPartners(ctx, letters.PartnerRefusalToAssess, letters.Facts{}, letters.RoleSchool, letters.RoleHealth) // reg 5(2)
}

func (a *assessment) checkDecideIssue(ctx workflow.Context, in DecideIssueInput) error {
	if err := a.at(UpdateDecideIssue); err != nil {
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
		a.step(ctx, StepRecord{Step: UpdateDecideIssue, On: in.On, Detail: "issue", Decision: yes()})
		a.tellFamily(ctx, letters.FamilyDecisionToIssue, "1", letters.Facts{Due: a.In.Received.AddWeeks(20)})
		return
	}
	a.close(StageNoPlan, in.On)
	a.noticed(ctx, in.On)
	a.step(ctx, StepRecord{Step: UpdateDecideIssue, On: in.On, Detail: "no plan", Decision: no()})
	a.tellFamily(ctx, letters.FamilyDecisionNotToIssue, "1", letters.Facts{Reason: in.Reason})
	a.tellPartners(ctx, letters.PartnerDecisionNotToIssue, letters.Facts{}, letters.RoleSchool, letters.RoleHealth) // reg 10(3)
}

func yes() *bool { t := true; return &t }
func no() *bool  { f := false; return &f }
