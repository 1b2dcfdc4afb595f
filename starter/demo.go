package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows"
)

// The demonstration: four fictional cases on a compressed statutory clock,
// driven in the foreground as a caseworker would drive them, so that a
// newcomer watches reminders, escalations, late advice and a missed 20-week
// limit happen in minutes. Only in demonstration mode (EHC_DEMO=true): a
// compressed clock is for demonstration and training, never production.

// demoUIURL is where make run's Temporal UI listens.
const demoUIURL = "http://127.0.0.1:8233"

// demoAlarmHour is the London hour the workflow's dated alarms fire at
// (workflows' alarmHour); the driver reports them at the same instant.
const demoAlarmHour = 9

// demoStepHour is the London hour the driver takes a scripted step: after
// that day's alarms, and with half a statutory day's margin over the
// workflow's "not in the future" check.
const demoStepHour = 12

// demoStep is one step a demo case's caseworker takes, Day days after Day 1.
type demoStep struct {
	day    int
	update string
	input  func(on, day1 statute.Date) any
	say    func(on statute.Date, st workflows.CaseStatus) string
}

// demoCase is one fictional case and its script.
type demoCase struct {
	ref   string
	story string
	in    workflows.AssessmentInput // without Received, Policy or Clock
	steps []demoStep
}

// Fictional providers, schools and staff. Every address is in a domain
// reserved for examples.
var (
	demoManager = workflows.Contact{Name: "SEND manager", Email: "send.manager@la.example.gov.uk"}
	demoEP      = workflows.Contact{Name: "Educational Psychology Service", Email: "ep@la.example.gov.uk"}
	demoPaeds   = workflows.Contact{Name: "Community Paediatrics", Email: "paediatrics@nhs.example.org"}
	demoElm     = workflows.Contact{Name: "Elm Academy", Email: "office@elm.example.org"}
)

func decideAssess(day int) demoStep {
	return demoStep{day, workflows.UpdateDecideAssess,
		func(on, _ statute.Date) any { return workflows.DecideAssessInput{On: on, Assess: true} },
		func(on statute.Date, st workflows.CaseStatus) string {
			return "decided to assess (reg 5(1))" + lateness(on, st.DecisionToAssessDue) + "; the family is told"
		}}
}

func requestAdvice(day int, kind statute.AdviceKind, p workflows.Contact) demoStep {
	return demoStep{day, workflows.UpdateRequestAdvice,
		func(on, _ statute.Date) any {
			return workflows.RequestAdviceInput{On: on, Kind: kind, Provider: p, EscalationEmail: "lead." + p.Email}
		},
		func(on statute.Date, _ workflows.CaseStatus) string {
			return fmt.Sprintf("asked %s for %s, due %s (reg 8(1))", p.Name, kind.Title(), longDate(statute.AdviceDueFrom(on)))
		}}
}

func recordAdvice(day int, kind statute.AdviceKind) demoStep {
	return demoStep{day, workflows.UpdateRecordAdvice,
		func(on, _ statute.Date) any { return workflows.RecordAdviceInput{On: on, Kind: kind} },
		func(on statute.Date, st workflows.CaseStatus) string {
			for _, a := range st.Advice {
				if a.Kind == kind && a.Received == on {
					return fmt.Sprintf("%s received from %s%s", sentence(kind.Title()), a.Provider, lateness(on, a.Due))
				}
			}
			return sentence(kind.Title()) + " received"
		}}
}

func decideIssue(day int) demoStep {
	return demoStep{day, workflows.UpdateDecideIssue,
		func(on, _ statute.Date) any { return workflows.DecideIssueInput{On: on, Issue: true} },
		func(on statute.Date, st workflows.CaseStatus) string {
			return "decided to issue a plan (reg 10)" + lateness(on, st.DecisionNotToIssueDue) + "; the draft is being written"
		}}
}

func serveDraft(day int) demoStep {
	return demoStep{day, workflows.UpdateServeDraft,
		func(on, _ statute.Date) any { return workflows.ServeDraftInput{On: on} },
		func(on statute.Date, st workflows.CaseStatus) string {
			s := fmt.Sprintf("draft plan served; the family may comment until %s (reg 13(1))", longDate(statute.CommentsEnd(on)))
			switch room := st.FinalPlanDue.DaysSince(statute.CommentsEnd(on)); {
			case room <= 0:
				s += ", the day the final plan is due: too late to issue it in time"
			case room < 7:
				s += fmt.Sprintf(", leaving %s to issue the final plan in time", days(room))
			}
			return s
		}}
}

