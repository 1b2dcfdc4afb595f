package workflows

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/statute"
)

// assessment is one case's state. Only the workflow's own goroutines touch
// it; update handlers change it and bump changed so the main loop re-plans.
type assessment struct {
	In           AssessmentInput
	Policy       Policy
	Stage        Stage
	StageOn      statute.Date // the step that began this stage; later steps may not precede it
	ClosedOn     statute.Date
	DraftServed  statute.Date
	CommentsOn   statute.Date
	CommentsLate int    // days after the reg 13(1)(a) period the comments came
	NamedSchool  string // the school the final plan names
	Deadlines    []*deadline
	Advice       []*adviceRequest
	NotNeeded    []AdviceNotNeededInput // reg 6(4)
	Consults     []*ConsultationState
	Exceptions   []ExceptionRecord
	Problems     []DeliveryProblem
	Steps        []StepRecord

	Recording bool // writes to the case register (see registerChange)
	Seq       int  // case events recorded so far

	changed  int
	sending  int  // activities scheduled and not yet settled
	ready    bool // the first record and letters are out: steps may run
	entering bool // applying a history: no letters, children later
	dryRun   bool // checking a history: nothing recorded, sent or started
	past     map[string]pastStep
	shown    searchState
	taken    error // the register holds this reference for another case
	partners bool  // reg 4(2), 5(2), 10(3) notices go (cases begun with lateEntryChange)

	consultsNumbered bool // consultations known by number (consultNumberChange)
	tellsMetLate     bool // the family told of a limit met late that no alarm told them of (metLateChange)
	startedLate      bool // an alarm passed between the case's start and its first task (a worker down)
	batched          bool // one activity a step (stepActivityChange)
	oneTimer         bool // one alarm timer kept across passes (oneTimerChange)
	timer            *alarmTimer
	pending          pendingStep

	adviceCtx    workflow.Context // the advice children's: cancelled by settleAdvice
	cancelAdvice workflow.CancelFunc
}

type adviceRequest struct {
	AdviceState
	Provider        Contact
	EscalationEmail string
	child           workflow.ChildWorkflowFuture
}

var caseRefPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{1,39}$`)

// ValidateCaseRef rejects references that could not be a workflow ID or
// that look like free text (where a name might creep in).
func ValidateCaseRef(ref string) error {
	if !caseRefPattern.MatchString(ref) {
		return fmt.Errorf("case reference %q must be 2-40 letters, digits or hyphens, starting with a letter or digit", ref)
	}
	return nil
}

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
	if bounded {
		errs = append(errs, checkStartBounds(in)) // nil when within bounds
	}
	return errors.Join(errs...)
}

// Assessment runs one EHC needs assessment from request to outcome.
func Assessment(ctx workflow.Context, in AssessmentInput) (AssessmentResult, error) {
	bounded := workflow.GetVersion(ctx, boundsChange, workflow.DefaultVersion, 1) >= 1
	if err := validateStart(in, in.Clock.today(ctx), bounded); err != nil {
		return AssessmentResult{}, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidStart", nil)
	}
	a := newAssessment(in)
	a.adviceCtx, a.cancelAdvice = workflow.WithCancel(ctx)
	if err := a.register(ctx); err != nil {
		return AssessmentResult{}, err
	}
	a.Recording = workflow.GetVersion(ctx, registerChange, workflow.DefaultVersion, 1) >= 1
	a.consultsNumbered = workflow.GetVersion(ctx, consultNumberChange, workflow.DefaultVersion, 1) >= 1
	a.tellsMetLate = workflow.GetVersion(ctx, metLateChange, workflow.DefaultVersion, 1) >= 1
	a.batched = workflow.GetVersion(ctx, stepActivityChange, workflow.DefaultVersion, 1) >= 1
	a.oneTimer = workflow.GetVersion(ctx, oneTimerChange, workflow.DefaultVersion, 1) >= 1
	if workflow.GetVersion(ctx, lateEntryChange, workflow.DefaultVersion, 1) < 1 {
		a.ready = true
		a.step(ctx, StepRecord{Step: "request-received", On: in.Received})
		tt := statute.Compute(in.Received, statute.Steps{})
		a.tellFamily(ctx, activities.FamilyRequestReceived, "1", activities.Facts{Timetable: &tt})
	} else {
		a.partners = true
		a.hearLostAdvice(ctx)
		if err := checkHistory(ctx, in); err != nil {
			return AssessmentResult{}, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidStart", nil)
		}
		a.step(ctx, StepRecord{Step: "request-received", On: in.Received}) // awaited: the case's row comes first
		if a.taken != nil {
			return AssessmentResult{}, temporal.NewNonRetryableApplicationError(a.taken.Error(), activities.ReferenceTaken, nil)
		}
		if err := a.applyHistory(ctx, false); err != nil {
			return AssessmentResult{}, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidStart", nil)
		}
		a.enter(ctx)
		a.startHeldAdvice(ctx)
		a.flush(ctx) // the history's events and the entry's letters: one step
		a.ready = true
		if a.startedLate && workflow.GetVersion(ctx, queuedStepsChange, workflow.DefaultVersion, 1) >= 1 {
			_ = workflow.Sleep(ctx, queuedStepsGrace)
		}
	}

	for !a.Stage.Closed() {
		a.tellMetLate(ctx)
		a.fireDue(ctx)
		a.flush(ctx)
		a.publish(ctx)
		seen := a.changed
		changed := func() bool { return a.changed != seen }
		next, dl, ok := a.nextAlarm(ctx)
		if !ok {
			if a.oneTimer {
				a.stopAlarm()
			}
			if err := workflow.Await(ctx, changed); err != nil {
				return AssessmentResult{}, err
			}
			continue
		}
		wait := a.In.Clock.untilAlarm(ctx, next.Date)
		if wait <= 0 {
			continue
		}
		summary := alarmSummary(dl, next)
		if a.oneTimer {
			if err := a.awaitAlarm(ctx, next.Date.String()+" "+summary, summary, wait, changed); err != nil {
				return AssessmentResult{}, err
			}
			continue
		}
		opts := workflow.AwaitOptions{Timeout: wait, TimerOptions: workflow.TimerOptions{Summary: summary}}
		if _, err := workflow.AwaitWithOptions(ctx, opts, changed); err != nil {
			return AssessmentResult{}, err
		}
	}
	// Let in-flight steps and notifications finish before the case closes.
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return AssessmentResult{}, err
	}
	a.tellMetLate(ctx) // a closing step may meet a limit late
	a.flush(ctx)
	a.settleAdvice(ctx)
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) && a.sending == 0 && a.pending.empty() }); err != nil {
		return AssessmentResult{}, err
	}
	a.publish(ctx)
	final := a.deadline(string(statute.FinalPlanDue))
	return AssessmentResult{
		CaseRef:                in.CaseRef,
		Stage:                  a.Stage,
		ClosedOn:               a.ClosedOn,
		FinalPlanWithin20Weeks: a.Stage == StageFinalPlanIssued && !final.MetOn.After(final.Due),
	}, nil
}

func newAssessment(in AssessmentInput) *assessment {
	a := &assessment{In: in, Policy: in.Policy.normalise(), Stage: StageRequested, StageOn: in.Received}
	tt := statute.Compute(in.Received, statute.Steps{})
	for _, l := range tt.FromDay1() {
		a.Deadlines = append(a.Deadlines, &deadline{Key: string(l.Deadline), Name: l.Deadline, Due: l.Due, Chase: chaseLA})
	}
	return a
}

// fireDue fires every alarm now due, oldest first, one per deadline a pass.
func (a *assessment) fireDue(ctx workflow.Context) {
	for {
		now := a.now(ctx)
		type due struct {
			al alarm
			dl *deadline
		}
		var firing []due
		for _, d := range a.Deadlines {
			if al, ok := d.next(a.Policy, now); ok && !al.Date.At(alarmHour).After(now) {
				firing = append(firing, due{al, d})
			}
		}
		if len(firing) == 0 {
			return
		}
		sort.SliceStable(firing, func(i, j int) bool { return firing[i].al.Date.Before(firing[j].al.Date) })
		for _, f := range firing {
			f.dl.Fired++
			a.fire(ctx, f.dl, f.al)
		}
	}
}

// nextAlarm is the earliest alarm not yet due, first in deadline order on ties.
func (a *assessment) nextAlarm(ctx workflow.Context) (alarm, *deadline, bool) {
	now := a.now(ctx)
	var best alarm
	var bestDl *deadline
	for _, d := range a.Deadlines {
		if al, ok := d.next(a.Policy, now); ok && (bestDl == nil || al.Date.Before(best.Date)) {
			best, bestDl = al, d
		}
	}
	return best, bestDl, bestDl != nil
}

func (a *assessment) deadline(key string) *deadline {
	for _, d := range a.Deadlines {
		if d.Key == key {
			return d
		}
	}
	return nil
}

// step adds a step to the case's history and the register.
func (a *assessment) step(ctx workflow.Context, s StepRecord) {
	a.Steps = append(a.Steps, s)
	a.record(ctx, register.KindStep, s.Step, s.On, map[string]any{"detail": s.Detail})
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

func alarmSummary(d *deadline, al alarm) string {
	what := "escalation"
	if al.Kind == alarmReminder {
		what = fmt.Sprintf("reminder %d days before", al.Lead)
	}
	return fmt.Sprintf("%s %s due %s: %s", d.Name.Regulation(), d.Name.Title(), d.Due, what)
}
