package plan

import (
	"errors"
	"fmt"
	"slices"

	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register/sen2"
	"github.com/ehc-send/ehc/statute"
)

// Ceasing (CFA s.45, reg 29-31): only on a recorded ground, after the
// family and the setting are consulted, with the family's appeal and
// mediation rights; the plan is kept until the time to appeal ends or an
// appeal is decided.

func (p *plan) checkCeasePlan(ctx workflow.Context, in CeaseInput) error {
	if p.Stage != StageInForce {
		return fmt.Errorf("the plan is %s: it cannot be ceased again", p.Stage.Title())
	}
	if !slices.Contains(statute.CeaseGrounds, in.Ground) {
		return fmt.Errorf("ground %q is not one the law gives (%v)", in.Ground, statute.CeaseGrounds)
	}
	switch {
	case in.ConsultedOn.IsZero():
		return errors.New("the day the family and the setting were consulted (--consulted-on) is required (reg 31)")
	case in.ConsultedOn.After(in.On):
		return fmt.Errorf("the consultation on %s must come before the decision on %s (reg 31)", in.ConsultedOn, in.On)
	case in.ConsultedOn.Before(p.In.PlanMade):
		return fmt.Errorf("the consultation on %s is before the plan was made (%s)", in.ConsultedOn, p.In.PlanMade)
	}
	if err := checkText("reason", in.Reason, MaxReason, true); err != nil {
		return err
	}
	return p.dated(ctx, in.On, p.In.PlanMade, "the plan was made")
}

// ceasePlan records the decision to cease: the family told why, and of
// their rights, and the plan kept until the time to appeal has passed.
func (p *plan) ceasePlan(ctx workflow.Context, in CeaseInput) {
	notice := p.noticeOn(ctx, in.On) // the plan is kept until the family's 2 months from it end
	p.Ceasing = &Ceasing{DecidedOn: in.On, Ground: in.Ground, ConsultedOn: in.ConsultedOn, NoticeOn: notice, CeasesOn: statute.CeasesOn(notice)}
	p.Stage = StageCeasing
	if r := p.heldAwaiting(func(r *Review) bool { return r.DecidedOn.IsZero() }); r != nil && !in.On.Before(r.HeldOn) {
		r.DecidedOn, r.Outcome = in.On, OutcomeCease // the review's decision is to cease (reg 20(10))
		p.meet(cycleKey(statute.ReviewDecisionDue, r.Cycle), in.On)
	}
	p.step(ctx, UpdateCeasePlan, in.On)
	if code, err := sen2.CeaseReason(string(in.Ground), false); err == nil { // the return's code, not the ground: custody is "other"
		p.pending.Events[len(p.pending.Events)-1].Detail = map[string]any{"cease_reason": code}
	}
	p.appealable(ctx, statute.AppealCease, in.On)
	f := p.planFacts()
	f.CeasesOn = p.Ceasing.CeasesOn
	reason := fmt.Sprintf("%s (%s). %s", in.Ground.Title(), in.Ground.Regulation(), in.Reason)
	p.tellFamily(ctx, letters.FamilyPlanCeasing, in.On.String(), letters.Facts{Reason: reason, Plan: f})
}

// endCeasing ends a ceasing plan on the day after the time to appeal
// ended, unless an appeal holds it.
func (p *plan) endCeasing(ctx workflow.Context) {
	c := p.Ceasing
	if p.Stage != StageCeasing || !c.AppealedOn.IsZero() || p.today(ctx).Before(c.CeasesOn) {
		return
	}
	p.step(ctx, "plan-ceased", c.CeasesOn)
	p.end(StageCeased, c.CeasesOn)
}

func (p *plan) checkCeasingAppealed(ctx workflow.Context, in OnInput) error {
	if p.Stage != StageCeasing || !p.Ceasing.AppealedOn.IsZero() {
		return errors.New("no decision to cease is open to appeal")
	}
	return p.dated(ctx, in.On, p.Ceasing.DecidedOn, "the decision to cease")
}

// ceasingAppealed holds the plan while the family's appeal is heard.
func (p *plan) ceasingAppealed(ctx workflow.Context, in OnInput) {
	p.Ceasing.AppealedOn = in.On
	if d := p.dispute(); p.responds && d != nil && d.AppealedOn.IsZero() { // the appeal is the disagreement's: its response is owed too
		d.AppealedOn = in.On
		p.watchResponse(ctx, d, in.On, statute.Date{})
	}
	p.step(ctx, UpdateCeasingAppealed, in.On)
}

func (p *plan) checkCeasingAppealEnded(ctx workflow.Context, in AppealDecidedInput) error {
	if p.Stage != StageCeasing || p.Ceasing.AppealedOn.IsZero() {
		return errors.New("no appeal against ceasing is recorded (record-ceasing-appeal)")
	}
	return p.dated(ctx, in.On, p.Ceasing.AppealedOn, "the appeal")
}

// ceasingAppealEnded records the tribunal's decision: upheld, the plan
// stays in force; dismissed, it ceases as decided (reg 44(2)(a)).
func (p *plan) ceasingAppealEnded(ctx workflow.Context, in AppealDecidedInput) {
	if d := p.Disagreement; d != nil && d.Decision == statute.AppealCease && !d.AppealedOn.IsZero() {
		p.close(orderKey(statute.AppealResponseDue, d.AppealedOn)) // decided: no response is owed now
		if p.responds {
			p.Disagreement = nil // the disagreement over ceasing ends with its appeal, upheld or not
		}
	}
	p.step(ctx, UpdateCeasingAppealEnded, in.On)
	if in.Upheld {
		p.Stage, p.Ceasing = StageInForce, nil
		return
	}
	p.step(ctx, "plan-ceased", in.On)
	p.end(StageCeased, in.On)
}
