package assessment

import (
	"strings"
	"testing"

	sdkpb "go.temporal.io/api/sdk/v1"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
)

// deadlineStatus finds one deadline in a status by key.
func deadlineStatus(t *testing.T, s CaseStatus, key string) DeadlineState {
	t.Helper()
	for _, d := range s.Deadlines {
		if d.Key == key {
			return d
		}
	}
	t.Fatalf("no deadline %s in %+v", key, s.Deadlines)
	return DeadlineState{}
}

func wantDeadline(t *testing.T, s CaseStatus, key, status string, days int) {
	t.Helper()
	d := deadlineStatus(t, s, key)
	if d.Status != status || d.DaysOverdue != days {
		t.Errorf("%s: %s, %d days overdue; want %s, %d", key, d.Status, d.DaysOverdue, status, days)
	}
}

// reg 5(1), 5(3): refused in week 6, after both reminders.
func TestRefusalToAssess(t *testing.T) {
	h := newHarness(t, "2026-01-05")
	end := h.step("2026-02-10", UpdateDecideAssess, DecideAssessInput{On: date("2026-02-10"), Reason: "needs met from the school's own resources"})
	res := h.run()
	if res.Stage != StageNotAssessed || res.ClosedOn != date("2026-02-10") {
		t.Errorf("result = %+v", res)
	}
	assertLines(t, sorted(h.rec.Lines()), []string{
		"2026-01-05 family.request_received family",
		"2026-01-05 partner.request_received school,health_body,social_care",
		"2026-02-02 staff.deadline_approaching caseworker,manager",
		"2026-02-09 staff.deadline_approaching caseworker,manager",
		"2026-02-10 family.refusal_to_assess family",
		"2026-02-10 partner.refusal_to_assess school,health_body",
	})
	wantDeadline(t, *end, "decision_to_assess_due", StatusMet, 0)
	wantDeadline(t, *end, "decision_not_to_issue_due", StatusNotApplicable, 0)
	wantDeadline(t, *end, "final_plan_due", StatusNotApplicable, 0)
	if got := h.rec.Find(letters.FamilyRefusalToAssess); len(got) != 1 || !strings.Contains(got[0].Text, "needs met from the school's own resources") {
		t.Errorf("refusal letter does not give the reason: %+v", got)
	}
	// The register's projection carries the decision typed: not to assess.
	if c := h.reg.last().Case; c.Assess == nil || *c.Assess || c.DecidedToAssessOn != date("2026-02-10") {
		t.Errorf("register projection: assess %v on %s; want false on 2026-02-10", c.Assess, c.DecidedToAssessOn)
	}
}

// reg 10(1), 10(3): decided on the last day of week 16 not to issue.
func TestNoPlanAt16Weeks(t *testing.T) {
	h := newHarness(t, "2026-01-05")
	h.step("2026-02-16", UpdateDecideAssess, DecideAssessInput{On: date("2026-02-16"), Assess: true})
	h.waive("2026-04-27", statute.AdviceKindFamilyViews, statute.AdviceKindEducational, statute.AdviceKindMedical, statute.AdviceKindPsychological, statute.AdviceKindSocialCare)
	end := h.step("2026-04-27", UpdateDecideIssue, DecideIssueInput{On: date("2026-04-27"), Reason: "needs can be met by SEN support"})
	res := h.run()
	if res.Stage != StageNoPlan || res.FinalPlanWithin20Weeks {
		t.Errorf("result = %+v", res)
	}
	assertLines(t, sorted(h.rec.Lines()), []string{
		"2026-01-05 family.request_received family",
		"2026-01-05 partner.request_received school,health_body,social_care",
		"2026-02-02 staff.deadline_approaching caseworker,manager",
		"2026-02-09 staff.deadline_approaching caseworker,manager",
		"2026-02-16 family.decision_to_assess family",
		"2026-04-13 staff.deadline_approaching caseworker,manager",
		"2026-04-20 staff.deadline_approaching caseworker,manager",
		"2026-04-27 family.decision_not_to_issue family",
		"2026-04-27 partner.decision_not_to_issue school,health_body",
	})
	wantDeadline(t, *end, "decision_to_assess_due", StatusMet, 0)
	wantDeadline(t, *end, "decision_not_to_issue_due", StatusMet, 0)
	wantDeadline(t, *end, "final_plan_due", StatusNotApplicable, 0)
}

