package assessment

import (
	"slices"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/search"
)

// searchState is what the UI was last shown, so unchanged values are not
// written to history again.
type searchState struct {
	set     bool
	stage   Stage
	next    statute.Date
	overdue bool
	problem bool
}

// timetable is the case's dates so far.
func (a *assessment) timetable() *statute.Timetable {
	s := statute.Steps{DraftServed: a.DraftServed, ConsultDays: a.Policy.ConsultDays}
	for _, r := range a.Advice {
		s.AdviceRequested = append(s.AdviceRequested, statute.AdviceDate{Kind: r.Kind, Requested: r.Requested})
	}
	for _, c := range a.Consults {
		s.Consultations = append(s.Consultations, statute.ConsultDate{School: c.School, Sent: c.Sent})
	}
	t := statute.Compute(a.In.Received, s)
	return &t
}

func (a *assessment) status(ctx workflow.Context) CaseStatus {
	asOf := a.asOf(ctx)
	tt := a.timetable()
	s := CaseStatus{
		CaseRef: a.In.CaseRef, Stage: a.Stage, Caseworker: a.In.Caseworker, Requester: a.In.Requester,
		Day1: a.In.Received, Today: a.today(ctx), ClosedOn: a.ClosedOn, Settled: a.ready,
		DecisionToAssessDue: tt.DecisionToAssessDue, DecisionNotToIssueDue: tt.DecisionNotToIssueDue,
		FinalPlanDue: tt.FinalPlanDue, DraftCommentsEnd: tt.DraftCommentsEnd,
		CommentsOn: a.CommentsOn, CommentsLateDays: a.CommentsLate, NamedSchool: a.NamedSchool,
		AdviceNotNeeded: slices.Clone(a.NotNeeded), DeliveryProblems: slices.Clone(a.Problems),
		Deadlines: []DeadlineState{}, Advice: []AdviceState{}, Consultations: []ConsultationState{},
		Exceptions: append([]ExceptionRecord{}, a.Exceptions...), Steps: append([]StepRecord{}, a.Steps...),
	}
	for _, d := range a.Deadlines {
		ds := d.State(asOf)
		s.Deadlines = append(s.Deadlines, ds)
		if ds.Status == StatusMissed && statutory(d) && !a.Stage.Closed() {
			s.Overdue = true
		}
		if d.Open() && (s.NextDeadline.IsZero() || d.Due.Before(s.NextDeadline)) {
			s.NextDeadline = d.Due
		}
		if d.AdviceID != "" {
			r := a.adviceByID(d.AdviceID).AdviceState
			r.Status, r.DaysOverdue = ds.Status, ds.DaysOverdue
			s.Advice = append(s.Advice, r)
		}
	}
	for _, c := range a.Consults {
		s.Consultations = append(s.Consultations, *c)
	}
	if d, ok := appealable[a.Stage]; ok {
		notice := a.ClosedOn
		if !a.NoticeOn.IsZero() {
			notice = a.NoticeOn
		}
		r := statute.RightsAfter(notice, statute.Date{})
		r.Decision = d
		s.Rights = &r
	}
	return s
}

// appealable is the decision each closing stage leaves the family to
// appeal, if any (CFA s.51(2)).
var appealable = map[Stage]statute.Appealable{
	StageNotAssessed:     statute.AppealRefusalToAssess,
	StageNoPlan:          statute.AppealNoPlan,
	StageFinalPlanIssued: statute.AppealPlanContents,
}

// publish keeps the UI's search attributes and current details in step
// with the case. Details are not history events: they cost no command.
func (a *assessment) publish(ctx workflow.Context) {
	s := a.status(ctx)
	workflow.SetCurrentDetails(ctx, currentDetails(s))
	now := searchState{set: true, stage: s.Stage, next: s.NextDeadline, overdue: s.Overdue, problem: len(a.Problems) > 0}
	if now == a.shown {
		return
	}
	updates := []temporal.SearchAttributeUpdate{search.Stage.ValueSet(string(s.Stage)), search.Overdue.ValueSet(s.Overdue)}
	if now.problem {
		updates = append(updates, search.DeliveryProblem.ValueSet(true)) // only ever set, so old runs' commands are unchanged
	}
	if !a.shown.set {
		updates = append(updates, search.CaseRef.ValueSet(a.In.CaseRef), search.Caseworker.ValueSet(a.In.Caseworker))
	}
	if s.NextDeadline.IsZero() {
		updates = append(updates, search.NextDeadline.ValueUnset())
	} else {
		updates = append(updates, search.NextDeadline.ValueSet(s.NextDeadline.At(0)))
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, updates...); err != nil {
		workflow.GetLogger(ctx).Warn("search attributes not updated", "error", err)
		return
	}
	a.shown = now
}
