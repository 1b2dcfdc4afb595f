package plan

import (
	"strings"
	"testing"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/deadline"
)

// openLimits names the limits status shows still open.
func openLimits(s PlanStatus, name statute.Deadline) int {
	n := 0
	for _, d := range s.Deadlines {
		if d.Deadline == name && (d.Status == deadline.StatusPending || d.Status == deadline.StatusMissed) {
			n++
		}
	}
	return n
}

// An amendment that runs past the next year's review does not hold that
// review up (CFA s.44(1) runs regardless), and the amended plan issued
// after it is the plan as amended: both reviews' amendments are met.
func TestAnAmendmentOwedDoesNotHoldUpTheNextReview(t *testing.T) {
	c := newChain(t, input("2025-03-03", "2008-01-10"), "2025-03-03")
	c.step("2026-02-20", UpdateHoldReview, OnInput{On: date("2026-02-20")})
	c.step("2026-03-02", UpdateRecordReviewReport, OnInput{On: date("2026-03-02")})
	c.step("2026-03-03", UpdateDecideReview, DecideReviewInput{On: date("2026-03-03"), Outcome: OutcomeAmend})
	c.step("2027-02-15", UpdateHoldReview, OnInput{On: date("2027-02-15")})
	c.step("2027-02-20", UpdateRecordReviewReport, OnInput{On: date("2027-02-20")})
	c.step("2027-03-01", UpdateDecideReview, DecideReviewInput{On: date("2027-03-01"), Outcome: OutcomeAmend})
	both := c.status("2027-03-02")
	c.step("2027-03-20", UpdateIssueAmendedPlan, AmendedPlanInput{On: date("2027-03-20")})
	after := c.status("2027-03-21")
	c.step("2027-04-01", UpdateCeasePlan, CeaseInput{On: date("2027-04-01"), Ground: statute.CeaseNoLongerNecessary, ConsultedOn: date("2027-03-25"), Reason: "r"})
	c.run()

	if n := openLimits(both.got, statute.FinalAmendedPlanDue); n != 2 {
		t.Errorf("with two reviews' amendments owed, %d final amended plan limits open; want 2", n)
	}
	if n := openLimits(after.got, statute.FinalAmendedPlanDue); n != 0 || after.got.Overdue {
		t.Errorf("after the amended plan: %d amendment limits still open, overdue %v; want none", n, after.got.Overdue)
	}
}

// A reassessed plan issued while a review's decision is owed takes the
// decision's place: the decision is chased while it is owed (due 20
// March) and not after.
func TestAReassessedPlanSettlesTheReviewItReplaced(t *testing.T) {
	c := newChain(t, input("2025-03-03", "2008-01-10"), "2025-03-03")
	c.step("2026-02-20", UpdateHoldReview, OnInput{On: date("2026-02-20")})
	c.step("2026-02-24", UpdateRecordReviewReport, OnInput{On: date("2026-02-24")}) // the meeting's report is still owed: reg 20(7)
	c.step("2026-02-25", UpdateRequestReassessment, ReassessmentRequestInput{On: date("2026-02-25"), From: FromFamily})
	c.step("2026-03-05", UpdateDecideReassess, DecideReassessInput{On: date("2026-03-05"), Reassess: true})
	c.step("2026-04-20", UpdateIssueReassessedPlan, AmendedPlanInput{On: date("2026-04-20")})
	after := c.status("2026-05-01")
	c.step("2026-06-01", UpdateCeasePlan, CeaseInput{On: date("2026-06-01"), Ground: statute.CeaseNoLongerNecessary, ConsultedOn: date("2026-05-25"), Reason: "r"})
	c.run()

	if n := openLimits(after.got, statute.ReviewDecisionDue); n != 0 || after.got.Overdue {
		t.Errorf("after the reassessed plan: %d review decisions still open, overdue %v; want none", n, after.got.Overdue)
	}
	for _, m := range c.mail.Find(letters.StaffDeadlineMissed) {
		if m.On.After(date("2026-04-20")) {
			t.Errorf("an escalation on %s (%s), after the reassessed plan took the decision's place", m.On, m.Subject)
		}
	}
	if n := len(c.mail.Find(letters.StaffDeadlineMissed)); n != 5 {
		t.Errorf("%d escalations; want 5, weekly from 21 March to 18 April while the decision was owed", n)
	}
}

