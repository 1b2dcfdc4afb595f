package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/workflows/assessment"
	"github.com/ehc-send/ehc/workflows/plan"
)

// After the starts, the import waits for each case and plan to take: its
// first record in the register, which its workflow writes before anything
// else. A start its workflow refused (a history whose steps each pass the
// CLI's own checks, but not in that order) never writes one: it is named,
// with the workflow's reason, and not counted as imported.

// How the import waits: the register is asked every confirmEvery; once it
// has recorded nothing new for --wait (confirmQuiet), the rest are asked of Temporal
// (at most confirmAsk of them: more than that still unrecorded means the
// worker is down or far behind, and they settle when it catches up).
const (
	confirmEvery = time.Second
	confirmQuiet = 10 * time.Second
	confirmAsk   = 200
)

// importOutcome is what became of the starts.
type importOutcome struct {
	refused []string // "case REF: the workflow's reason"
	waiting int      // started, not yet recorded, not refused
}

func confirmImport(ctx context.Context, store *register.Store, c client.Client, started []importJob, quiet time.Duration) (importOutcome, error) {
	left := started
	quietSince := time.Now()
	for len(left) > 0 && time.Since(quietSince) < quiet {
		select {
		case <-ctx.Done():
			return importOutcome{waiting: len(left)}, nil
		case <-time.After(confirmEvery):
		}
		refs := make([]string, len(left))
		for i, j := range left {
			refs[i] = j.ref
		}
		cases, plans, err := store.HeldRefs(ctx, refs)
		if err != nil {
			return importOutcome{}, fmt.Errorf("checking the imported cases took: %w", err)
		}
		var still []importJob
		for _, j := range left {
			if !(j.what == "case" && cases[strings.ToUpper(j.ref)]) && !(j.what == "plan" && plans[strings.ToUpper(j.ref)]) {
				still = append(still, j)
			}
		}
		if len(still) < len(left) {
			quietSince = time.Now()
		}
		left = still
	}
	var out importOutcome
	for i, j := range left {
		if i >= confirmAsk {
			out.waiting += len(left) - i
			break
		}
		if why, refused := refusal(ctx, c, j); refused {
			out.refused = append(out.refused, fmt.Sprintf("%s %s: refused by its workflow: %s", j.what, j.ref, why))
		} else {
			out.waiting++
		}
	}
	return out, nil
}

// refusal is the reason a job's workflow failed, if it did.
func refusal(ctx context.Context, c client.Client, j importJob) (string, bool) {
	id := assessment.WorkflowID(j.ref)
	if j.what == "plan" {
		id = plan.WorkflowID(j.ref)
	}
	d, err := c.DescribeWorkflowExecution(ctx, id, "")
	if err != nil || d.GetWorkflowExecutionInfo().GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_FAILED {
		return "", false
	}
	err = c.GetWorkflow(ctx, id, "").Get(ctx, nil)
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return app.Message(), true
	}
	if err != nil {
		return err.Error(), true
	}
	return "it failed", true
}
