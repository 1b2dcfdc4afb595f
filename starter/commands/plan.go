package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/register/sen2"
	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
	"github.com/ehc-send/ehc/workflows/plan"
)

// A plan in force (workflow plan/): ehc start-plan enters one made before
// the product was used; ehc plan-status shows one. The assessment starts
// the plans it issues itself.

// planStartFlags are start-plan's flags, as typed.
type planStartFlags struct {
	caseRef, planMade, childDOB, familyName, familyEmail    string
	caseworker, caseworkerEmail, managerEmail, setting      string
	lastReview, transferredIn                               string
	noticeOn, meeting, heldOn, reportOn, decidedOn, outcome string
	asJSON                                                  bool
	childName                                               string
	tellFamily                                              bool
	sen2                                                    sen2Flags
	sen2Plan                                                sen2PlanFlags
}

// input checks the command line and builds the plan's input; it changes
// nothing, so a wrong line reaches no server.
func (f planStartFlags) input(e *Env) (plan.PlanInput, error) {
	if err := checkCaseRef(f.caseRef); err != nil {
		return plan.PlanInput{}, err
	}
	in := plan.PlanInput{CaseRef: strings.ToUpper(f.caseRef), Family: plan.Contact{Name: strings.TrimSpace(f.familyName), Email: f.familyEmail},
		Caseworker: strings.TrimSpace(f.caseworker), CaseworkerEmail: f.caseworkerEmail,
		Manager: plan.Contact{Email: f.managerEmail}, NamedSetting: strings.TrimSpace(f.setting)}
	dates := []struct {
		flag, v  string
		to       *statute.Date
		required bool
	}{
		{"plan-made", f.planMade, &in.PlanMade, true},
		{"child-dob", f.childDOB, &in.ChildDOB, true},
		{"last-review", f.lastReview, &in.LastReview, false},
		{"transferred-in", f.transferredIn, &in.TransferredIn, false},
	}
	var past plan.PastReview
	dates = append(dates, []struct {
		flag, v  string
		to       *statute.Date
		required bool
	}{
		{"notice-on", f.noticeOn, &past.NoticeOn, false},
		{"meeting", f.meeting, &past.Meeting, false},
		{"held-on", f.heldOn, &past.HeldOn, false},
		{"report-on", f.reportOn, &past.ReportOn, false},
		{"decided-on", f.decidedOn, &past.DecidedOn, false},
	}...)
	for _, d := range dates {
		if d.v == "" && !d.required {
			continue
		}
		v, err := parseDateFlag(d.flag, d.v)
		if err != nil {
			return plan.PlanInput{}, err
		}
		if d.flag != "meeting" {
			if err := e.notFuture(d.flag, v); err != nil {
				return plan.PlanInput{}, err
			}
		}
		*d.to = v
	}
	if err := childAge(in.ChildDOB, in.PlanMade); err != nil {
		return plan.PlanInput{}, err
	}
	if !in.LastReview.IsZero() && in.LastReview.Before(in.PlanMade) {
		return plan.PlanInput{}, usagef("--last-review %s is before --plan-made %s", in.LastReview, in.PlanMade)
	}
	if past != (plan.PastReview{}) || f.outcome != "" {
		switch {
		case f.outcome != "" && f.outcome != plan.OutcomeMaintain && f.outcome != plan.OutcomeAmend:
			return plan.PlanInput{}, usagef("--outcome %q: want maintain or amend (a decision to cease is ehc cease-plan)", f.outcome)
		case f.outcome != "" && past.DecidedOn.IsZero(), f.outcome == "" && !past.DecidedOn.IsZero():
			return plan.PlanInput{}, usagef("--decided-on and --outcome go together")
		case !past.NoticeOn.IsZero() && past.Meeting.IsZero():
			return plan.PlanInput{}, usagef("--notice-on needs --meeting, the meeting it gave notice of")
		case (!past.ReportOn.IsZero() || !past.DecidedOn.IsZero()) && past.HeldOn.IsZero():
			return plan.PlanInput{}, usagef("--report-on and --decided-on need --held-on, the day the meeting was held")
		}
		past.Outcome = f.outcome
		in.Review = &past
	}
	for _, c := range []struct {
		flag, v  string
		check    func(what, v string) error
		required bool
	}{
		{"family-name", f.familyName, assessment.CheckName, false},
		{"caseworker", f.caseworker, assessment.CheckCaseworker, true},
		{"named-setting", f.setting, assessment.CheckSchoolName, false},
	} {
		check := bounded
		if c.required {
			check = requiredBounded
		}
		if err := check(c.flag, c.v, c.check); err != nil {
			return plan.PlanInput{}, err
		}
	}
	for _, m := range []struct{ flag, v string }{{"family-email", f.familyEmail}, {"caseworker-email", f.caseworkerEmail}} {
		if err := checkEmail(m.flag, m.v); err != nil {
			return plan.PlanInput{}, err
		}
	}
	if f.managerEmail != "" {
		if err := checkEmail("manager-email", f.managerEmail); err != nil {
			return plan.PlanInput{}, err
		}
	}
	child, err := f.child()
	if err != nil {
		return plan.PlanInput{}, err
	}
	if child != nil && !child.Plan.RequestReceived.IsZero() && in.PlanMade.Before(child.Plan.RequestReceived) {
		return plan.PlanInput{}, usagef("--request-received %s is after --plan-made %s", child.Plan.RequestReceived, in.PlanMade)
	}
	in.Child, in.TellFamily = child, f.tellFamily
	return in, nil
}

