package commands

import (
	"context"
	"errors"

	"fmt"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
	"github.com/ehc-send/ehc/workflows/dispute"
	"github.com/ehc-send/ehc/workflows/plan"
)

// Disagreement: mediation (reg 33-39), the appeal and a tribunal order
// (reg 44-45). Each step goes to the case's disagreement over a refusal to
// assess or a decision not to issue (workflows/dispute) while that runs,
// and otherwise to the plan in force (workflows/plan/dispute.go).

// sendDisagreement sends a disagreement's step where it belongs and says
// what was done: done, with the family's appeal date when rights is set.
func (s *step) sendDisagreement(ctx context.Context, update string, input any, done string, rights bool) error {
	c, err := s.e.Dial(ctx, s.cfg, s.e.Stderr)
	if err != nil {
		return err
	}
	defer c.Close()
	running, err := s.disputeRunning(ctx, c)
	if err != nil {
		return err
	}
	if !running {
		return s.sendPlanOn(ctx, c, update, input, func(st plan.PlanStatus) string {
			if rights && st.Rights != nil {
				return done + "; the family may appeal until " + cli.LongDate(st.Rights.AppealBy)
			}
			if d := st.Disagreement; update == plan.UpdateAppeal && d != nil && !d.RespondBy.IsZero() {
				return done + "; the authority's response is due by " + cli.LongDate(d.RespondBy) + " (HESC Rules r.21)"
			}
			return done
		})
	}
	var st dispute.Status
	if err := s.update(ctx, c, dispute.WorkflowID(s.ref), "disagreement", update, input, &st); err != nil {
		return err
	}
	if *s.asJSON {
		return writeJSON(s.e.Stdout, st)
	}
	if rights {
		done += "; the family may appeal until " + cli.LongDate(st.Rights.AppealBy)
	}
	fmt.Fprintf(s.e.Stdout, "Disagreement on case %s, %s: %s.\n", s.ref, cli.LongDate(s.date), done)
	if st.Stage.Closed() {
		_, err = fmt.Fprintf(s.e.Stdout, "Disagreement ended: %s.\n", disputeEnd(st.Stage))
		return err
	}
	_, err = fmt.Fprintln(s.e.Stdout, nextLimitLine(st.Deadlines))
	return err
}

// disputeRunning reports whether the case has a disagreement over a
// refusal still running: its steps go there. Only a disagreement not
// found sends them to the plan; any other failure to ask is reported.
func (s *step) disputeRunning(ctx context.Context, c client.Client) (bool, error) {
	d, err := c.DescribeWorkflowExecution(ctx, dispute.WorkflowID(s.ref), "")
	var nf *serviceerror.NotFound
	switch {
	case errors.As(err, &nf):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("could not ask Temporal whether case %s has a disagreement over a refusal open: %w", s.ref, err)
	}
	return d.GetWorkflowExecutionInfo().GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, nil
}

func disputeEnd(st dispute.Stage) string {
	switch st {
	case dispute.StageRightsLapsed:
		return "the family's time to appeal passed"
	case dispute.StageDismissed:
		return "the appeal was dismissed or withdrawn; the decision stands"
	case dispute.StageComplied:
		return "the tribunal's order was complied with"
	}
	return string(st)
}

func cmdRecordMediation(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "record-mediation")
	wants := s.fs.Bool("wants", false, "the family want mediation: it must be held within 30 days (reg 37)")
	declines := s.fs.Bool("declines", false, "the family do not: their certificate is due within 3 working days (reg 34)")
	if err := s.parse(args); err != nil {
		return err
	}
	if err := exactlyOne("wants", *wants, "declines", *declines); err != nil {
		return err
	}
	done := fmt.Sprintf("the family want mediation; it must be held by %s (reg 37)", cli.LongDate(statute.MediationHeldBy30(s.date)))
	if *declines {
		by, err := statute.MediationCertificateBy(s.date)
		if err != nil {
			return usagef("--on: %s", err)
		}
		done = fmt.Sprintf("the family do not want mediation; their certificate is due by %s (reg 34)", cli.LongDate(by))
	}
	return s.sendDisagreement(ctx, plan.UpdateMediation, plan.MediationInput{On: s.date, Wants: *wants}, done, false)
}

