package assessment

import (
	"testing"

	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/dispute"
)

// A refusal recorded on 20 February as of 10 February starts the family's
// disagreement, their rights running from the letter of 20 February; a
// case that issues its plan starts none (the plan's contents are the plan's
// to dispute).
func TestARefusalStartsTheFamilysDisagreement(t *testing.T) {
	h := newHarness(t, "2026-01-05")
	end := h.step("2026-02-20", UpdateDecideAssess, DecideAssessInput{On: date("2026-02-10"), Reason: "needs met from the school's own resources"})
	h.run()
	if len(*h.disputes) != 1 {
		t.Fatalf("%d disagreements started; want one", len(*h.disputes))
	}
	in := (*h.disputes)[0]
	if in.CaseRef != "EHC-0001" || in.Decision != statute.AppealRefusalToAssess || in.Notice != date("2026-02-20") ||
		in.Family.Email != "sam@example.org" || in.Policy.Schedule.EscalationEvery == 0 {
		t.Errorf("started with %+v; want the refusal to assess, notified 2026-02-20, the family's contact and the case's schedule", in)
	}
	if r := end.Rights; r == nil || r.Notice != date("2026-02-20") || r.AppealBy != date("2026-04-20") {
		t.Errorf("the case's rights %+v; want from the letter of 2026-02-20, the appeal by 2026-04-20", r)
	}
	if id := dispute.WorkflowID("EHC-0001"); id != "ehc-EHC-0001-dispute" {
		t.Errorf("workflow ID %s", id)
	}
}