// child is who the plan is for, as the SEN2 return asks; nil when none of
// it was given.
func (f planStartFlags) child() (*plan.Child, error) {
	if err := bounded("child-name", f.childName, assessment.CheckName); err != nil {
		return nil, err
	}
	person, err := f.sen2.person()
	if err != nil {
		return nil, err
	}
	details, err := f.sen2Plan.plan()
	if err != nil {
		return nil, err
	}
	switch {
	case details.CeaseReason != "":
		return nil, usagef("--cease-reason is for a plan that has ended: record it with ehc sen2-record")
	case details.TransferLA != "" && f.transferredIn == "":
		return nil, usagef("--transfer-la names the authority a plan came from: give it with --transferred-in")
	}
	c := &plan.Child{Name: strings.TrimSpace(f.childName), SEN2: person, Plan: details}
	if c.Name == "" && c.SEN2 == (sen2.Person{}) && c.Plan.IsZero() {
		return nil, nil
	}
	if c.Name == "" { // the register keeps the child's items with their name, which the return needs too
		return nil, usagef("--child-name is required with the child's SEN2 details")
	}
	return c, nil
}

// cmdStartPlan enters a plan made before the product was used: its date,
// last review and any review in progress, so it starts in its true state.
// The family is sent nothing about the past unless --tell-family; the staff
// one summary.
func cmdStartPlan(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet("start-plan")
	var f planStartFlags
	fs.StringVar(&f.caseRef, "case", "", "case `REF`erence: 2-40 letters, digits and hyphens; nothing personal")
	fs.StringVar(&f.planMade, "plan-made", "", "`date` the plan was made (YYYY-MM-DD)")
	fs.StringVar(&f.childDOB, "child-dob", "", "child's date of birth (YYYY-MM-DD): it sets the phase transfers (reg 18)")
	fs.StringVar(&f.familyName, "family-name", "", "`name` of the parent or young person the plan's letters go to")
	fs.StringVar(&f.familyEmail, "family-email", "", "family's `email` address")
	fs.StringVar(&f.caseworker, "caseworker", "", "caseworker's staff `ID`")
	fs.StringVar(&f.caseworkerEmail, "caseworker-email", "", "caseworker's `email` address, for reminders")
	fs.StringVar(&f.managerEmail, "manager-email", "", "SEND manager's `email` address, for escalations (optional)")
	fs.StringVar(&f.setting, "named-setting", "", "`name` of the school or setting the plan names (optional)")
	fs.StringVar(&f.lastReview, "last-review", "", "`date` of the plan's last annual review, if it has had one")
	fs.StringVar(&f.transferredIn, "transferred-in", "", "`date` the plan was received from another authority, if it was (reg 15)")
	fs.StringVar(&f.noticeOn, "notice-on", "", "a review in progress: the `date` its meeting's notice and advice went (reg 20(3)-(4))")
	fs.StringVar(&f.meeting, "meeting", "", "a review in progress: the `date` of its meeting")
	fs.StringVar(&f.heldOn, "held-on", "", "a review in progress: the `date` its meeting was held")
	fs.StringVar(&f.reportOn, "report-on", "", "a review in progress: the `date` its report went (reg 20(7))")
	fs.StringVar(&f.decidedOn, "decided-on", "", "a review in progress: the `date` of the decision after it (reg 20(10)), with --outcome")
	fs.StringVar(&f.outcome, "outcome", "", "a review in progress: its decision, maintain or amend")
	fs.BoolVar(&f.asJSON, "json", false, "print the plan's status as JSON for scripts")
	fs.BoolVar(&f.tellFamily, "tell-family", false, "write to the family once now, with the plan's real dates and any limit already missed (by default they are sent nothing about the past)")
	fs.StringVar(&f.childName, "child-name", "", "the child's or young person's `name`, for the SEN2 return (optional)")
	f.sen2.flags(fs)
	f.sen2Plan.flags(fs)
	cfg, err := e.parseOnly(fs, "start-plan", args)
	if err != nil {
		return err
	}
	in, err := f.input(e)
	if err != nil {
		return err
	}
	in.Policy = plan.PolicyOf(cfg.ReminderLeads, cfg.EscalationEvery, cfg.UnderFiveMonths, cfg.TransferLeadDays, cfg.ResponseDays)
	return e.onTemporal(ctx, cfg, func(c client.Client) error {
		sctx, cancel := cli.WithTimeout(ctx)
		defer cancel()
		run, err := c.ExecuteWorkflow(sctx, plan.StartOptions(in, cfg.TaskQueue), plan.WorkflowName, in)
		var started *serviceerror.WorkflowExecutionAlreadyStarted
		switch {
		case errors.As(err, &started):
			return fmt.Errorf("case %s already has a plan in force (see: ehc plan-status %s)", in.CaseRef, in.CaseRef)
		case err != nil:
			return fmt.Errorf("could not start the plan for case %s: %w", in.CaseRef, err)
		}
		st, err := settledPlan(ctx, c, cfg.TaskQueue, in.CaseRef, run)
		if err != nil {
			return err
		}
		if f.asJSON {
			return writeJSON(e.Stdout, st)
		}
		fmt.Fprintf(e.Stdout, "Entered the plan for case %s (workflow %s); the staff have a summary of where it stands.\n\n", in.CaseRef, run.GetID())
		return printPlanStatus(e.Stdout, st)
	})
}

