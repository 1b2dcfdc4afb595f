package commands

import (
	"context"
	"strings"

	"github.com/ehc-send/ehc/workflows/assessment"
)

// The steps that close a case (workflow finalplan.go): the final plan
// issued (reg 13(2)), or the request withdrawn.

// cmdIssueFinalPlan records the final plan issued (reg 13(2)), closing the
// case.
func cmdIssueFinalPlan(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "issue-final-plan")
	school := s.fs.String("school", "", "`name` of the school or setting the plan names (optional)")
	if err := s.parse(args); err != nil {
		return err
	}
	if err := bounded("school", *school, assessment.CheckSchoolName); err != nil {
		return err
	}
	return s.send(ctx, assessment.UpdateIssueFinalPlan,
		assessment.IssueFinalPlanInput{On: s.date, School: strings.TrimSpace(*school)},
		"final EHC plan issued")
}

// cmdWithdraw records the request withdrawn, closing the case.
func cmdWithdraw(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "withdraw")
	reason := s.fs.String("reason", "", "why the request was withdrawn")
	if err := s.parse(args); err != nil {
		return err
	}
	if err := requiredBounded("reason", *reason, assessment.CheckReason); err != nil {
		return err
	}
	return s.send(ctx, assessment.UpdateWithdraw,
		assessment.WithdrawInput{On: s.date, Reason: strings.TrimSpace(*reason)},
		"request withdrawn")
}
