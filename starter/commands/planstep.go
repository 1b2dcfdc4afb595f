package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
	"github.com/ehc-send/ehc/workflows/plan"
	"go.temporal.io/sdk/client"
)

// The steps of a plan in force (workflow plan/), as the assessment's are:
// the reference, --on, --json, specific refusals that change nothing.

// sendPlan runs the step on the case's plan and says what was done, in
// done's words from the plan as it now stands, and what it owes next.
func (s *step) sendPlan(ctx context.Context, update string, input any, done func(plan.PlanStatus) string) error {
	c, err := s.e.Dial(ctx, s.cfg, s.e.Stderr)
	if err != nil {
		return err
	}
	defer c.Close()
	return s.sendPlanOn(ctx, c, update, input, done)
}

// sendPlanOn is sendPlan on a client already dialled.
func (s *step) sendPlanOn(ctx context.Context, c client.Client, update string, input any, done func(plan.PlanStatus) string) error {
	var st plan.PlanStatus
	if err := s.update(ctx, c, plan.WorkflowID(s.ref), "plan in force", update, input, &st); err != nil {
		return err
	}
	if *s.asJSON {
		return writeJSON(s.e.Stdout, st)
	}
	fmt.Fprintf(s.e.Stdout, "Plan for case %s, %s: %s.\n", s.ref, cli.LongDate(s.date), done(st))
	_, err := fmt.Fprintln(s.e.Stdout, planNextLine(st))
	return err
}

func said(s string) func(plan.PlanStatus) string { return func(plan.PlanStatus) string { return s } }

// planDate reads a required date flag that may not be in the future.
func (s *step) planDate(name, v string, future bool) (statute.Date, error) {
	d, err := parseDateFlag(name, v)
	if err != nil {
		return statute.Date{}, err
	}
	if !future {
		err = s.e.notFuture(name, d)
	}
	return d, err
}

func cmdScheduleReview(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "schedule-review")
	meeting := s.fs.String("meeting", "", "`date` of the review meeting (YYYY-MM-DD); --on is the day its notice and advice went")
	if err := s.parse(args); err != nil {
		return err
	}
	m, err := s.planDate("meeting", *meeting, true)
	if err != nil {
		return err
	}
	return s.sendPlan(ctx, plan.UpdateScheduleReview, plan.ScheduleReviewInput{On: s.date, Meeting: m}, func(st plan.PlanStatus) string {
		return fmt.Sprintf("review meeting on %s arranged, its notice and advice sent (due by %s, reg 20(3)-(4))", cli.LongDate(m), cli.LongDate(m.AddDays(-14)))
	})
}

func cmdHoldReview(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "hold-review")
	if err := s.parse(args); err != nil {
		return err
	}
	return s.sendPlan(ctx, plan.UpdateHoldReview, plan.OnInput{On: s.date}, func(st plan.PlanStatus) string {
		return fmt.Sprintf("review meeting held; its report is due by %s and the decision by %s; the next review is due by %s",
			cli.LongDate(s.date.AddDays(14)), cli.LongDate(s.date.AddDays(28)), cli.LongDate(st.NextReviewDue))
	})
}

func cmdRecordReviewReport(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "record-review-report")
	if err := s.parse(args); err != nil {
		return err
	}
	return s.sendPlan(ctx, plan.UpdateRecordReviewReport, plan.OnInput{On: s.date}, said("review report sent (reg 20(7))"))
}

func cmdDecideReview(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "decide-review")
	maintain := s.fs.Bool("maintain", false, "keep the plan as it is")
	amend := s.fs.Bool("amend", false, "amend the plan: the proposed amendments go with this decision (reg 22(2))")
	if err := s.parse(args); err != nil {
		return err
	}
	if err := exactlyOne("maintain", *maintain, "amend", *amend); err != nil {
		return err
	}
	in := plan.DecideReviewInput{On: s.date, Outcome: plan.OutcomeMaintain}
	done := "decision to keep the plan as it is sent to the family"
	if *amend {
		in.Outcome, done = plan.OutcomeAmend, "amendment notice sent, with the proposed amendments"
	}
	return s.sendPlan(ctx, plan.UpdateDecideReview, in, func(st plan.PlanStatus) string {
		if r := st.Review; *amend && r != nil && !r.Timetable.AmendmentNotice.IsZero() { // counted from the letter sent, not --on (reg 22(2))
			return fmt.Sprintf("amendment notice sent; the family have until %s to comment; the final amended plan is due by %s (reg 22(3))",
				cli.LongDate(r.Timetable.AmendmentCommentsEnd), cli.LongDate(r.Timetable.FinalAmendedPlanDue))
		}
		return done
	})
}

