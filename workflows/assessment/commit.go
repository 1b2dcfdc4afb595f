package assessment

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register/caserecord"
)

// stepActivityChange guards one activity per step: a step's register
// events and its letters go together to CommitStep, which writes them in one
// transaction and then sends the letters, where runs begun before it
// scheduled a RecordEvent for each event and a Notify for each letter (two
// or three activities a step, and one an alarm: most of a case's cost).
const stepActivityChange = "one-activity-per-step"

// pendingStep is what the case's goroutines have recorded and owe since the
// last flush: one step, or the alarms of one pass.
type pendingStep struct {
	events  []caserecord.Event
	letters []letters.Notification
}

func (p *pendingStep) empty() bool { return len(p.events) == 0 && len(p.letters) == 0 }

// flush commits what is pending, with one activity. Every place that
// records or sends calls it when it is done: an update's handler, a pass of
// the main loop, a lost letter's handling. The activity is scheduled from
// the coroutine that produced the step, as a Notify was before, so a replay
// schedules it at the same point in the same workflow task.
func (a *assessment) flush(ctx workflow.Context) {
	if a.Batched && !a.pending.empty() {
		a.commit(ctx, a.takeStep(ctx))
	}
}

// takeStep empties the pending step. Its last event carries the case's
// snapshot as it now stands, the others only their place in the case.
func (a *assessment) takeStep(ctx workflow.Context) letters.Step {
	s := letters.Step{Events: a.pending.events, Letters: a.pending.letters}
	a.pending = pendingStep{}
	if n := len(s.Events); n > 0 {
		s.Events[n-1].Case = a.snapshot(ctx)
	}
	return s
}

// commit schedules CommitStep without waiting for it, and makes each letter
// it could not send loud on the case.
func (a *assessment) commit(ctx workflow.Context, s letters.Step) {
	opts := activityOptions
	opts.Summary = stepSummary(s)
	f := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, opts), letters.ActivityCommitStep, s)
	a.sending++
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() { a.sending-- }()
		var res letters.StepResult
		err := f.Get(ctx, &res)
		if err != nil {
			workflow.GetLogger(ctx).Warn("step not committed after its retries", "summary", opts.Summary, "error", err)
			res.Lost = unsentAtLast(s, err)
		}
		for _, l := range res.Lost {
			for _, n := range s.Letters {
				if n.Key == l.Key {
					a.problem(ctx, DeliveryProblem{Key: n.Key, Template: n.Template, To: rolesOf(n), On: n.On, Error: l.Reason})
				}
			}
		}
	})
}

// unsentAtLast is which of a step's letters a CommitStep that ran out of
// retries left unsent, and those already lost for good: as its last attempt
// named them; or, when the last attempt was cut short (a timeout), every
// letter but those its heartbeats said were sent. The relay still sends
// those whose outbox row was written.
func unsentAtLast(s letters.Step, err error) []letters.LostLetter {
	reason := "it could not be sent after a day of retries"
	var keys, sent []string
	var lost []letters.LostLetter
	var appErr *temporal.ApplicationError
	var timeout *temporal.TimeoutError
	switch {
	case errors.As(err, &appErr) && appErr.Type() == letters.LettersUnsent && appErr.HasDetails():
		_ = appErr.Details(&keys, &lost)
	case errors.As(err, &timeout) && timeout.HasLastHeartbeatDetails():
		_ = timeout.LastHeartbeatDetails(&sent)
	case errors.As(err, &appErr) && appErr.Message() != "":
		reason = appErr.Message()
	}
	if keys == nil {
		for _, n := range s.Letters {
			if !slices.Contains(sent, n.Key) && !slices.ContainsFunc(lost, func(l letters.LostLetter) bool { return l.Key == n.Key }) {
				keys = append(keys, n.Key)
			}
		}
	}
	for _, k := range keys {
		lost = append(lost, letters.LostLetter{Key: k, Reason: reason})
	}
	return lost
}

func rolesOf(n letters.Notification) letters.Roles {
	var to letters.Roles
	for _, r := range n.To {
		to = append(to, r.Role)
	}
	return to
}

// stepSummary names, for the UI, what one CommitStep writes and sends: the
// events and the templates, never a person.
func stepSummary(s letters.Step) string {
	var parts []string
	for _, e := range s.Events {
		parts = append(parts, e.Kind+" "+e.Name)
	}
	for _, n := range s.Letters {
		parts = append(parts, fmt.Sprintf("notify %s: %s", n.To[0].Role, n.Template))
	}
	return "step: " + strings.Join(parts, "; ")
}
