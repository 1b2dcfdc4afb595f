package plan

import (
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// continuing reports whether this run should hand the plan on: a review
// has been held since the run began (once a cycle, whatever the history's
// size), Temporal suggests it, or the history is past the policy's bound.
func (p *plan) continuing(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	return p.Cycle > p.runCycle || info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() >= p.Policy.HistoryBound
}

// continueAsNew waits until no step is being handled and nothing is in
// flight, then hands the plan's State, without what is finished, to a new
// run. A step accepted meanwhile is committed first; if it ended the plan,
// there is no hand-over (nil: the plan finishes in this run).
func (p *plan) continueAsNew(ctx workflow.Context) error {
	quiet := func() bool { return workflow.AllHandlersFinished(ctx) && p.sending == 0 && p.pending.Empty() }
	for {
		if p.noticed {
			p.tellMetLate(ctx) // a step met a limit late while the run hands over: its letter is owed now
			p.flush(ctx)
		}
		if quiet() {
			break
		}
		if err := workflow.Await(ctx, func() bool { return quiet() || !p.pending.Empty() }); err != nil {
			return err
		}
		p.flush(ctx)
	}
	if p.Stage.Closed() {
		return nil
	}
	p.publish(ctx)
	st := p.carried()
	next := p.In
	next.Continued = &st
	return workflow.NewContinueAsNewError(ctx, WorkflowName, next)
}

// carried is the State the next run starts from: the limits still open
// (and the met ones of the reviews still owed, for their status), the
// reviews not yet done and the current one, and this run's steps only.
func (p *plan) carried() State {
	st := p.State
	st.Runs++
	st.In.Continued = nil
	st.In.Review = nil // applied by the first run
	st.Reviews = nil
	for _, r := range p.Reviews {
		if p.carries(r) {
			st.Reviews = append(st.Reviews, r)
		}
	}
	st.Deadlines = nil
	for _, d := range p.Deadlines {
		if d.Open() || p.keeps(d.Key) {
			st.Deadlines = append(st.Deadlines, d)
		}
	}
	if n := len(st.Steps); n > maxCarriedSteps {
		st.Steps = st.Steps[n-maxCarriedSteps:]
	}
	return st
}

// maxCarriedSteps is how many recent steps status shows across a hand-over;
// the register keeps them all.
const maxCarriedSteps = 20

// carries reports whether a review goes on to the next run: the current
// cycle's, and an earlier one held whose decision or amendment is owed (one
// never held was replaced by a reassessed plan's cycle).
func (p *plan) carries(r *Review) bool {
	return r.Cycle == p.Cycle || (!r.HeldOn.IsZero() && !r.Done())
}

// keeps reports whether a met limit belongs to a review still carried.
func (p *plan) keeps(key string) bool {
	for _, r := range p.Reviews {
		if p.carries(r) && hasCycle(key, r.Cycle) {
			return true
		}
	}
	return false
}

// resume takes the plan over from the run before: its state as it was,
// its handlers again, and no record or letter the run before made.
func resume(ctx workflow.Context, in PlanInput) (*plan, error) {
	if workflow.GetInfo(ctx).ContinuedExecutionRunID == "" {
		return nil, temporal.NewNonRetryableApplicationError("a plan's continued state is set only by the plan itself when it continues as new; start a plan without it", "InvalidStart", nil)
	}
	p := &plan{State: *in.Continued}
	p.In.Continued = nil
	p.versions(ctx)
	if err := p.listen(ctx); err != nil {
		return nil, err
	}
	p.ready, p.runCycle = true, p.Cycle
	return p, nil
}
