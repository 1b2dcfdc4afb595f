package plan

import (
	"errors"
	"fmt"
	"slices"

	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
)

// Reassessment (reg 24-27): a request from the family or the school, the
// decision within 15 days of it, and the final plan, amended or replaced,
// within 14 weeks of the decision to reassess.

func reassessKey(name statute.Deadline, r *Reassessment) string {
	return fmt.Sprintf("%s/%s", name, reassessSubject(r))
}

// reassessSubject names one request in its keys: numbered, as a refused
// request and a second one may share a date.
func reassessSubject(r *Reassessment) string {
	if r.Key != "" {
		return r.Key
	}
	return r.Requested.String() // a request made before requests were numbered
}

// newReassessment numbers a request.
func (p *plan) newReassessment(r statute.Reassessment, from string) *Reassessment {
	p.Requests++
	return &Reassessment{Reassessment: r, From: from, Key: fmt.Sprintf("%s-%d", r.Requested, p.Requests)}
}

// reassessing reports whether a reassessment is requested or under way.
func (p *plan) reassessing() bool {
	r := p.Reassessment
	return r != nil && !r.Refused && r.IssuedOn.IsZero()
}

func (p *plan) checkRequestReassessment(ctx workflow.Context, in ReassessmentRequestInput) error {
	if in.From != FromFamily && in.From != FromSchool {
		return fmt.Errorf("from %q is not family or school (reg 24)", in.From)
	}
	if p.reassessing() {
		return fmt.Errorf("a reassessment requested on %s is already in progress", p.Reassessment.Requested)
	}
	return p.dated(ctx, in.On, p.In.PlanMade, "the plan was made")
}

// requestReassessment records a request to reassess (reg 24), starting
// the 15 days for the decision (reg 25).
func (p *plan) requestReassessment(ctx workflow.Context, in ReassessmentRequestInput) {
	p.Reassessment = p.newReassessment(statute.Reassess(in.On, statute.Date{}), in.From)
	p.Exceptions = nil // an earlier reassessment's
	p.addDeadline(ctx, reassessKey(statute.ReassessDecisionDue, p.Reassessment), statute.ReassessDecisionDue, p.Reassessment.DecisionDue)
	p.step(ctx, UpdateRequestReassessment, in.On)
}

func (p *plan) checkDecideReassess(ctx workflow.Context, in DecideReassessInput) error {
	if !p.reassessing() || !p.Reassessment.Decided.IsZero() {
		return errors.New("no request to reassess is awaiting a decision (request-reassessment)")
	}
	if !in.Reassess {
		if err := checkText("reason", in.Reason, MaxReason, true); err != nil {
			return fmt.Errorf("a refusal to reassess gives the family its reasons: %w", err)
		}
	}
	return p.dated(ctx, in.On, p.Reassessment.Requested, "the request")
}

// decideReassess records the decision whether to reassess (reg 25): the
// family told, with their rights on a refusal.
func (p *plan) decideReassess(ctx workflow.Context, in DecideReassessInput) {
	r := p.Reassessment
	p.meet(reassessKey(statute.ReassessDecisionDue, r), in.On)
	f := p.planFacts()
	if in.Reassess {
		r.Reassessment = statute.Reassess(r.Requested, in.On)
		p.addDeadline(ctx, reassessKey(statute.ReassessFinalPlanDue, r), statute.ReassessFinalPlanDue, r.FinalPlanDue)
		f.Reassessment = &r.Reassessment
	} else {
		r.Decided, r.Refused = in.On, true
		p.appealable(ctx, statute.AppealRefusalToReassess, in.On)
	}
	p.step(ctx, UpdateDecideReassess, in.On)
	p.tellFamily(ctx, letters.FamilyReassessment, reassessSubject(r), letters.Facts{Reason: in.Reason, Plan: f})
}

