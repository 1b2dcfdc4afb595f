package commands

import (
	"context"
	"strings"

	"github.com/ehc-send/ehc/workflows/assessment"
)

// The two decisions, each the caseworker's steps for the workflow's
// decision.go: whether to assess (reg 5) and whether to issue a plan (reg 10).

// cmdDecideAssess records the decision whether to assess (reg 5(1)).
func cmdDecideAssess(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "decide-assess")
	assess := s.fs.Bool("assess", false, "the LA will carry out a needs assessment")
	refuse := s.fs.Bool("refuse", false, "the LA refuses to assess (the family is told why and of their right to appeal: reg 5(3))")
	reason := s.fs.String("reason", "", "the reasons for the decision, as the family will read them")
	if err := s.parse(args); err != nil {
		return err
	}
	if err := exactlyOne("assess", *assess, "refuse", *refuse); err != nil {
		return err
	}
	if *refuse {
		if err := required("reason", *reason); err != nil { // reg 5(3): the family is told why
			return err
		}
	}
	if err := bounded("reason", *reason, assessment.CheckReason); err != nil {
		return err
	}
	done := "decision to assess recorded"
	if *refuse {
		done = "refusal to assess recorded"
	}
	return s.send(ctx, assessment.UpdateDecideAssess,
		assessment.DecideAssessInput{On: s.date, Assess: *assess, Reason: strings.TrimSpace(*reason)},
		done)
}

// cmdDecideIssue records the decision whether to issue a plan (reg 10(1)).
func cmdDecideIssue(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "decide-issue")
	issue := s.fs.Bool("issue", false, "the LA will issue an EHC plan: a draft follows")
	noPlan := s.fs.Bool("no-plan", false, "the LA decides not to issue a plan (the family is told why and of their right to appeal: reg 10(3))")
	reason := s.fs.String("reason", "", "the reasons for the decision, as the family will read them")
	if err := s.parse(args); err != nil {
		return err
	}
	if err := exactlyOne("issue", *issue, "no-plan", *noPlan); err != nil {
		return err
	}
	if *noPlan {
		if err := required("reason", *reason); err != nil { // reg 10(3): the family is told why
			return err
		}
	}
	if err := bounded("reason", *reason, assessment.CheckReason); err != nil {
		return err
	}
	done := "decision to issue a plan recorded"
	if *noPlan {
		done = "decision not to issue a plan recorded"
	}
	return s.send(ctx, assessment.UpdateDecideIssue,
		assessment.DecideIssueInput{On: s.date, Issue: *issue, Reason: strings.TrimSpace(*reason)},
		done)
}
