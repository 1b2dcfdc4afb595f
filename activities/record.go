package activities

import (
	"context"
	"errors"

	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/caserecord"
)

// Register is where the workflows keep the record that outlives them: the
// PostgreSQL case register, or a fake in tests.
type Register interface {
	Record(ctx context.Context, e caserecord.Event) (bool, error)
}

// RecordEvent writes one case event and the projection it leaves. The event
// key makes it safe to run any number of times.
func (a *Activities) RecordEvent(ctx context.Context, e caserecord.Event) error {
	defer keepAlive(ctx)()
	if a.Register == nil {
		// A wiring mistake, fixed by a deploy: stay retryable.
		return errors.New("activities: no Register configured")
	}
	inserted, err := a.Register.Record(ctx, e)
	if errors.Is(err, register.ErrInvalidEvent) {
		return temporal.NewNonRetryableApplicationError(err.Error(), "InvalidCaseEvent", err)
	}
	if errors.Is(err, register.ErrReferenceTaken) {
		return temporal.NewNonRetryableApplicationError(err.Error(), letters.ReferenceTaken, err)
	}
	if err != nil {
		return err
	}
	a.logger().Debug("case event recorded", "key", e.Key, "case_ref", e.CaseRef, "new", inserted)
	return nil
}

// recordNotification adds a delivered notification to the case's events.
// Its key is the notification's own, so a retried Notify adds nothing.
func (a *Activities) recordNotification(ctx context.Context, n letters.Notification, d letters.Delivery) error {
	if a.Register == nil {
		return nil // a transport-only worker (tests of the catalogue) keeps no register
	}
	roles := make([]string, 0, len(n.To)+len(n.Cc))
	for _, r := range append(append([]letters.Recipient{}, n.To...), n.Cc...) {
		roles = append(roles, string(r.Role))
	}
	_, err := a.Register.Record(ctx, caserecord.Event{
		Key: "notification/" + n.Key, CaseRef: n.CaseRef, Kind: caserecord.KindNotification, Name: string(n.Template),
		EffectiveOn: n.On, Detail: map[string]any{"to": roles, "message_id": d.MessageID},
	})
	return err
}
