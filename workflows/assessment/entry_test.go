package assessment

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/search"
)

// past is one step of a history, as ehc start --history sends it.
func past(t *testing.T, update string, in any) PastStep {
	t.Helper()
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	return PastStep{Update: update, Input: raw}
}

// enteredOn moves the case's start (the day it is entered) to on, 10:00.
func (h *harness) enteredOn(on string) {
	h.start = date(on).At(10)
	h.env.SetStartTime(h.start)
}

// A case whose request arrived on 2026-06-01 is entered six months later
// with its true history: everything on time but the psychological advice
// (6 days late) and the final plan (due 2026-10-19, not yet issued). The
// family gets an acknowledgement saying where things stand and one letter
// for the missed limit; staff one summary; nothing else, until the live
// steps that follow.
func TestCaseEnteredLateWithItsHistory(t *testing.T) {
	h := newHarness(t, "2026-06-01")
	h.enteredOn("2026-12-01")
	elm := Contact{Name: "Elm Academy", Email: "office@elm.example.org"}
	advice := func(on string, k statute.AdviceKind) PastStep {
		return past(t, UpdateRequestAdvice, RequestAdviceInput{On: date(on), Kind: k, Provider: Contact{Name: "Adviser " + string(k), Email: "adviser@la.example.gov.uk"}})
	}
	got := func(on string, k statute.AdviceKind) PastStep {
		return past(t, UpdateRecordAdvice, RecordAdviceInput{On: date(on), Kind: k})
	}
	h.in.History = []PastStep{
		past(t, UpdateDecideAssess, DecideAssessInput{On: date("2026-07-10"), Assess: true}),
		advice("2026-07-15", statute.AdviceKindFamilyViews), advice("2026-07-15", statute.AdviceKindEducational),
		advice("2026-07-15", statute.AdviceKindMedical), advice("2026-07-15", statute.AdviceKindPsychological),
		advice("2026-07-15", statute.AdviceKindSocialCare),
		got("2026-08-10", statute.AdviceKindFamilyViews), got("2026-08-20", statute.AdviceKindEducational),
		got("2026-08-24", statute.AdviceKindMedical), got("2026-09-01", statute.AdviceKindPsychological),
		got("2026-08-26", statute.AdviceKindSocialCare),
		past(t, UpdateDecideIssue, DecideIssueInput{On: date("2026-09-18"), Issue: true}),
		past(t, UpdateServeDraft, ServeDraftInput{On: date("2026-10-05")}),
		past(t, UpdateRecordComments, RecordCommentsInput{On: date("2026-10-12"), RequestedSchool: elm}),
		past(t, UpdateRecordConsultation, RecordConsultationInput{On: date("2026-10-20"), School: "Elm Academy", Agrees: true}),
	}
	entered := h.snapshot("2026-12-01")
	h.step("2026-12-03", UpdateIssueFinalPlan, IssueFinalPlanInput{On: date("2026-12-03"), School: "elm academy"})
	res := h.run()

	// Sorted: letters scheduled together may settle in any order.
	assertLines(t, sorted(h.rec.Lines()), []string{
		"2026-12-01 family.deadline_missed family",
		"2026-12-01 family.request_received family",
		"2026-12-01 staff.case_entered caseworker,manager",
		"2026-12-03 family.final_plan family",
	})
	ack := h.rec.Find(letters.FamilyRequestReceived)[0].Text
	for _, want := range []string{
		"on Monday 1 June 2026",
		"- decision whether to assess: due by Monday 13 July 2026; done on Friday 10 July 2026.",
		"- psychological advice: due by Wednesday 26 August 2026; done on Tuesday 1 September 2026, 6 days after the time limit.",
		"- decision whether to issue a plan: due by Monday 21 September 2026; done on Friday 18 September 2026.",
		"- final EHC plan: due by Monday 19 October 2026; not yet done, 43 days late.",
	} {
		if !strings.Contains(ack, want) {
			t.Errorf("acknowledgement lacks %q:\n%s", want, ack)
		}
	}
	if missed := h.rec.Find(letters.FamilyDeadlineMissed)[0]; missed.Key != "EHC-0001/family.deadline_missed/final_plan_due" {
		t.Errorf("the delay notice is for %s; want the final plan", missed.Key)
	}
	summary := h.rec.Find(letters.StaffCaseEntered)[0]
	if !strings.Contains(summary.Subject, "1 overdue") || !strings.Contains(summary.Text, "final EHC plan (reg 13(2)), due Monday 19 October 2026: not yet done, 43 days late") ||
		!strings.Contains(summary.Text, "an acknowledgement that says where the case stands, and one letter for each limit already missed.") {
		t.Errorf("staff summary:\n%s\n%s", summary.Subject, summary.Text)
	}
	if entered.Stage != StageDraftServed || len(entered.Advice) != 5 || entered.CommentsOn != date("2026-10-12") {
		t.Errorf("entered in the wrong state: %+v", entered)
	}
	if res.Stage != StageFinalPlanIssued {
		t.Errorf("result %+v", res)
	}
	// The register holds every step on its true date, in order.
	steps := h.reg.of("step")
	if len(steps) != 17 || steps[0] != "2026-06-01 request-received" || steps[1] != "2026-07-10 decide-assess" || steps[16] != "2026-12-03 issue-final-plan" {
		t.Errorf("register steps: %q", steps)
	}
	if s := h.reg.last().Case; s.Stage != string(StageFinalPlanIssued) {
		t.Errorf("register ends at %s", s.Stage)
	}
	if end := h.status(); end.NamedSchool != "Elm Academy" {
		t.Errorf("named school %q; want Elm Academy as consulted", end.NamedSchool)
	}
}