func (p *plan) checkIssueReassessedPlan(ctx workflow.Context, in AmendedPlanInput) error {
	if !p.reassessing() || p.Reassessment.Decided.IsZero() {
		return errors.New("no reassessment is under way: the decision to reassess comes first (decide-reassess --reassess)")
	}
	if err := checkText("setting", in.Setting, MaxSetting, false); err != nil {
		return err
	}
	return p.dated(ctx, in.On, p.Reassessment.Decided, "the decision to reassess")
}

// issueReassessedPlan records the plan amended or replaced after the
// reassessment (reg 27): the review cycle starts again from it.
func (p *plan) issueReassessedPlan(ctx workflow.Context, in AmendedPlanInput) {
	r := p.Reassessment
	r.IssuedOn = in.On
	p.meet(reassessKey(statute.ReassessFinalPlanDue, r), in.On)
	p.nameSetting(in.Setting, in.On)
	if cur := p.current(); cur.HeldOn.IsZero() {
		p.close(cycleKey(statute.ReviewDue, cur.Cycle)) // the new plan's own 12 months replace it
		p.close(cycleKey(statute.ReviewTarget, cur.Cycle))
	}
	for _, o := range p.Reviews {
		if p.noticed && !o.HeldOn.IsZero() && !o.Done() { // the new plan decides what the review's decision or amendment would have
			o.ReplacedOn = in.On
			p.close(cycleKey(statute.ReviewDecisionDue, o.Cycle))
			p.close(cycleKey(statute.FinalAmendedPlanDue, o.Cycle))
		}
	}
	p.step(ctx, UpdateIssueReassessedPlan, in.On)
	p.appealable(ctx, statute.AppealPlanContents, in.On)
	p.startCycle(ctx, in.On, p.Cycle+1)
	p.tellFamily(ctx, letters.FamilyAmendedPlan, "reassessed/"+reassessSubject(r), letters.Facts{School: in.Setting, Plan: p.planFacts()})
}

func (p *plan) checkRecordException(ctx workflow.Context, in ExceptionInput) error {
	if in.Deadline != statute.ReassessDecisionDue && in.Deadline != statute.ReassessFinalPlanDue {
		return fmt.Errorf("deadline %q: a plan's exceptions are to a reassessment's limits only (reassess_decision_due, reassess_final_plan_due); the annual review, amendments and transfers have none", in.Deadline)
	}
	if !slices.Contains(statute.ExceptionGrounds, in.Ground) || !in.Ground.AppliesTo(in.Deadline) {
		return fmt.Errorf("ground %q does not excuse the %s", in.Ground, in.Deadline.Title())
	}
	if !p.reassessing() {
		return errors.New("no reassessment is in progress")
	}
	if d := p.Deadlines.Find(reassessKey(in.Deadline, p.Reassessment)); d == nil || !d.Open() {
		return fmt.Errorf("the %s is not being watched: nothing to excuse", in.Deadline.Title())
	}
	return p.dated(ctx, in.On, p.Reassessment.Requested, "the request")
}

// recordException records an exception to a reassessment's limit (the
// assessment's grounds, reg 5(4) and 13(3)): it does not stop the clock,
// but the staff and the family are told of it with every chase.
func (p *plan) recordException(ctx workflow.Context, in ExceptionInput) {
	reg := in.Ground.Regulation(in.Deadline)
	p.Deadlines.Find(reassessKey(in.Deadline, p.Reassessment)).Exception = reg
	p.Exceptions = append(p.Exceptions, Exception{Deadline: in.Deadline, Ground: in.Ground, Regulation: reg, On: in.On})
	p.step(ctx, UpdateRecordException, in.On)
}

// exceptionText names the exception recorded against d, as letters say it.
func (p *plan) exceptionText(name statute.Deadline) string {
	for i := len(p.Exceptions) - 1; i >= 0; i-- {
		if e := p.Exceptions[i]; e.Deadline == name {
			return e.Regulation + ": " + e.Ground.Title()
		}
	}
	return ""
}
