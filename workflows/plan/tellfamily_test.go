package plan

import (
	"strings"
	"testing"

	"github.com/ehc-send/ehc/activities/letters"
)

// A plan imported with --tell-families: its family has one letter on entry
// with the plan's real dates (the review's report on time, its decision
// due 17 November and 16 days late, the next review by law), and then the
// letters of each step as any plan's.
func TestAnEnteredPlansFamilyToldOnceWhenAsked(t *testing.T) {
	in := input("2022-05-10", "2012-01-20")
	in.FromAssessment, in.LastReview, in.TellFamily = false, date("2024-11-04"), true
	in.Review = &PastReview{Meeting: date("2025-10-20"), NoticeOn: date("2025-10-01"), HeldOn: date("2025-10-20"), ReportOn: date("2025-10-30")}
	c := newChain(t, in, "2025-12-03")
	c.step("2025-12-04", UpdateDecideReview, DecideReviewInput{On: date("2025-12-04"), Outcome: OutcomeMaintain})
	c.step("2026-01-05", UpdateRecordMove, OnInput{On: date("2026-01-05")})
	c.step("2026-01-23", UpdateSendPlan, SendPlanInput{On: date("2026-01-23"), Authority: "Northshire County Council"})
	c.run()

	assertLines(t, "letters", c.mail.Sorted(), []string{
		"2025-12-03 family.plan_entered family",
		"2025-12-03 staff.plan_entered caseworker,manager",
		"2025-12-04 family.review_decision family",
		"2026-01-12 staff.deadline_approaching caseworker,manager",
		"2026-01-19 staff.deadline_approaching caseworker,manager",
		"2026-01-23 family.plan_transferred family",
	})
	told := c.mail.Find(letters.FamilyPlanEntered)
	if len(told) != 1 {
		t.Fatalf("%d entry letters to the family; want 1", len(told))
	}
	for _, want := range []string{"review meeting's report: due by Monday 3 November 2025; done on Thursday 30 October 2025.",
		"after its review: due by Monday 17 November 2025; not yet done, 16 days late.",
		"The next review will be by Monday 19 October 2026.", "Where we are late, we are sorry. We are putting it right"} {
		if !strings.Contains(told[0].Text, want) {
			t.Errorf("the family's letter does not say %q:\n%s", want, told[0].Text)
		}
	}
}

// The authority's aim for an under-5's review (CoP 9.178), passed before
// the plan was entered, is the staff's to chase: the family's letter gives
// the law's limit and no aim, and does not list the aim as a limit late.
func TestAnEnteredPlansFamilyIsNotToldTheAimAsALimit(t *testing.T) {
	in := input("2024-05-10", "2022-01-20")
	in.FromAssessment, in.LastReview, in.TellFamily = false, date("2025-05-01"), true
	c := newChain(t, in, "2025-12-03")
	c.step("2025-12-04", UpdateRecordMove, OnInput{On: date("2025-12-04")})
	c.step("2025-12-10", UpdateSendPlan, SendPlanInput{On: date("2025-12-10"), Authority: "Northshire County Council"})
	c.run()
	family, staff := c.mail.Find(letters.FamilyPlanEntered), c.mail.Find(letters.StaffPlanEntered)
	if len(family) != 1 || len(staff) != 1 {
		t.Fatalf("%d family and %d staff entry letters; want 1 each", len(family), len(staff))
	}
	bullets := func(s string) int { return strings.Count(s, "\n- ") }
	if bullets(family[0].Text) != bullets(staff[0].Text)-1 || !strings.Contains(family[0].Text, "The next review will be by Thursday 30 April 2026.") ||
		strings.Contains(family[0].Text, "late") || strings.Contains(family[0].Text, "31 October 2025") ||
		!strings.Contains(staff[0].Text, "The family has been sent one letter saying where the plan stands.") {
		t.Errorf("the family's letter:\n%s\nthe staff's:\n%s", family[0].Text, staff[0].Text)
	}
}
