package plan

import (
	"fmt"
	"slices"
	"strings"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/deadline"
	"github.com/ehc-send/ehc/workflows/search"
)

// shownState is what the UI was last shown, so unchanged values are not
// written to history again.
type shownState struct {
	set                 bool
	stage               Stage
	next, review, phase statute.Date
	order               statute.Order
	overdue, late       bool
	problem             bool
}

func (p *plan) status(ctx workflow.Context) PlanStatus {
	asOf := p.asOf(ctx)
	s := PlanStatus{
		CaseRef: p.In.CaseRef, Stage: p.Stage, Today: p.today(ctx), Caseworker: p.In.Caseworker,
		PlanMade: p.In.PlanMade, NamedSetting: p.NamedSetting, LastReview: p.LastReview,
		YearGroup:   statute.YearGroupTitle(statute.YearGroup(p.In.ChildDOB, asOf)),
		SchoolPhase: statute.PhaseOf(statute.YearGroup(p.In.ChildDOB, asOf)),
		Move:        p.Move, Reassessment: p.Reassessment, Exceptions: slices.Clone(p.Exceptions), Ceasing: p.Ceasing,
		Rights: p.Rights, Disagreement: p.Disagreement, OrderDue: p.orderDue(), EndedOn: p.EndedOn,
		Deadlines: []deadline.State{}, Problems: slices.Clone(p.Problems), Steps: slices.Clone(p.Steps),
		Runs: p.Runs, Settled: p.ready,
	}
	if !p.Stage.Closed() {
		s.NextReviewDue = p.nextReviewDue()
		if r := p.current(); r != nil {
			s.ReviewTarget = r.Target
		}
	}
	if r := p.latest(func(r *Review) bool { return !r.NoticeOn.IsZero() || !r.HeldOn.IsZero() }); r != nil {
		s.Review = r
	}
	if ph := p.Phase; ph != nil {
		s.Phase = ph
	}
	for _, d := range p.Deadlines {
		ds := d.State(asOf)
		s.Deadlines = append(s.Deadlines, ds)
		if d.Chase == deadline.ChaseStaff {
			continue // the authority's own target: missing it is not overdue in law
		}
		if ds.Status == deadline.StatusMissed && d.Open() {
			s.Overdue = true
			s.ReviewOverdue = s.ReviewOverdue || d.Name == statute.ReviewDue
		}
		if d.Open() && (s.NextDeadline.IsZero() || d.Due.Before(s.NextDeadline)) {
			s.NextDeadline = d.Due
		}
	}
	return s
}

// publish keeps the UI's search attributes and current details in step
// with the plan. Details are not history events: they cost no command.
func (p *plan) publish(ctx workflow.Context) {
	s := p.status(ctx)
	workflow.SetCurrentDetails(ctx, details(s))
	var phase statute.Date
	if ph := s.Phase; ph != nil && ph.Opened && ph.AmendedOn.IsZero() {
		phase = ph.AmendBy
	}
	now := shownState{set: true, stage: s.Stage, next: s.NextDeadline, review: s.NextReviewDue, phase: phase,
		order: p.orderOwed(), overdue: s.Overdue, late: s.ReviewOverdue, problem: len(p.Problems) > 0}
	if now == p.shown {
		return
	}
	updates := []temporal.SearchAttributeUpdate{search.Stage.ValueSet(string(s.Stage)), search.Overdue.ValueSet(s.Overdue),
		search.ReviewOverdue.ValueSet(s.ReviewOverdue), dateAttr(search.NextDeadline, s.NextDeadline),
		dateAttr(search.NextReviewDue, s.NextReviewDue), dateAttr(search.PhaseTransferBy, phase)}
	if now.problem {
		updates = append(updates, search.DeliveryProblem.ValueSet(true))
	}
	switch { // only ever written once an order is recorded
	case now.order != p.shown.order && now.order != "":
		updates = append(updates, search.Order.ValueSet(string(now.order)))
	case now.order != p.shown.order:
		updates = append(updates, search.Order.ValueUnset())
	}
	if !p.shown.set {
		updates = append(updates, search.CaseRef.ValueSet(p.In.CaseRef), search.Caseworker.ValueSet(p.In.Caseworker))
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, updates...); err != nil {
		workflow.GetLogger(ctx).Warn("search attributes not updated", "error", err)
		return
	}
	p.shown = now
}

