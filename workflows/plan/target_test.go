package plan

import (
	"strings"
	"testing"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
)

// An under-5's review aimed for at 6 months (CoP 9.178) and held at 8,
// within the law's 12 (CFA s.44(1)): the staff are reminded and chased on
// the aim, and the family are told of no breach, because there is none.
func TestAnAimMissedIsTheStaffsNotABreach(t *testing.T) {
	c := newChain(t, input("2021-09-06", "2019-06-15"), "2021-09-06")
	late := c.status("2022-04-01")
	c.step("2022-05-03", UpdateHoldReview, OnInput{On: date("2022-05-03")})
	c.step("2022-05-10", UpdateRecordReviewReport, OnInput{On: date("2022-05-10")})
	c.step("2022-05-10", UpdateDecideReview, DecideReviewInput{On: date("2022-05-10"), Outcome: OutcomeMaintain})
	c.step("2022-06-01", UpdateCeasePlan, CeaseInput{On: date("2022-06-01"), Ground: statute.CeaseNoLongerNecessary,
		ConsultedOn: date("2022-05-20"), Reason: "The nursery meets the needs from its own resources."})
	c.run()

	if got := late.got; got.NextReviewDue != date("2022-09-05") || got.ReviewTarget != date("2022-03-05") || got.Overdue || got.ReviewOverdue {
		t.Errorf("a month past the aim: due %s, aimed for %s, overdue %v, review overdue %v; want due 2022-09-05, aimed for 2022-03-05, nothing overdue",
			got.NextReviewDue, got.ReviewTarget, got.Overdue, got.ReviewOverdue)
	}
	var staff []string
	for _, l := range c.mail.Sorted() {
		if l < "2022-05" {
			staff = append(staff, l)
		}
	}
	assertLines(t, "letters before the review", staff, []string{
		"2022-02-19 staff.deadline_approaching caseworker,manager", // the aim, 14 days on
		"2022-02-26 staff.deadline_approaching caseworker,manager",
		"2022-03-06 staff.deadline_missed caseworker,manager", // and weekly while it is missed
		"2022-03-13 staff.deadline_missed caseworker,manager",
		"2022-03-20 staff.deadline_missed caseworker,manager",
		"2022-03-27 staff.deadline_missed caseworker,manager",
		"2022-04-03 staff.deadline_missed caseworker,manager",
		"2022-04-10 staff.deadline_missed caseworker,manager",
		"2022-04-17 staff.deadline_missed caseworker,manager",
		"2022-04-24 staff.deadline_missed caseworker,manager",
	})
	if got := c.mail.Find(letters.FamilyDeadlineMissed); len(got) != 0 {
		t.Errorf("the family were told of a missed limit %d times; the review was within its 12 months", len(got))
	}
	for _, m := range c.mail.Find(letters.StaffDeadlineMissed) {
		if !strings.Contains(m.Text, "authority's own earlier date") {
			t.Errorf("the staff's escalation on %s does not say the date was the authority's own aim:\n%s", m.On, m.Text)
		}
	}
}

// A move between schools recorded too late for the 12 weeks before its
// 15 February: the review is aimed for today, not for a day already past,
// and the law's date for the review is left where it was.
func TestATransferRecordedLateAimsForToday(t *testing.T) {
	c := newChain(t, input("2025-03-03", "2015-10-10"), "2025-03-03")
	c.step("2026-01-20", UpdateRecordPhaseTransfer, PhaseTransferInput{On: date("2026-01-20"), Kind: statute.MiddleToSecondary, Moves: date("2026-09-01")})
	recorded := c.status("2026-01-20")
	c.step("2026-01-29", UpdateHoldReview, OnInput{On: date("2026-01-29")})
	c.step("2026-01-29", UpdateRecordReviewReport, OnInput{On: date("2026-01-29")})
	c.step("2026-01-30", UpdateDecideReview, DecideReviewInput{On: date("2026-01-30"), Outcome: OutcomeAmend})
	c.step("2026-02-14", UpdateIssueAmendedPlan, AmendedPlanInput{On: date("2026-02-14"), Setting: "Hill Secondary"})
	c.step("2026-03-01", UpdateRecordMove, OnInput{On: date("2026-03-01")})
	c.step("2026-03-02", UpdateSendPlan, SendPlanInput{On: date("2026-03-02"), Authority: "Northshire County Council"})
	c.run()

	if got := recorded.got; got.NextReviewDue != date("2026-03-02") || got.ReviewTarget != date("2026-01-20") {
		t.Errorf("on recording the transfer: due %s, aimed for %s; want the law's 2026-03-02 kept, aimed for today (2026-01-20), not 2025-11-23", got.NextReviewDue, got.ReviewTarget)
	}
	if got := c.mail.Find(letters.FamilyDeadlineMissed); len(got) != 0 {
		t.Errorf("the family were told of %d missed limits; the review and the amendment were on time", len(got))
	}
}
