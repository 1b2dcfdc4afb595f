package activities

import (
	"context"
	"errors"
	"time"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register"
)

// resendLease is how long a relay holds a row it took: longer than one
// Deliver (an HTTP timeout and the register writes), so another worker's
// relay does not take it meanwhile, and short enough that a row whose
// relay died is taken again soon.
const resendLease = 2 * time.Minute

// relayBatch bounds the rows one pass takes, so a large resend is spread
// over passes rather than held by one worker.
const relayBatch = 50

// Relay sends, every so often until ctx ends, the notifications an
// operator asked to resend (ehc outbox resend), and the pending ones no
// activity retries any more (register.OrphanAfter), each through Deliver:
// the same lock, claim and maybe-sent check as a workflow's Notify. A row the
// mail service will not take yet (a refused key, an outage) keeps its
// request and is tried again when its lease ends.
func (o *Outbox) Relay(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := o.RelayOnce(ctx); err != nil && ctx.Err() == nil {
			o.logger().Warn("could not take the notifications to resend; trying again", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RelayOnce is one pass of Relay: it reports how many notifications it
// dealt with (sent, found sent, or refused for good).
func (o *Outbox) RelayOnce(ctx context.Context) (int, error) {
	if o.Store == nil {
		return 0, errors.New("activities: Outbox needs a Store")
	}
	adopted, relaying, err := o.Store.OutboxAdoptOrphans(ctx)
	if err != nil {
		return 0, err
	}
	o.Health.relaying(relaying)
	if adopted > 0 {
		// Their activities gave up (a refusal or outage longer than a
		// day): nothing but the relay will send them.
		o.logger().Warn("pending letters no activity retries any more: the relay sends them", "count", adopted)
	}
	due, err := o.Store.OutboxResendDue(ctx, resendLease, relayBatch)
	if err != nil {
		return 0, err
	}
	done := 0
	for _, e := range due {
		log := o.logger().With("key", e.Key, "case_ref", e.CaseRef, "template", e.Template)
		if e.Unreadable != "" {
			// Its lease keeps it from every pass but one in resendLease.
			log.Error("a notification to resend cannot be opened with this worker's keys: skipped", "error", e.Unreadable)
			continue
		}
		d, err := o.Deliver(ctx, messageOf(e))
		if err != nil && !isFinal(err) {
			log.Warn("a notification an operator asked to resend was not sent yet", "error", errorReason(err))
			continue
		}
		if cerr := o.Store.OutboxResendDone(ctx, e.Key); cerr != nil {
			log.Warn("could not clear a resend request", "error", cerr) // the next pass sees the row sent and drops it
		}
		done++
		if err != nil {
			log.Error("a notification an operator asked to resend was refused for good", "error", errorReason(err))
		} else {
			log.Info("a notification an operator asked to resend was dealt with", "message_id", d.MessageID, "already_sent", d.Duplicate)
		}
	}
	return done, nil
}

// messageOf is the message a stored notification was. It goes as the
// plain text it was stored with: the HTML form is not kept (the SendGrid
// transport makes a plain HTML one from the text where a template needs it).
func messageOf(e register.OutboxEntry) letters.Message {
	m := letters.Message{Envelope: letters.Envelope{Key: e.Key, CaseRef: e.CaseRef, Template: letters.Template(e.Template), On: e.On,
		Caseworker: fromOutbox(e.Caseworker)}, Subject: e.Subject, Text: e.Text, AsksFeedback: e.AsksFeedback}
	for _, r := range e.Recipients {
		if r.Cc {
			m.Cc = append(m.Cc, fromOutbox(r))
		} else {
			m.To = append(m.To, fromOutbox(r))
		}
	}
	return m
}
