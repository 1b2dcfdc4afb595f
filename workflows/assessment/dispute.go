package assessment

import (
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/dispute"
)

// disputeChange guards the case's disagreement: a case closed by a refusal
// to assess or a decision not to issue starts a workflow of its own that
// keeps the family's rights and any mediation, appeal and tribunal order
// (workflows/dispute). Cases that closed before it did not.
const disputeChange = "dispute-on-refusal"

// noticed records the day the family's notice of a closing decision is
// dated: today, as its letter goes now, or the day recorded for a step
// applied from a history (which sends none). Their rights run from it.
func (a *assessment) noticed(ctx workflow.Context, on statute.Date) {
	a.NoticeOn = on
	if !a.entering {
		a.NoticeOn = a.today(ctx)
	}
}

// startDispute starts the disagreement for a case closed by a decision the
// family may appeal without a plan (CFA s.51(2)(a)-(b)), abandoned rather
// than ended with the case, as it outlives it. It waits only until the
// workflow has started; one that cannot start is recorded on the case.
func (a *assessment) startDispute(ctx workflow.Context) {
	decision, ok := appealable[a.Stage]
	if !ok || a.Stage == StageFinalPlanIssued || a.dryRun {
		return // the final plan's contents are the plan in force's to dispute
	}
	if workflow.GetVersion(ctx, disputeChange, workflow.DefaultVersion, 1) < 1 {
		return
	}
	policy := a.Policy.Dispute
	policy.Schedule = a.Policy.Schedule
	notice := a.NoticeOn
	if notice.IsZero() {
		notice = a.ClosedOn
	}
	in := dispute.DisputeInput{
		CaseRef: a.In.CaseRef, Decision: decision, Notice: notice, Caseworker: a.In.Caseworker, CaseworkerEmail: a.In.CaseworkerEmail,
		Manager: dispute.Contact(a.In.Manager), Family: dispute.Contact(a.In.Family), Policy: policy, Clock: a.In.Clock,
	}
	opts := workflow.ChildWorkflowOptions{
		WorkflowID:        dispute.WorkflowID(a.In.CaseRef),
		ParentClosePolicy: enums.PARENT_CLOSE_POLICY_ABANDON,
		StaticSummary:     "the family's time to dispute the decision on case " + a.In.CaseRef,
	}
	f := workflow.ExecuteChildWorkflow(workflow.WithChildOptions(ctx, opts), dispute.WorkflowName, in)
	if err := f.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("disagreement not started", "case_ref", a.In.CaseRef, "error", err)
		a.record(ctx, caserecord.KindStep, "dispute-not-started", a.ClosedOn, map[string]any{"reason": err.Error()})
		a.flush(ctx)
	}
}
