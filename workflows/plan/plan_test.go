package plan

import (
	"strings"
	"testing"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
)

// A plan from the day it is issued through two annual reviews, the second
// brought forward for the move to secondary school and ending in an
// amendment naming the new school, then ceased: every letter, its date
// and its recipients, and the plan handed to a new run after each review.
func TestAPlansLife(t *testing.T) {
	// Born 10 October 2015: reception September 2020, secondary September
	// 2027, so the plan must name the secondary school by 15 February 2027.
	c := newChain(t, input("2025-03-03", "2015-10-10"), "2025-03-03")
	first := c.status("2025-03-04")
	c.step("2026-02-02", UpdateScheduleReview, ScheduleReviewInput{On: date("2026-02-02"), Meeting: date("2026-02-20")})
	c.step("2026-02-20", UpdateHoldReview, OnInput{On: date("2026-02-20")})
	afterFirst := c.status("2026-02-21")
	c.step("2026-03-10", UpdateRecordReviewReport, OnInput{On: date("2026-03-10")}) // 4 days late
	c.step("2026-03-12", UpdateDecideReview, DecideReviewInput{On: date("2026-03-12"), Outcome: OutcomeMaintain})
	c.step("2026-10-05", UpdateScheduleReview, ScheduleReviewInput{On: date("2026-10-05"), Meeting: date("2026-10-20")})
	c.step("2026-10-20", UpdateHoldReview, OnInput{On: date("2026-10-20")})
	c.step("2026-10-27", UpdateRecordReviewReport, OnInput{On: date("2026-10-27")})
	c.step("2026-11-03", UpdateDecideReview, DecideReviewInput{On: date("2026-11-03"), Outcome: OutcomeAmend})
	early := c.refuse("2026-11-10", UpdateIssueAmendedPlan, AmendedPlanInput{On: date("2026-11-10"), Setting: "Hill Secondary"})
	c.step("2026-12-01", UpdateIssueAmendedPlan, AmendedPlanInput{On: date("2026-12-01"), Setting: "Hill Secondary"})
	amended := c.status("2026-12-02")
	c.step("2027-06-01", UpdateCeasePlan, CeaseInput{On: date("2027-06-01"), Ground: statute.CeaseNoLongerNecessary,
		ConsultedOn: date("2027-05-14"), Reason: "The school meets the needs from its own resources."})
	res := c.run()

	if res.Stage != StageCeased || res.EndedOn != date("2027-08-02") {
		t.Errorf("ended %s on %s; want ceased on 2027-08-02, the day after the 2 months to appeal (1 June to 1 August)", res.Stage, res.EndedOn)
	}
	if got := first.got; got.NextReviewDue != date("2026-03-02") || got.YearGroup != "Year 4" || got.Phase == nil || got.Phase.Transfer != statute.PrimaryToSecondary {
		t.Errorf("the day after the plan: next review %s, %s, transfer %+v; want 2026-03-02 (12 months starting with 3 March 2025), Year 4, primary to secondary", got.NextReviewDue, got.YearGroup, got.Phase)
	}
	if got := afterFirst.got; got.NextReviewDue != date("2027-02-19") || got.ReviewTarget != date("2026-11-23") || !got.Phase.Opened || got.Runs != 1 {
		t.Errorf("after the first review: next review %s aimed for %s, transfer opened %v, run %d; want due 2027-02-19 (12 months), aimed for 2026-11-23 (84 days before 15 February 2027), opened, the second run",
			got.NextReviewDue, got.ReviewTarget, got.Phase.Opened, got.Runs)
	}
	if early.err == nil {
		t.Error("an amended plan before the family's 15 days ended was accepted")
	}
	if got := amended.got; got.NamedSetting != "Hill Secondary" || got.Phase.AmendedOn != date("2026-12-01") || got.NextReviewDue != date("2027-10-19") {
		t.Errorf("after the amendment: setting %q, transfer amended %s, next review %s", got.NamedSetting, got.Phase.AmendedOn, got.NextReviewDue)
	}
	assertLines(t, "letters", c.mail.Sorted(), []string{
		"2026-02-02 family.review_meeting family",
		"2026-02-16 staff.deadline_approaching caseworker,manager", // the review due 2 March, 14 days on
		"2026-02-20 family.phase_transfer family",
		"2026-02-27 staff.deadline_approaching caseworker,manager", // the report due 6 March (the 14-day one fell on the meeting's morning)
		"2026-03-06 staff.deadline_approaching caseworker,manager", // the decision due 20 March
		"2026-03-07 family.deadline_missed family",                 // the report, a day late
		"2026-03-07 staff.deadline_missed caseworker,manager",
		"2026-03-12 family.review_decision family",
		"2026-10-05 family.review_meeting family",
		"2026-10-27 staff.deadline_approaching caseworker,manager", // the report due 3 November
		"2026-11-03 family.review_decision family",
		"2026-11-03 staff.deadline_approaching caseworker,manager", // the decision due 17 November, that morning
		"2026-12-01 family.amended_plan family",
		"2027-06-01 family.plan_ceasing family",
	})
	if tw := c.mail.Twice(); len(tw) > 0 {
		t.Errorf("letters sent twice: %v", tw)
	}
	if c.runs < 3 {
		t.Errorf("%d runs; want one more after each review held", c.runs)
	}
}

