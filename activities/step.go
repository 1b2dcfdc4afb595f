package activities

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/caserecord"
)

// StepRegister is a register that writes a step's events and its letters'
// outbox rows in one transaction: *register.Store.
type StepRegister interface {
	RecordStep(ctx context.Context, events []caserecord.Event, entries []register.OutboxEntry) error
}

var _ StepRegister = (*register.Store)(nil)

// CommitStep is the one activity a step of a case runs. It writes the
// step's events, the case's projection and a pending outbox row for each
// letter in one transaction (when the register is the outbox's store), then
// sends the letters at once, each through the Transport's once-only path.
// A retry rewrites nothing and resends nothing already sent: every event
// and letter has its own key. Letters still unsent fail the attempt
// (letters.LettersUnsent) so Temporal retries; letters refused for good come back
// in letters.StepResult.Lost for the case to show.
func (a *Activities) CommitStep(ctx context.Context, s letters.Step) (letters.StepResult, error) {
	// Letters an earlier attempt sent are not handed to the transport
	// again: it would find them sent, but that costs a round trip each.
	var sent []string
	if activity.IsActivity(ctx) && activity.HasHeartbeatDetails(ctx) {
		_ = activity.GetHeartbeatDetails(ctx, &sent)
	}
	stop := keepAlive(ctx, sent) // the letters earlier attempts sent stay the attempt's progress
	defer stop()
	var res letters.StepResult
	ns := make([]letters.Notification, 0, len(s.Letters))
	msgs := make([]letters.Message, 0, len(s.Letters))
	for _, n := range s.Letters {
		m, err := letters.Render(n)
		if err != nil {
			a.logger().Error("notification rejected", "key", n.Key, "case_ref", n.CaseRef, "template", string(n.Template), "error", err)
			res.Lost = append(res.Lost, letters.LostLetter{Key: n.Key, Reason: err.Error()})
			continue
		}
		ns, msgs = append(ns, n), append(msgs, a.Feedback.Ask(m))
	}
	if err := a.recordStep(ctx, s.Events, msgs); err != nil {
		if isFinal(err) {
			return letters.StepResult{}, err
		}
		var keys []string
		for _, m := range msgs {
			if !slices.Contains(sent, m.Key) {
				keys = append(keys, m.Key)
			}
		}
		return letters.StepResult{}, temporal.NewApplicationErrorWithOptions("the step could not be recorded yet: "+err.Error(),
			letters.LettersUnsent, temporal.ApplicationErrorOptions{Cause: err, Details: []any{keys, res.Lost}})
	}
	errs := make([]error, len(msgs))
	var wg sync.WaitGroup
	for i := range msgs {
		if slices.Contains(sent, msgs[i].Key) {
			continue
		}
		wg.Go(func() { _, errs[i] = a.deliver(ctx, ns[i], msgs[i]) })
	}
	wg.Wait()
	stop() // before the last heartbeat, which names what this attempt sent
	var unsent []string
	var retry error
	var wait time.Duration
	for i, err := range errs {
		switch {
		case err == nil:
			if !slices.Contains(sent, msgs[i].Key) {
				sent = append(sent, msgs[i].Key)
			}
		case isFinal(err):
			res.Lost = append(res.Lost, letters.LostLetter{Key: msgs[i].Key, Reason: errorReason(err)})
		default:
			unsent, retry = append(unsent, msgs[i].Key), errors.Join(retry, err)
			wait = soonestRetry(wait, err, len(unsent) == 1)
		}
	}
	if len(unsent) > 0 {
		activity.RecordHeartbeat(ctx, sent) // goes with the failure: the retry starts from here
		return letters.StepResult{}, temporal.NewApplicationErrorWithOptions(
			fmt.Sprintf("%d of the step's %d letters not sent yet: %s", len(unsent), len(s.Letters), strings.Join(unsent, ", ")),
			letters.LettersUnsent, temporal.ApplicationErrorOptions{Cause: retry, NextRetryDelay: wait, Details: []any{unsent, res.Lost}})
	}
	return res, nil
}

// soonestRetry is when the step's next attempt should come: the soonest
// any unsent letter asked for, or Temporal's own backoff (zero) when one
// asked for nothing in particular.
func soonestRetry(wait time.Duration, err error, first bool) time.Duration {
	var app *temporal.ApplicationError
	d := time.Duration(0)
	if errors.As(err, &app) {
		d = app.NextRetryDelay()
	}
	if first || d < wait {
		return d
	}
	return wait
}

// recordStep writes the step's events and, where the register is also the
// outbox's store, its letters' pending rows, together.
func (a *Activities) recordStep(ctx context.Context, events []caserecord.Event, msgs []letters.Message) error {
	if len(events) == 0 && len(msgs) == 0 {
		return nil
	}
	var err error
	if sr, ok := a.Register.(StepRegister); ok && a.outboxIsRegister() {
		entries := make([]register.OutboxEntry, len(msgs))
		for i, m := range msgs {
			entries[i] = outboxEntry(m)
		}
		err = sr.RecordStep(ctx, events, entries)
	} else if len(events) > 0 {
		if a.Register == nil {
			return errors.New("activities: no Register configured") // a wiring mistake, fixed by a deploy: retryable
		}
		for _, e := range events {
			if _, err = a.Register.Record(ctx, e); err != nil {
				break
			}
		}
	}
	switch {
	case errors.Is(err, register.ErrInvalidEvent):
		return temporal.NewNonRetryableApplicationError(err.Error(), "InvalidCaseEvent", err)
	case errors.Is(err, register.ErrReferenceTaken):
		return temporal.NewNonRetryableApplicationError(err.Error(), letters.ReferenceTaken, err)
	case errors.Is(err, register.ErrInvalidOutboxEntry):
		return temporal.NewNonRetryableApplicationError(err.Error(), letters.InvalidNotification, err)
	}
	return err
}

// outboxIsRegister reports whether the letters' outbox is the register's
// own database, so a step's rows can go in with its events.
func (a *Activities) outboxIsRegister() bool {
	o, ok := a.Transport.(*Outbox)
	return ok && o.Store != nil && any(o.Store) == any(a.Register)
}
