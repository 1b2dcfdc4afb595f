package assessment

import (
	"sort"
	"testing"

	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/statute"
)

func sorted(lines []string) []string {
	sort.Strings(lines) // the date leads, so this is send order; same-day sends are concurrent
	return lines
}

// A plan issued in week 15: every deadline met, no reminder to staff, the
// adviser who answers in week 9 is reminded twice.
func TestPlanWithin20Weeks(t *testing.T) {
	h := newHarness(t, "2026-01-05") // 6 weeks: 02-16, 16 weeks: 04-27, 20 weeks: 05-25
	h.step("2026-01-26", UpdateDecideAssess, DecideAssessInput{On: date("2026-01-26"), Assess: true})
	h.step("2026-01-26", UpdateRequestAdvice, RequestAdviceInput{On: date("2026-01-26"), Kind: statute.AdviceKindMedical,
		Provider: Contact{Name: "Community paediatrics", Email: "paeds@nhs.example.org"}})
	h.step("2026-01-26", UpdateRequestAdvice, RequestAdviceInput{On: date("2026-01-26"), Kind: statute.AdviceKindPsychological,
		Provider: Contact{Name: "EP service", Email: "ep@la.example.gov.uk"}})
	h.step("2026-02-20", UpdateRecordAdvice, RecordAdviceInput{On: date("2026-02-20"), Kind: statute.AdviceKindMedical})
	h.step("2026-03-05", UpdateRecordAdvice, RecordAdviceInput{On: date("2026-03-05"), ID: "psychological-1"})
	h.waive("2026-03-16", statute.AdviceKindFamilyViews, statute.AdviceKindEducational, statute.AdviceKindSocialCare)
	h.step("2026-03-16", UpdateDecideIssue, DecideIssueInput{On: date("2026-03-16"), Issue: true})
	h.step("2026-03-23", UpdateServeDraft, ServeDraftInput{On: date("2026-03-23")})
	h.step("2026-03-30", UpdateRecordComments, RecordCommentsInput{On: date("2026-03-30"),
		RequestedSchool: Contact{Name: "Elm Academy", Email: "office@elm.example.org"}})
	h.step("2026-04-08", UpdateRecordConsultation, RecordConsultationInput{On: date("2026-04-08"), School: "Elm Academy", Agrees: true})
	mid := h.snapshot("2026-04-09")
	h.step("2026-04-20", UpdateIssueFinalPlan, IssueFinalPlanInput{On: date("2026-04-20"), School: "Elm Academy"})

	res := h.run()
	if res.Stage != StageFinalPlanIssued || !res.FinalPlanWithin20Weeks || res.ClosedOn != date("2026-04-20") {
		t.Errorf("result = %+v", res)
	}
	// The case carries on as a plan in force, made the day it was issued.
	if ps := *h.plans; len(ps) != 1 || ps[0].PlanMade != date("2026-04-20") || ps[0].NamedSetting != "Elm Academy" ||
		!ps[0].FromAssessment || ps[0].ChildDOB != h.in.Child.DateOfBirth || ps[0].CaseRef != h.in.CaseRef {
		t.Errorf("plans started: %+v; want one made 2026-04-20 naming Elm Academy", ps)
	}
	if ds := *h.disputes; len(ds) != 0 {
		t.Errorf("a disagreement started for a case that issued its plan: %+v (the plan's contents are the plan's to dispute)", ds)
	}
	assertLines(t, sorted(h.rec.Lines()), []string{
		"2026-01-05 family.request_received family",
		"2026-01-05 partner.request_received school,health_body,social_care",
		"2026-01-26 adviser.request adviser",
		"2026-01-26 adviser.request adviser",
		"2026-01-26 family.advice_requested family",
		"2026-01-26 family.advice_requested family",
		"2026-01-26 family.decision_to_assess family",
		"2026-02-23 adviser.reminder adviser",
		"2026-03-02 adviser.reminder adviser",
		"2026-03-16 family.decision_to_issue family",
		"2026-03-23 family.draft_served family",
		"2026-04-20 family.final_plan family",
	})
	if mid.Stage != StageDraftServed || mid.DraftCommentsEnd != date("2026-04-06") || mid.FinalPlanDue != date("2026-05-25") {
		t.Errorf("status on 2026-04-09 = stage %s, comments end %s, final plan due %s", mid.Stage, mid.DraftCommentsEnd, mid.FinalPlanDue)
	}
	if mid.NextDeadline != date("2026-05-25") || mid.Overdue {
		t.Errorf("next deadline %s overdue %v; want 2026-05-25, false", mid.NextDeadline, mid.Overdue)
	}
	assertLines(t, h.reg.of(caserecord.KindStep), []string{
		"2026-01-05 request-received",
		"2026-01-26 decide-assess",
		"2026-01-26 request-advice",
		"2026-01-26 request-advice",
		"2026-02-20 record-advice",
		"2026-03-05 record-advice",
		"2026-03-16 advice-not-needed",
		"2026-03-16 advice-not-needed",
		"2026-03-16 advice-not-needed",
		"2026-03-16 decide-issue",
		"2026-03-23 serve-draft",
		"2026-03-30 record-comments",
		"2026-04-08 record-consultation",
		"2026-04-20 issue-final-plan",
	})
	if n := len(h.reg.of(caserecord.KindNotification)); n != len(h.rec.Lines()) {
		t.Errorf("%d notifications in the register, %d sent", n, len(h.rec.Lines()))
	}
	end := h.reg.last()
	if end.Case.Stage != "final_plan_issued" || end.Case.FinalPlanOn != date("2026-04-20") || end.Case.DecidedToAssessOn != date("2026-01-26") ||
		end.Case.Assess == nil || !*end.Case.Assess || len(end.Case.Advice) != 2 || end.Case.Advice[1].ReceivedOn != date("2026-03-05") {
		t.Errorf("register ends with %+v", end.Case)
	}
	if first := h.reg.events[0]; first.People == nil || first.People.ChildName != "Ada Example" || first.Case.Seq != 1 {
		t.Errorf("first event %+v does not enter the case and its people", first)
	}
	for _, a := range mid.Advice {
		if a.Status != StatusMet || a.Due != date("2026-03-09") {
			t.Errorf("advice %s: status %s due %s; want met, 2026-03-09", a.ID, a.Status, a.Due)
		}
	}
}