// What the family reads: the transfer letter gives the review's date and
// the day the plan must name the school; the ceasing letter the day the
// plan ends and the ground.
func TestPlanLettersSayWhatHappensNext(t *testing.T) {
	c := newChain(t, input("2025-03-03", "2015-10-10"), "2025-03-03")
	c.step("2026-02-20", UpdateHoldReview, OnInput{On: date("2026-02-20")})
	c.step("2026-03-02", UpdateRecordReviewReport, OnInput{On: date("2026-03-02")})
	c.step("2026-03-03", UpdateDecideReview, DecideReviewInput{On: date("2026-03-03"), Outcome: OutcomeAmend})
	c.step("2026-04-01", UpdateDecideNotToAmend, ReasonInput{On: date("2026-04-01"), Reason: "Your comments showed the plan already sets out the help."})
	c.step("2026-06-01", UpdateCeasePlan, CeaseInput{On: date("2026-06-01"), Ground: statute.CeaseNoLongerNecessary,
		ConsultedOn: date("2026-05-14"), Reason: "The school meets the needs from its own resources."})
	c.run()
	for _, w := range []struct {
		tpl  letters.Template
		says []string
	}{
		{letters.FamilyPhaseTransfer, []string{"primary to secondary school", "September\n2027", "15 February 2027", "reg 18(1)(b)", "23 November 2026"}},
		{letters.FamilyReviewDecision, []string{"propose to amend", "17 March 2026", "28 April 2026", "reg 22(3)"}},
		{letters.FamilyAmendedPlan, []string{"decided\nnot to amend", "Your comments showed", "aim to hold the next review by Monday 23 November 2026", "19 February 2027 at the latest"}},
		{letters.FamilyPlanCeasing, []string{"2 August 2026", "no longer", "CFA s.45(1)(b)", "The school meets"}},
	} {
		got := c.mail.Find(w.tpl)
		if len(got) != 1 {
			t.Errorf("%s: %d letters, want 1", w.tpl, len(got))
			continue
		}
		for _, s := range w.says {
			if !strings.Contains(got[0].Text, s) {
				t.Errorf("%s does not say %q:\n%s", w.tpl, s, got[0].Text)
			}
		}
	}
}

// A plan made before the product was used, entered with its last review
// and a review whose meeting was held but whose decision is late: the
// family is sent nothing about the past, the staff one summary naming what
// is overdue, and the plan goes on from where it stood.
func TestAPlanEnteredLate(t *testing.T) {
	in := input("2022-05-10", "2012-01-20")
	in.FromAssessment, in.LastReview = false, date("2024-11-04")
	in.Review = &PastReview{Meeting: date("2025-10-20"), NoticeOn: date("2025-10-01"), HeldOn: date("2025-10-20"), ReportOn: date("2025-10-30")}
	c := newChain(t, in, "2025-12-01")
	entered := c.status("2025-12-01")
	c.step("2025-12-03", UpdateDecideReview, DecideReviewInput{On: date("2025-12-03"), Outcome: OutcomeMaintain})
	c.step("2026-01-05", UpdateRecordMove, OnInput{On: date("2026-01-05")})
	c.step("2026-01-23", UpdateSendPlan, SendPlanInput{On: date("2026-01-23"), Authority: "Northshire County Council"})
	res := c.run()

	if res.Stage != StageTransferredOut || res.EndedOn != date("2026-01-23") {
		t.Errorf("ended %s on %s; want sent to the new authority on 2026-01-23", res.Stage, res.EndedOn)
	}
	got := entered.got
	if got.LastReview != date("2025-10-20") || got.NextReviewDue != date("2026-10-19") || !got.Overdue {
		t.Errorf("on entry: last review %s, next due %s, overdue %v; want 2025-10-20, 2026-10-19 and the decision overdue", got.LastReview, got.NextReviewDue, got.Overdue)
	}
	assertLines(t, "letters", c.mail.Sorted(), []string{
		"2025-12-01 staff.plan_entered caseworker,manager",
		"2025-12-02 staff.deadline_missed caseworker,manager", // the decision, due 17 November: the third escalation, the first two before entry
		"2025-12-03 family.review_decision family",
		"2026-01-12 staff.deadline_approaching caseworker,manager", // the plan due at the new authority on 26 January
		"2026-01-19 staff.deadline_approaching caseworker,manager",
		"2026-01-23 family.plan_transferred family", // 26 January was the 15th working day after 5 January (reg 15(2))
	})
	summary := c.mail.Find(letters.StaffPlanEntered)
	if len(summary) == 1 && !strings.Contains(summary[0].Text, "17 November 2025") {
		t.Errorf("the summary does not name the decision due 17 November 2025 (4 weeks after the meeting):\n%s", summary[0].Text)
	}
	if got := c.reg.last(); got.Stage != string(StageTransferredOut) || len(got.Reviews) == 0 {
		t.Errorf("the register ends with %+v", got)
	}
}
