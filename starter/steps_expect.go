package main

import (
	"context"
	"fmt"
	"github.com/ehc-send/ehc/workflows/assessment"
	"io"
	"strings"
)

// cmdExpect records when the LA now expects to complete a step whose limit
// is missed or at risk; the family is told the date.
func cmdExpect(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	s := newStep("expect")
	deadline := s.fs.String("deadline", "", "the limit: decision_to_assess_due, advice_due, decision_not_to_issue_due or final_plan_due")
	adviceID := s.fs.String("advice-id", "", "the advice request's `ID` (with --deadline advice_due)")
	by := s.fs.String("by", "", "`date` the step is now expected (YYYY-MM-DD)")
	if err := s.parse(args, stderr); err != nil {
		return err
	}
	d, err := parseExceptionDeadline(*deadline)
	if err != nil {
		return err
	}
	if err := checkAdviceID(d, *adviceID); err != nil {
		return err
	}
	in := assessment.ExpectInput{On: s.date, Deadline: d, AdviceID: strings.TrimSpace(*adviceID)}
	if in.By, err = parseDateFlag("by", *by); err != nil {
		return err
	}
	if in.By.Before(in.On) {
		return usagef("--by %s is before --on %s", in.By, in.On)
	}
	s.then = func(st assessment.CaseStatus) string {
		for _, ds := range st.Deadlines {
			if ds.Deadline == d && (in.AdviceID == "" || strings.HasSuffix(ds.Key, "/"+in.AdviceID)) && ds.Status == assessment.StatusMissed {
				return fmt.Sprintf("%s now expected by %s; the limit is missed, so the family is told now", d.Title(), longDate(in.By))
			}
		}
		return fmt.Sprintf("%s now expected by %s; the limit is not yet missed, so the family is not told now: if it is missed, their letter gives this date", d.Title(), longDate(in.By))
	}
	return s.send(ctx, assessment.UpdateExpect, in, "", stdout, stderr)
}
