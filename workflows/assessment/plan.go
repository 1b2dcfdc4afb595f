package assessment

import (
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/workflows/plan"
)

// planChange guards the plan in force: a case whose final plan is issued
// starts the plan's own workflow (workflows/plan), which keeps its annual
// reviews from then on. Cases that closed before it did not.
const planChange = "plan-in-force"

// startPlan starts the plan in force for a case whose final plan was
// issued: a workflow of its own (its ID the case reference's, "-plan"),
// abandoned rather than ended when the case closes, since the plan
// outlives the assessment by years. It waits only until the plan has
// started. A plan that cannot start is recorded on the case, so the
// register's reports show it and a caseworker can start it (ehc start-plan).
func (a *assessment) startPlan(ctx workflow.Context) {
	if a.Stage != StageFinalPlanIssued || a.dryRun {
		return
	}
	if workflow.GetVersion(ctx, planChange, workflow.DefaultVersion, 1) < 1 {
		return
	}
	if a.In.Child.DateOfBirth.IsZero() {
		a.planNotStarted(ctx, "the case has no date of birth, which the plan's phase transfers need: start it with ehc start-plan")
		return
	}
	policy := a.Policy.Plan
	policy.Schedule = a.Policy.Schedule
	in := plan.PlanInput{
		CaseRef: a.In.CaseRef, Caseworker: a.In.Caseworker, CaseworkerEmail: a.In.CaseworkerEmail,
		Manager: plan.Contact(a.In.Manager), Family: plan.Contact(a.In.Family), ChildDOB: a.In.Child.DateOfBirth,
		PlanMade: a.ClosedOn, NamedSetting: a.NamedSchool, FromAssessment: true, Policy: policy, Clock: a.In.Clock,
	}
	opts := workflow.ChildWorkflowOptions{
		WorkflowID:        plan.WorkflowID(a.In.CaseRef),
		ParentClosePolicy: enums.PARENT_CLOSE_POLICY_ABANDON,
		StaticSummary:     "the plan in force for case " + a.In.CaseRef,
	}
	f := workflow.ExecuteChildWorkflow(workflow.WithChildOptions(ctx, opts), plan.WorkflowName, in)
	if err := f.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
		a.planNotStarted(ctx, "the plan's workflow did not start: "+err.Error())
	}
}

// planNotStarted records on the case why its plan is not yet kept.
func (a *assessment) planNotStarted(ctx workflow.Context, reason string) {
	workflow.GetLogger(ctx).Warn("plan in force not started", "case_ref", a.In.CaseRef, "reason", reason)
	a.record(ctx, caserecord.KindStep, "plan-not-started", a.ClosedOn, map[string]any{"reason": reason})
	a.flush(ctx)
}