// Entered two months after Day 1 with no history: the decision whether to
// assess is already missed. One honest delay notice to the family, one
// summary to staff, and not the four escalations whose days passed; the
// next weekly escalation comes on its day.
func TestCaseEnteredAfterALimitPassed(t *testing.T) {
	h := newHarness(t, "2026-06-01")
	h.enteredOn("2026-08-03") // 6 weeks were 2026-07-13
	h.step("2026-08-12", UpdateDecideAssess, DecideAssessInput{On: date("2026-08-12"), Reason: "needs met by the school"})
	h.run()
	assertLines(t, sorted(h.rec.Lines()), []string{
		"2026-08-03 family.deadline_missed family",
		"2026-08-03 family.request_received family",
		"2026-08-03 staff.case_entered caseworker,manager",
		"2026-08-04 staff.deadline_missed caseworker,manager", // weekly from 2026-07-14
		"2026-08-11 staff.deadline_missed caseworker,manager",
		"2026-08-12 family.refusal_to_assess family",
		"2026-08-12 partner.refusal_to_assess school,health_body",
	})
	if m := h.rec.Find(letters.FamilyDeadlineMissed)[0]; !strings.Contains(m.Text, "It is now 21 days late.") {
		t.Errorf("delay notice:\n%s", m.Text)
	}
}

// A history that breaks a rule fails the start, naming the step, before
// anything is recorded or sent.
func TestHistoryThatBreaksARuleChangesNothing(t *testing.T) {
	h := newHarness(t, "2026-06-01")
	h.enteredOn("2026-12-01")
	h.in.History = []PastStep{
		past(t, UpdateDecideAssess, DecideAssessInput{On: date("2026-07-10"), Assess: true}),
		past(t, UpdateServeDraft, ServeDraftInput{On: date("2026-07-20")}),
	}
	h.env.ExecuteWorkflow(AssessmentWorkflowName, h.in)
	err := h.env.GetWorkflowError()
	if err == nil || !strings.Contains(err.Error(), `step 2 of the history (serve-draft): cannot serve the draft plan`) {
		t.Fatalf("error = %v", err)
	}
	if len(h.rec.Lines()) != 0 || len(h.reg.of("step")) != 0 {
		t.Errorf("a refused history sent %q and recorded %q", h.rec.Lines(), h.reg.of("step"))
	}
}

// A letter to the family that fails for good is loud: the case shows it,
// the register has an event for it, and the caseworker and manager are
// told to reach the family another way.
func TestLostNoticeIsLoud(t *testing.T) {
	h := newHarness(t, "2026-01-05")
	h.rec.Refuse = letters.FamilyDecisionToAssess
	problemShown := false
	h.env.OnUpsertTypedSearchAttributes(mock.Anything).Return(nil).Run(func(args mock.Arguments) {
		sa := args.Get(0).(temporal.SearchAttributes)
		if v, ok := sa.GetBool(search.DeliveryProblem); ok && v {
			problemShown = true
		}
	})
	h.step("2026-01-12", UpdateDecideAssess, DecideAssessInput{On: date("2026-01-12"), Assess: true})
	after := h.snapshot("2026-01-13")
	h.step("2026-01-14", UpdateWithdraw, WithdrawInput{On: date("2026-01-14"), Reason: "family withdrew"})
	h.run()
	if len(after.DeliveryProblems) != 1 || after.DeliveryProblems[0].Template != letters.FamilyDecisionToAssess ||
		after.DeliveryProblems[0].To.String() != "family" || !strings.Contains(after.DeliveryProblems[0].Error, "refused") {
		t.Errorf("status delivery problems: %+v", after.DeliveryProblems)
	}
	if got := h.reg.of("delivery_failed"); len(got) != 1 || got[0] != "2026-01-12 family.decision_to_assess" {
		t.Errorf("register: %q", got)
	}
	alerts := h.rec.Find(letters.StaffDeliveryFailed)
	if len(alerts) != 1 || !strings.Contains(alerts[0].Subject, "NOT DELIVERED: decision to assess, to the family") {
		t.Fatalf("alerts: %+v", alerts)
	}
	if !problemShown {
		t.Error("the EhcDeliveryProblem search attribute was never set")
	}
}

