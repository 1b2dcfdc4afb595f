package plan

import (
	"fmt"

	"go.temporal.io/sdk/client"

	"github.com/ehc-send/ehc/workflows/search"
)

// StartOptions are how the CLI starts a plan entered after the fact: one
// plan per reference (search.StartOptions). The assessment starts the
// plans it issues as its child, under the same ID.
func StartOptions(in PlanInput, taskQueue string) client.StartWorkflowOptions {
	o := search.StartOptions(WorkflowID(in.CaseRef), taskQueue, in.CaseRef, string(StageInForce), in.Caseworker)
	o.StaticSummary = fmt.Sprintf("EHC plan %s, made %s", in.CaseRef, in.PlanMade)
	return o
}
