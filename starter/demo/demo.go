// Package demo is ehc demo, the demonstration: four fictional cases on a
// compressed statutory clock, driven in the foreground as a caseworker
// would drive them, so that a newcomer watches reminders, escalations, late
// advice and a missed 20-week limit happen in minutes. Only in
// demonstration mode (EHC_DEMO=true): a compressed clock is for
// demonstration and training, never production. The commands check the
// mode and dial Temporal; the driver is given all it uses in Options.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
	"github.com/ehc-send/ehc/workflows/dispute"
	"github.com/ehc-send/ehc/workflows/plan"
)

// UIURL is where make run's Temporal UI listens.
const UIURL = "http://127.0.0.1:8233"

// demoStepHour is the London hour the driver takes a scripted step: after
// that day's alarms, and with half a statutory day's margin over the
// workflow's "not in the future" check.
const demoStepHour = 12

// Options are what the driver is given.
type Options struct {
	Client        client.Client
	Config        config.Config
	DataConverter converter.DataConverter // the payload codec's, to read how a case was started
	Out           io.Writer               // the demo's story
	UI            string                  // the Temporal UI's URL, without a trailing slash
	WorkerLog     string                  // where the newcomer reads the worker's notifications; "" if unknown
	Now           func() time.Time

	// Status is where a case stands, as ehc status asks it.
	Status func(ctx context.Context, ref string) (assessment.CaseStatus, error)
	// Explain words what Temporal said of a case, as ehc's steps do.
	Explain func(ctx context.Context, ref string, err error) error
}

// Run starts the demo cases (or finds them already started) and drives
// them to their ends.
func Run(ctx context.Context, o Options) error {
	d := &driver{c: o.Client, cfg: o.Config, dc: o.DataConverter, out: o.Out, workerLog: o.WorkerLog,
		now: o.Now, status: o.Status, explain: o.Explain}
	return d.run(ctx, o.UI)
}

// driver drives the demo cases.
type driver struct {
	c       client.Client
	cfg     config.Config
	dc      converter.DataConverter
	out     io.Writer
	now     func() time.Time
	status  func(ctx context.Context, ref string) (assessment.CaseStatus, error)
	explain func(ctx context.Context, ref string, err error) error
	runs    []*demoRun

	workerLog string // where the newcomer reads the worker's notifications; "" if unknown
}

// demoRun is one demo case as the driver follows it.
type demoRun struct {
	demoCase
	in       assessment.AssessmentInput // as started: Day 1, policy and clock
	st       assessment.CaseStatus      // as of the driver's last step or query
	next     int                        // the next step of the script
	reported time.Time                  // statutory instant up to which alarms are reported
	left     string                     // why the driver no longer drives it
	retryAt  time.Time                  // real time to retry a step that did not get through
}

func (r *demoRun) done() bool { return r.left != "" || r.st.Stage.Closed() || r.next >= len(r.steps) }

func (r *demoRun) day1() statute.Date { return r.in.Received }

// stepAt is the statutory instant of step i.
func (r *demoRun) stepAt(i int) time.Time { return r.day1().AddDays(r.steps[i].day).At(demoStepHour) }

// line prints one line of the demo's story: the case's statutory week and
// date, the case, what happened.
func (d *driver) line(r *demoRun, at time.Time, format string, args ...any) {
	on := statute.DateOf(at)
	fmt.Fprintf(d.out, "week %2d  %-16s  %-6s  %s\n", on.DaysSince(r.day1())/7, cli.LongDate(on), r.ref, fmt.Sprintf(format, args...))
}

func (d *driver) run(ctx context.Context, ui string) error {
	d.intro(ui)
	start := d.now()
	for _, dc := range demoCases {
		r, err := d.prepare(ctx, dc, start)
		if err != nil {
			if ctx.Err() != nil {
				return d.stopped()
			}
			return err
		}
		d.runs = append(d.runs, r)
	}
	fmt.Fprintln(d.out)
	for {
		if ctx.Err() != nil {
			return d.stopped()
		}
		r, at, step, ok := d.nextEvent()
		if !ok {
			return d.finish(ctx)
		}
		wake := r.in.Clock.RealAt(at)
		if step && r.retryAt.After(wake) {
			wake = r.retryAt
		}
		if wait := wake.Sub(d.now()); wait > 0 {
			select {
			case <-ctx.Done():
				return d.stopped()
			case <-time.After(wait):
			}
		}
		if !step {
			d.alarm(r, at)
			continue
		}
		d.step(ctx, r)
	}
}