// Entered at 08:00 the day after a limit: the alarm that tells the family
// has not passed, so it tells them at 09:00, once; entry does not as well.
func TestCaseEnteredBeforeTheMissedAlarm(t *testing.T) {
	h := newHarness(t, "2026-06-01")
	h.start = date("2026-07-14").At(8) // 6 weeks were 2026-07-13
	h.env.SetStartTime(h.start)
	h.step("2026-07-15", UpdateWithdraw, WithdrawInput{On: date("2026-07-15"), Reason: "family withdrew"})
	h.run()
	assertLines(t, sorted(h.rec.Lines()), []string{
		"2026-07-14 family.deadline_missed family",
		"2026-07-14 family.request_received family",
		"2026-07-14 staff.case_entered caseworker,manager",
		"2026-07-14 staff.deadline_missed caseworker,manager",
		"2026-07-15 family.withdrawn family",
	})
}

// A history that ends the case (here, withdrawn) enters it for the record:
// nothing to the family, no partner notices, and no summary when no limit
// is left to report.
func TestCaseEnteredClosed(t *testing.T) {
	h := newHarness(t, "2026-06-01")
	h.enteredOn("2026-12-01")
	h.in.History = []PastStep{past(t, UpdateWithdraw, WithdrawInput{On: date("2026-06-20"), Reason: "family withdrew"})}
	res := h.run()
	if res.Stage != StageWithdrawn || len(h.rec.Lines()) != 0 {
		t.Errorf("result %+v; letters %q", res, h.rec.Lines())
	}
	if steps := h.reg.of("step"); len(steps) != 2 || steps[1] != "2026-06-20 withdraw" {
		t.Errorf("register: %q", steps)
	}
}

// A letter an advice child loses for good is on the case too: the adviser
// never had the request, and the caseworker is told to reach them.
func TestLostAdviceLetterIsOnTheCase(t *testing.T) {
	h := newHarness(t, "2026-01-05")
	h.rec.Refuse = letters.AdviserRequest
	h.step("2026-01-12", UpdateDecideAssess, DecideAssessInput{On: date("2026-01-12"), Assess: true})
	h.step("2026-01-12", UpdateRequestAdvice, RequestAdviceInput{On: date("2026-01-12"), Kind: statute.AdviceKindMedical,
		Provider: Contact{Name: "Paediatrics", Email: "paeds@nhs.example.org"}})
	after := h.snapshot("2026-01-13")
	h.step("2026-01-14", UpdateWithdraw, WithdrawInput{On: date("2026-01-14"), Reason: "family withdrew"})
	h.run()
	if len(after.DeliveryProblems) != 1 || after.DeliveryProblems[0].Template != letters.AdviserRequest ||
		after.DeliveryProblems[0].To.String() != "adviser" {
		t.Errorf("status delivery problems: %+v", after.DeliveryProblems)
	}
	if alerts := h.rec.Find(letters.StaffDeliveryFailed); len(alerts) != 1 || !strings.Contains(alerts[0].Subject, "request for advice, to the adviser") {
		t.Errorf("alerts: %+v", alerts)
	}
}

// A case brought in by ehc import without --tell-families: decided on in
// time, its 16-week decision whether to issue a plan missed before it came
// in. The family are sent nothing about the past when it comes in; the
// breach goes on, so the next weekly escalation (6 October) tells them, once;
// the staff have their summary and are chased as ever.
func TestAnImportedCaseTellsTheFamilyNothingOfItsPast(t *testing.T) {
	h := newHarness(t, "2026-06-01")
	h.enteredOn("2026-10-01")
	h.in.QuietEntry = true
	h.in.History = []PastStep{past(t, UpdateDecideAssess, DecideAssessInput{On: date("2026-07-10"), Assess: true})}
	h.step("2026-10-20", UpdateWithdraw, WithdrawInput{On: date("2026-10-20"), Reason: "the family moved away"})
	h.run()

	var family []string
	staff := 0
	for _, l := range h.rec.Lines() {
		switch {
		case strings.Contains(l, " family.") && !strings.HasPrefix(l, "2026-10-20"):
			family = append(family, l)
		case strings.Contains(l, "staff.deadline_missed"):
			staff++
		}
	}
	assertLines(t, family, []string{"2026-10-06 family.deadline_missed family"})
	summary := h.rec.Find(letters.StaffCaseEntered)
	if len(summary) != 1 || staff == 0 {
		t.Fatalf("the staff had %d summaries and %d escalations; want one summary and the weekly escalations", len(summary), staff)
	}
	if text := summary[0].Text; !strings.Contains(text, "the family has been sent\nnothing about the past") || strings.Contains(text, "acknowledgement") {
		t.Errorf("the staff's summary says the family was written to:\n%s", text)
	}
}
