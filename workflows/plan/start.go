package plan

import (
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/workflows/search"
)

// StartOptions are how the CLI starts a plan entered after the fact: one
// plan per reference, its search attributes set from the start. (The
// assessment starts the plans it issues as its child, with the same ID.)
func StartOptions(in PlanInput, taskQueue string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                       WorkflowID(in.CaseRef),
		TaskQueue:                taskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		// A start refused for its input may be put right and retried.
		WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			search.CaseRef.ValueSet(in.CaseRef),
			search.Stage.ValueSet(string(StageInForce)),
			search.Caseworker.ValueSet(in.Caseworker),
		),
		StaticSummary: fmt.Sprintf("EHC plan %s, made %s", in.CaseRef, in.PlanMade),
	}
}
