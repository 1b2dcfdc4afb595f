package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
	"github.com/ehc-send/ehc/workflows/plan"
)

// Disagreement over a decision on a plan in force (workflow plan/dispute.go):
// mediation (reg 33-39), the appeal and a tribunal order (reg 44-45).

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
	return s.sendPlan(ctx, plan.UpdateMediation, plan.MediationInput{On: s.date, Wants: *wants}, said(done))
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
	return s.sendPlan(ctx, plan.UpdateMediationHeld, plan.OnInput{On: s.date},
		said(fmt.Sprintf("mediation held; the certificate is due by %s (reg 39)", cli.LongDate(by))))
}

func cmdRecordMediationCertificate(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "record-mediation-certificate")
	if err := s.parse(args); err != nil {
		return err
	}
	return s.sendPlan(ctx, plan.UpdateCertificate, plan.OnInput{On: s.date}, func(st plan.PlanStatus) string {
		if st.Rights != nil {
			return "mediation certificate issued; the family may appeal until " + cli.LongDate(st.Rights.AppealBy)
		}
		return "mediation certificate issued"
	})
}

func cmdRecordAppeal(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "record-appeal")
	if err := s.parse(args); err != nil {
		return err
	}
	return s.sendPlan(ctx, plan.UpdateAppeal, plan.OnInput{On: s.date}, said("the family's appeal to the First-tier Tribunal (SEND) recorded"))
}

func cmdRecordOrder(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "record-order")
	kind := s.fs.String("kind", "", "what the tribunal ordered: amend (the plan's provision) or name-school")
	made := s.fs.String("made", "", "`date` of the order, or with --unopposed the day the authority told the tribunal it would not oppose (reg 45)")
	unopposed := s.fs.Bool("unopposed", false, "the authority did not oppose the appeal (reg 45): the same limits, from that day")
	if err := s.parse(args); err != nil {
		return err
	}
	o, err := statute.ParseOrder(*kind)
	if err != nil {
		return usagef("--kind: %v", err)
	}
	if o != statute.OrderAmend && o != statute.OrderNameSchool {
		return usagef("--kind %s: a plan in force takes orders to amend or to name a school", o)
	}
	m, err := s.planDate("made", *made, false)
	if err != nil {
		return err
	}
	limits, _ := statute.OrderTimetable(o, m)
	return s.sendPlan(ctx, plan.UpdateOrder, plan.OrderInput{On: s.date, Kind: o, Made: m, Unopposed: *unopposed},
		said(fmt.Sprintf("order recorded: the amended plan is due by %s (%s)", cli.LongDate(limits[0].Due), limits[0].Regulation)))
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
