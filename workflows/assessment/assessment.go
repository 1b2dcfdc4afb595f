package assessment

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/bounds"
	"github.com/ehc-send/ehc/workflows/commit"
	"github.com/ehc-send/ehc/workflows/deadline"
)

// The assessment, read top-down: at each stage, the steps a caseworker may
// take, where each leads, and the statutory limit it meets or starts. A
// step's check refuses it at any other stage (at); steps with no stages
// may be taken at any stage until the case closes.
var transitions = []transition{
	{UpdateDecideAssess, "decide whether to assess", from(StageRequested), to(StageAssessing, StageNotAssessed), statute.DecisionToAssessDue, ""},  // reg 5(1): 6 weeks
	{UpdateRequestAdvice, "request advice", from(StageAssessing), nil, "", statute.AdviceDue},                                                      // reg 8(1): 6 weeks to answer
	{UpdateRecordAdvice, "record advice", nil, nil, statute.AdviceDue, ""},                                                                         // reg 8(1)
	{UpdateAdviceNotNeeded, "record advice as not needed", from(StageAssessing), nil, "", ""},                                                      // reg 6(4)
	{UpdateDecideIssue, "decide whether to issue a plan", from(StageAssessing), to(StageDrafting, StageNoPlan), statute.DecisionNotToIssueDue, ""}, // reg 10(1): 16 weeks
	{UpdateServeDraft, "serve the draft plan", from(StageDrafting), to(StageDraftServed), "", statute.DraftCommentsEnd},                            // reg 13(1)(a): 15 days
	{UpdateRecordComments, "record the family's comments", from(StageDraftServed), nil, statute.DraftCommentsEnd, ""},                              // reg 13(1)(a)
	{UpdateConsultSchool, "consult a school", from(StageDraftServed), nil, "", statute.ConsultationDue},                                            // CFA s.39(3): 15 days
	{UpdateRecordConsultation, "record a school's answer", from(StageDraftServed), nil, statute.ConsultationDue, ""},                               // CFA s.39(3)
	{UpdateIssueFinalPlan, "issue the final plan", from(StageDraftServed), to(StageFinalPlanIssued), statute.FinalPlanDue, ""},                     // reg 13(2): 20 weeks
	{UpdateRecordException, "record an exception", nil, nil, "", ""},                                                                               // reg 5(4), 8(2), 10(4), 13(3)
	{UpdateExpect, "expect a late limit to be met", nil, nil, "", ""},
	{UpdateWithdraw, "withdraw the request", nil, to(StageWithdrawn), "", ""},
}

// transition is one row of the table.
type transition struct {
	Step   string           // the Update
	What   string           // in the caseworker's words, for a refusal
	From   []Stage          // the stages it may be taken at; none: any open stage
	To     []Stage          // the stages it leads to; none: the stage stays
	Meets  statute.Deadline // the limit it meets, if any
	Starts statute.Deadline // the limit it starts, if any
}

func from(s ...Stage) []Stage { return s }
func to(s ...Stage) []Stage   { return s }

// State is everything a case carries from one run to the next when it
// continues as new: what the case is and what it has done. The runtime
// fields of assessment (timers, activities in flight, handlers) are not in
// it; a run rebuilds them.
type State struct {
	In           AssessmentInput
	Policy       Policy
	Stage        Stage
	StageOn      statute.Date // the step that began this stage; later steps may not precede it
	ClosedOn     statute.Date
	NoticeOn     statute.Date // a refusal's letter: the day sent, or the day recorded for a step from a history
	DraftServed  statute.Date
	CommentsOn   statute.Date
	CommentsLate int    // days after the reg 13(1)(a) period the comments came
	NamedSchool  string // the school the final plan names
	Deadlines    deadline.Set
	Advice       []*adviceRequest
	NotNeeded    []AdviceNotNeededInput // reg 6(4)
	Consults     []*ConsultationState
	Exceptions   []ExceptionRecord
	Problems     []DeliveryProblem
	Steps        []StepRecord

	Recording bool // writes to the case register (see registerChange)
	Seq       int  // case events recorded so far
	Runs      int  // runs before this one (continued as new)

	// How the run that began the case chose at each versioned change; a
	// later run keeps those choices rather than taking today's.
	Partners         bool // reg 4(2), 5(2), 10(3) notices go (cases begun with lateEntryChange)
	ConsultsNumbered bool // consultations known by number (consultNumberChange)
	TellsMetLate     bool // the family told of a limit met late that no alarm told them of (metLateChange)
	Batched          bool // one activity a step (stepActivityChange)
	OneTimer         bool // one alarm timer kept across passes (oneTimerChange)
}

