// Package activities is what the workflows do outside themselves: the
// adapters that write a case's records to the register and send its letters
// (through the outbox, to SendGrid or the log). Each activity is a method on
// Activities, which holds the clients it needs; what they take and return
// is in package letters.
package activities

import (
	"context"
	"errors"
	"log/slog"

	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/activities/letters"
)

// Transport delivers a rendered message: the log (LogTransport), SendGrid
// (package email) and the outbox that wraps either (Outbox) all implement
// it, so the workflow never changes with the way letters go.
//
// Deliver must be idempotent on letters.Message.Key: activities are retried, and a
// message delivered once must come back as Duplicate, not go out again.
// An error is retried by Temporal unless it is a non-retryable
// ApplicationError.
type Transport interface {
	Deliver(ctx context.Context, m letters.Message) (letters.Delivery, error)
}

// Activities holds the clients the activities use; register a pointer.
type Activities struct {
	Transport Transport
	Register  Register
	Logger    *slog.Logger // nil means slog.Default()
	// Feedback, when set, ends each family letter about a step done with
	// the family-voice question (letters.Feedback.Ask); nil asks nothing.
	Feedback *letters.Feedback
}

func (a *Activities) logger() *slog.Logger {
	if a.Logger != nil {
		return a.Logger
	}
	return slog.Default()
}

// Notify validates, renders and delivers one notification.
func (a *Activities) Notify(ctx context.Context, n letters.Notification) (letters.Delivery, error) {
	defer keepAlive(ctx)()
	log := a.logger().With("key", n.Key, "case_ref", n.CaseRef, "template", string(n.Template))
	m, err := letters.Render(n)
	if err != nil {
		log.Error("notification rejected", "error", err)
		return letters.Delivery{}, temporal.NewNonRetryableApplicationError(err.Error(), letters.InvalidNotification, err)
	}
	return a.deliver(ctx, n, a.Feedback.Ask(m))
}

// deliver sends the rendered m and records it on the case.
func (a *Activities) deliver(ctx context.Context, n letters.Notification, m letters.Message) (letters.Delivery, error) {
	log := a.logger().With("key", n.Key, "case_ref", n.CaseRef, "template", string(n.Template))
	if a.Transport == nil {
		// A wiring mistake, fixed by a deploy: stay retryable so the
		// notification goes out once the worker is fixed.
		return letters.Delivery{}, errors.New("activities: no Transport configured")
	}
	d, err := a.Transport.Deliver(ctx, m)
	if err != nil {
		log.Warn("notification not delivered", "error", err)
		return letters.Delivery{}, err
	}
	if d.Key == "" {
		d.Key = n.Key
	}
	if err := a.recordNotification(ctx, n, d); err != nil {
		// Retrying redelivers nothing: the transport knows the key.
		return letters.Delivery{}, err
	}
	log.Info("notification delivered", "message_id", d.MessageID, "duplicate", d.Duplicate)
	return d, nil
}
