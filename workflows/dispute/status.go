package dispute

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

// shown is what the UI was last shown, so unchanged values are not
// written to history again.
type shown struct {
	set     bool
	stage   Stage
	next    statute.Date
	order   statute.Order
	overdue bool
	problem bool
}

func (d *dispute) status(ctx workflow.Context) Status {
	asOf := d.today(ctx)
	if d.Stage.Closed() {
		asOf = d.EndedOn
	}
	s := Status{CaseRef: d.In.CaseRef, Stage: d.Stage, Today: d.today(ctx), Decision: d.In.Decision, Rights: d.Rights,
		Mediation: d.Mediation, AppealedOn: d.AppealedOn, RespondBy: d.RespondBy, RespondedOn: d.RespondedOn, Order: d.Order,
		EndedOn: d.EndedOn, Deadlines: []deadline.State{}, Problems: slices.Clone(d.Problems), Steps: slices.Clone(d.Steps)}
	for _, dl := range d.Deadlines {
		ds := dl.State(asOf)
		s.Deadlines = append(s.Deadlines, ds)
		if dl.Open() && ds.Status == deadline.StatusMissed {
			s.Overdue = true
		}
		if dl.Open() && (s.NextDeadline.IsZero() || dl.Due.Before(s.NextDeadline)) {
			s.NextDeadline = dl.Due
		}
	}
	return s
}

// publish keeps the UI's search attributes and details in step: the stage,
// the next limit, whether one is missed, and the kind of order in force.
func (d *dispute) publish(ctx workflow.Context) {
	s := d.status(ctx)
	workflow.SetCurrentDetails(ctx, details(s))
	var order statute.Order
	if o := d.Order; o != nil && d.Stage == StageOrdered {
		order = o.Kind
	}
	now := shown{set: true, stage: s.Stage, next: s.NextDeadline, order: order, overdue: s.Overdue, problem: len(d.Problems) > 0}
	if now == d.shown {
		return
	}
	next := search.NextDeadline.ValueUnset()
	if !s.NextDeadline.IsZero() {
		next = search.NextDeadline.ValueSet(s.NextDeadline.At(0))
	}
	updates := []temporal.SearchAttributeUpdate{search.Stage.ValueSet(string(s.Stage)), search.Overdue.ValueSet(s.Overdue), next,
		search.DeliveryProblem.ValueSet(now.problem)}
	if order != "" {
		updates = append(updates, search.Order.ValueSet(string(order)))
	} else {
		updates = append(updates, search.Order.ValueUnset())
	}
	if !d.shown.set {
		updates = append(updates, search.CaseRef.ValueSet(d.In.CaseRef), search.Caseworker.ValueSet(d.In.Caseworker))
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, updates...); err != nil {
		workflow.GetLogger(ctx).Warn("search attributes not updated", "error", err)
		return
	}
	d.shown = now
}

// details is the disagreement for the UI (Markdown), nothing personal.
func details(s Status) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**Disagreement over the %s** · **%s** · as at %s", deadline.MD(s.Decision.Title()), s.Stage, s.Today)
	if s.Stage == StageOpen {
		fmt.Fprintf(&b, " · mediation adviser by %s, appeal by %s", s.Rights.MediationAdvice, s.Rights.AppealBy)
	}
	if o := s.Order; o != nil {
		fmt.Fprintf(&b, " · **order to %s** of %s", o.Kind, o.Made)
	}
	if s.Overdue {
		b.WriteString(" · **OVERDUE**")
	}
	b.WriteString("\n\n")
	b.WriteString(deadline.Table(s.Deadlines))
	return b.String()
}

// snapshot is the disagreement as the register keeps it.
func (d *dispute) snapshot(ctx workflow.Context) caserecord.DisputeSnapshot {
	s := d.status(ctx)
	snap := caserecord.DisputeSnapshot{Seq: d.Seq, FirstRun: workflow.GetInfo(ctx).FirstRunID, Stage: string(d.Stage),
		Decision: string(d.In.Decision), Notice: d.In.Notice, MediationFrom: d.Mediation.AnsweredOn, WantsMediation: d.Mediation.Wants,
		MediationHeld: d.Mediation.HeldOn, Certificate: d.Mediation.Certificate, AppealedOn: d.AppealedOn, RespondBy: d.RespondBy,
		RespondedOn: d.RespondedOn, EndedOn: d.EndedOn, NextDeadline: s.NextDeadline, Overdue: s.Overdue}
	if o := d.Order; o != nil {
		snap.OrderKind, snap.OrderMade, snap.Unopposed, snap.Agreement, snap.OrderOnTime = string(o.Kind), o.Made, o.Unopposed, o.Agreement, o.OnTime
		if dl := d.Deadlines.Find(key(statute.OrderFinalPlanDue, o.Made)); dl != nil {
			snap.OrderDue = dl.Due
			snap.PlanIssuedOn = dl.MetOn
		}
		if d.Stage == StageComplied {
			snap.OrderMetOn = d.EndedOn
		}
	}
	return snap
}