func recordComments(day int, school workflows.Contact, meeting bool) demoStep {
	return demoStep{day, workflows.UpdateRecordComments,
		func(on, _ statute.Date) any {
			return workflows.RecordCommentsInput{On: on, RequestedSchool: school, WantsMeeting: meeting}
		},
		func(statute.Date, workflows.CaseStatus) string {
			s := "the family's comments on the draft recorded"
			if school.Name != "" {
				s += "; they ask for " + school.Name + ", which is consulted"
			}
			if meeting {
				s += "; they ask to meet an officer"
			}
			return s
		}}
}

func issueFinalPlan(day int, school string) demoStep {
	return demoStep{day, workflows.UpdateIssueFinalPlan,
		func(on, _ statute.Date) any { return workflows.IssueFinalPlanInput{On: on, School: school} },
		func(on statute.Date, st workflows.CaseStatus) string {
			s := "final EHC plan issued (reg 13(2))"
			if school != "" {
				s += ", naming " + school
			}
			if on.After(st.FinalPlanDue) {
				return s + fmt.Sprintf(": %s after the 20-week limit", days(on.DaysSince(st.FinalPlanDue)))
			}
			return s + ": within 20 weeks"
		}}
}

// lateness is ", N days late" when on is after due.
func lateness(on, due statute.Date) string {
	if !due.IsZero() && on.After(due) {
		return fmt.Sprintf(", %s late", days(on.DaysSince(due)))
	}
	return ""
}

