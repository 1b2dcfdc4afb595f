package letters

import (
	"strings"
	"testing"

	"github.com/ehc-send/ehc/statute"
)

// What a family reads after a review: to keep the plan, when the next
// review is; to amend, their 15 days (reg 22(2)) and the 8 weeks for the
// final plan (reg 22(3)), and their rights only once the plan is final.
func TestReviewDecisionSaysWhatHappensNext(t *testing.T) {
	keep := render(t, Example(FamilyReviewDecision))
	wantAll(t, keep.Text, "keep the plan as it is", "The next review will be by Monday 15 February 2027", "First-tier Tribunal")
	n := Example(FamilyReviewDecision)
	n.Facts.Plan.Outcome = OutcomeAmend // the example's notice: Monday 2 March 2026
	amend := render(t, n)
	wantAll(t, amend.Subject, "We propose to amend your EHC plan")
	wantAll(t, amend.Text, "until Monday 16 March 2026 (at least 15 days)", "name a particular school",
		"by\nMonday 27 April 2026 (8 weeks from this notice, reg 22(3))")
	if strings.Contains(amend.Text, "First-tier Tribunal") {
		t.Errorf("a proposal to amend is not yet appealable, but the letter says it is:\n%s", amend.Text)
	}
}

// The staff are told when no exception can excuse a plan's limit, and
// not when one might (the assessment's).
func TestStaffReminderSaysWhenNoExceptionApplies(t *testing.T) {
	n := Example(StaffDeadlineApproaching)
	n.Facts.Deadline = statute.ReviewDue
	wantAll(t, render(t, n).Text, "No exception in law excuses this limit.")
	n.Facts.Deadline = statute.FinalPlanDue
	if strings.Contains(render(t, n).Text, "No exception in law") {
		t.Error("the final plan's reminder says no exception excuses it; reg 13(3) does")
	}
}

// Reassessment (reg 25): agreed, with the date of the plan; refused, with
// the reasons and the family's rights.
func TestReassessmentDecision(t *testing.T) {
	yes := render(t, Example(FamilyReassessment))
	wantAll(t, yes.Subject, "We will reassess")
	wantAll(t, yes.Text, "by Monday 1 June 2026 (14 weeks, reg 27)", "stays in force")
	n := Example(FamilyReassessment)
	n.Facts.Plan.Reassessment = nil
	no := render(t, n)
	wantAll(t, no.Subject, "we will not reassess")
	wantAll(t, no.Text, n.Facts.Reason, "First-tier Tribunal")
}

// A plan received from another authority (reg 15): whether it will be
// reassessed, and when it will be reviewed.
func TestPlanReceivedFromAnotherAuthority(t *testing.T) {
	n := Example(FamilyPlanReceived)
	n.Facts.Plan.Reassessment = nil
	wantAll(t, render(t, n).Text, "do not propose to reassess", "review the plan by Monday 15 February 2027")
}
