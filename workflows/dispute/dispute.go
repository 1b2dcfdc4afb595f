package dispute

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/bounds"
	"github.com/ehc-send/ehc/workflows/commit"
	"github.com/ehc-send/ehc/workflows/deadline"
)

// State is the whole disagreement. It lasts months, not years (an appeal
// and an order's 14 weeks), so it does not continue as new.
type State struct {
	In          DisputeInput
	Policy      Policy
	Stage       Stage
	Rights      statute.Rights
	Mediation   Mediation
	AppealedOn  statute.Date
	RespondBy   statute.Date
	RespondedOn statute.Date
	Order       *Order
	EndedOn     statute.Date
	Deadlines   deadline.Set
	Problems    []string
	Steps       []Step
	Seq         int // register events so far
}

// dispute is the run: its State and what the run keeps while it lasts.
type dispute struct {
	State
	changed int
	sending int
	ready   bool
	pending commit.Pending
	timer   deadline.Timer
	shown   shown
}

// Dispute keeps a family's disagreement with a decision that closed their
// case: it opens their rights, keeps every limit that follows, and ends
// when the time to appeal passes unused, the appeal ends, or the order is
// complied with.
func Dispute(ctx workflow.Context, in DisputeInput) (Result, error) {
	d, err := begin(ctx, in)
	if err != nil {
		return Result{}, err
	}
	if err := d.run(ctx); err != nil {
		return Result{}, err
	}
	return d.finish(ctx)
}

// begin opens the family's rights from the decision's notice.
func begin(ctx workflow.Context, in DisputeInput) (*dispute, error) {
	if err := validate(in, in.Clock.Today(ctx)); err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidStart", nil)
	}
	d := &dispute{State: State{In: in, Policy: in.Policy.normalise(), Stage: StageOpen}}
	d.Rights = statute.RightsAfter(in.Notice, statute.Date{})
	d.Rights.Decision = in.Decision
	if err := d.listen(ctx); err != nil {
		return nil, err
	}
	d.step("dispute-opened", in.Notice)
	d.flush(ctx)
	d.ready = true
	return d, nil
}

// run keeps the limits until the disagreement ends: each pass fires what
// is due, ends the rights that have lapsed, commits, shows the case in the
// UI and waits for the next alarm, the rights' end or a step.
func (d *dispute) run(ctx workflow.Context) error {
	for !d.Stage.Closed() {
		d.fireDue(ctx)
		d.lapse(ctx)
		d.flush(ctx)
		d.publish(ctx)
		if d.Stage.Closed() {
			break
		}
		seen := d.changed
		changed := func() bool { return d.changed != seen }
		wake, summary, ok := d.nextWake(ctx)
		if !ok {
			d.timer.Stop()
			if err := workflow.Await(ctx, changed); err != nil {
				return err
			}
			continue
		}
		wait := d.In.Clock.UntilAlarm(ctx, wake)
		if wait <= 0 {
			continue
		}
		if err := d.timer.Await(ctx, wake.String()+" "+summary, summary, wait, changed); err != nil {
			return err
		}
	}
	return nil
}

// nextWake is the next alarm, or the day after the time to appeal ends
// while no appeal is lodged.
func (d *dispute) nextWake(ctx workflow.Context) (statute.Date, string, bool) {
	al, dl, ok := d.Deadlines.Next(d.Policy.Schedule, d.now(ctx))
	var wake statute.Date
	var summary string
	if ok {
		wake, summary = al.Date, deadline.Summary(dl, al)
	}
	if end := d.Rights.AppealBy.AddDays(1); d.Stage == StageOpen && !d.certificateOwed() && (!ok || end.Before(wake)) {
		wake, summary, ok = end, "the family's time to appeal ends (HESC Rules r.20)", true
	}
	return wake, summary, ok
}

// lapse ends the disagreement quietly once the time to appeal has passed
// with no appeal, unless a mediation certificate is still to come (it
// would give the family a month more).
func (d *dispute) lapse(ctx workflow.Context) {
	if d.Stage != StageOpen || !d.today(ctx).After(d.Rights.AppealBy) {
		return
	}
	if d.certificateOwed() {
		return
	}
	d.step("rights-lapsed", d.Rights.AppealBy.AddDays(1))
	d.end(StageRightsLapsed, d.Rights.AppealBy.AddDays(1))
}

// certificateOwed reports whether the family have gone to the mediation
// adviser and their certificate has not yet come.
func (d *dispute) certificateOwed() bool {
	m := d.Mediation
	return !m.AnsweredOn.IsZero() && m.Certificate.IsZero()
}

// finish lets what is in flight settle.
func (d *dispute) finish(ctx workflow.Context) (Result, error) {
	quiet := func() bool { return workflow.AllHandlersFinished(ctx) && d.sending == 0 && d.pending.Empty() }
	for !quiet() {
		if err := workflow.Await(ctx, func() bool { return quiet() || !d.pending.Empty() }); err != nil {
			return Result{}, err
		}
		d.flush(ctx)
	}
	d.publish(ctx)
	return Result{CaseRef: d.In.CaseRef, Stage: d.Stage, EndedOn: d.EndedOn}, nil
}

// end closes the disagreement: nothing more is owed.
func (d *dispute) end(stage Stage, on statute.Date) {
	d.Stage, d.EndedOn = stage, on
	for _, dl := range d.Deadlines {
		if dl.MetOn.IsZero() {
			dl.Closed = true
		}
	}
}

// watch chases a limit from now: reminders already past are not sent.
func (d *dispute) watch(ctx workflow.Context, key string, name statute.Deadline, due statute.Date) {
	if d.Deadlines.Find(key) != nil {
		return
	}
	dl := &deadline.Deadline{Key: key, Name: name, Due: due, Chase: deadline.ChaseLA}
	dl.SkipPassedReminders(d.Policy.Schedule, d.now(ctx))
	d.Deadlines = append(d.Deadlines, dl)
}

func (d *dispute) meet(key string, on statute.Date) {
	if dl := d.Deadlines.Find(key); dl != nil && dl.Open() {
		dl.MetOn = on
	}
}

func (d *dispute) close(key string) {
	if dl := d.Deadlines.Find(key); dl != nil && dl.Open() {
		dl.Closed = true
	}
}

func (d *dispute) today(ctx workflow.Context) statute.Date { return d.In.Clock.Today(ctx) }
func (d *dispute) now(ctx workflow.Context) time.Time      { return d.In.Clock.Now(ctx) }

// validate judges a start, naming every problem at once.
func validate(in DisputeInput, today statute.Date) error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(bounds.CaseRef(in.CaseRef))
	add(in.Clock.Check())
	if in.Decision != statute.AppealRefusalToAssess && in.Decision != statute.AppealNoPlan {
		add(fmt.Errorf("decision %q: a case's disagreement is over a refusal to assess or a decision not to issue a plan (a plan's decisions are the plan's own)", in.Decision))
	}
	switch {
	case in.Notice.IsZero():
		add(errors.New("the day of the decision's notice is required"))
	case in.Notice.After(today):
		add(fmt.Errorf("the decision's notice %s is in the future (today is %s)", in.Notice, today))
	}
	add(bounds.Line("the caseworker", in.Caseworker, 64))
	if p := in.Policy.ResponseWorkingDays; p < 0 || p > MaxResponseWorkingDays {
		add(fmt.Errorf("the policy's response time, %d working days, is outside 1 to %d (0: the default, %d)", p, MaxResponseWorkingDays, DefaultResponseWorkingDays))
	}
	return errors.Join(errs...)
}