// Two requests to reassess on one day, the first refused: each is its own
// request with its own letter. The plan cannot be sent on before the
// authority knew of the move.
func TestTwoRequestsOnOneDayAreTwoRequests(t *testing.T) {
	c := newChain(t, input("2025-03-03", "2008-01-10"), "2025-03-03")
	c.step("2026-04-01", UpdateRequestReassessment, ReassessmentRequestInput{On: date("2026-04-01"), From: FromSchool})
	c.step("2026-04-01", UpdateDecideReassess, DecideReassessInput{On: date("2026-04-01"), Reason: "The school's evidence shows no change."})
	c.step("2026-04-01", UpdateRequestReassessment, ReassessmentRequestInput{On: date("2026-04-01"), From: FromFamily})
	c.step("2026-04-01", UpdateDecideReassess, DecideReassessInput{On: date("2026-04-01"), Reason: "The family's evidence shows no change."})
	c.step("2026-04-10", UpdateRecordMove, OnInput{On: date("2026-04-10")})
	early := c.refuse("2026-04-12", UpdateSendPlan, SendPlanInput{On: date("2026-04-09"), Authority: "Northshire County Council"})
	c.step("2026-04-14", UpdateSendPlan, SendPlanInput{On: date("2026-04-14"), Authority: "Northshire County Council"})
	c.run()

	got := c.mail.Find(letters.FamilyReassessment)
	if len(got) != 2 || !strings.Contains(got[0].Text+got[1].Text, "The school's evidence") || !strings.Contains(got[0].Text+got[1].Text, "The family's evidence") {
		t.Errorf("%d letters refusing to reassess; want two, one for each request and its reasons", len(got))
	}
	if early.err == nil {
		t.Error("the plan sent on a day before the authority learnt of the move was accepted")
	}
}

// A move recorded and then withdrawn (the family stayed) is chased no
// more; a later move is its own, with its own 15 working days.
func TestAMoveWithdrawnIsChasedNoMore(t *testing.T) {
	c := newChain(t, input("2025-03-03", "2008-01-10"), "2025-03-03")
	c.step("2026-02-20", UpdateHoldReview, OnInput{On: date("2026-02-20")})
	c.step("2026-02-24", UpdateRecordReviewReport, OnInput{On: date("2026-02-24")})
	c.step("2026-02-25", UpdateDecideReview, DecideReviewInput{On: date("2026-02-25"), Outcome: OutcomeMaintain})
	c.step("2026-04-10", UpdateRecordMove, OnInput{On: date("2026-04-10")})
	c.step("2026-04-15", UpdateWithdrawMove, ReasonInput{On: date("2026-04-15"), Reason: "The family are staying."})
	c.step("2026-06-01", UpdateRecordMove, OnInput{On: date("2026-06-01")})
	c.step("2026-06-03", UpdateSendPlan, SendPlanInput{On: date("2026-06-03"), Authority: "Northshire County Council"})
	res := c.run()

	if res.Stage != StageTransferredOut || res.EndedOn != date("2026-06-03") {
		t.Errorf("ended %s on %s; want transferred on 2026-06-03", res.Stage, res.EndedOn)
	}
	assertLines(t, "letters", c.mail.Sorted(), []string{
		"2026-02-16 staff.deadline_approaching caseworker,manager", // the review due 2 March
		"2026-02-25 family.review_decision family",
		"2026-06-03 family.plan_transferred family", // and nothing on 1 May, when the withdrawn move's plan would have been due
	})
}
