package assessment

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/statute"
)

// registerChange guards the case-register writes added after the first
// histories were recorded: runs that began without them replay without them.
const registerChange = "case-register"

// record writes one event, with the case as it now stands, to the register.
// The key is the case and the event's place in the case's own sequence, so
// a retried or replayed activity cannot write it twice.
func (a *assessment) record(ctx workflow.Context, kind, name string, on statute.Date, detail map[string]any) {
	if !a.Recording {
		return
	}
	a.Seq++
	e := caserecord.Event{
		Key: fmt.Sprintf("%s/%d/%s", a.In.CaseRef, a.Seq, name), CaseRef: a.In.CaseRef,
		Kind: kind, Name: name, EffectiveOn: on, Detail: detail,
	}
	if a.Batched && a.Seq > 1 {
		e.Seq = a.Seq // the step's last event carries the snapshot (takeStep)
		a.pending.Events = append(a.pending.Events, e)
		return
	}
	e.Case = a.snapshot(ctx)
	if a.Seq == 1 {
		e.People = &caserecord.People{ChildName: a.In.Child.Name, ChildDOB: a.In.Child.DateOfBirth,
			FamilyName: a.In.Family.Name, FamilyEmail: a.In.Family.Email,
			SchoolName: a.In.School.Name, SchoolEmail: a.In.School.Email, SEN2: a.In.Child.SEN2}
	}
	summary := fmt.Sprintf("register %s: %s", kind, name)
	if a.Seq > 1 {
		schedule(ctx, &a.sending, summary, e.Key, letters.ActivityRecordEvent, e, nil)
		return
	}
	// The case's row must exist before anything refers to it.
	opts := activityOptions
	opts.Summary = summary
	if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, opts), letters.ActivityRecordEvent, e).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("case not entered in the register", "key", e.Key, "error", err)
		if appErr := (*temporal.ApplicationError)(nil); errors.As(err, &appErr) && appErr.Type() == letters.ReferenceTaken {
			a.taken = appErr // another case holds the reference: this one must not go on
		}
	}
}

// snapshot is the projection the register keeps: no personal data.
func (a *assessment) snapshot(ctx workflow.Context) caserecord.Snapshot {
	s := a.status(ctx)
	p := caserecord.Snapshot{
		Seq: a.Seq, FirstRun: workflow.GetInfo(ctx).FirstRunID, NamedSchool: a.NamedSchool, Stage: string(s.Stage), Requester: string(s.Requester), Caseworker: s.Caseworker,
		Day1: s.Day1, DecisionToAssessDue: s.DecisionToAssessDue, DecisionNotToIssueDue: s.DecisionNotToIssueDue,
		FinalPlanDue: s.FinalPlanDue, DraftCommentsEnd: s.DraftCommentsEnd, DraftServedOn: a.DraftServed,
		ClosedOn: a.ClosedOn, NextDeadline: s.NextDeadline, Overdue: s.Overdue,
	}
	for _, st := range a.Steps {
		switch st.Step {
		case UpdateDecideAssess:
			p.DecidedToAssessOn, p.Assess = st.On, st.Decision
		case UpdateDecideIssue:
			p.DecidedToIssueOn, p.Issue = st.On, st.Decision
		case UpdateIssueFinalPlan:
			p.FinalPlanOn = st.On
		}
	}
	for _, e := range a.Exceptions {
		p.ExceptionRegs = append(p.ExceptionRegs, e.Regulation)
		if e.Deadline != statute.AdviceDue {
			p.HasException = true // SEN2 reports timeliness excluding these cases
		}
	}
	for _, r := range a.Advice {
		rec := caserecord.Advice{ID: r.ID, Kind: r.Kind, Provider: r.Provider.Name,
			RequestedOn: r.Requested, DueOn: r.Due, ReceivedOn: r.Received}
		for _, e := range a.Exceptions {
			rec.HasException = rec.HasException || e.AdviceID == r.ID
		}
		p.Advice = append(p.Advice, rec)
	}
	return p
}