// Withdrawn while advice is awaited: the adviser stops being chased.
func TestWithdrawal(t *testing.T) {
	h := newHarness(t, "2026-01-05")
	h.step("2026-01-19", UpdateDecideAssess, DecideAssessInput{On: date("2026-01-19"), Assess: true})
	h.step("2026-01-19", UpdateRequestAdvice, RequestAdviceInput{On: date("2026-01-19"), Kind: statute.AdviceKindSocialCare,
		Provider: Contact{Name: "Children's services", Email: "sc@la.example.gov.uk"}})
	end := h.step("2026-02-20", UpdateWithdraw, WithdrawInput{On: date("2026-02-20"), Reason: "family moved to another area"})
	res := h.run()
	if res.Stage != StageWithdrawn || res.ClosedOn != date("2026-02-20") {
		t.Errorf("result = %+v", res)
	}
	assertLines(t, sorted(h.rec.Lines()), []string{
		"2026-01-05 family.request_received family",
		"2026-01-05 partner.request_received school,health_body,social_care",
		"2026-01-19 adviser.request adviser",
		"2026-01-19 family.advice_requested family",
		"2026-01-19 family.decision_to_assess family",
		"2026-02-16 adviser.reminder adviser",
		"2026-02-20 family.withdrawn family",
	})
	if len(end.Advice) != 1 || end.Advice[0].Status != StatusNotApplicable || end.Advice[0].Due != date("2026-03-02") {
		t.Errorf("advice after withdrawal = %+v; want not_applicable, due 2026-03-02", end.Advice)
	}
	wantDeadline(t, *end, "final_plan_due", StatusNotApplicable, 0)
}

// reg 8(1): psychological advice due in week 7 arrives 17 days late; the
// adviser is chased weekly, the family told once, the case marked overdue
// only while it is missing.
func TestLateAdvice(t *testing.T) {
	h := newHarness(t, "2026-01-05")
	h.step("2026-01-12", UpdateDecideAssess, DecideAssessInput{On: date("2026-01-12"), Assess: true})
	h.step("2026-01-12", UpdateRequestAdvice, RequestAdviceInput{On: date("2026-01-12"), Kind: statute.AdviceKindPsychological,
		Provider: Contact{Name: "EP service", Email: "ep@la.example.gov.uk"}, EscalationEmail: "ep.lead@la.example.gov.uk"})
	late := h.snapshot("2026-03-11")
	h.step("2026-03-12", UpdateRecordAdvice, RecordAdviceInput{On: date("2026-03-12"), Kind: statute.AdviceKindPsychological})
	after := h.snapshot("2026-03-13")
	h.waive("2026-03-16", statute.AdviceKindFamilyViews, statute.AdviceKindEducational, statute.AdviceKindMedical, statute.AdviceKindSocialCare)
	h.step("2026-03-16", UpdateDecideIssue, DecideIssueInput{On: date("2026-03-16"), Issue: true})
	h.step("2026-03-23", UpdateServeDraft, ServeDraftInput{On: date("2026-03-23")})
	h.step("2026-04-20", UpdateIssueFinalPlan, IssueFinalPlanInput{On: date("2026-04-20")})
	res := h.run()
	if !res.FinalPlanWithin20Weeks {
		t.Errorf("result = %+v", res)
	}
	assertLines(t, sorted(h.rec.Lines()), []string{
		"2026-01-05 family.request_received family",
		"2026-01-05 partner.request_received school,health_body,social_care",
		"2026-01-12 adviser.request adviser",
		"2026-01-12 family.advice_requested family",
		"2026-01-12 family.decision_to_assess family",
		"2026-02-09 adviser.reminder adviser",
		"2026-02-16 adviser.reminder adviser",
		"2026-02-24 adviser.overdue adviser,caseworker,manager,adviser",
		"2026-02-24 family.advice_overdue family",
		"2026-03-03 adviser.overdue adviser,caseworker,manager,adviser",
		"2026-03-10 adviser.overdue adviser,caseworker,manager,adviser",
		"2026-03-16 family.decision_to_issue family",
		"2026-03-23 family.draft_served family",
		"2026-04-20 family.final_plan family",
	})
	for _, m := range h.rec.Find(letters.AdviserOverdue) {
		if cc := m.Cc[len(m.Cc)-1]; cc.Email != "ep.lead@la.example.gov.uk" {
			t.Errorf("overdue notice on %s not copied to the provider's escalation contact: %+v", m.On, m.Cc)
		}
	}
	if !late.Overdue || late.NextDeadline != date("2026-02-23") {
		t.Errorf("on 2026-03-11 overdue=%v next=%s; want true, 2026-02-23", late.Overdue, late.NextDeadline)
	}
	wantDeadline(t, *late, "advice_due/psychological-1", StatusMissed, 16)
	wantDeadline(t, *after, "advice_due/psychological-1", StatusMetLate, 17)
	if after.Overdue {
		t.Error("case still overdue after the advice arrived")
	}
}