// demoCases are the cases ehc demo runs. Days are statutory days from Day 1;
// week 20 ends on day 140.
var demoCases = []demoCase{
	{
		ref:   "DEMO-1",
		story: "every step on time: the final plan in week 17",
		in: workflows.AssessmentInput{
			Child:      workflows.Child{Name: "Amara Okafor", DateOfBirth: statute.NewDate(2017, time.March, 14)},
			Family:     workflows.Contact{Name: "Grace Okafor", Email: "grace.okafor@example.org"},
			Requester:  workflows.RequesterParent,
			School:     workflows.Contact{Name: "Oakfield Primary", Email: "senco@oakfield.example.org"},
			Caseworker: "cw-rahman", CaseworkerEmail: "rahman@la.example.gov.uk",
		},
		steps: []demoStep{
			decideAssess(14),
			requestAdvice(14, statute.AdviceKindPsychological, demoEP),
			requestAdvice(14, statute.AdviceKindMedical, demoPaeds),
			recordAdvice(45, statute.AdviceKindMedical),
			recordAdvice(52, statute.AdviceKindPsychological),
			decideIssue(77),
			serveDraft(84),
			recordComments(91, demoElm, false),
			{100, workflows.UpdateRecordConsultation,
				func(on, _ statute.Date) any {
					return workflows.RecordConsultationInput{On: on, School: demoElm.Name, Agrees: true}
				},
				func(statute.Date, workflows.CaseStatus) string {
					return demoElm.Name + " agrees to be named in the plan"
				}},
			issueFinalPlan(119, demoElm.Name),
		},
	},
	{
		ref:   "DEMO-2",
		story: "psychological advice two weeks late; the plan still on time",
		in: workflows.AssessmentInput{
			Child:      workflows.Child{Name: "Leo Fitzgerald", DateOfBirth: statute.NewDate(2015, time.September, 2)},
			Family:     workflows.Contact{Name: "Niamh Fitzgerald", Email: "niamh.fitzgerald@example.org"},
			Requester:  workflows.RequesterSchool,
			School:     workflows.Contact{Name: "Brookside Primary", Email: "office@brookside.example.org"},
			Caseworker: "cw-rahman", CaseworkerEmail: "rahman@la.example.gov.uk",
		},
		steps: []demoStep{
			decideAssess(21),
			requestAdvice(21, statute.AdviceKindPsychological, demoEP),
			requestAdvice(21, statute.AdviceKindEducational, workflows.Contact{Name: "Brookside Primary", Email: "office@brookside.example.org"}),
			recordAdvice(56, statute.AdviceKindEducational),
			recordAdvice(77, statute.AdviceKindPsychological), // due day 63: two weeks late
			decideIssue(84),
			serveDraft(91),
			recordComments(98, workflows.Contact{}, true),
			issueFinalPlan(126, "Brookside Primary"),
		},
	},
	{
		ref:   "DEMO-3",
		story: "the decision late and the 20-week limit missed: an exception recorded, a new date given, the plan in week 23",
		in: workflows.AssessmentInput{
			Child:      workflows.Child{Name: "Priya Shah", DateOfBirth: statute.NewDate(2012, time.November, 20)},
			Family:     workflows.Contact{Name: "Anil Shah", Email: "anil.shah@example.org"},
			Requester:  workflows.RequesterParent,
			School:     workflows.Contact{Name: "Hollins Park Academy", Email: "senco@hollinspark.example.org"},
			Caseworker: "cw-walker", CaseworkerEmail: "walker@la.example.gov.uk",
		},
		steps: []demoStep{
			decideAssess(49), // due day 42
			requestAdvice(49, statute.AdviceKindPsychological, demoEP),
			requestAdvice(49, statute.AdviceKindMedical, demoPaeds),
			recordAdvice(84, statute.AdviceKindMedical),
			recordAdvice(91, statute.AdviceKindPsychological),
			decideIssue(105),
			serveDraft(126),
			recordComments(137, workflows.Contact{}, true),
			{143, workflows.UpdateRecordException,
				func(on, day1 statute.Date) any {
					return workflows.RecordExceptionInput{On: on, Ground: statute.ExceptionPersonal, Deadline: statute.FinalPlanDue,
						From: day1.AddDays(133), Note: "the family asked to move the meeting about the draft"}
				},
				func(statute.Date, workflows.CaseStatus) string {
					return "exception recorded: " + statute.ExceptionPersonal.Title() + " (" + statute.ExceptionPersonal.Regulation(statute.FinalPlanDue) +
						"); the clock does not stop, the case stays overdue"
				}},
			{143, workflows.UpdateExpect,
				func(on, day1 statute.Date) any {
					return workflows.ExpectInput{On: on, Deadline: statute.FinalPlanDue, By: day1.AddDays(161)}
				},
				func(_ statute.Date, st workflows.CaseStatus) string {
					return "final plan now expected by " + longDate(st.Day1.AddDays(161)) + "; the family is told the new date"
				}},
			issueFinalPlan(161, "Hollins Park Academy"), // the date expected
		},
	},
	{
		ref:   "DEMO-4",
		story: "the request refused in week 5",
		in: workflows.AssessmentInput{
			Child:      workflows.Child{Name: "Tom Hughes", DateOfBirth: statute.NewDate(2019, time.June, 5)},
			Family:     workflows.Contact{Name: "Beth Hughes", Email: "beth.hughes@example.org"},
			Requester:  workflows.RequesterParent,
			School:     workflows.Contact{Name: "Little Acorns Nursery", Email: "manager@littleacorns.example.org"},
			Caseworker: "cw-walker", CaseworkerEmail: "walker@la.example.gov.uk",
		},
		steps: []demoStep{
			{35, workflows.UpdateDecideAssess,
				func(on, _ statute.Date) any {
					return workflows.DecideAssessInput{On: on, Assess: false,
						Reason: "the setting's evidence shows needs met from its own resources (SEN support)"}
				},
				func(statute.Date, workflows.CaseStatus) string {
					return "refused to assess (reg 5(3)): the family is told why, and of their right to appeal and to mediation"
				}},
		},
	},
}

// cmdDemo starts the demo cases (or finds them already started) and drives
// them to their ends.
func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo")
	ui := fs.String("ui", demoUIURL, "the Temporal UI's `URL`, to print")
	workerLog := fs.String("worker-log", "", "the worker's log `file`, to print (make run's is .data/worker.log)")
	cfg, err := parseConfig(fs, "demo", args, stderr)
	if err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if !cfg.Demo.Enabled {
		return usagef("the demonstration runs only in demonstration mode: set EHC_DEMO=true (make run does). " +
			"Its cases are fictional and run on a compressed statutory clock, which production never uses")
	}
	pc, err := cfg.PayloadCodec()
	if err != nil {
		return err
	}
	c, err := dial(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer c.Close()
	d := &demoDriver{c: c, cfg: cfg, dc: pc.DataConverter(), out: stdout, workerLog: *workerLog}
	return d.run(ctx, strings.TrimRight(*ui, "/"))
}

// demoDriver drives the demo cases.
type demoDriver struct {
	c    client.Client
	cfg  config.Config
	dc   converter.DataConverter
	out  io.Writer
	runs []*demoRun

	workerLog string // where the newcomer reads the worker's notifications; "" if unknown
}

