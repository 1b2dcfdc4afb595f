package plan

import (
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Register puts the plan's workflow on a worker or replayer under the name
// the CLI and the assessment start it by.
func Register(r worker.WorkflowRegistry) {
	r.RegisterWorkflowWithOptions(Plan, workflow.RegisterOptions{Name: WorkflowName})
}