// reg 5(1) and 13(2) both missed; an exception recorded under reg 13(3)(c)
// is named when the family is told, and the clock does not stop.
func TestFinalPlanLate(t *testing.T) {
	h := newHarness(t, "2026-01-05")
	h.step("2026-02-20", UpdateDecideAssess, DecideAssessInput{On: date("2026-02-20"), Assess: true})
	h.step("2026-04-01", UpdateRecordException, RecordExceptionInput{On: date("2026-04-01"), Ground: statute.ExceptionPersonal,
		Deadline: statute.FinalPlanDue, From: date("2026-03-20"), To: date("2026-04-30")})
	h.waive("2026-04-24", statute.AdviceKindFamilyViews, statute.AdviceKindEducational, statute.AdviceKindMedical, statute.AdviceKindPsychological, statute.AdviceKindSocialCare)
	h.step("2026-04-24", UpdateDecideIssue, DecideIssueInput{On: date("2026-04-24"), Issue: true})
	h.step("2026-05-04", UpdateServeDraft, ServeDraftInput{On: date("2026-05-04")})
	h.step("2026-05-08", UpdateRecordComments, RecordCommentsInput{On: date("2026-05-08"), WantsMeeting: true})
	missed := h.snapshot("2026-06-01")
	var details string
	h.at("2026-06-01", func() {
		v, err := h.env.QueryWorkflow("__temporal_workflow_metadata")
		if err != nil {
			t.Fatal(err)
		}
		var md sdkpb.WorkflowMetadata
		if err := v.Get(&md); err != nil {
			t.Fatal(err)
		}
		details = md.GetCurrentDetails()
	})
	h.step("2026-06-01", UpdateExpect, ExpectInput{On: date("2026-06-01"), Deadline: statute.FinalPlanDue, By: date("2026-06-12")})
	end := h.step("2026-06-10", UpdateIssueFinalPlan, IssueFinalPlanInput{On: date("2026-06-10")})
	res := h.run()
	if res.FinalPlanWithin20Weeks || res.Stage != StageFinalPlanIssued {
		t.Errorf("result = %+v", res)
	}
	assertLines(t, sorted(h.rec.Lines()), []string{
		"2026-01-05 family.request_received family",
		"2026-01-05 partner.request_received school,health_body,social_care",
		"2026-02-02 staff.deadline_approaching caseworker,manager",
		"2026-02-09 staff.deadline_approaching caseworker,manager",
		"2026-02-17 family.deadline_missed family",
		"2026-02-17 staff.deadline_missed caseworker,manager",
		"2026-02-20 family.decision_to_assess family",
		"2026-04-13 staff.deadline_approaching caseworker,manager",
		"2026-04-20 staff.deadline_approaching caseworker,manager",
		"2026-04-24 family.decision_to_issue family",
		"2026-05-04 family.draft_served family",
		"2026-05-11 staff.deadline_approaching caseworker,manager",
		"2026-05-18 staff.deadline_approaching caseworker,manager",
		"2026-05-26 family.deadline_missed family",
		"2026-05-26 staff.deadline_missed caseworker,manager",
		"2026-06-01 family.deadline_missed family",
		"2026-06-02 staff.deadline_missed caseworker,manager",
		"2026-06-09 staff.deadline_missed caseworker,manager",
		"2026-06-10 family.final_plan family",
	})
	wantDeadline(t, *missed, "final_plan_due", StatusMissed, 7)
	// Details are written when something happens: here the escalation of
	// 2026-05-26, the last event before 2026-06-01.
	for _, want := range []string{"**Stage:** draft plan served · **as at** 2026-05-26", "**OVERDUE**",
		`| final EHC plan | reg 13\(2\) | 2026-05-25 | **missed, 1 day overdue** \(exception: reg 13\(3\)\(c\)\) |`,
		`| decision whether to assess | reg 5\(1\) | 2026-02-16 | met 2026-02-20, 4 days late |`} {
		if !strings.Contains(details, want) {
			t.Errorf("the UI's current details lack %q:\n%s", want, details)
		}
	}
	if !missed.Overdue {
		t.Error("case not overdue on 2026-06-01")
	}
	wantDeadline(t, *end, "decision_to_assess_due", StatusMetLate, 4)
	wantDeadline(t, *end, "final_plan_due", StatusMetLate, 16)
	if d := deadlineStatus(t, *end, "final_plan_due"); d.Exception != "reg 13(3)(c)" || d.ExpectedBy != date("2026-06-12") {
		t.Errorf("final plan exception %q, expected by %s; want reg 13(3)(c), 2026-06-12", d.Exception, d.ExpectedBy)
	}
	var told string
	for _, m := range h.rec.Find(letters.FamilyDeadlineMissed) {
		if m.On == date("2026-05-26") {
			told = m.Text
		}
	}
	if !strings.Contains(told, "reg 13(3)(c)") || !strings.Contains(told, "exceptional personal circumstances") {
		t.Errorf("family's missed-deadline letter does not name the exception:\n%s", told)
	}
	for _, m := range h.rec.Find(letters.FamilyDeadlineMissed) {
		if m.On == date("2026-06-01") && !strings.Contains(m.Text, "We now expect to complete it by Friday 12 June 2026") {
			t.Errorf("the letter after ehc expect does not give the new date:\n%s", m.Text)
		}
	}
	for _, m := range h.rec.Msgs {
		if m.Caseworker.Email != "jones@la.example.gov.uk" {
			t.Errorf("%s on %s names no caseworker to alert if it is not delivered", m.Template, m.On)
		}
	}
}