// intro says what the demonstration is and what to try while it runs.
func (d *driver) intro(ui string) {
	w := d.out
	weeks := time.Duration(d.cfg.Demo.WeekSeconds) * time.Second
	fmt.Fprintf(w, "EHC needs assessment demonstration: fictional cases on a compressed statutory clock.\n")
	fmt.Fprintf(w, "One statutory week lasts %s (EHC_DEMO_WEEK_SECONDS), so 20 weeks take %s.\n\n", weeks, 20*weeks)
	for _, c := range demoCases {
		fmt.Fprintf(w, "  %-6s  %s\n", c.ref, c.story)
	}
	list := func(q string) string {
		return ui + "/namespaces/" + url.PathEscape(d.cfg.Namespace) + "/workflows?query=" + url.QueryEscape(q)
	}
	fmt.Fprintf(w, "\nTemporal UI: %s/namespaces/%s/workflows\n", ui, url.PathEscape(d.cfg.Namespace))
	for _, q := range []struct{ what, query string }{
		{"overdue cases", "WorkflowType = 'Assessment' AND EhcOverdue = true"},
		{"a caseworker's cases", "WorkflowType = 'Assessment' AND EhcCaseworker = 'cw-walker'"},
		{"drafts with families", "WorkflowType = 'Assessment' AND EhcStage = 'draft_served'"},
		{"advice requests", "WorkflowType = 'AdviceRequest' AND ExecutionStatus = 'Running'"},
	} {
		fmt.Fprintf(w, "  %-21s %s\n  %-21s %s\n", q.what+":", q.query, "", list(q.query))
	}
	fmt.Fprintf(w, "  Open a case for its summary, timetable (details) and timers: each alarm is a timer named for its limit.\n")
	fmt.Fprintf(w, "\nIn another terminal, while it runs:\n")
	cmds := []string{
		"bin/ehc status DEMO-2",
		"bin/ehc list --overdue",
		"EHC_DEMO=true bin/ehc cases --overdue     (the register, judged on the demo's date)",
		"bin/ehc outbox --case DEMO-3",
	}
	if d.workerLog != "" {
		cmds = append(cmds, "tail -f "+d.workerLog+"     (the worker: every reminder, escalation and letter, by key; bin/ehc outbox --show KEY prints one)")
	}
	for _, c := range cmds {
		fmt.Fprintf(w, "  %s\n", c)
	}
	fmt.Fprintf(w, "\nCtrl-C stops the demo (under make run, the whole stack); run it again to carry on where it was.\n\n")
}

// prepare finds the case started, or starts it with a compressed clock from
// start, and works out where its script stands.
func (d *driver) prepare(ctx context.Context, dc demoCase, start time.Time) (*demoRun, error) {
	r := &demoRun{demoCase: dc}
	in, err := startedInput(ctx, d.c, d.dc, dc.ref)
	var notFound *serviceerror.NotFound
	switch {
	case errors.As(err, &notFound):
		in = dc.in
		in.CaseRef = dc.ref
		in.Received = statute.DateOf(start)
		in.Manager = demoManager
		in.Policy = assessment.PolicyOf(d.cfg.ReminderLeads, d.cfg.EscalationEvery, d.cfg.ConsultDays)
		in.Policy.Plan = plan.PolicyOf(d.cfg.ReminderLeads, d.cfg.EscalationEvery, d.cfg.UnderFiveMonths, d.cfg.TransferLeadDays, d.cfg.ResponseDays)
		in.Policy.Dispute = dispute.Policy{ResponseWorkingDays: d.cfg.ResponseDays}
		in.Clock = assessment.Clock{Start: start, WeekSeconds: d.cfg.Demo.WeekSeconds}
		sctx, cancel := cli.WithTimeout(ctx)
		_, err = d.c.ExecuteWorkflow(sctx, assessment.StartOptions(in, d.cfg.TaskQueue), assessment.AssessmentWorkflowName, in)
		cancel()
		var started *serviceerror.WorkflowExecutionAlreadyStarted
		if errors.As(err, &started) {
			return d.prepare(ctx, dc, start) // started meanwhile: follow it
		}
		if err != nil {
			return nil, fmt.Errorf("could not start demo case %s: %w", dc.ref, err)
		}
		r.in, r.reported = in, start
		tt := statute.Compute(in.Received, statute.Steps{})
		d.line(r, start, "started: Day 1; decision due %s, final plan due %s", cli.LongDate(tt.DecisionToAssessDue), cli.LongDate(tt.FinalPlanDue))
	case err != nil:
		return nil, d.explain(ctx, dc.ref, err)
	default:
		r.in = in
		if in.Clock.IsZero() {
			r.left = "it runs in real time: it is not a demonstration case"
			fmt.Fprintf(d.out, "%s exists and runs in real time: not a demonstration case, so the demo leaves it alone.\n", dc.ref)
			return r, nil
		}
	}
	if r.st, err = d.status(ctx, dc.ref); err != nil {
		return nil, err
	}
	taken := r.st.Steps
	if len(taken) > 0 && taken[0].Step == "request-received" {
		taken = taken[1:]
	}
	for i, s := range taken {
		if i >= len(r.steps) || s.Step != r.steps[i].update {
			r.left = "its steps differ from the demo's script (taken by hand?)"
			fmt.Fprintf(d.out, "%s: %s; the demo leaves it to you.\n", dc.ref, r.left)
			return r, nil
		}
	}
	r.next = len(taken)
	if r.reported.IsZero() { // found, not started: carry on from now
		nowAt := r.in.Clock.At(d.now())
		r.reported = nowAt
		switch {
		case r.st.Stage.Closed() || r.next == len(r.steps):
			d.line(r, nowAt, "found, already at its end (%s)", cli.StageTitle(r.st.Stage))
		default:
			d.line(r, nowAt, "found: %d of %d steps taken; carrying on (one week lasts %ds on its clock)", r.next, len(r.steps), r.in.Clock.WeekSeconds)
		}
	}
	return r, nil
}

