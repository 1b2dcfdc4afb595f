package plan

import (
	"strings"
	"testing"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
)

// A plan received from another authority: the family told within 6 weeks
// that it will be reassessed (reg 15), the first review due 3 months after
// the move because that is later than 12 months from the last review, and
// the reassessment's plan within 14 weeks (reg 27) restarting the cycle.
// Steps the law does not allow are refused and change nothing.
func TestAPlanTransferredInAndReassessed(t *testing.T) {
	in := input("2023-01-09", "2014-02-02")
	in.FromAssessment = false
	in.LastReview, in.TransferredIn = date("2025-03-10"), date("2026-02-16")
	c := newChain(t, in, "2026-02-16")
	entered := c.status("2026-02-16")
	notDecided := c.refuse("2026-02-20", UpdateIssueReassessedPlan, AmendedPlanInput{On: date("2026-02-20")})
	future := c.refuse("2026-02-20", UpdateTellAfterTransferIn, TransferInNoticeInput{On: date("2026-03-20"), Reassess: true})
	c.step("2026-03-23", UpdateTellAfterTransferIn, TransferInNoticeInput{On: date("2026-03-23"), Reassess: true})
	twice := c.refuse("2026-03-24", UpdateTellAfterTransferIn, TransferInNoticeInput{On: date("2026-03-24")})
	c.step("2026-06-15", UpdateIssueReassessedPlan, AmendedPlanInput{On: date("2026-06-15"), Setting: "Hill Secondary"})
	reassessed := c.status("2026-06-16")
	noGround := c.refuse("2026-07-01", UpdateCeasePlan, CeaseInput{On: date("2026-07-01"), Ground: "moved_away", ConsultedOn: date("2026-06-20"), Reason: "x"})
	c.step("2026-07-01", UpdateCeasePlan, CeaseInput{On: date("2026-07-01"), Ground: statute.CeaseNoLongerNecessary, ConsultedOn: date("2026-06-20"), Reason: "Needs met."})
	c.step("2026-08-20", UpdateCeasingAppealed, OnInput{On: date("2026-08-20")})
	c.step("2026-09-01", UpdateResponse, OnInput{On: date("2026-09-01")}) // the authority's response to the appeal, in time
	held := c.status("2026-09-15")                                        // past the end of the time to appeal: kept while the appeal is heard
	c.step("2026-11-02", UpdateCeasingAppealEnded, AppealDecidedInput{On: date("2026-11-02")})
	res := c.run()

	if got := entered.got; got.NextReviewDue != date("2026-05-15") {
		t.Errorf("first review due %s; want 2026-05-15, 3 months starting with the move (later than 2026-03-09)", got.NextReviewDue)
	}
	for name, r := range map[string]*refusal{"a plan before the decision": notDecided, "a future date": future, "telling twice": twice, "an unknown ground": noGround} {
		if r.err == nil {
			t.Errorf("%s was accepted", name)
		}
	}
	if noGround.err != nil && !strings.Contains(noGround.err.Error(), "moved_away") {
		t.Errorf("the refusal does not name the ground: %v", noGround.err)
	}
	if got := reassessed.got; got.NextReviewDue != date("2027-06-14") || got.NamedSetting != "Hill Secondary" {
		t.Errorf("after the reassessed plan: next review %s, setting %q; want 2027-06-14 and Hill Secondary", got.NextReviewDue, got.NamedSetting)
	}
	if got := held.got; got.Stage != StageCeasing {
		t.Errorf("with an appeal lodged the plan is %s on 15 September; want still ceasing, kept", got.Stage)
	}
	if res.Stage != StageCeased || res.EndedOn != date("2026-11-02") {
		t.Errorf("ended %s on %s; want ceased the day the appeal was dismissed", res.Stage, res.EndedOn)
	}
	assertLines(t, "letters", c.mail.Sorted(), []string{
		"2026-02-16 staff.plan_entered caseworker,manager",
		"2026-03-16 staff.deadline_approaching caseworker,manager", // the notice due 30 March, 14 days on
		"2026-03-23 family.plan_received family",
		"2026-03-23 staff.deadline_approaching caseworker,manager",
		"2026-05-01 staff.deadline_approaching caseworker,manager", // the review due 15 May
		"2026-05-08 staff.deadline_approaching caseworker,manager",
		"2026-05-16 family.deadline_missed family", // the review, missed: a reassessment does not excuse it
		"2026-05-16 staff.deadline_missed caseworker,manager",
		"2026-05-23 staff.deadline_missed caseworker,manager", // weekly while the review is missed
		"2026-05-30 staff.deadline_missed caseworker,manager",
		"2026-06-06 staff.deadline_missed caseworker,manager",
		"2026-06-13 staff.deadline_missed caseworker,manager",
		"2026-06-15 family.amended_plan family",                    // the reassessed plan: its own 12 months replace the missed review
		"2026-06-15 staff.deadline_approaching caseworker,manager", // that morning: the plan due 29 June (14 weeks from 23 March)
		"2026-07-01 family.plan_ceasing family",
	})
}

