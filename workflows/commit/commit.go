// Package commit is how every statutory process leaves what a step did:
// its register events and its letters go to one CommitStep activity, which
// writes them in one transaction and then sends the letters. A letter no
// retry can send comes back to the process by key, to be made loud on the
// case. The assessment and the plan in force both use it.
package commit

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register/caserecord"
)

// Options let a step's record and letters retry for a day: an outage must
// not lose a statutory notice or record, but must not hold the case either.
var Options = workflow.ActivityOptions{
	StartToCloseTimeout:    2 * time.Minute, // above the SendGrid client's timeout, with room for its duplicate check
	HeartbeatTimeout:       letters.HeartbeatTimeout,
	ScheduleToCloseTimeout: 24 * time.Hour,
}

// Start schedules CommitStep for s without waiting for it, counting it in
// inFlight until it settles so the workflow does not close under it; lost
// hears of each of its letters that will never be sent, and why, and
// failed (if not nil) of a step no retry could commit.
func Start(ctx workflow.Context, s letters.Step, inFlight *int, lost func(workflow.Context, letters.Notification, string), failed func(workflow.Context, error)) {
	opts := Options
	opts.Summary = Summary(s)
	f := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, opts), letters.ActivityCommitStep, s)
	*inFlight++
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() { *inFlight-- }()
		var res letters.StepResult
		err := f.Get(ctx, &res)
		if err != nil {
			workflow.GetLogger(ctx).Warn("step not committed after its retries", "summary", opts.Summary, "error", err)
			res.Lost = UnsentAtLast(s, err)
			if failed != nil {
				failed(ctx, err)
			}
		}
		for _, l := range res.Lost {
			for _, n := range s.Letters {
				if n.Key == l.Key {
					lost(ctx, n, l.Reason)
				}
			}
		}
	})
}

// UnsentAtLast is which of a step's letters a CommitStep that ran out of
// retries left unsent, and those already lost for good: as its last attempt
// named them; or, when the last attempt was cut short (a timeout), every
// letter but those its heartbeats said were sent. The relay still sends
// those whose outbox row was written.
func UnsentAtLast(s letters.Step, err error) []letters.LostLetter {
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

// Roles are whom a letter was addressed to, by role alone.
func Roles(n letters.Notification) letters.Roles {
	var to letters.Roles
	for _, r := range n.To {
		to = append(to, r.Role)
	}
	return to
}

// Summary names, for the UI, what one CommitStep writes and sends: the
// events and the templates, never a person.
func Summary(s letters.Step) string {
	var parts []string
	for _, e := range s.Events {
		parts = append(parts, e.Kind+" "+e.Name)
	}
	for _, n := range s.Letters {
		parts = append(parts, fmt.Sprintf("notify %s: %s", n.To[0].Role, n.Template))
	}
	return "step: " + strings.Join(parts, "; ")
}

// Pending is what a process owes since its last commit: one step's register
// events and letters, or the alarms of one pass, committed together.
type Pending struct {
	Events  []caserecord.Event
	Letters []letters.Notification
}

// Empty reports whether nothing is owed.
func (p *Pending) Empty() bool { return len(p.Events) == 0 && len(p.Letters) == 0 }

// Take is what is owed, as one step, leaving nothing owed.
func (p *Pending) Take() letters.Step {
	s := letters.Step{Events: p.Events, Letters: p.Letters}
	*p = Pending{}
	return s
}
