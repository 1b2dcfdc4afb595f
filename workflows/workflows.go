// Package workflows is every statutory process the worker runs, each in a
// package of its own around the shared deadline engine (deadline/):
// assessment/ is the EHC needs assessment and its advice requests; plan/
// the plan in force it issues, with its reviews; dispute/ a family's
// disagreement with a decision that closed their case; search/
// the search attributes they all set. Register puts them all on a worker.
package workflows

import (
	"go.temporal.io/sdk/worker"

	"github.com/ehc-send/ehc/workflows/assessment"
	"github.com/ehc-send/ehc/workflows/dispute"
	"github.com/ehc-send/ehc/workflows/plan"
)

// Register puts every process's workflows on a worker or replayer under the
// names they are started by. The worker, the integration test and the
// replay test all use it, so none can drift from the others.
func Register(r worker.WorkflowRegistry) {
	assessment.Register(r)
	plan.Register(r)
	dispute.Register(r)
}
