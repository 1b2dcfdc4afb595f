package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
	"github.com/ehc-send/ehc/workflows/deadline"
)

// The dates. Every case runs on the real clock (the zero Clock, as in
// production), is received today, and dates every step today: each step is
// valid the moment it is sent (no validator asks for a gap between steps:
// the family's 15 days are waived by recording their comments, and a
// consulted school may answer the same day), and no limit falls due while
// the bench runs, so no reminder or escalation fires at all. A case
// received in the past with its steps back-dated would also be valid at
// once, but every limit already passed would fire an escalation (and the
// advice children theirs) as the case started: a storm of extra work the
// figures are not about. A compressed clock would pace the steps by the
// clock, not by the system. Cases started just before midnight in London
// stay valid after it: a step may be dated before today.
func today() statute.Date { return statute.DateOf(time.Now()) }

var (
	ep    = assessment.Contact{Name: "Educational Psychology Service", Email: "ep@la.example.gov.uk"}
	paeds = assessment.Contact{Name: "Community Paediatrics", Email: "paediatrics@nhs.example.org"}
	elm   = assessment.Contact{Name: "Elm Academy", Email: "office@elm.example.org"}
	oak   = assessment.Contact{Name: "Oak Primary", Email: "office@oak.example.org"}
)

// planStep is one Update a caseworker sends, dated on.
type planStep struct {
	update string
	input  func(on statute.Date) any
}

// plan is a case taken to its final plan, as a caseworker does: 13
// Updates (ehc demo's on-time path: decide to assess, ask two advisers and
// record their advice, record why the other three kinds are not needed
// (reg 6(4)), decide to issue, serve the draft, record the family's comments
// naming a school, which consults it, record its answer, issue the plan).
var plan = []planStep{
	{assessment.UpdateDecideAssess, func(on statute.Date) any { return assessment.DecideAssessInput{On: on, Assess: true} }},
	{assessment.UpdateRequestAdvice, func(on statute.Date) any {
		return assessment.RequestAdviceInput{On: on, Kind: statute.AdviceKindPsychological, Provider: ep, EscalationEmail: "lead." + ep.Email}
	}},
	{assessment.UpdateRequestAdvice, func(on statute.Date) any {
		return assessment.RequestAdviceInput{On: on, Kind: statute.AdviceKindMedical, Provider: paeds, EscalationEmail: "lead." + paeds.Email}
	}},
	{assessment.UpdateRecordAdvice, func(on statute.Date) any {
		return assessment.RecordAdviceInput{On: on, Kind: statute.AdviceKindMedical}
	}},
	{assessment.UpdateRecordAdvice, func(on statute.Date) any {
		return assessment.RecordAdviceInput{On: on, Kind: statute.AdviceKindPsychological}
	}},
	notNeeded(statute.AdviceKindFamilyViews),
	notNeeded(statute.AdviceKindEducational),
	notNeeded(statute.AdviceKindSocialCare),
	{assessment.UpdateDecideIssue, func(on statute.Date) any { return assessment.DecideIssueInput{On: on, Issue: true} }},
	{assessment.UpdateServeDraft, func(on statute.Date) any { return assessment.ServeDraftInput{On: on} }},
	{assessment.UpdateRecordComments, func(on statute.Date) any {
		return assessment.RecordCommentsInput{On: on, RequestedSchool: elm}
	}},
	{assessment.UpdateRecordConsultation, func(on statute.Date) any {
		return assessment.RecordConsultationInput{On: on, School: elm.Name, Agrees: true}
	}},
	{assessment.UpdateIssueFinalPlan, func(on statute.Date) any { return assessment.IssueFinalPlanInput{On: on, School: elm.Name} }},
}

func notNeeded(k statute.AdviceKind) planStep {
	return planStep{assessment.UpdateAdviceNotNeeded, func(on statute.Date) any {
		return assessment.AdviceNotNeededInput{On: on, Kind: k, Reason: "last term's advice is enough; all agree"}
	}}
}

// input is a case's start. Its people are fictional and the same for
// every case: the reference is all that tells cases apart.
func input(ref string) assessment.AssessmentInput {
	return assessment.AssessmentInput{
		CaseRef:         ref,
		Received:        today(),
		Child:           assessment.Child{Name: "Bench Child", DateOfBirth: statute.NewDate(2015, time.March, 1)},
		Family:          assessment.Contact{Name: "Bench Family", Email: "family@example.org"},
		Requester:       assessment.RequesterParent,
		School:          oak,
		Caseworker:      "cw-bench",
		CaseworkerEmail: "cw-bench@la.example.gov.uk",
		Manager:         assessment.Contact{Name: "SEND manager", Email: "send.manager@la.example.gov.uk"},
		HealthBody:      assessment.Contact{Name: "Health body (SEND)", Email: "dco@icb.example.org"},
		Policy:          assessment.Policy{Schedule: deadline.Schedule{ReminderLeads: []int{14, 7}, EscalationEvery: 7}, ConsultDays: statute.ConsultationDays},
	}
}

// kind is a workflow under test: the assessment or the no-op, each on
// its own worker's task queue.
type kind struct {
	name     string // for the table
	workflow string // the workflow type
	queue    string
}

// defaultPriority is a caseworker's case; bulkPriority a bulk start's.
var defaultPriority, bulkPriority = temporal.Priority{}, assessment.BulkPriority

// start starts a case as ehc start does: the same ID, policies and search
// attributes; priority is the case's task priority (zero: the default, a
// caseworker's; assessment.BulkPriority for a bulk start).
func start(ctx context.Context, c client.Client, k kind, in assessment.AssessmentInput, timeout time.Duration, priority temporal.Priority) error {
	sctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	opts := assessment.StartOptions(in, k.queue)
	opts.Priority = priority
	_, err := c.ExecuteWorkflow(sctx, opts, k.workflow, in)
	return err
}

// step sends one Update and waits for its answer, the case's status, as
// ehc does: a case still setting up is asked again, 100 ms then doubling
// to 2 s apart, within the one timeout.
func step(ctx context.Context, c client.Client, ref string, s planStep, on statute.Date, timeout time.Duration) (assessment.CaseStatus, error) {
	uctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var st assessment.CaseStatus
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 2*time.Second) {
		h, err := c.UpdateWorkflow(uctx, client.UpdateWorkflowOptions{
			WorkflowID:   assessment.WorkflowID(ref),
			UpdateName:   s.update,
			Args:         []any{s.input(on)},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err == nil {
			err = h.Get(uctx, &st)
		}
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) || appErr.Type() != assessment.CaseSettingUp {
			if err != nil {
				return st, fmt.Errorf("%s on %s: %w", s.update, ref, err)
			}
			return st, nil
		}
		select {
		case <-uctx.Done():
			return st, fmt.Errorf("%s on %s: %w", s.update, ref, uctx.Err())
		case <-time.After(wait):
		}
	}
}

// status asks a case for its status, as ehc status does.
func status(ctx context.Context, c client.Client, ref string, timeout time.Duration) (assessment.CaseStatus, error) {
	qctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var st assessment.CaseStatus
	v, err := c.QueryWorkflow(qctx, assessment.WorkflowID(ref), "", assessment.StatusQuery)
	if err == nil {
		err = v.Get(&st)
	}
	return st, err
}

// awaitSettled waits until a case has made its first record and sent its
// first letters (status says settled), so the steps timed after it are
// not its first.
func awaitSettled(ctx context.Context, c client.Client, ref string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		st, err := status(ctx, c, ref, timeout)
		if err == nil && st.Settled {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("case %s not settled after %s (%v)", ref, timeout, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
