package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// The steps about a limit missed or at risk (workflow exceptions.go): an
// exception recorded, and the date the step is now expected.

// exceptionDeadlines are the limits an exception can excuse.
var exceptionDeadlines = []statute.Deadline{
	statute.DecisionToAssessDue, statute.AdviceDue, statute.DecisionNotToIssueDue, statute.FinalPlanDue,
}

func parseExceptionDeadline(v string) (statute.Deadline, error) {
	names := make([]string, len(exceptionDeadlines))
	for i, d := range exceptionDeadlines {
		if string(d) == v {
			return d, nil
		}
		names[i] = string(d)
	}
	if v == "" {
		return "", usagef("--deadline is required: one of %s", strings.Join(names, ", "))
	}
	return "", usagef("unknown --deadline %q: an exception can excuse %s", v, strings.Join(names, ", "))
}

// checkAdviceID requires --advice-id exactly when the limit is an advice
// request's.
func checkAdviceID(d statute.Deadline, id string) error {
	switch {
	case d == statute.AdviceDue && strings.TrimSpace(id) == "":
		return usagef("--advice-id is required with --deadline %s: name the advice request, as ehc status shows it", d)
	case d != statute.AdviceDue && id != "":
		return usagef("--advice-id goes only with --deadline %s", statute.AdviceDue)
	}
	return bounded("advice-id", id, assessment.CheckAdviceID)
}

func groundNames() string {
	names := make([]string, len(statute.ExceptionGrounds))
	for i, g := range statute.ExceptionGrounds {
		names[i] = string(g)
	}
	return strings.Join(names, ", ")
}

// cmdRecordException records an exception to a time limit (reg 5(4), 8(2),
// 10(4), 13(3)). The clock does not stop: the limit stops binding.
func cmdRecordException(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "record-exception")
	ground := s.fs.String("ground", "", "the exception's ground: "+groundNames())
	deadline := s.fs.String("deadline", "", "the limit it excuses: decision_to_assess_due, advice_due, decision_not_to_issue_due or final_plan_due")
	adviceID := s.fs.String("advice-id", "", "the advice request's `ID` (with --deadline advice_due)")
	from := s.fs.String("from", "", "`date` the circumstances began (YYYY-MM-DD)")
	to := s.fs.String("to", "", "`date` they ended (YYYY-MM-DD; optional while they go on)")
	note := s.fs.String("note", "", "a note for the case record (optional)")
	if err := s.parse(args); err != nil {
		return err
	}
	if *ground == "" {
		return usagef("--ground is required: one of %s", groundNames())
	}
	g, err := statute.ParseExceptionGround(*ground)
	if err != nil {
		return usagef("--ground: %v", err)
	}
	d, err := parseExceptionDeadline(*deadline)
	if err != nil {
		return err
	}
	if !g.AppliesTo(d) {
		return usagef("the ground %s (%s) cannot excuse %s (%s)", g, g.Title(), d, d.Regulation())
	}
	if err := checkAdviceID(d, *adviceID); err != nil {
		return err
	}
	if err := bounded("note", *note, assessment.CheckNote); err != nil {
		return err
	}
	in := assessment.RecordExceptionInput{
		On: s.date, Ground: g, Deadline: d, AdviceID: strings.TrimSpace(*adviceID), Note: strings.TrimSpace(*note),
	}
	if in.From, err = parseDateFlag("from", *from); err != nil {
		return err
	}
	if *to != "" {
		if in.To, err = parseDateFlag("to", *to); err != nil {
			return err
		}
		if in.To.Before(in.From) {
			return usagef("--to %s is before --from %s", in.To, in.From)
		}
	}
	return s.send(ctx, assessment.UpdateRecordException, in,
		fmt.Sprintf("exception recorded under %s: %s", g.Regulation(d), g.Title()))
}

// cmdExpect records when the LA now expects to complete a step whose limit
// is missed or at risk; the family is told the date.
func cmdExpect(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "expect")
	deadline := s.fs.String("deadline", "", "the limit: decision_to_assess_due, advice_due, decision_not_to_issue_due or final_plan_due")
	adviceID := s.fs.String("advice-id", "", "the advice request's `ID` (with --deadline advice_due)")
	by := s.fs.String("by", "", "`date` the step is now expected (YYYY-MM-DD)")
	if err := s.parse(args); err != nil {
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
				return fmt.Sprintf("%s now expected by %s; the limit is missed, so the family is told now", d.Title(), cli.LongDate(in.By))
			}
		}
		return fmt.Sprintf("%s now expected by %s; the limit is not yet missed, so the family is not told now: if it is missed, their letter gives this date", d.Title(), cli.LongDate(in.By))
	}
	return s.send(ctx, assessment.UpdateExpect, in, "")
}