// startedInput is the input a case's workflow was started with: its clock,
// Day 1 and policy. It is read from the start of its history.
func startedInput(ctx context.Context, c client.Client, dc converter.DataConverter, ref string) (assessment.AssessmentInput, error) {
	hctx, cancel := cli.WithTimeout(ctx)
	defer cancel()
	var in assessment.AssessmentInput
	it := c.GetWorkflowHistory(hctx, assessment.WorkflowID(ref), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	if !it.HasNext() {
		return in, serviceerror.NewNotFound("no history for " + ref)
	}
	ev, err := it.Next()
	if err != nil {
		return in, err
	}
	attrs := ev.GetWorkflowExecutionStartedEventAttributes()
	if attrs == nil {
		return in, fmt.Errorf("the history of case %s does not begin with its start", ref)
	}
	if err := dc.FromPayloads(attrs.GetInput(), &in); err != nil {
		return in, fmt.Errorf("reading how case %s was started: %w", ref, err)
	}
	return in, nil
}

// nextEvent is the earliest thing to happen: a scripted step or an alarm
// the workflow fires. Cases' clocks may differ (a case restarted later), so
// they are compared in real time.
func (d *driver) nextEvent() (run *demoRun, at time.Time, step, ok bool) {
	var best time.Time
	consider := func(r *demoRun, t time.Time, isStep bool) {
		wake := r.in.Clock.RealAt(t)
		if !ok || wake.Before(best) || (wake.Equal(best) && !isStep && step) {
			run, at, step, ok, best = r, t, isStep, true, wake
		}
	}
	for _, r := range d.runs {
		if r.done() {
			continue
		}
		stepAt := r.stepAt(r.next)
		consider(r, stepAt, true)
		if t, found := r.nextAlarm(); found && t.Before(stepAt) {
			consider(r, t, false)
		}
	}
	return run, at, step, ok
}

// alarmAfter is a deadline's first alarm after t, on the workflow's own
// schedule.
func (r *demoRun) alarmAfter(d assessment.DeadlineState, t time.Time) (time.Time, bool) {
	return assessment.NextAlarm(d, r.in.Policy, t)
}

// nextAlarm is the case's next alarm after what was last reported.
func (r *demoRun) nextAlarm() (time.Time, bool) {
	var best time.Time
	for _, d := range r.st.Deadlines {
		if at, ok := r.alarmAfter(d, r.reported); ok && (best.IsZero() || at.Before(best)) {
			best = at
		}
	}
	return best, !best.IsZero()
}

// alarm reports what the workflow does at statutory instant at.
func (d *driver) alarm(r *demoRun, at time.Time) {
	r.reported = at
	on := statute.DateOf(at)
	for _, dl := range r.st.Deadlines {
		if t, ok := r.alarmAfter(dl, at.Add(-time.Nanosecond)); !ok || !t.Equal(at) {
			continue
		}
		title := cli.DeadlineTitle(dl)
		who := "the caseworker, copied to the SEND manager"
		if dl.Deadline == statute.AdviceDue {
			who = "the adviser"
			for _, a := range r.st.Advice {
				if dl.Key == string(statute.AdviceDue)+"/"+a.ID {
					who = a.Provider
				}
			}
		}
		switch late := on.DaysSince(dl.Due); {
		case late <= 0:
			d.line(r, at, "reminder to %s: %s due %s, in %s", who, strings.ToLower(title[:1])+title[1:], cli.LongDate(dl.Due), cli.Days(-late))
		case late == 1 && dl.Deadline == statute.AdviceDue:
			d.line(r, at, "%s OVERDUE (due %s): %s chased, the caseworker and SEND manager copied; the family told it holds their case up — see bin/ehc outbox",
				title, cli.LongDate(dl.Due), who)
		case late == 1 && dl.Deadline == statute.ConsultationDue:
			d.line(r, at, "%s overdue (due %s, guidance): the caseworker told", title, cli.LongDate(dl.Due))
		case late == 1:
			d.line(r, at, "%s MISSED (due %s): escalated to the caseworker and SEND manager, the family told — see the escalation in bin/ehc outbox",
				title, cli.LongDate(dl.Due))
		case dl.Deadline == statute.AdviceDue:
			d.line(r, at, "%s still overdue, %s: %s chased again", title, cli.Days(late), who)
		default:
			d.line(r, at, "%s still missed, %s overdue: escalated again", title, cli.Days(late))
		}
	}
}

// step takes the case's next scripted step on its statutory date, as an
// update, exactly as the caseworker's CLI does, but dated on the demo's
// clock rather than today's date. The update ID makes a step sent twice
// (the driver stopped before it heard back) count once.
func (d *driver) step(ctx context.Context, r *demoRun) {
	s := r.steps[r.next]
	at := r.stepAt(r.next)
	on := statute.DateOf(at)
	uctx, cancel := cli.WithTimeout(ctx)
	defer cancel()
	h, err := d.c.UpdateWorkflow(uctx, client.UpdateWorkflowOptions{
		UpdateID:     fmt.Sprintf("demo/%s/%d/%s", r.ref, r.next+1, s.update),
		WorkflowID:   assessment.WorkflowID(r.ref),
		UpdateName:   s.update,
		Args:         []any{s.input(on, r.day1())},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	var st assessment.CaseStatus
	if err == nil {
		err = h.Get(uctx, &st)
	}
	var appErr *temporal.ApplicationError
	switch {
	case ctx.Err() != nil:
		return
	case errors.As(err, &appErr):
		r.left = "it refused a step"
		d.line(r, at, "the case refused %s: %s; the demo leaves it to you", s.update, d.explain(ctx, r.ref, err))
		return
	case err != nil:
		r.retryAt = d.now().Add(5 * time.Second)
		d.line(r, at, "%s did not get through (%v); trying again", s.update, d.explain(ctx, r.ref, err))
		return
	}
	r.st, r.next, r.retryAt = st, r.next+1, time.Time{}
	if at.After(r.reported) {
		r.reported = at
	}
	d.line(r, at, "%s", s.say(on, st))
	if st.Stage.Closed() {
		d.line(r, at, "case closed: %s", strings.TrimPrefix(cli.StageTitle(st.Stage), "closed: "))
	}
}

// finish reports where every case ended.
func (d *driver) finish(ctx context.Context) error {
	fmt.Fprintf(d.out, "\nThe demonstration has run its course:\n")
	tw := cli.NewTable(d.out)
	fmt.Fprintln(tw, "  CASE\tSTAGE\tDAY 1\tFINAL PLAN DUE\tOUTCOME")
	for _, r := range d.runs {
		if st, err := d.status(ctx, r.ref); err == nil {
			r.st = st
		}
		outcome := r.left
		if outcome == "" {
			outcome = demoOutcome(r.st)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", r.ref, r.st.Stage.Title(), cli.LongDate(r.st.Day1), cli.LongDate(r.st.FinalPlanDue), outcome)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(d.out, "\nThe cases stay in Temporal and the register: look around with the commands above.\n")
	return err
}

func demoOutcome(st assessment.CaseStatus) string {
	switch {
	case st.Stage == assessment.StageFinalPlanIssued:
		for _, dl := range st.Deadlines {
			if dl.Deadline == statute.FinalPlanDue && dl.Status == assessment.StatusMetLate {
				return fmt.Sprintf("plan %s late", cli.Days(dl.DaysOverdue))
			}
		}
		return "plan within 20 weeks"
	case st.Stage.Closed():
		return strings.TrimPrefix(cli.StageTitle(st.Stage), "closed: ")
	}
	return "open"
}

func (d *driver) stopped() error {
	_, err := fmt.Fprintf(d.out, "\nDemo driver stopped; run it again to carry on where it was (the workflows keep their clocks).\n")
	return err
}