// A reassessment has the assessment's exceptions (reg 25, 27): one
// recorded does not stop the clock, and the family's letter when the
// limit is missed names it. The annual review has none, and its exception
// is refused.
func TestReassessmentException(t *testing.T) {
	c := newChain(t, input("2025-03-03", "2015-10-10"), "2025-03-03")
	c.step("2025-04-01", UpdateRequestReassessment, ReassessmentRequestInput{On: date("2025-04-01"), From: FromSchool})
	c.step("2025-04-10", UpdateDecideReassess, DecideReassessInput{On: date("2025-04-10"), Reassess: true}) // plan due 17 July
	review := c.refuse("2025-05-01", UpdateRecordException, ExceptionInput{On: date("2025-05-01"), Ground: statute.ExceptionPersonal, Deadline: statute.ReviewDue})
	c.step("2025-05-01", UpdateRecordException, ExceptionInput{On: date("2025-05-01"), Ground: statute.ExceptionPersonal, Deadline: statute.ReassessFinalPlanDue})
	c.step("2025-07-25", UpdateIssueReassessedPlan, AmendedPlanInput{On: date("2025-07-25")})
	c.step("2025-08-01", UpdateCeasePlan, CeaseInput{On: date("2025-08-01"), Ground: statute.CeaseNoLongerNecessary, ConsultedOn: date("2025-07-28"), Reason: "r"})
	c.run()
	if review.err == nil || !strings.Contains(review.err.Error(), "have none") {
		t.Errorf("an exception to the annual review: %v", review.err)
	}
	missed := c.mail.Find(letters.FamilyDeadlineMissed)
	if len(missed) != 1 || missed[0].On != date("2025-07-18") || !strings.Contains(missed[0].Text, "reg 13(3)(c): exceptional personal circumstances") {
		t.Fatalf("the family's letter when the reassessment's plan was late: %d letters %v", len(missed), missed)
	}
}

// A review missed: the family's letter says a date will follow, and when
// the caseworker records one the family is told it at once. Ceasing the
// plan after the review is the review's decision (reg 20(10)).
func TestExpectedDateAfterAMissedReview(t *testing.T) {
	c := newChain(t, input("2025-03-03", "2015-10-10"), "2025-03-03")
	c.step("2026-03-10", UpdateExpect, ExpectInput{On: date("2026-03-10"), Deadline: statute.ReviewDue, By: date("2026-03-20")})
	bad := c.refuse("2026-03-11", UpdateExpect, ExpectInput{On: date("2026-03-11"), Deadline: statute.FinalAmendedPlanDue, By: date("2026-03-20")})
	c.step("2026-03-20", UpdateHoldReview, OnInput{On: date("2026-03-20")})
	c.step("2026-03-21", UpdateCeasePlan, CeaseInput{On: date("2026-03-21"), Ground: statute.CeaseNoLongerNecessary, ConsultedOn: date("2026-03-15"), Reason: "r"})
	c.run()
	if bad.err == nil {
		t.Error("an expected date for a limit not open was accepted")
	}
	for _, m := range c.mail.Find(letters.FamilyDeadlineMissed) {
		if strings.Contains(m.Key, "review_decision_due") {
			t.Errorf("the family was told the review's decision is late after the decision to cease: %s", m.On)
		}
	}
	var missed []letters.Message
	for _, m := range c.mail.Find(letters.FamilyDeadlineMissed) {
		if strings.Contains(m.Key, "/review_due/") {
			missed = append(missed, m)
		}
	}
	if len(missed) != 2 || missed[0].On != date("2026-03-03") || missed[1].On != date("2026-03-10") ||
		!strings.Contains(missed[0].Text, "We will tell you the date") || !strings.Contains(missed[1].Text, "by Friday 20 March 2026") {
		for _, m := range missed {
			t.Logf("%s %s: %s", m.On, m.Key, m.Subject)
		}
		t.Fatalf("the family's letters about the missed review: %d", len(missed))
	}
}

// A decision the family may appeal leaves their dates in the plan's
// status: an amended plan's contents, then the decision to cease.
func TestAppealableDecisionsLeaveTheFamilysDates(t *testing.T) {
	c := newChain(t, input("2025-03-03", "2015-10-10"), "2025-03-03")
	c.step("2026-02-20", UpdateHoldReview, OnInput{On: date("2026-02-20")})
	c.step("2026-03-03", UpdateDecideReview, DecideReviewInput{On: date("2026-03-03"), Outcome: OutcomeAmend})
	c.step("2026-03-30", UpdateIssueAmendedPlan, AmendedPlanInput{On: date("2026-03-30")})
	amended := c.status("2026-03-31")
	c.step("2026-06-01", UpdateCeasePlan, CeaseInput{On: date("2026-06-01"), Ground: statute.CeaseNoLongerNecessary, ConsultedOn: date("2026-05-14"), Reason: "r"})
	ceasing := c.status("2026-06-02")
	c.run()
	if r := amended.got.Rights; r == nil || r.Decision != statute.AppealPlanContents || r.AppealBy != date("2026-05-30") {
		t.Errorf("after the amended plan: %+v; want the plan's contents appealable until 2026-05-30", r)
	}
	if r := ceasing.got.Rights; r == nil || r.Decision != statute.AppealCease || r.AppealBy != date("2026-08-01") {
		t.Errorf("after the decision to cease: %+v; want it appealable until 2026-08-01", r)
	}
}