// cmdPlanStatus shows a plan in force.
func cmdPlanStatus(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet("plan-status")
	caseFlag := fs.String("case", "", "case `REF`erence (or give it as the first argument)")
	asJSON := fs.Bool("json", false, "print the plan's status as JSON for scripts")
	positional, rest := splitRef(args)
	cfg, err := e.parseConfig(fs, "plan-status", rest)
	if err != nil {
		return err
	}
	ref, err := caseRef(positional, *caseFlag, fs)
	if err != nil {
		return err
	}
	return e.onTemporal(ctx, cfg, func(c client.Client) error {
		st, err := queryPlan(ctx, c, cfg.TaskQueue, ref)
		if err != nil {
			return workflowError(ctx, c, cfg, ref, plan.WorkflowID(ref), "plan in force", err)
		}
		if *asJSON {
			return writeJSON(e.Stdout, st)
		}
		if err := printPlanStatus(e.Stdout, st); err != nil {
			return err
		}
		return printRights(e.Stdout, st.Rights, e.today())
	})
}

func queryPlan(ctx context.Context, c client.Client, _ string, ref string) (plan.PlanStatus, error) {
	qctx, cancel := cli.WithTimeout(ctx)
	defer cancel()
	var st plan.PlanStatus
	v, err := c.QueryWorkflow(qctx, plan.WorkflowID(ref), "", plan.StatusQuery)
	if err == nil {
		err = v.Get(&st)
	}
	return st, err
}