// assessment is one run of a case: its State and what the run keeps while
// it lasts. Only the workflow's own goroutines touch it; update handlers
// change it and bump changed so the main loop re-plans.
type assessment struct {
	State

	changed     int
	sending     int  // activities scheduled and not yet settled
	ready       bool // the first record and letters are out: steps may run
	entering    bool // applying a history: no letters, children later
	dryRun      bool // checking a history: nothing recorded, sent or started
	past        map[string]pastStep
	shown       searchState
	taken       error // the register holds this reference for another case
	startedLate bool  // an alarm passed between the case's start and its first task (a worker down)
	// awaitingChildren: the case would continue as new but for an advice
	// request still being chased; the request's end wakes it.
	awaitingChildren bool
	timer            deadline.Timer
	pending          commit.Pending

	adviceCtx    workflow.Context // the advice children's: cancelled by settleAdvice
	cancelAdvice workflow.CancelFunc
}

type adviceRequest struct {
	AdviceState
	Provider        Contact
	EscalationEmail string
	child           workflow.ChildWorkflowFuture // started by this run
	ended           bool                         // its child has closed
}

// ValidateCaseRef rejects references that could not be a workflow ID or
// that look like free text (bounds.CaseRef).
func ValidateCaseRef(ref string) error { return bounds.CaseRef(ref) }

// validateStart judges a start; bounded says by today's bounds, not as a
// run begun before them was judged (see boundsChange).
func validateStart(in AssessmentInput, now statute.Date, bounded bool) error {
	var errs []error
	checkEmail := startEmailRule(bounded)
	if err := ValidateCaseRef(in.CaseRef); err != nil {
		errs = append(errs, err)
	}
	if err := in.Clock.Check(); err != nil {
		errs = append(errs, err)
	}
	switch {
	case in.Received.IsZero():
		errs = append(errs, errors.New("the date the request was received (Day 1) is required"))
	case in.Received.After(now):
		errs = append(errs, fmt.Errorf("the request cannot be received on %s, which is in the future (today is %s)", in.Received, now))
	}
	if strings.TrimSpace(in.Caseworker) == "" {
		errs = append(errs, errors.New("a caseworker is required"))
	}
	if err := checkEmail(in.Family.Email); err != nil {
		errs = append(errs, fmt.Errorf("the family's email (they must be told their timetable): %w", err))
	}
	if err := checkEmail(in.CaseworkerEmail); err != nil {
		errs = append(errs, fmt.Errorf("the caseworker's email (reminders go there): %w", err))
	}
	if in.Manager.Email != "" {
		if err := checkEmail(in.Manager.Email); err != nil {
			errs = append(errs, fmt.Errorf("the SEND manager's email: %w", err))
		}
	}
	if in.Policy.HistoryBound < 0 || in.Policy.HistoryBound > MaxHistoryBound {
		errs = append(errs, fmt.Errorf("the policy's history bound %d is outside 0 (the default, %d) to %d events", in.Policy.HistoryBound, HistoryBound, MaxHistoryBound))
	}
	if bounded {
		errs = append(errs, checkStartBounds(in)) // nil when within bounds
	}
	return errors.Join(errs...)
}

// Assessment runs one EHC needs assessment from request to outcome: it
// begins the case (or takes it over from the run before, when it continued
// as new), runs it until it closes, then settles what is owed.
func Assessment(ctx workflow.Context, in AssessmentInput) (AssessmentResult, error) {
	var a *assessment
	var err error
	if in.Continued != nil {
		a, err = resume(ctx, in)
	} else {
		a, err = begin(ctx, in)
	}
	if err != nil {
		return AssessmentResult{}, err
	}
	if err := a.run(ctx); err != nil {
		return AssessmentResult{}, err // continued as new, or cancelled
	}
	return a.finish(ctx)
}

// begin starts a case: its first record and letters, or, for a case
// entered after the fact, its history applied and one summary.
func begin(ctx workflow.Context, in AssessmentInput) (*assessment, error) {
	bounded := workflow.GetVersion(ctx, boundsChange, workflow.DefaultVersion, 1) >= 1
	if err := validateStart(in, in.Clock.Today(ctx), bounded); err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidStart", nil)
	}
	a := newAssessment(in)
	a.adviceCtx, a.cancelAdvice = workflow.WithCancel(ctx)
	if err := a.listen(ctx); err != nil {
		return nil, err
	}
	a.Recording = workflow.GetVersion(ctx, registerChange, workflow.DefaultVersion, 1) >= 1
	a.ConsultsNumbered = workflow.GetVersion(ctx, consultNumberChange, workflow.DefaultVersion, 1) >= 1
	a.TellsMetLate = workflow.GetVersion(ctx, metLateChange, workflow.DefaultVersion, 1) >= 1
	a.Batched = workflow.GetVersion(ctx, stepActivityChange, workflow.DefaultVersion, 1) >= 1
	a.OneTimer = workflow.GetVersion(ctx, oneTimerChange, workflow.DefaultVersion, 1) >= 1
	if workflow.GetVersion(ctx, lateEntryChange, workflow.DefaultVersion, 1) < 1 {
		a.ready = true
		a.step(ctx, StepRecord{Step: "request-received", On: in.Received})
		tt := statute.Compute(in.Received, statute.Steps{})
		a.tellFamily(ctx, letters.FamilyRequestReceived, "1", letters.Facts{Timetable: &tt})
		return a, nil
	}
	a.Partners = true
	a.hearLostAdvice(ctx)
	if err := checkHistory(ctx, in); err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidStart", nil)
	}
	a.step(ctx, StepRecord{Step: "request-received", On: in.Received}) // awaited: the case's row comes first
	if a.taken != nil {
		return nil, temporal.NewNonRetryableApplicationError(a.taken.Error(), letters.ReferenceTaken, nil)
	}
	if err := a.applyHistory(ctx, false); err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidStart", nil)
	}
	a.enter(ctx)
	a.startHeldAdvice(ctx)
	a.flush(ctx) // the history's events and the entry's letters: one step
	a.ready = true
	if a.startedLate && workflow.GetVersion(ctx, queuedStepsChange, workflow.DefaultVersion, 1) >= 1 {
		_ = workflow.Sleep(ctx, queuedStepsGrace)
	}
	return a, nil
}