func cmdRecordMediationHeld(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "record-mediation-held")
	if err := s.parse(args); err != nil {
		return err
	}
	by, err := statute.MediationCertificateBy(s.date)
	if err != nil {
		return usagef("--on: %s", err)
	}
	return s.sendDisagreement(ctx, plan.UpdateMediationHeld, plan.OnInput{On: s.date},
		fmt.Sprintf("mediation held; the certificate is due by %s (reg 39)", cli.LongDate(by)), false)
}

func cmdRecordMediationCertificate(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "record-mediation-certificate")
	if err := s.parse(args); err != nil {
		return err
	}
	return s.sendDisagreement(ctx, plan.UpdateCertificate, plan.OnInput{On: s.date}, "mediation certificate issued", true)
}

func cmdRecordAppeal(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "record-appeal")
	respond := s.fs.String("respond-by", "", "`date` the tribunal's directions give for the authority's response (default: the policy's working days)")
	if err := s.parse(args); err != nil {
		return err
	}
	in := dispute.AppealInput{On: s.date}
	if *respond != "" {
		d, err := s.planDate("respond-by", *respond, true)
		if err != nil {
			return err
		}
		in.RespondBy = d
	}
	return s.sendDisagreement(ctx, plan.UpdateAppeal, in, "the family's appeal to the First-tier Tribunal (SEND) recorded", false)
}

func cmdRecordAppealResponse(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "record-appeal-response")
	if err := s.parse(args); err != nil {
		return err
	}
	return s.sendDisagreement(ctx, dispute.UpdateResponse, dispute.OnInput{On: s.date}, "the authority's response to the appeal sent", false)
}

func cmdRecordAppealDecided(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "record-appeal-decided")
	dismissed := s.fs.Bool("dismissed", false, "the tribunal dismissed the appeal: the decision stands")
	withdrawn := s.fs.Bool("withdrawn", false, "the family withdrew the appeal")
	if err := s.parse(args); err != nil {
		return err
	}
	if err := exactlyOne("dismissed", *dismissed, "withdrawn", *withdrawn); err != nil {
		return err
	}
	return s.sendDisagreement(ctx, dispute.UpdateAppealEnded, dispute.AppealEndedInput{On: s.date, Withdrawn: *withdrawn},
		"the appeal's end recorded (an order the tribunal made is recorded with record-order)", false)
}

func cmdRecordMediationAgreement(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "record-mediation-agreement")
	agreed := s.fs.String("agreed", "", "what mediation agreed: assess, make-plan (the reg 44 limits, as if ordered) or action (another action, within 2 weeks)")
	if err := s.parse(args); err != nil {
		return err
	}
	o := statute.Order(*agreed)
	if *agreed == "action" {
		o = statute.OrderAgreedAction
	}
	limits, err := statute.OrderTimetable(o, s.date)
	if err != nil || o == statute.OrderAmend || o == statute.OrderNameSchool {
		return usagef("--agreed %q: one of assess, make-plan or action", *agreed)
	}
	due := make([]string, len(limits))
	for i, l := range limits {
		due[i] = fmt.Sprintf("%s by %s", l.Deadline.Title(), cli.LongDate(l.Due))
	}
	return s.sendDisagreement(ctx, dispute.UpdateAgreement, dispute.AgreementInput{On: s.date, Agreed: o},
		fmt.Sprintf("mediation agreement recorded (reg 42): %s", strings.Join(due, ", ")), false)
}

func cmdRecordOrderStep(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "record-order-step")
	name := s.fs.String("step", "", "what was done: notified, decided-to-issue, decided-not-to-issue, draft or final-plan")
	if err := s.parse(args); err != nil {
		return err
	}
	known := false
	for _, steps := range dispute.OrderSteps {
		for _, st := range steps {
			known = known || st.Step == *name
		}
	}
	if !known {
		return usagef("--step %q: one of notified, decided-to-issue, decided-not-to-issue (an order to assess), draft (an order to make a plan), final-plan, action (a mediation agreement's other action)", *name)
	}
	done := "the order's step " + *name + " recorded"
	if *name == dispute.StepFinalPlan {
		done += "; keep its reviews with ehc start-plan --case " + s.ref
	}
	return s.sendDisagreement(ctx, dispute.UpdateOrderStep, dispute.OrderStepInput{On: s.date, Step: *name}, done, false)
}