func cmdIssueAmendedPlan(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "issue-amended-plan")
	setting := s.fs.String("setting", "", "`name` of the school or setting the amended plan names, if it names one (a phase transfer's must)")
	if err := s.parse(args); err != nil {
		return err
	}
	if err := bounded("setting", *setting, assessment.CheckSchoolName); err != nil {
		return err
	}
	return s.sendPlan(ctx, plan.UpdateIssueAmendedPlan, plan.AmendedPlanInput{On: s.date, Setting: strings.TrimSpace(*setting)},
		said("final amended plan issued (reg 22(3))"))
}

func cmdDecideNotToAmend(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "decide-not-to-amend")
	reason := s.fs.String("reason", "", "why, as the family will read it (they are told their rights: reg 22(4))")
	if err := s.parse(args); err != nil {
		return err
	}
	if err := requiredBounded("reason", *reason, assessment.CheckReason); err != nil {
		return err
	}
	return s.sendPlan(ctx, plan.UpdateDecideNotToAmend, plan.ReasonInput{On: s.date, Reason: strings.TrimSpace(*reason)},
		said("decision not to amend sent to the family, with their rights (reg 22(4))"))
}

func cmdRecordPhaseTransfer(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "record-phase-transfer")
	kind := s.fs.String("kind", "", "the transfer: infant_to_junior, primary_to_middle, middle_to_secondary or post16_to_post16")
	moves := s.fs.String("moves", "", "`date` the child moves (YYYY-MM-DD)")
	if err := s.parse(args); err != nil {
		return err
	}
	if !slices.Contains(statute.LocalTransfers, statute.Transfer(*kind)) {
		return usagef("--kind %q: want infant_to_junior, primary_to_middle, middle_to_secondary or post16_to_post16", *kind)
	}
	m, err := s.planDate("moves", *moves, true)
	if err != nil {
		return err
	}
	t, err := statute.LocalTransfer(statute.Transfer(*kind), m)
	if err != nil {
		return usagef("--moves: %s", err)
	}
	return s.sendPlan(ctx, plan.UpdateRecordPhaseTransfer, plan.PhaseTransferInput{On: s.date, Kind: t.Transfer, Moves: m},
		said(fmt.Sprintf("transfer %s recorded: the plan must name the new setting by %s (%s)", t.Transfer.Title(), cli.LongDate(t.AmendBy), t.Regulation)))
}

func cmdRecordMove(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "record-move")
	if err := s.parse(args); err != nil {
		return err
	}
	tt, err := statute.TransferTimetable(s.date)
	if err != nil {
		return usagef("--on: %s", err)
	}
	return s.sendPlan(ctx, plan.UpdateRecordMove, plan.OnInput{On: s.date},
		said(fmt.Sprintf("move to another authority recorded; the plan must reach it by %s (15 working days, reg 15(2))", cli.LongDate(tt.PlanSentBy))))
}

func cmdSendPlan(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "send-plan")
	authority := s.fs.String("authority", "", "`name` of the authority the plan went to")
	if err := s.parse(args); err != nil {
		return err
	}
	if err := requiredBounded("authority", *authority, assessment.CheckProviderName); err != nil {
		return err
	}
	return s.sendPlan(ctx, plan.UpdateSendPlan, plan.SendPlanInput{On: s.date, Authority: strings.TrimSpace(*authority)},
		said("plan sent to the new authority; the family is told, and the plan ends here"))
}

