package assessment

import (
	"fmt"

	"go.temporal.io/sdk/client"

	"github.com/ehc-send/ehc/workflows/search"
)

// StartOptions starts the case's one workflow: a second start for the same
// case fails rather than joining or replacing the running one, and a
// reference that ever had a case never starts another (search.StartOptions).
// The CLI, the demo, make chaos and make bench all start cases with it.
func StartOptions(in AssessmentInput, taskQueue string) client.StartWorkflowOptions {
	o := search.StartOptions(WorkflowID(in.CaseRef), taskQueue, in.CaseRef, string(StageRequested), in.Caseworker)
	o.StaticSummary = fmt.Sprintf("EHC assessment %s, requested %s", in.CaseRef, in.Received)
	o.StaticDetails = TimetableDetails(in.Received)
	return o
}