// demoRun is one demo case as the driver follows it.
type demoRun struct {
	demoCase
	in       workflows.AssessmentInput // as started: Day 1, policy and clock
	st       workflows.CaseStatus      // as of the driver's last step or query
	next     int                       // the next step of the script
	reported time.Time                 // statutory instant up to which alarms are reported
	left     string                    // why the driver no longer drives it
	retryAt  time.Time                 // real time to retry a step that did not get through
}

func (r *demoRun) done() bool { return r.left != "" || r.st.Stage.Closed() || r.next >= len(r.steps) }

func (r *demoRun) day1() statute.Date { return r.in.Received }

// stepAt is the statutory instant of step i.
func (r *demoRun) stepAt(i int) time.Time { return r.day1().AddDays(r.steps[i].day).At(demoStepHour) }

// line prints one line of the demo's story: the case's statutory week and
// date, the case, what happened.
func (d *demoDriver) line(r *demoRun, at time.Time, format string, args ...any) {
	on := statute.DateOf(at)
	fmt.Fprintf(d.out, "week %2d  %-16s  %-6s  %s\n", on.DaysSince(r.day1())/7, longDate(on), r.ref, fmt.Sprintf(format, args...))
}

func (d *demoDriver) run(ctx context.Context, ui string) error {
	d.intro(ui)
	start := now()
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
		if wait := wake.Sub(now()); wait > 0 {
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
func (d *demoDriver) intro(ui string) {
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
		cmds = append(cmds, "tail -f "+d.workerLog+"     (the worker: every reminder, escalation and letter)")
	}
	for _, c := range cmds {
		fmt.Fprintf(w, "  %s\n", c)
	}
	fmt.Fprintf(w, "\nCtrl-C stops the demo (under make run, the whole stack); run it again to carry on where it was.\n\n")
}

// prepare finds the case started, or starts it with a compressed clock from
// start, and works out where its script stands.
func (d *demoDriver) prepare(ctx context.Context, dc demoCase, start time.Time) (*demoRun, error) {
	r := &demoRun{demoCase: dc}
	in, err := startedInput(ctx, d.c, d.dc, dc.ref)
	var notFound *serviceerror.NotFound
	switch {
	case errors.As(err, &notFound):
		in = dc.in
		in.CaseRef = dc.ref
		in.Received = statute.DateOf(start)
		in.Manager = demoManager
		in.Policy = d.cfg.Policy()
		in.Clock = workflows.Clock{Start: start, WeekSeconds: d.cfg.Demo.WeekSeconds}
		sctx, cancel := withTimeout(ctx)
		_, err = d.c.ExecuteWorkflow(sctx, startOptions(in, d.cfg.TaskQueue), workflows.AssessmentWorkflowName, in)
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
		d.line(r, start, "started: Day 1; decision due %s, final plan due %s", longDate(tt.DecisionToAssessDue), longDate(tt.FinalPlanDue))
	case err != nil:
		return nil, caseError(ctx, d.c, d.cfg, dc.ref, err)
	default:
		r.in = in
		if in.Clock.IsZero() {
			r.left = "it runs in real time: it is not a demonstration case"
			fmt.Fprintf(d.out, "%s exists and runs in real time: not a demonstration case, so the demo leaves it alone.\n", dc.ref)
			return r, nil
		}
	}
	if r.st, err = queryStatus(ctx, d.c, d.cfg, dc.ref); err != nil {
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
		nowAt := r.in.Clock.At(now())
		r.reported = nowAt
		switch {
		case r.st.Stage.Closed() || r.next == len(r.steps):
			d.line(r, nowAt, "found, already at its end (%s)", stageTitle(r.st.Stage))
		default:
			d.line(r, nowAt, "found: %d of %d steps taken; carrying on (one week lasts %ds on its clock)", r.next, len(r.steps), r.in.Clock.WeekSeconds)
		}
	}
	return r, nil
}

// startedInput is the input a case's workflow was started with: its clock,
// Day 1 and policy. It is read from the start of its history.
func startedInput(ctx context.Context, c client.Client, dc converter.DataConverter, ref string) (workflows.AssessmentInput, error) {
	hctx, cancel := withTimeout(ctx)
	defer cancel()
	var in workflows.AssessmentInput
	it := c.GetWorkflowHistory(hctx, workflows.WorkflowID(ref), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
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
func (d *demoDriver) nextEvent() (run *demoRun, at time.Time, step, ok bool) {
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

// policy is the case's chasing policy with the workflow's defaults.
func (r *demoRun) policy() (leads []int, every int) {
	leads, every = r.in.Policy.ReminderLeads, r.in.Policy.EscalationEvery
	if leads == nil {
		leads = config.DefaultReminderLeads()
	}
	if every <= 0 {
		every = config.DefaultEscalationEvery
	}
	return leads, every
}

// chased reports whether a deadline is reminded of before it falls due:
// the Day-1 limits (staff) and advice (the adviser).
func chased(d workflows.DeadlineState) bool { return d.Deadline != statute.ConsultationDue }

// alarms lists a deadline's alarm instants after t: reminders, the day it
// is missed, then every escalation period (as the workflow's deadline.next).
func (r *demoRun) alarmAfter(d workflows.DeadlineState, t time.Time) (time.Time, bool) {
	if d.Status != workflows.StatusPending && d.Status != workflows.StatusMissed {
		return time.Time{}, false
	}
	leads, every := r.policy()
	if chased(d) {
		for _, lead := range sortedDesc(leads) {
			if at := d.Due.AddDays(-lead).At(demoAlarmHour); at.After(t) {
				return at, true
			}
		}
	}
	first := d.Due.AddDays(1)
	k := max(0, statute.DateOf(t).DaysSince(first)/every-1)
	for ; ; k++ {
		if at := first.AddDays(k * every).At(demoAlarmHour); at.After(t) {
			return at, true
		}
	}
}

func sortedDesc(v []int) []int {
	out := append([]int(nil), v...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] > out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
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
func (d *demoDriver) alarm(r *demoRun, at time.Time) {
	r.reported = at
	on := statute.DateOf(at)
	for _, dl := range r.st.Deadlines {
		if t, ok := r.alarmAfter(dl, at.Add(-time.Nanosecond)); !ok || !t.Equal(at) {
			continue
		}
		title := deadlineTitle(dl)
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
			d.line(r, at, "reminder to %s: %s due %s, in %s", who, strings.ToLower(title[:1])+title[1:], longDate(dl.Due), days(-late))
		case late == 1 && dl.Deadline == statute.AdviceDue:
			d.line(r, at, "%s OVERDUE (due %s): %s chased, the caseworker and SEND manager copied; the family told it holds their case up — see the worker log",
				title, longDate(dl.Due), who)
		case late == 1 && dl.Deadline == statute.ConsultationDue:
			d.line(r, at, "%s overdue (due %s, guidance): the caseworker told", title, longDate(dl.Due))
		case late == 1:
			d.line(r, at, "%s MISSED (due %s): escalated to the caseworker and SEND manager, the family told — see the escalation in the worker log",
				title, longDate(dl.Due))
		case dl.Deadline == statute.AdviceDue:
			d.line(r, at, "%s still overdue, %s: %s chased again", title, days(late), who)
		default:
			d.line(r, at, "%s still missed, %s overdue: escalated again", title, days(late))
		}
	}
}

// step takes the case's next scripted step on its statutory date, as an
// update, exactly as the caseworker's CLI does, but dated on the demo's
// clock rather than today's date. The update ID makes a step sent twice
// (the driver stopped before it heard back) count once.
func (d *demoDriver) step(ctx context.Context, r *demoRun) {
	s := r.steps[r.next]
	at := r.stepAt(r.next)
	on := statute.DateOf(at)
	uctx, cancel := withTimeout(ctx)
	defer cancel()
	h, err := d.c.UpdateWorkflow(uctx, client.UpdateWorkflowOptions{
		UpdateID:     fmt.Sprintf("demo/%s/%d/%s", r.ref, r.next+1, s.update),
		WorkflowID:   workflows.WorkflowID(r.ref),
		UpdateName:   s.update,
		Args:         []any{s.input(on, r.day1())},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	var st workflows.CaseStatus
	if err == nil {
		err = h.Get(uctx, &st)
	}
	var appErr *temporal.ApplicationError
	switch {
	case ctx.Err() != nil:
		return
	case errors.As(err, &appErr):
		r.left = "it refused a step"
		d.line(r, at, "the case refused %s: %s; the demo leaves it to you", s.update, caseError(ctx, d.c, d.cfg, r.ref, err))
		return
	case err != nil:
		r.retryAt = now().Add(5 * time.Second)
		d.line(r, at, "%s did not get through (%v); trying again", s.update, caseError(ctx, d.c, d.cfg, r.ref, err))
		return
	}
	r.st, r.next, r.retryAt = st, r.next+1, time.Time{}
	if at.After(r.reported) {
		r.reported = at
	}
	d.line(r, at, "%s", s.say(on, st))
	if st.Stage.Closed() {
		d.line(r, at, "case closed: %s", strings.TrimPrefix(stageTitle(st.Stage), "closed: "))
	}
}

// finish reports where every case ended.
func (d *demoDriver) finish(ctx context.Context) error {
	fmt.Fprintf(d.out, "\nThe demonstration has run its course:\n")
	tw := newTable(d.out)
	fmt.Fprintln(tw, "  CASE\tSTAGE\tDAY 1\tFINAL PLAN DUE\tOUTCOME")
	for _, r := range d.runs {
		if st, err := queryStatus(ctx, d.c, d.cfg, r.ref); err == nil {
			r.st = st
		}
		outcome := r.left
		if outcome == "" {
			outcome = demoOutcome(r.st)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", r.ref, r.st.Stage, longDate(r.st.Day1), longDate(r.st.FinalPlanDue), outcome)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(d.out, "\nThe cases stay in Temporal and the register: look around with the commands above.\n")
	return err
}

func demoOutcome(st workflows.CaseStatus) string {
	switch {
	case st.Stage == workflows.StageFinalPlanIssued:
		for _, dl := range st.Deadlines {
			if dl.Deadline == statute.FinalPlanDue && dl.Status == workflows.StatusMetLate {
				return fmt.Sprintf("plan %s late", days(dl.DaysOverdue))
			}
		}
		return "plan within 20 weeks"
	case st.Stage.Closed():
		return strings.TrimPrefix(stageTitle(st.Stage), "closed: ")
	}
	return "open"
}

func (d *demoDriver) stopped() error {
	_, err := fmt.Fprintf(d.out, "\nDemo driver stopped; run it again to carry on where it was (the workflows keep their clocks).\n")
	return err
}

// registerCases is ehc cases' list: every case judged on today's date, but
// in demonstration mode each demo case on the statutory date of its own
// clock (as its workflow judges it), so the demo's overdue cases show while
// the local register's other cases are judged as usual.
func registerCases(ctx context.Context, s *register.Store, f register.CaseFilter, cfg config.Config, stderr io.Writer) ([]register.CaseRow, error) {
	todayReal := today()
	if !cfg.Demo.Enabled {
		return s.Cases(ctx, f, todayReal)
	}
	on, err := demoDates(ctx, cfg, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "Demonstration mode, but the demo cases' clocks cannot be read (%v): every case judged on today's date.\n", err)
		return s.Cases(ctx, f, todayReal)
	}
	dates := map[statute.Date]bool{todayReal: true}
	var judged []string
	for _, dc := range demoCases {
		if d, ok := on[dc.ref]; ok {
			dates[d] = true
			judged = append(judged, fmt.Sprintf("%s on %s", dc.ref, longDate(d)))
		}
	}
	if len(judged) > 0 {
		fmt.Fprintf(stderr, "Demonstration mode: demo cases judged on their statutory dates (%s), other cases on today's.\n", strings.Join(judged, ", "))
	}
	var rows []register.CaseRow
	for d := range dates {
		rs, err := s.Cases(ctx, f, d)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if own, demo := on[r.CaseRef]; (demo && own == d) || (!demo && d == todayReal) {
				rows = append(rows, r)
			}
		}
	}
	// As the register orders them: overdue first, longest overdue first,
	// then by next deadline.
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		switch {
		case a.Overdue != b.Overdue:
			return a.Overdue
		case a.DaysOverdue != b.DaysOverdue:
			return a.DaysOverdue > b.DaysOverdue
		case a.NextDeadline.IsZero() != b.NextDeadline.IsZero():
			return !a.NextDeadline.IsZero()
		case !a.NextDeadline.Equal(b.NextDeadline):
			return a.NextDeadline.Before(b.NextDeadline)
		}
		return a.CaseRef < b.CaseRef
	})
	return rows, nil
}

// demoDates is the statutory date now on each demo case's clock.
func demoDates(ctx context.Context, cfg config.Config, stderr io.Writer) (map[string]statute.Date, error) {
	pc, err := cfg.PayloadCodec()
	if err != nil {
		return nil, err
	}
	c, err := dial(ctx, cfg, stderr)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	on := map[string]statute.Date{}
	for _, dc := range demoCases {
		in, err := startedInput(ctx, c, pc.DataConverter(), dc.ref)
		var notFound *serviceerror.NotFound
		switch {
		case errors.As(err, &notFound):
		case err != nil:
			return nil, err
		case !in.Clock.IsZero():
			on[dc.ref] = statute.DateOf(in.Clock.At(now()))
		}
	}
	return on, nil
}
