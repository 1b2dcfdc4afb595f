package commands

import (
	"strings"
	"testing"

	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/deadline"
	"github.com/ehc-send/ehc/workflows/dispute"
)

// While a case's disagreement over a refusal runs, its steps go there
// (ehc-REF-dispute), not to a plan the case does not have, and say what
// the disagreement now owes.
func TestDisagreementStepsGoToTheRunningDispute(t *testing.T) {
	draftDue := statute.NewDate(2026, 4, 14)
	fc := &fakeClient{status: assessing(), started: true, answer: dispute.Status{CaseRef: "EHC-1", Stage: dispute.StageOrdered,
		Deadlines: []deadline.State{{Deadline: statute.OrderDraftDue, Due: draftDue, Status: "pending", Regulation: "reg 44(2)(c)"}}}}
	code, out, errOut := runCmd(useFake(t, fc), "record-order", "EHC-1", "--kind", "make-plan", "--made", "2026-03-10")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if len(fc.updates) != 1 || fc.updates[0].WorkflowID != "ehc-EHC-1-dispute" || fc.updates[0].UpdateName != dispute.UpdateOrder {
		t.Fatalf("updates %+v; want record-order on ehc-EHC-1-dispute", fc.updates)
	}
	for _, want := range []string{"Disagreement on case EHC-1", "the draft EHC plan the tribunal ordered by Tue 14 Apr 2026", "final EHC plan the tribunal ordered by Tue 26 May 2026", "Next limit:"} {
		if !strings.Contains(out, want) {
			t.Errorf("output does not say %q:\n%s", want, out)
		}
	}
}
