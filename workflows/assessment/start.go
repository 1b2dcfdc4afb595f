package assessment

import (
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/workflows/search"
)

// StartOptions starts the case's one workflow: a second start for the same
// case fails rather than joining or replacing the running one. The CLI,
// the demo, make chaos and make bench all start cases with it.
func StartOptions(in AssessmentInput, taskQueue string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                       WorkflowID(in.CaseRef),
		TaskQueue:                taskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		// A reference that ever had a case never starts another; a start
		// refused for its input (InvalidStart) may be put right and retried.
		WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			search.CaseRef.ValueSet(in.CaseRef),
			search.Stage.ValueSet(string(StageRequested)),
			search.Caseworker.ValueSet(in.Caseworker),
		),
		StaticSummary: fmt.Sprintf("EHC assessment %s, requested %s", in.CaseRef, in.Received),
		StaticDetails: TimetableDetails(in.Received),
	}
}
