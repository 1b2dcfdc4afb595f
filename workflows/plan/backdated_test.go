package plan

import (
	"strings"
	"testing"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
)

// A decision to cease recorded seven weeks after it was taken: the family's
// letter goes today, so their 2 months to appeal run from today and the
// plan is kept until they end, not until 2 months after the day recorded.
func TestABackDatedCeasingKeepsTheFamilysTime(t *testing.T) {
	c := newChain(t, input("2025-03-03", "2008-01-10"), "2025-03-03")
	c.step("2026-06-20", UpdateCeasePlan, CeaseInput{On: date("2026-05-01"), Ground: statute.CeaseNoLongerNecessary,
		ConsultedOn: date("2026-04-20"), Reason: "The college meets the needs from its own resources."})
	ceasing := c.status("2026-06-21")
	res := c.run()

	if res.Stage != StageCeased || res.EndedOn != date("2026-08-21") {
		t.Errorf("ended %s on %s; want ceased on 2026-08-21, the day after 2 months from the letter of 20 June (not 2026-07-02, from 1 May)", res.Stage, res.EndedOn)
	}
	if r := ceasing.got.Rights; r == nil || r.AppealBy != date("2026-08-20") || r.Notice != date("2026-06-20") {
		t.Errorf("the family's rights %+v; want the notice of 20 June and the appeal by 2026-08-20", r)
	}
	got := c.mail.Find(letters.FamilyPlanCeasing)
	if len(got) != 1 || got[0].On != date("2026-06-20") || !strings.Contains(got[0].Text, "21 August 2026") {
		t.Fatalf("the ceasing letter: %d, want one dated 2026-06-20 that says the plan ends on 21 August 2026", len(got))
	}
}

// A decision to amend recorded 17 days after it was taken: the proposed
// amendments go with today's letter, so the family have 15 days from it,
// and the 15th is still theirs (reg 22(2)). The final amended plan is
// refused on it and accepted the day after.
func TestABackDatedAmendmentNoticeGivesTheFamilyFifteenDays(t *testing.T) {
	c := newChain(t, input("2025-03-03", "2008-01-10"), "2025-03-03")
	c.step("2026-02-20", UpdateHoldReview, OnInput{On: date("2026-02-20")})
	c.step("2026-03-02", UpdateRecordReviewReport, OnInput{On: date("2026-03-02")})
	c.step("2026-03-10", UpdateRecordMove, OnInput{On: date("2026-03-10")}) // the family move: the plan ends when it is sent on
	c.step("2026-03-20", UpdateDecideReview, DecideReviewInput{On: date("2026-03-03"), Outcome: OutcomeAmend})
	decided := c.status("2026-03-21")
	fifteenth := c.refuse("2026-04-03", UpdateIssueAmendedPlan, AmendedPlanInput{On: date("2026-04-03")})
	c.step("2026-04-04", UpdateIssueAmendedPlan, AmendedPlanInput{On: date("2026-04-04")})
	c.step("2026-04-10", UpdateSendPlan, SendPlanInput{On: date("2026-04-10"), Authority: "Northshire County Council"})
	c.run()

	tt := decided.got.Review.Timetable
	if tt.AmendmentNotice != date("2026-03-20") || tt.AmendmentCommentsEnd != date("2026-04-03") || tt.FinalAmendedPlanDue != date("2026-05-15") {
		t.Errorf("the amendment's timetable %+v; want the notice of 20 March, comments to 3 April, the final plan by 15 May", tt)
	}
	if fifteenth.err == nil || !strings.Contains(fifteenth.err.Error(), "2026-04-03") {
		t.Errorf("the amended plan on the family's 15th day: %v; want it refused, naming their last day", fifteenth.err)
	}
	if got := c.mail.Find(letters.FamilyReviewDecision); len(got) != 1 || !strings.Contains(got[0].Text, "3 April 2026") {
		t.Errorf("the decision letter does not give the family until 3 April 2026")
	}
}