func cmdWithdrawMove(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "withdraw-move")
	reason := s.fs.String("reason", "", "why the move is not happening (kept with the plan, not in the register)")
	if err := s.parse(args); err != nil {
		return err
	}
	if err := requiredBounded("reason", *reason, assessment.CheckReason); err != nil {
		return err
	}
	return s.sendPlan(ctx, plan.UpdateWithdrawMove, plan.ReasonInput{On: s.date, Reason: strings.TrimSpace(*reason)},
		said("move withdrawn: the plan stays with this authority"))
}

func cmdTellAfterTransferIn(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "tell-after-transfer-in")
	yes := s.fs.Bool("reassess", false, "the authority will reassess the child's needs (reg 27: the plan within 14 weeks)")
	no := s.fs.Bool("no-reassess", false, "the authority will not reassess now")
	if err := s.parse(args); err != nil {
		return err
	}
	if err := exactlyOne("reassess", *yes, "no-reassess", *no); err != nil {
		return err
	}
	return s.sendPlan(ctx, plan.UpdateTellAfterTransferIn, plan.TransferInNoticeInput{On: s.date, Reassess: *yes}, func(st plan.PlanStatus) string {
		return fmt.Sprintf("the family told whether the plan will be reassessed and that it will be reviewed by %s (reg 15)", cli.LongDate(st.NextReviewDue))
	})
}

func cmdRequestReassessment(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "request-reassessment")
	from := s.fs.String("from", "", "who asked: family or school (reg 24)")
	if err := s.parse(args); err != nil {
		return err
	}
	if *from != plan.FromFamily && *from != plan.FromSchool {
		return usagef("--from %q: want family or school", *from)
	}
	return s.sendPlan(ctx, plan.UpdateRequestReassessment, plan.ReassessmentRequestInput{On: s.date, From: *from},
		said(fmt.Sprintf("request to reassess recorded; the decision is due by %s (reg 25)", cli.LongDate(s.date.AddDays(15)))))
}

func cmdDecideReassess(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "decide-reassess")
	yes := s.fs.Bool("reassess", false, "reassess (the plan, amended or replaced, within 14 weeks: reg 27)")
	refuse := s.fs.Bool("refuse", false, "refuse (the family is told why and of their rights)")
	reason := s.fs.String("reason", "", "why, to refuse, as the family will read it")
	if err := s.parse(args); err != nil {
		return err
	}
	if err := exactlyOne("reassess", *yes, "refuse", *refuse); err != nil {
		return err
	}
	check := bounded
	if *refuse {
		check = requiredBounded
	}
	if err := check("reason", *reason, assessment.CheckReason); err != nil {
		return err
	}
	done := fmt.Sprintf("decision to reassess sent; the plan is due by %s (reg 27)", cli.LongDate(s.date.AddWeeks(14)))
	if *refuse {
		done = "refusal to reassess sent to the family, with their rights"
	}
	return s.sendPlan(ctx, plan.UpdateDecideReassess, plan.DecideReassessInput{On: s.date, Reassess: *yes, Reason: strings.TrimSpace(*reason)}, said(done))
}

func cmdIssueReassessedPlan(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "issue-reassessed-plan")
	setting := s.fs.String("setting", "", "`name` of the school or setting the plan names, if it names a new one")
	if err := s.parse(args); err != nil {
		return err
	}
	if err := bounded("setting", *setting, assessment.CheckSchoolName); err != nil {
		return err
	}
	return s.sendPlan(ctx, plan.UpdateIssueReassessedPlan, plan.AmendedPlanInput{On: s.date, Setting: strings.TrimSpace(*setting)}, func(st plan.PlanStatus) string {
		return "the plan after the reassessment issued; its first review is due by " + cli.LongDate(st.NextReviewDue)
	})
}

