package assessment

import (
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Register puts the workflows on a worker or replayer under the names the
// CLI starts them by. The worker, the integration test and the replay test
// all use it, so none can drift from the others.
func Register(r worker.WorkflowRegistry) {
	r.RegisterWorkflowWithOptions(Assessment, workflow.RegisterOptions{Name: AssessmentWorkflowName})
	r.RegisterWorkflowWithOptions(AdviceRequest, workflow.RegisterOptions{Name: AdviceRequestWorkflowName})
}
