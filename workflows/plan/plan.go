package plan

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/commit"
	"github.com/ehc-send/ehc/workflows/deadline"
)

// State is everything a plan carries from one run to the next when it
// continues as new. What is finished (met limits, earlier reviews) is in
// the register and is dropped at each hand-over, so the state stays the
// size of one review cycle however long the plan lasts.
type State struct {
	In           PlanInput
	Policy       Policy
	Stage        Stage
	Cycle        int          // the review cycle now running: 1 until the first review is held
	CycleFrom    statute.Date // the day its period starts: the plan made, then the last review
	LastReview   statute.Date
	NamedSetting string
	Reviews      []*Review // the current cycle's, and an earlier one still owed
	Phase        *Phase    // the next phase transfer, while one is ahead
	Move         *Move
	Reassessment *Reassessment
	Exceptions   []Exception // to the reassessment's limits, this reassessment's
	Ceasing      *Ceasing
	Rights       *statute.Rights // the family's time to appeal the last appealable decision
	Disagreement *Dispute        // mediation, an appeal and an order over it
	EndedOn      statute.Date
	Deadlines    deadline.Set
	Problems     []DeliveryProblem
	Steps        []StepRecord // since the run began, and the run before's
	Seq          int          // register events so far
	Requests     int          // reassessment requests so far, numbering their limits
	Runs         int          // runs before this one
}

// plan is one run: its State and what the run keeps while it lasts.
type plan struct {
	State

	changed  int
	sending  int  // CommitSteps in flight
	ready    bool // the first record is out: steps may run
	entering bool // applying an entered plan's past: no letters
	runCycle int  // the cycle the run began in: a later one hands over
	pending  commit.Pending
	timer    deadline.Timer
	shown    shownState
	replaced *Phase // a watched transfer a recorded one replaced, for the register's next record
	noticed  bool   // noticeChange applies to this run
	responds bool   // responseChange applies to this run
	taken    error  // the register refused the plan's record: its reference is another plan's
}

// Plan keeps one EHC plan in force until it ceases or moves to another
// authority: it begins the plan (or takes it over from the run before),
// keeps its limits, and ends when the plan does.
func Plan(ctx workflow.Context, in PlanInput) (PlanResult, error) {
	var p *plan
	var err error
	if in.Continued != nil {
		p, err = resume(ctx, in)
	} else {
		p, err = begin(ctx, in)
	}
	if err != nil {
		return PlanResult{}, err
	}
	if err := p.run(ctx); err != nil {
		return PlanResult{}, err // continued as new, or cancelled
	}
	return p.finish(ctx)
}

// begin sets the plan up: its first review cycle, its next phase transfer,
// a transfer in, and an entered plan's review in progress, then its first
// record (and, for a plan entered late, the staff's summary).
func begin(ctx workflow.Context, in PlanInput) (*plan, error) {
	today := in.Clock.Today(ctx)
	if err := validateStart(in, today); err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidStart", nil)
	}
	p := &plan{State: State{In: in, Policy: in.Policy.normalise(), Stage: StageInForce, NamedSetting: in.NamedSetting}}
	p.versions(ctx)
	if err := p.listen(ctx); err != nil {
		return nil, err
	}
	p.entering = !in.FromAssessment
	p.nextPhase(p.In.PlanMade)
	if p.entering {
		p.nextPhase(today) // an entered plan's transfers already past were settled before it came in
	}
	from := in.PlanMade
	if !in.LastReview.IsZero() {
		from, p.LastReview = in.LastReview, in.LastReview
	}
	p.startCycle(ctx, from, 1)
	if !in.TransferredIn.IsZero() {
		p.transferIn(ctx)
	}
	p.step(ctx, "plan-in-force", in.PlanMade)
	if c := in.Child; c != nil && !in.FromAssessment {
		first := &p.pending.Events[len(p.pending.Events)-1]
		first.People = &caserecord.People{ChildName: c.Name, ChildDOB: in.ChildDOB, FamilyName: in.Family.Name,
			FamilyEmail: in.Family.Email, SEN2: c.SEN2, Plan: c.Plan}
	}
	if in.FromAssessment && p.noticed {
		p.appealable(ctx, statute.AppealPlanContents, in.PlanMade) // the final plan just issued: its contents and school (CFA s.51(2)(c))
	}
	if in.Review != nil {
		p.applyPast(ctx, *in.Review)
	}
	if p.entering {
		p.skipPassed(ctx)
		p.summarise(ctx)
	}
	p.entering = false
	p.flush(ctx)
	p.ready = true
	p.runCycle = p.Cycle
	return p, nil
}

// run keeps the plan's limits until it ends: each pass fires what is due,
// commits it, shows the plan in the UI and waits for the next alarm, the
// day a ceasing plan ends, or a step. It returns a ContinueAsNewError when
// the plan hands over to a new run.
func (p *plan) run(ctx workflow.Context) error {
	for !p.Stage.Closed() {
		if p.taken != nil {
			return temporal.NewNonRetryableApplicationError(p.taken.Error(), letters.ReferenceTaken, nil)
		}
		p.tellMetLate(ctx)
		p.fireDue(ctx)
		p.endCeasing(ctx)
		p.flush(ctx)
		p.publish(ctx)
		if p.Stage.Closed() {
			break
		}
		if p.continuing(ctx) {
			return p.continueAsNew(ctx)
		}
		seen := p.changed
		changed := func() bool { return p.changed != seen }
		wake, summary, ok := p.nextWake(ctx)
		if !ok {
			p.timer.Stop()
			if err := workflow.Await(ctx, changed); err != nil {
				return err
			}
			continue
		}
		wait := p.In.Clock.UntilAlarm(ctx, wake)
		if wait <= 0 {
			continue
		}
		if err := p.timer.Await(ctx, wake.String()+" "+summary, summary, wait, changed); err != nil {
			return err
		}
	}
	return nil
}

