package assessment

import (
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// continueChange guards continuing as new: runs begun before it never do.
const continueChange = "continue-as-new"

// HistoryBound is the default history length, in events, after which a
// case continues as new at its next quiet moment even if Temporal has not
// yet suggested it (Policy.HistoryBound): a case that waits years for a
// step keeps a small history.
// A 23-week case with late advice and an exception is about 400 events.
const HistoryBound = 2000

// MaxHistoryBound is the most Policy.HistoryBound may be: well below the
// 51,200 events at which Temporal ends a workflow.
const MaxHistoryBound = 20000

// continuing reports whether this run should hand the case on: Temporal
// suggests it, or the history is past the policy's bound; the run may
// (continueChange); and no advice request is being chased, since a child
// belongs to the run that started it. While one is, the case waits for it
// to end (startAdvice wakes it then).
func (a *assessment) continuing(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	if !info.GetContinueAsNewSuggested() && info.GetCurrentHistoryLength() < a.Policy.HistoryBound {
		return false
	}
	if workflow.GetVersion(ctx, continueChange, workflow.DefaultVersion, 1) < 1 {
		return false
	}
	for _, r := range a.Advice {
		if r.child != nil && !r.ended {
			a.awaitingChildren = true
			return false
		}
	}
	return true
}

// continueAsNew waits until no step is being handled and nothing is owed
// in flight, then hands the case's State to a new run. A step accepted
// meanwhile is handled here first; its letters go before the hand-over,
// and if it closed the case, there is no hand-over (nil: finish here).
func (a *assessment) continueAsNew(ctx workflow.Context) error {
	quiet := func() bool { return workflow.AllHandlersFinished(ctx) && a.sending == 0 && a.pending.Empty() }
	for !quiet() {
		if err := workflow.Await(ctx, func() bool { return quiet() || !a.pending.Empty() }); err != nil {
			return err
		}
		a.flush(ctx)
	}
	if a.Stage.Closed() {
		return nil // a step handled meanwhile closed the case: it finishes in this run
	}
	a.publish(ctx) // the next run starts from what the UI shows
	st := a.State
	st.Runs++
	st.In.Continued = nil
	next := a.In
	next.Continued = &st
	return workflow.NewContinueAsNewError(ctx, AssessmentWorkflowName, next)
}

// resume takes the case over from the run before: its state as it was,
// every handler again, and no letter or record the run before made.
func resume(ctx workflow.Context, in AssessmentInput) (*assessment, error) {
	if workflow.GetInfo(ctx).ContinuedExecutionRunID == "" {
		return nil, temporal.NewNonRetryableApplicationError("a case's continued state is set only by the case itself when it continues as new; start a case without it", "InvalidStart", nil)
	}
	a := &assessment{State: *in.Continued}
	a.In.Continued = nil
	a.adviceCtx, a.cancelAdvice = workflow.WithCancel(ctx)
	if err := a.listen(ctx); err != nil {
		return nil, err
	}
	a.hearLostAdvice(ctx)
	a.ready = true
	return a, nil
}