func cmdRecordOrder(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "record-order")
	kind := s.fs.String("kind", "", "what the tribunal ordered: after a refusal, assess or make-plan; on a plan, amend (its provision) or name-school")
	made := s.fs.String("made", "", "`date` of the order, or with --unopposed the day the authority told the tribunal it would not oppose (reg 45)")
	unopposed := s.fs.Bool("unopposed", false, "the authority did not oppose the appeal (reg 45): the same limits, from that day")
	if err := s.parse(args); err != nil {
		return err
	}
	o, err := statute.ParseOrder(*kind)
	if err != nil {
		return usagef("--kind: %v", err)
	}
	m, err := s.planDate("made", *made, false)
	if err != nil {
		return err
	}
	limits, _ := statute.OrderTimetable(o, m)
	due := make([]string, len(limits))
	for i, l := range limits {
		due[i] = fmt.Sprintf("the %s by %s", l.Deadline.Title(), cli.LongDate(l.Due))
	}
	return s.sendDisagreement(ctx, plan.UpdateOrder, plan.OrderInput{On: s.date, Kind: o, Made: m, Unopposed: *unopposed},
		fmt.Sprintf("order recorded (%s): %s", limits[0].Regulation, strings.Join(due, ", ")), false)
}

func cmdIssueOrderedPlan(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "issue-ordered-plan")
	setting := s.fs.String("setting", "", "`name` of the school or setting the plan now names (required for an order to name a school)")
	if err := s.parse(args); err != nil {
		return err
	}
	if err := bounded("setting", *setting, assessment.CheckSchoolName); err != nil {
		return err
	}
	return s.sendPlan(ctx, plan.UpdateComplyOrder, plan.AmendedPlanInput{On: s.date, Setting: strings.TrimSpace(*setting)},
		said("the amended plan the tribunal ordered issued"))
}

func cmdDisputeStatus(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet("dispute-status")
	caseFlag := fs.String("case", "", "case `REF`erence (or give it as the first argument)")
	asJSON := fs.Bool("json", false, "print the disagreement as JSON for scripts")
	positional, rest := splitRef(args)
	cfg, err := e.parseConfig(fs, "dispute-status", rest)
	if err != nil {
		return err
	}
	ref, err := caseRef(positional, *caseFlag, fs)
	if err != nil {
		return err
	}
	return e.onTemporal(ctx, cfg, func(c client.Client) error {
		qctx, cancel := cli.WithTimeout(ctx)
		defer cancel()
		var st dispute.Status
		v, err := c.QueryWorkflow(qctx, dispute.WorkflowID(ref), "", dispute.StatusQuery)
		if err == nil {
			err = v.Get(&st)
		}
		if err != nil {
			return workflowError(ctx, c, cfg, ref, dispute.WorkflowID(ref), "disagreement", err)
		}
		if *asJSON {
			return writeJSON(e.Stdout, st)
		}
		fmt.Fprintf(e.Stdout, "Disagreement on case %s over %s (%s), notified %s\n", st.CaseRef, st.Decision.Title(),
			st.Decision.Regulation(), cli.LongDate(st.Rights.Notice))
		if st.Stage.Closed() {
			fmt.Fprintf(e.Stdout, "Ended %s: %s.\n", cli.LongDate(st.EndedOn), disputeEnd(st.Stage))
		} else {
			fmt.Fprintln(e.Stdout, nextLimitLine(st.Deadlines))
		}
		if o := st.Order; o != nil {
			fmt.Fprintf(e.Stdout, "Tribunal order to %s of %s%s.\n", o.Kind, cli.LongDate(o.Made), map[bool]string{true: " (not opposed, reg 45)"}[o.Unopposed])
		}
		for _, d := range st.Deadlines {
			fmt.Fprintf(e.Stdout, "  %-60s %s  %s\n", cli.DeadlineTitle(d), cli.LongDate(d.Due), d.Status)
		}
		if !st.Stage.Closed() {
			return printRights(e.Stdout, &st.Rights, e.today())
		}
		return nil
	})
}
