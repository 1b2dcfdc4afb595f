package assessment

import (
	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/workflows/commit"
)

// stepActivityChange guards one activity per step: a step's register
// events and its letters go together to CommitStep, which writes them in one
// transaction and then sends the letters, where runs begun before it
// scheduled a RecordEvent for each event and a Notify for each letter (two
// or three activities a step, and one an alarm: most of a case's cost).
const stepActivityChange = "one-activity-per-step"

// flush commits what is pending, with one activity. Every place that
// records or sends calls it when it is done: an update's handler, a pass of
// the main loop, a lost letter's handling. The activity is scheduled from
// the coroutine that produced the step, as a Notify was before, so a replay
// schedules it at the same point in the same workflow task.
func (a *assessment) flush(ctx workflow.Context) {
	if a.Batched && !a.pending.Empty() {
		a.commit(ctx, a.takeStep(ctx))
	}
}

// takeStep empties the pending step. Its last event carries the case's
// snapshot as it now stands, the others only their place in the case.
func (a *assessment) takeStep(ctx workflow.Context) letters.Step {
	s := a.pending.Take()
	if n := len(s.Events); n > 0 {
		s.Events[n-1].Case = a.snapshot(ctx)
	}
	return s
}

// commit schedules CommitStep without waiting for it, and makes each letter
// it could not send loud on the case.
func (a *assessment) commit(ctx workflow.Context, s letters.Step) {
	commit.Start(ctx, s, &a.sending, func(ctx workflow.Context, n letters.Notification, reason string) {
		a.problem(ctx, DeliveryProblem{Key: n.Key, Template: n.Template, To: commit.Roles(n), On: n.On, Error: reason})
	}, nil)
}
