package commands

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// notHeld refuses a reference the register already holds. The register,
// not Temporal, is the authority: Temporal forgets a closed workflow after
// its retention period, the register never forgets a case.
func notHeld(ctx context.Context, e *Env, cfg config.Config, ref string) error {
	store, err := e.OpenRegister(ctx, cfg)
	if err != nil {
		return fmt.Errorf("cannot check the case register for %s before starting it: %w", ref, err)
	}
	defer store.Close()
	h, held, err := store.Holds(ctx, ref)
	switch {
	case err != nil:
		return fmt.Errorf("cannot check the case register for %s before starting it: %w", ref, err)
	case !held:
		return nil
	}
	return referenceUsed(h.CaseRef, assessment.Stage(h.Stage), h.Day1, h.ClosedOn)
}

// referenceUsed says how the case under a reference stands, and what to do.
func referenceUsed(ref string, stage assessment.Stage, day1, closedOn statute.Date) error {
	if closedOn.IsZero() {
		return fmt.Errorf("case %s already has an assessment running (Day 1 %s, %s); see: ehc status %s", ref, day1, stage.Title(), ref)
	}
	return fmt.Errorf("case %s ended on %s (%s); a new request for the same child needs a new reference", ref, closedOn, stage.Title())
}

// alreadyStarted explains a start Temporal refused because the workflow ID
// is running or ended: the case's own status where a worker can answer.
func alreadyStarted(ctx context.Context, c client.Client, cfg config.Config, ref string) error {
	qctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if st, err := queryStatus(qctx, c, cfg, ref); err == nil {
		return referenceUsed(ref, st.Stage, st.Day1, st.ClosedOn)
	}
	return fmt.Errorf("case %s already had an assessment (see: ehc status %s); a new request for the same child needs a new reference", ref, ref)
}

// settled waits until the case has taken its first step, so that a start
// the workflow refuses (a history that breaks a rule) is reported here,
// where the caseworker can put it right. With no worker running the case
// is left queued, and that is said.
func settled(ctx context.Context, c client.Client, cfg config.Config, ref string, run client.WorkflowRun) (queued bool, err error) {
	deadline := time.Now().Add(15 * time.Second)
	for wait := 50 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		d, err := c.DescribeWorkflowExecution(ctx, run.GetID(), run.GetRunID())
		if err != nil {
			return false, caseError(ctx, c, cfg, ref, err)
		}
		info := d.GetWorkflowExecutionInfo()
		switch info.GetStatus() {
		case enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING:
			if d.GetPendingWorkflowTask() == nil && info.GetHistoryLength() > 3 {
				// Its first task is done; the case is settled once its first
				// record is written (a reference another case holds fails it).
				if st, err := queryStatus(ctx, c, cfg, ref); err == nil && st.Settled {
					return false, nil
				}
			}
		case enumspb.WORKFLOW_EXECUTION_STATUS_FAILED:
			err := run.Get(ctx, nil)
			var appErr *temporal.ApplicationError
			if errors.As(err, &appErr) {
				return false, fmt.Errorf("case %s was not started: %s", ref, appErr.Message())
			}
			return false, fmt.Errorf("case %s was not started: %w", ref, err)
		default:
			return false, nil
		}
		if time.Now().After(deadline) {
			return true, nil
		}
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(wait):
		}
	}
}