func dateAttr(k temporal.SearchAttributeKeyTime, d statute.Date) temporal.SearchAttributeUpdate {
	if d.IsZero() {
		return k.ValueUnset()
	}
	return k.ValueSet(d.At(0))
}

// details is the plan as it stands, for the UI's current details
// (Markdown). No personal data: the named setting is left out.
func details(s PlanStatus) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**Stage:** %s · **as at** %s · **%s**", deadline.MD(s.Stage.Title()), s.Today, deadline.MD(s.YearGroup))
	if !s.NextReviewDue.IsZero() {
		fmt.Fprintf(&b, " · **next review due** %s", s.NextReviewDue)
	}
	if !s.ReviewTarget.IsZero() {
		fmt.Fprintf(&b, " (the authority aims for %s)", s.ReviewTarget)
	}
	if ph := s.Phase; ph != nil && ph.Opened && ph.AmendedOn.IsZero() {
		fmt.Fprintf(&b, " · **%s** amend by %s", deadline.MD(ph.Transfer.Title()), ph.AmendBy)
	}
	if s.Overdue {
		b.WriteString(" · **OVERDUE**")
	}
	b.WriteString("\n\n")
	b.WriteString(deadline.Table(s.Deadlines))
	return b.String()
}

// snapshot is the plan as the register keeps it: no personal data (the
// named setting is with the people, not here).
func (p *plan) snapshot(ctx workflow.Context) caserecord.PlanSnapshot {
	s := p.status(ctx)
	snap := caserecord.PlanSnapshot{
		Seq: p.Seq, FirstRun: workflow.GetInfo(ctx).FirstRunID, Stage: string(p.Stage), Caseworker: p.In.Caseworker,
		PlanMade: p.In.PlanMade, LastReview: p.LastReview, NextReviewDue: s.NextReviewDue,
		EndedOn: p.EndedOn, Overdue: s.Overdue, NextDeadline: s.NextDeadline, TransferredIn: p.In.TransferredIn,
	}
	if d := p.Disagreement; d != nil {
		snap.Dispute = &caserecord.PlanDispute{Decision: string(d.Decision), Notice: d.Notice, MediationFrom: d.MediationFrom,
			WantsMediation: d.WantsMediation, MediationHeld: d.MediationHeld, Certificate: d.Certificate, AppealedOn: d.AppealedOn,
			OrderKind: string(d.Order), OrderMade: d.OrderMade, Unopposed: d.Unopposed, OrderMetOn: d.OrderMetOn}
		if !d.OrderMade.IsZero() {
			if dl := p.Deadlines.Find(orderKey(statute.OrderAmendedPlanDue, d.OrderMade)); dl != nil {
				snap.Dispute.OrderDue = dl.Due
			}
		}
	}
	for _, ph := range []*Phase{p.Phase, p.replaced} {
		if ph != nil && ph.Opened {
			snap.Transfers = append(snap.Transfers, caserecord.PlanTransfer{Transfer: string(ph.Transfer), Year: ph.TransferYear,
				AmendBy: ph.AmendBy, AmendedOn: ph.AmendedOn, Replaced: ph == p.replaced})
		}
	}
	if c := p.Ceasing; c != nil {
		snap.CeasesOn = c.CeasesOn
	}
	for _, r := range p.Reviews {
		rec := caserecord.PlanReview{Cycle: r.Cycle, Due: r.Due, Meeting: r.Meeting, NoticeOn: r.NoticeOn,
			HeldOn: r.HeldOn, ReportOn: r.ReportOn, DecidedOn: r.DecidedOn, Outcome: r.Outcome,
			FinalDue: r.Timetable.FinalAmendedPlanDue, FinalOn: r.FinalOn, NotAmended: r.NotAmended, ForTransfer: r.ForTransfer}
		if !r.ReplacedOn.IsZero() {
			rec.Outcome = OutcomeReplaced // nothing more owed on it: not an amendment overdue
		}
		if d := p.Deadlines.Find(cycleKey(statute.ReviewDue, r.Cycle)); d != nil && d.Closed && r.HeldOn.IsZero() {
			continue // replaced by a reassessed plan's own cycle
		}
		snap.Reviews = append(snap.Reviews, rec)
	}
	return snap
}