// printPlanStatus writes a plan for a person to read.
func printPlanStatus(w io.Writer, st plan.PlanStatus) error {
	fmt.Fprintln(w, "Plan for case "+st.CaseRef)
	head := newFitted("", screenWidth).wraps(1, 20)
	head.row("Stage:", st.Stage.Title())
	head.row("Plan made:", cli.LongDate(st.PlanMade))
	head.row("Year group:", st.YearGroup+" ("+st.SchoolPhase+")")
	if st.NamedSetting != "" {
		head.row("Named setting:", st.NamedSetting)
	}
	if !st.LastReview.IsZero() {
		head.row("Last review:", cli.LongDate(st.LastReview))
	}
	if !st.NextReviewDue.IsZero() {
		head.row("Next review due:", cli.LongDate(st.NextReviewDue)+" (CFA s.44(1))")
		if !st.ReviewTarget.IsZero() {
			head.row("Aimed for by:", cli.LongDate(st.ReviewTarget)+" (the authority's own date: an under-5's interval or a phase transfer)")
		}
	}
	if ph := st.Phase; ph != nil && ph.AmendedOn.IsZero() {
		head.row("Phase transfer:", fmt.Sprintf("%s, September %d: amended plan naming the setting by %s (%s)", ph.Transfer.Title(), ph.TransferYear, cli.LongDate(ph.AmendBy), ph.Regulation))
	}
	if c := st.Ceasing; c != nil {
		line := fmt.Sprintf("decided %s (%s); kept until %s", cli.LongDate(c.DecidedOn), c.Ground.Regulation(), cli.LongDate(c.CeasesOn))
		if !c.AppealedOn.IsZero() {
			line = fmt.Sprintf("decided %s; appealed %s: kept until the appeal is decided", cli.LongDate(c.DecidedOn), cli.LongDate(c.AppealedOn))
		}
		head.row("Ceasing:", line)
	}
	if d := st.Disagreement; d != nil && !d.AppealedOn.IsZero() && d.OrderMade.IsZero() {
		line := "appealed " + cli.LongDate(d.AppealedOn)
		switch {
		case !d.RespondedOn.IsZero():
			line += "; the authority's response sent " + cli.LongDate(d.RespondedOn)
		case !d.RespondBy.IsZero():
			line += "; the authority's response due by " + cli.LongDate(d.RespondBy) + " (HESC Rules r.21)"
		}
		head.row("Appeal:", line)
	}
	if m := st.Move; m != nil {
		head.row("Move:", fmt.Sprintf("learnt of %s; plan to the new authority by %s (reg 15(2))", cli.LongDate(m.Aware), cli.LongDate(m.PlanSentBy)))
	}
	if !st.EndedOn.IsZero() {
		head.row("Ended:", cli.LongDate(st.EndedOn))
	}
	head.row("As at:", cli.LongDate(st.Today))
	if err := head.write(w); err != nil {
		return err
	}
	fmt.Fprintln(w, planNextLine(st))
	if st.Overdue {
		fmt.Fprintln(w, "OVERDUE: a statutory limit has been missed.")
	}
	if n := len(st.Problems); n > 0 {
		fmt.Fprintf(w, "NOT DELIVERED: %d letter(s) failed for good; reach the family another way.\n", n)
	}
	fmt.Fprintln(w, "\nDeadlines")
	t := newFitted("  ", screenWidth).wraps(0, 30)
	for _, d := range st.Deadlines {
		t.row(cli.DeadlineTitle(d), d.Regulation, cli.LongDate(d.Due), standing(d.Status, "met", d.MetOn, d.DaysOverdue))
	}
	return t.write(w)
}

// planNextLine says what the plan owes next.
func planNextLine(st plan.PlanStatus) string {
	if st.Stage.Closed() {
		return "Plan ended: " + st.Stage.Title() + "."
	}
	return nextLimitLine(st.Deadlines)
}

// nextLimitLine names the next limit pending or missed of ds.
func nextLimitLine(ds []assessment.DeadlineState) string {
	var next *assessment.DeadlineState
	for i, d := range ds {
		if (d.Status == assessment.StatusPending || d.Status == assessment.StatusMissed) && (next == nil || d.Due.Before(next.Due)) {
			next = &ds[i]
		}
	}
	if next == nil {
		return "No limit is pending."
	}
	line := fmt.Sprintf("Next limit: %s, %s (%s)", cli.DeadlineTitle(*next), cli.LongDate(next.Due), next.Regulation)
	if next.Status == assessment.StatusMissed {
		line += fmt.Sprintf(", missed: %s overdue", cli.Days(next.DaysOverdue))
	}
	return line + "."
}

// settledPlan waits until the plan has made its first record (or failed
// to start, for its input) and returns it as it stands. With no worker to
// take it up it says so rather than waiting for ever.
func settledPlan(ctx context.Context, c client.Client, taskQueue, ref string, run client.WorkflowRun) (plan.PlanStatus, error) {
	until := time.Now().Add(15 * time.Second)
	for wait := 50 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		d, err := c.DescribeWorkflowExecution(ctx, run.GetID(), run.GetRunID())
		if err != nil {
			return plan.PlanStatus{}, err
		}
		if d.GetWorkflowExecutionInfo().GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_FAILED {
			err := run.Get(ctx, nil)
			var appErr *temporal.ApplicationError
			if errors.As(err, &appErr) {
				return plan.PlanStatus{}, fmt.Errorf("the plan for case %s was not entered: %s", ref, appErr.Message())
			}
			return plan.PlanStatus{}, fmt.Errorf("the plan for case %s was not entered: %w", ref, err)
		}
		if st, err := queryPlan(ctx, c, taskQueue, ref); err == nil && st.Settled {
			return st, nil
		}
		if time.Now().After(until) {
			return plan.PlanStatus{}, fmt.Errorf("no worker has taken the plan for case %s up yet: is the ehc worker running on task queue %q? It will start when one does", ref, taskQueue)
		}
		select {
		case <-ctx.Done():
			return plan.PlanStatus{}, ctx.Err()
		case <-time.After(wait):
		}
	}
}