// nextWake is the next day the plan has something to do: its next alarm,
// or the day a ceasing plan ends.
func (p *plan) nextWake(ctx workflow.Context) (statute.Date, string, bool) {
	al, d, ok := p.Deadlines.Next(p.Policy.Schedule, p.now(ctx))
	var wake statute.Date
	var summary string
	if ok {
		wake, summary = al.Date, deadline.Summary(d, al)
	}
	if c := p.Ceasing; p.Stage == StageCeasing && c.AppealedOn.IsZero() && (!ok || c.CeasesOn.Before(wake)) {
		wake, summary, ok = c.CeasesOn, fmt.Sprintf("%s: the plan ceases, the time to appeal over", c.Ground.Regulation()), true
	}
	return wake, summary, ok
}

// finish lets what is in flight settle and reports how the plan ended.
func (p *plan) finish(ctx workflow.Context) (PlanResult, error) {
	quiet := func() bool { return workflow.AllHandlersFinished(ctx) && p.sending == 0 && p.pending.Empty() }
	for !quiet() {
		if err := workflow.Await(ctx, func() bool { return quiet() || !p.pending.Empty() }); err != nil {
			return PlanResult{}, err
		}
		p.flush(ctx)
	}
	p.publish(ctx)
	return PlanResult{CaseRef: p.In.CaseRef, Stage: p.Stage, EndedOn: p.EndedOn}, nil
}

// end closes the plan here: nothing more is owed on it.
func (p *plan) end(stage Stage, on statute.Date) {
	p.Stage, p.EndedOn = stage, on
	for _, d := range p.Deadlines {
		if d.MetOn.IsZero() {
			d.Closed = true
		}
	}
}

// addDeadline watches a limit, chased as the authority's own from now:
// reminders whose moment has passed are not sent.
func (p *plan) addDeadline(ctx workflow.Context, key string, name statute.Deadline, due statute.Date) *deadline.Deadline {
	return p.watch(ctx, key, name, due, deadline.ChaseLA)
}

// watch is addDeadline for a limit chased as chase says.
func (p *plan) watch(ctx workflow.Context, key string, name statute.Deadline, due statute.Date, chase deadline.Chase) *deadline.Deadline {
	if d := p.Deadlines.Find(key); d != nil {
		return d
	}
	d := &deadline.Deadline{Key: key, Name: name, Due: due, Chase: chase}
	if !p.entering {
		d.SkipPassedReminders(p.Policy.Schedule, p.now(ctx))
	}
	p.Deadlines = append(p.Deadlines, d)
	return d
}

// meet marks a watched limit met on on, if it is watched and open.
func (p *plan) meet(key string, on statute.Date) {
	if d := p.Deadlines.Find(key); d != nil && d.Open() {
		d.MetOn = on
	}
}

// close stops watching a limit that no longer applies.
func (p *plan) close(key string) {
	if d := p.Deadlines.Find(key); d != nil && d.Open() {
		d.Closed = true
	}
}

// noticeOn is the day the family's notice of a step taken on on is dated:
// today, as its letter goes now, or the day recorded for an entered plan's
// past (which sends none). The family's periods run from it, so a step
// recorded late never shortens them.
func (p *plan) noticeOn(ctx workflow.Context, on statute.Date) statute.Date {
	if p.entering || !p.noticed {
		return on
	}
	return p.today(ctx)
}

// appealable records a decision the family may appeal (CFA s.51(2)), for
// status to show their time to go to mediation and appeal, counted from
// its notice (reg 33; HESC Rules r.20(1)).
func (p *plan) appealable(ctx workflow.Context, d statute.Appealable, on statute.Date) {
	r := statute.RightsAfter(p.noticeOn(ctx, on), statute.Date{})
	r.Decision = d
	p.Rights = &r
	if dis := p.Disagreement; dis != nil && (dis.OrderMade.IsZero() || !dis.OrderMetOn.IsZero()) && dis.AppealedOn.IsZero() {
		p.Disagreement = nil // a new decision: a disagreement over the last one that went no further ends
	}
}

// cycleKey keys a limit of one review cycle: "review_due/3".
func cycleKey(name statute.Deadline, cycle int) string { return fmt.Sprintf("%s/%d", name, cycle) }

// today is the plan's statutory date; now its statutory time.
func (p *plan) today(ctx workflow.Context) statute.Date { return p.In.Clock.Today(ctx) }
func (p *plan) now(ctx workflow.Context) time.Time      { return p.In.Clock.Now(ctx) }

// asOf is the date statuses are judged at: today, or the day the plan ended.
func (p *plan) asOf(ctx workflow.Context) statute.Date {
	if p.Stage.Closed() {
		return p.EndedOn
	}
	return p.today(ctx)
}

// hasCycle reports whether a limit's key belongs to review cycle n.
func hasCycle(key string, n int) bool { return strings.HasSuffix(key, fmt.Sprintf("/%d", n)) }