// run keeps the case's deadlines until it closes: each pass fires what is
// due, commits it, shows the case in the UI and waits for the next alarm or
// step. It returns a ContinueAsNewError when the case continues as new.
func (a *assessment) run(ctx workflow.Context) error {
	for !a.Stage.Closed() {
		a.tellMetLate(ctx)
		a.fireDue(ctx)
		a.flush(ctx)
		a.publish(ctx)
		if a.continuing(ctx) {
			return a.continueAsNew(ctx)
		}
		seen := a.changed
		changed := func() bool { return a.changed != seen }
		next, dl, ok := a.Deadlines.Next(a.Policy.Schedule, a.now(ctx))
		if !ok {
			if a.OneTimer {
				a.timer.Stop()
			}
			if err := workflow.Await(ctx, changed); err != nil {
				return err
			}
			continue
		}
		wait := a.In.Clock.UntilAlarm(ctx, next.Date)
		if wait <= 0 {
			continue
		}
		summary := deadline.Summary(dl, next)
		if a.OneTimer {
			if err := a.timer.Await(ctx, next.Date.String()+" "+summary, summary, wait, changed); err != nil {
				return err
			}
			continue
		}
		opts := workflow.AwaitOptions{Timeout: wait, TimerOptions: workflow.TimerOptions{Summary: summary}}
		if _, err := workflow.AwaitWithOptions(ctx, opts, changed); err != nil {
			return err
		}
	}
	return nil
}

// finish lets in-flight steps and letters settle, ends the advice
// requests, and reports how the case closed.
func (a *assessment) finish(ctx workflow.Context) (AssessmentResult, error) {
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return AssessmentResult{}, err
	}
	a.tellMetLate(ctx) // a closing step may meet a limit late
	a.flush(ctx)
	a.settleAdvice(ctx)
	a.startPlan(ctx)
	a.startDispute(ctx)
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) && a.sending == 0 && a.pending.Empty() }); err != nil {
		return AssessmentResult{}, err
	}
	a.publish(ctx)
	final := a.Deadlines.Find(string(statute.FinalPlanDue))
	return AssessmentResult{
		CaseRef:                a.In.CaseRef,
		Stage:                  a.Stage,
		ClosedOn:               a.ClosedOn,
		FinalPlanWithin20Weeks: a.Stage == StageFinalPlanIssued && !final.MetOn.After(final.Due),
	}, nil
}

func newAssessment(in AssessmentInput) *assessment {
	a := &assessment{State: State{In: in, Policy: in.Policy.normalise(), Stage: StageRequested, StageOn: in.Received}}
	tt := statute.Compute(in.Received, statute.Steps{})
	for _, l := range tt.FromDay1() {
		a.Deadlines = append(a.Deadlines, &deadline.Deadline{Key: string(l.Deadline), Name: l.Deadline, Due: l.Due, Chase: deadline.ChaseLA})
	}
	return a
}

// fireDue fires every alarm now due, oldest first, one per deadline a round.
func (a *assessment) fireDue(ctx workflow.Context) {
	a.Deadlines.FireDue(a.Policy.Schedule, a.now(ctx), func(d *deadline.Deadline, al deadline.Alarm) { a.fire(ctx, d, al) })
}

// step adds a step to the case's history and the register.
func (a *assessment) step(ctx workflow.Context, s StepRecord) {
	a.Steps = append(a.Steps, s)
	a.record(ctx, caserecord.KindStep, s.Step, s.On, map[string]any{"detail": s.Detail})
}

// close ends the case: deadlines still open no longer apply.
func (a *assessment) close(stage Stage, on statute.Date) {
	a.Stage, a.StageOn, a.ClosedOn = stage, on, on
	for _, d := range a.Deadlines {
		if d.MetOn.IsZero() {
			d.Closed = true
		}
	}
}

// asOf is the date statuses are judged at: today, or the day the case closed.
func (a *assessment) asOf(ctx workflow.Context) statute.Date {
	if a.Stage.Closed() {
		return a.ClosedOn
	}
	return a.today(ctx)
}

// today is the case's statutory date.
func (a *assessment) today(ctx workflow.Context) statute.Date { return a.In.Clock.Today(ctx) }

// now is the case's statutory time.
func (a *assessment) now(ctx workflow.Context) time.Time { return a.In.Clock.Now(ctx) }
