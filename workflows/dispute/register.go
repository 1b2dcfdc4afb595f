package dispute

import (
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Register adds the disagreement's workflow to a worker.
func Register(r worker.WorkflowRegistry) {
	r.RegisterWorkflowWithOptions(Dispute, workflow.RegisterOptions{Name: WorkflowName})
}
