package plan

import (
	"encoding/json"
	"testing"
)

// A plan kept from age 2 to 6 by its reviews alone: a review aimed for
// every 6 months while the child is under 5 (the authority's interval, CoP
// 9.178) beside the law's 12, then every 12, the move to school reviewed
// in time, each review handing the plan to a new run whose carried state
// does not grow.
func TestAPlanKeptForYearsStaysSmall(t *testing.T) {
	in := input("2021-09-06", "2019-06-15") // reception September 2023: amend by 15 February 2023
	c := newChain(t, in, "2021-09-06")
	held := []string{"2022-03-01", "2022-08-10", "2022-11-15", "2023-05-04", "2023-10-30", "2024-04-22", "2024-10-14", "2025-10-06"}
	for i, on := range held {
		c.step(on, UpdateHoldReview, OnInput{On: date(on)})
		decided := date(on).AddDays(10).String()
		c.step(decided, UpdateRecordReviewReport, OnInput{On: date(decided)})
		if i == 2 { // the transfer review: amend to name the school
			c.step(decided, UpdateDecideReview, DecideReviewInput{On: date(decided), Outcome: OutcomeAmend})
			c.step("2023-01-16", UpdateIssueAmendedPlan, AmendedPlanInput{On: date("2023-01-16"), Setting: "Oak Primary"})
			continue
		}
		c.step(decided, UpdateDecideReview, DecideReviewInput{On: date(decided), Outcome: OutcomeMaintain})
	}
	due := []*look{}
	for _, on := range held {
		due = append(due, c.status(date(on).AddDays(1).String()))
	}
	c.step("2026-03-02", UpdateRecordMove, OnInput{On: date("2026-03-02")})
	c.step("2026-03-10", UpdateSendPlan, SendPlanInput{On: date("2026-03-10"), Authority: "Northshire County Council"})
	c.run()

	want := []struct{ due, target string }{ // the law's 12 months; the authority's aim
		{"2023-02-28", "2022-08-31"}, // 6 months starting with 1 March 2022 (under 5)
		{"2023-08-09", "2022-11-23"}, // 84 days before 15 February 2023, not 6 months on: the transfer review
		{"2023-11-14", "2023-05-14"}, // 6 months starting with 15 November 2022
		{"2024-05-03", "2023-11-03"},
		{"2024-10-29", "2024-04-29"},
		{"2025-04-21", "2024-10-21"}, // still 6: the period starts before the fifth birthday (15 June 2024)
		{"2025-10-13", ""},           // 12 months from here on, and no earlier aim
		{"2026-10-05", ""},
	}
	var sizes []int
	for i, l := range due {
		if got, target := l.got.NextReviewDue.String(), l.got.ReviewTarget; got != want[i].due || (target.IsZero() != (want[i].target == "")) || !target.IsZero() && target.String() != want[i].target {
			t.Errorf("after the review held %s: next review due %s, aimed for %s; want %s, aimed for %q", held[i], got, target, want[i].due, want[i].target)
		}
		b, _ := json.Marshal(l.got)
		sizes = append(sizes, len(b))
	}
	if c.runs != len(held)+1 {
		t.Errorf("%d runs for %d reviews; want a new run after each", c.runs, len(held))
	}
	if first, last := sizes[1], sizes[len(sizes)-1]; last > first*3/2 {
		t.Errorf("the plan's status grew from %d to %d bytes over %d reviews: %v", first, last, len(held), sizes)
	}
	if first, last := c.carried[1], c.carried[len(c.carried)-1]; last > first*3/2 {
		t.Errorf("the state handed over grew from %d to %d bytes over %d reviews: %v", first, last, len(held), c.carried)
	}
	t.Logf("status bytes after each review %v; state carried at each hand-over %v", sizes, c.carried)
	if tw := c.mail.Twice(); len(tw) > 0 {
		t.Errorf("letters sent twice: %v", tw)
	}
}