func cmdCeasePlan(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "cease-plan")
	ground := s.fs.String("ground", "", "the ground in law: no_longer_necessary, higher_education, employment, custody or age_25")
	consulted := s.fs.String("consulted-on", "", "`date` the family and the setting were consulted (reg 31)")
	reason := s.fs.String("reason", "", "why, as the family will read it")
	if err := s.parse(args); err != nil {
		return err
	}
	g, err := statute.ParseCeaseGround(*ground)
	if err != nil {
		return usagef("--ground: %s", err)
	}
	c, err := s.planDate("consulted-on", *consulted, false)
	if err != nil {
		return err
	}
	if err := requiredBounded("reason", *reason, assessment.CheckReason); err != nil {
		return err
	}
	return s.sendPlan(ctx, plan.UpdateCeasePlan, plan.CeaseInput{On: s.date, Ground: g, ConsultedOn: c, Reason: strings.TrimSpace(*reason)}, func(st plan.PlanStatus) string {
		if st.Ceasing == nil {
			return "decision to cease sent, with the family's rights"
		}
		return fmt.Sprintf("decision to cease sent, with the family's rights; the plan is kept until %s, or until an appeal is decided", cli.LongDate(st.Ceasing.CeasesOn))
	})
}

func cmdCeasingAppealed(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "record-ceasing-appeal")
	if err := s.parse(args); err != nil {
		return err
	}
	return s.sendPlan(ctx, plan.UpdateCeasingAppealed, plan.OnInput{On: s.date}, said("appeal against ceasing recorded: the plan is kept until it is decided"))
}

func cmdCeasingAppealDecided(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "ceasing-appeal-decided")
	upheld := s.fs.Bool("upheld", false, "the tribunal kept the plan")
	dismissed := s.fs.Bool("dismissed", false, "the appeal was dismissed: the plan ceases (reg 44(2)(a))")
	if err := s.parse(args); err != nil {
		return err
	}
	if err := exactlyOne("upheld", *upheld, "dismissed", *dismissed); err != nil {
		return err
	}
	done := "appeal upheld: the plan stays in force"
	if *dismissed {
		done = "appeal dismissed: the plan has ceased"
	}
	return s.sendPlan(ctx, plan.UpdateCeasingAppealEnded, plan.AppealDecidedInput{On: s.date, Upheld: *upheld}, said(done))
}

func cmdRecordReassessmentException(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "record-reassessment-exception")
	ground := s.fs.String("ground", "", "the exception: school_closure, personal or away_from_area (the assessment's, reg 5(4), 13(3))")
	limit := s.fs.String("deadline", "", "the limit it excuses: reassess_decision_due or reassess_final_plan_due")
	if err := s.parse(args); err != nil {
		return err
	}
	g, d := statute.ExceptionGround(*ground), statute.Deadline(*limit)
	if d != statute.ReassessDecisionDue && d != statute.ReassessFinalPlanDue {
		return usagef("--deadline %q: want reassess_decision_due or reassess_final_plan_due (a plan's other limits have no exceptions)", *limit)
	}
	if !g.AppliesTo(d) {
		return usagef("--ground %q: want school_closure, personal or away_from_area", *ground)
	}
	return s.sendPlan(ctx, plan.UpdateRecordException, plan.ExceptionInput{On: s.date, Ground: g, Deadline: d},
		said("exception recorded under "+g.Regulation(d)+": "+g.Title()+"; it does not stop the clock"))
}

func cmdPlanExpect(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "plan-expect")
	limit := s.fs.String("deadline", "", "the limit, as plan-status names it: review_due, review_report_due, review_decision_due, final_amended_plan_due, phase_transfer_amend_by, ...")
	by := s.fs.String("by", "", "`date` it is now expected to be met")
	if err := s.parse(args); err != nil {
		return err
	}
	if err := requiredBounded("deadline", *limit, assessment.CheckCode); err != nil {
		return err
	}
	b, err := s.planDate("by", *by, true)
	if err != nil {
		return err
	}
	return s.sendPlan(ctx, plan.UpdateExpect, plan.ExpectInput{On: s.date, Deadline: statute.Deadline(*limit), By: b}, said(
		fmt.Sprintf("%s now expected by %s; if it is already missed the family is told now, else in the letter if it is", statute.Deadline(*limit).Title(), cli.LongDate(b))))
}
