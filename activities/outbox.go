package activities

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/statute"
)

// NotificationFailed is the ApplicationError type Outbox fails with when a
// notification was refused for good by an earlier attempt.
const NotificationFailed = "NotificationFailed"

// OutboxStore is the part of the case register the Outbox writes:
// *register.Store.
type OutboxStore interface {
	OutboxClaim(ctx context.Context, e register.OutboxEntry) (register.OutboxEntry, error)
	OutboxSent(ctx context.Context, key, messageID string) error
	OutboxLogged(ctx context.Context, key, messageID string) error
	OutboxError(ctx context.Context, key, reason string, final bool) error
	OutboxEvent(ctx context.Context, key, event, reason string) (register.OutboxEntry, bool, error)
	// register/outbox_check.go: maybe-sent letters and operators' resends.
	OutboxHandingOver(ctx context.Context, key string, claimed *time.Time) (time.Time, error)
	OutboxNotAccepted(ctx context.Context, key string, handedAt time.Time) error
	OutboxMaybeSentAge(ctx context.Context, key string) (time.Duration, error)
	OutboxResendDue(ctx context.Context, lease time.Duration, limit int) ([]register.OutboxEntry, error)
	OutboxResendDone(ctx context.Context, key string) error
	OutboxAdoptOrphans(ctx context.Context) (adopted, relaying int, err error)
}

// DeliveryEvents is what a mail service's event webhook calls for each
// delivery event it receives: *Outbox.
type DeliveryEvents interface {
	DeliveryEvent(ctx context.Context, key, event, reason, email string) error
}

var (
	_ Transport      = (*Outbox)(nil)
	_ DeliveryEvents = (*Outbox)(nil)
	_ OutboxStore    = (*register.Store)(nil)
)

// Outbox is the Transport that makes sending once-only across retries,
// replays and restarts. It wraps the transport that really sends (Next:
// SendGrid, or the log) with the notification_outbox table: every message
// is written there, under its key, before Next sees it, and Next is called
// only while the row is still pending. Use it by pointer.
//
//   - Deliver claims the row (writing it if it is new). A row already sent,
//     delivered, bounced or dropped comes back as Duplicate without calling
//     Next; a row already failed fails again, non-retryably.
//   - Next's success marks the row sent, with the service's message ID; or
//     logged, when Next is the LogTransport (letters.Delivery.Logged: no mail
//     service is configured, so the message went to the log only).
//   - A non-retryable error from Next (a temporal.ApplicationError marked
//     non-retryable: the service refused the message for good) marks the row
//     failed and sends the caseworker a staff.delivery_failed alert, itself
//     once-only through this same outbox (key KEY/undelivered).
//   - Any other error keeps the row pending, with the error kept, and is
//     returned for Temporal to retry.
//
// Sending twice. SendGrid's mail/send takes no idempotency key, so a
// message it accepted without the sender learning so (a request that timed
// out or whose connection broke after it was written; a worker killed, or
// cut from the database, between the 202 and OutboxSent) would go again on
// retry. The Outbox closes that window as far as SendGrid lets it:
//   - Just before handing a message over, Deliver marks the row maybe_sent
//     (OutboxHandingOver; nothing is sent if that write fails). A definite
//     answer clears it (sent, or OutboxNotAccepted for a refusal); a
//     timeout or broken connection (an error wrapping ErrMaybeSent, or the
//     activity's context ending mid-request) leaves it set, logged at WARN
//     as a possible duplicate with the key and case. So does a killed
//     worker. Migration 006 marked so the rows an older worker left with
//     attempts and no outcome.
//   - Before any resend of a maybe-sent row, Deliver asks the mail service
//     (AcceptanceChecker; SendGrid: the Email Activity API, by the
//     outbox_key custom arg every message carries). Found: the row is
//     recorded sent with SendGrid's message ID and nothing is sent. While
//     the hand-over is younger than FeedLag (the feed lags) the feed is not
//     asked at all: a retryable NotificationUnconfirmed error with
//     NextRetryDelay the rest of the lag, so no query is spent too early of
//     the feed's 6 a minute. SendGrid's Transport batches the checks of one
//     process: those arriving within a second share a query naming up to
//     100 keys, each letter matched by key and first addressee. Not found
//     after the lag: sent again, logged as a possible duplicate. An account without the Email
//     Activity add-on (403/404) cannot be asked: it is said once per
//     worker at WARN, and each such resend is logged as a possible
//     duplicate.
//
// We chose the activity feed over SendGrid's other means, a batch ID with
// a scheduled send (send_at) that can be cancelled before it goes: that
// delays every letter by the scheduling margin, and SendGrid only
// guarantees a cancellation made at least 10 minutes before send_at, so
// every family's letter would wait 10 minutes or more to make the rare
// timeout safe. The feed costs nothing on the ordinary path and one query
// on the rare one. The feed answers 6 requests a minute: a letter it cannot
// be asked about (down, or that budget spent) waits and asks again, for at
// most 30 minutes (maxUnconfirmedHold), then goes again as a possible
// duplicate. What is left is a letter SendGrid accepted that its feed does
// not show within FeedLag, a feed unanswering for that long, or an account
// without the feed. MailHealth counts each such resend.
//
// A refused key (SendGrid's 401/403, an error wrapping ErrMailRefused) is
// a configuration fault, not the letter's: the row stays pending, the
// error is retryable after RefusedRetryDelay and logged at ERROR on every
// attempt, and Health says mail is refused until a send is accepted.
// Letters an operator asks to resend (ehc outbox resend), and letters left
// pending once their activity's day of retries is over, are sent by Relay.
//
// Two attempts racing each other are serialised within one process.
// Across processes (a Notify retried in one worker, the relay in another,
// an attempt still sending after its own timeout) the hand-over is a
// compare-and-set on the maybe-sent mark the claim saw: the second attempt
// to hand over sends nothing and retries, and its retry finds the row
// maybe-sent and checks first.
type Outbox struct {
	Store  OutboxStore
	Next   Transport
	Logger *slog.Logger     // nil means slog.Default()
	Now    func() time.Time // nil means time.Now; dates the alerts
	Health *MailHealth      // nil: not reported
	// FeedLag is how long a maybe-sent letter missing from the activity
	// feed waits before it is sent again; zero means DefaultFeedLag.
	FeedLag time.Duration

	mu     sync.Mutex
	locks  map[string]*keyLock
	noFeed sync.Once
}

type keyLock struct {
	sync.Mutex
	users int
}

// lock serialises the senders of one key in this process.
func (o *Outbox) lock(key string) func() {
	o.mu.Lock()
	if o.locks == nil {
		o.locks = make(map[string]*keyLock)
	}
	l := o.locks[key]
	if l == nil {
		l = &keyLock{}
		o.locks[key] = l
	}
	l.users++
	o.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		o.mu.Lock()
		if l.users--; l.users == 0 {
			delete(o.locks, key)
		}
		o.mu.Unlock()
	}
}

func (o *Outbox) logger() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.Default()
}

func (o *Outbox) today() statute.Date {
	if o.Now != nil {
		return statute.DateOf(o.Now())
	}
	return statute.DateOf(time.Now())
}

// Deliver sends m through Next unless the outbox shows it went already.
func (o *Outbox) Deliver(ctx context.Context, m letters.Message) (letters.Delivery, error) {
	if o.Store == nil || o.Next == nil {
		// A wiring mistake, fixed by a deploy: stay retryable.
		return letters.Delivery{}, errors.New("activities: Outbox needs a Store and a Next transport")
	}
	defer o.lock(m.Key)()
	log := o.logger().With("key", m.Key, "case_ref", m.CaseRef, "template", string(m.Template))

	e, err := o.Store.OutboxClaim(ctx, outboxEntry(m))
	if errors.Is(err, register.ErrInvalidOutboxEntry) {
		return letters.Delivery{}, temporal.NewNonRetryableApplicationError(err.Error(), letters.InvalidNotification, err)
	}
	if err != nil {
		return letters.Delivery{}, err
	}
	switch e.Status {
	case register.OutboxSent, register.OutboxDelivered, register.OutboxBounced, register.OutboxDropped, register.OutboxLogged:
		log.Debug("notification already sent", "status", e.Status, "message_id", e.MessageID)
		return letters.Delivery{Key: m.Key, MessageID: e.MessageID, Duplicate: true, Logged: e.Status == register.OutboxLogged}, nil
	case register.OutboxFailed:
		// An earlier attempt may have failed to alert the caseworker;
		// the alert is once-only, so asking again costs nothing.
		if err := o.alertUndelivered(ctx, m, e.LastError); err != nil {
			return letters.Delivery{}, err
		}
		msg := fmt.Sprintf("notification %s already failed: %s", m.Key, e.LastError)
		return letters.Delivery{}, temporal.NewNonRetryableApplicationError(msg, NotificationFailed, nil)
	case register.OutboxPending:
		if e.AsksFeedback != m.AsksFeedback && !e.Sealed {
			// An earlier attempt, on a worker whose feedback links were set
			// otherwise, wrote the letter: send what it wrote, so the
			// letter, its row and the answers to it agree.
			stored := messageOf(e)
			stored.AsksFeedback = e.AsksFeedback
			m = stored
		}
	default:
		return letters.Delivery{}, fmt.Errorf("notification %s has outbox status %q, which this worker does not know", m.Key, e.Status)
	}
	// Rows an older worker left with attempts and no outcome were marked
	// maybe-sent by migration 006, with no hand-over time.
	if e.MaybeSent {
		if d, done, err := o.confirm(ctx, m, e, log.With("attempts", e.Attempts)); done {
			return d, err
		}
	}
	handedAt, err := o.Store.OutboxHandingOver(ctx, m.Key, e.MaybeSentAt)
	if errors.Is(err, register.ErrAnotherSender) || errors.Is(err, register.ErrNotPending) {
		// The retry's claim sees that attempt's hand-over (or what became
		// of the letter, when it has already gone) and checks first.
		log.Info("another attempt handed this letter over since this one claimed it: not sending it too", "error", err.Error())
		return letters.Delivery{}, retryLater(fmt.Sprintf("notification %s not sent: %s", m.Key, err), err, anotherSenderRetryDelay)
	}
	if err != nil {
		return letters.Delivery{}, fmt.Errorf("notification %s not sent: %w", m.Key, err)
	}

	d, err := o.Next.Deliver(ctx, m)
	if err != nil {
		reason := errorReason(err)
		if errors.Is(err, ErrMaybeSent) || ctx.Err() != nil {
			log.Warn("possible duplicate: the mail service gave no answer after the letter was sent, so it may have been accepted; it is checked before any resend",
				"error", reason)
			if rerr := o.Store.OutboxError(context.WithoutCancel(ctx), m.Key, reason, false); rerr != nil {
				log.Error("could not record a failed attempt in the outbox", "error", rerr)
			}
			return letters.Delivery{}, err
		}
		if rerr := o.Store.OutboxNotAccepted(ctx, m.Key, handedAt); rerr != nil {
			log.Error("could not record that the mail service did not take the letter", "error", rerr)
		}
		if errors.Is(err, ErrMailRefused) {
			o.Health.refuse(reason)
			log.Error(reason) // on every attempt: nothing else tells an operator
		}
		if !isFinal(err) {
			if rerr := o.Store.OutboxError(ctx, m.Key, reason, false); rerr != nil {
				log.Error("could not record a failed attempt in the outbox", "error", rerr)
			}
			return letters.Delivery{}, err
		}
		if rerr := o.Store.OutboxError(ctx, m.Key, reason, true); rerr != nil {
			// The row is still pending: the retry will try the service
			// again, which refuses again and nothing is sent.
			return letters.Delivery{}, fmt.Errorf("notification %s refused (%s) and not recorded: %w", m.Key, reason, rerr)
		}
		log.Error("notification refused for good", "error", reason)
		if aerr := o.alertUndelivered(ctx, m, reason); aerr != nil {
			return letters.Delivery{}, aerr
		}
		return letters.Delivery{}, err
	}
	d.Key = m.Key
	o.Health.accepted()
	if err := o.recordSent(ctx, m.Key, d.MessageID, d.Logged); err != nil {
		// Reporting failure would have Temporal retry and send it again;
		// a delivery event for the key will still move the row on.
		log.Error("notification sent, but the outbox could not record it: it stays pending",
			"message_id", d.MessageID, "error", err)
	}
	return d, nil
}

// recordSent retries OutboxSent (OutboxLogged when the message was only
// logged) briefly, after the activity's own context has ended if need be:
// once the service has accepted a message, recording it is what prevents a
// second send.
func (o *Outbox) recordSent(ctx context.Context, key, messageID string, logged bool) error {
	record := o.Store.OutboxSent
	if logged {
		record = o.Store.OutboxLogged
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var err error
	for i, wait := range []time.Duration{0, 200 * time.Millisecond, time.Second} {
		if i > 0 {
			select {
			case <-ctx.Done():
				return errors.Join(err, ctx.Err())
			case <-time.After(wait):
			}
		}
		if err = record(ctx, key, messageID); err == nil || errors.Is(err, register.ErrUnknownOutboxKey) {
			return err
		}
	}
	return err
}

// isFinal reports an error no retry can mend.
func isFinal(err error) bool {
	var app *temporal.ApplicationError
	return errors.As(err, &app) && app.NonRetryable()
}

// errorReason is the words of an error, without an ApplicationError's
// decoration.
func errorReason(err error) string {
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.Message() != "" {
		return app.Message()
	}
	return err.Error()
}

// DeliveryEvent applies one delivery event from the mail service to the
// outbox (see register.Store.OutboxEvent). When a bounce or drop is for a
// family's address, the caseworker is sent a staff.delivery_failed alert
// (key KEY/bounced, once-only: repeated events, or a first bounce for
// another recipient, neither repeat nor suppress it). email is the address
// the event is about; one event is sent for each recipient. An event for a
// key the outbox does not hold (mail sent by other systems on the same
// account) is logged and ignored. An error asks the caller to have the
// service send the event again.
func (o *Outbox) DeliveryEvent(ctx context.Context, key, event, reason, email string) error {
	if o.Store == nil {
		return errors.New("activities: Outbox needs a Store")
	}
	log := o.logger().With("key", key, "event", event)
	e, changed, err := o.Store.OutboxEvent(ctx, key, event, reason)
	if errors.Is(err, register.ErrUnknownOutboxKey) {
		log.Info("delivery event for a message not in the outbox: ignored")
		return nil
	}
	if err != nil {
		return err
	}
	log = log.With("case_ref", e.CaseRef, "template", e.Template, "status", e.Status)
	if e.Status == register.OutboxLogged {
		// Only logged, never sent: no event can be about it, and it stays as it is.
		log.Warn("delivery event for a notification that was only logged (no mail service was configured): ignored")
		return nil
	}
	if changed {
		log.Info("notification delivery status changed")
	}
	if event != "bounce" && event != "dropped" {
		return nil
	}
	if e.Sealed {
		// Without the addresses the family's bounce cannot be told from
		// another's, nor the caseworker alerted: fail, so that the mail
		// service sends the event again (for a day) once the keys are back.
		log.Error("a bounce or drop cannot be matched to its recipient: this worker cannot open the notification", "error", e.Unreadable)
		return fmt.Errorf("delivery event %s for notification %s: %w", event, key, register.ErrNoSealer)
	}
	role := recipientRole(e.Recipients, email)
	reason = register.ScrubAddresses(reason, e.Recipients) // logged, and in the alert: bounce reasons quote addresses
	log.Warn("notification not delivered to a recipient", "role", role, "to", letters.MaskEmail(email), "reason", reason)
	if role != string(letters.RoleFamily) {
		return nil
	}
	if reason == "" {
		reason = "the mail service reported it " + map[string]string{"bounce": "bounced", "dropped": "dropped"}[event]
	}
	err = o.alert(ctx, letters.Message{Envelope: letters.Envelope{Key: e.Key, CaseRef: e.CaseRef, Template: letters.Template(e.Template),
		Caseworker: fromOutbox(e.Caseworker)}}, "/bounced", letters.Roles{letters.RoleFamily}, reason)
	if isFinal(err) {
		return nil // logged; a retried event cannot mend it
	}
	return err
}

// recipientRole is the role of the recipient with the address: "" when no
// recipient has it. An event naming no address is taken to be about the
// family if the message went to one, so that no bounce of a family's
// notice goes unreported.
func recipientRole(rs []register.OutboxRecipient, email string) string {
	email = strings.TrimSpace(email)
	for _, r := range rs {
		if (email == "" && r.Role == string(letters.RoleFamily)) || (email != "" && strings.EqualFold(r.Email, email)) {
			return r.Role
		}
	}
	return ""
}

// alertUndelivered tells the caseworker that m was refused for good.
func (o *Outbox) alertUndelivered(ctx context.Context, m letters.Message, reason string) error {
	roles := letters.Roles{}
	for _, r := range append(append([]letters.Recipient{}, m.To...), m.Cc...) {
		if !containsRole(roles, r.Role) {
			roles = append(roles, r.Role)
		}
	}
	err := o.alert(ctx, m, "/undelivered", roles, reason)
	if isFinal(err) {
		return nil // logged
	}
	return err
}

func containsRole(rs letters.Roles, r letters.Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// alert sends the caseworker a staff.delivery_failed notice about m
// through the outbox, under m's key and suffix. No alert is raised about
// an alert. A retryable error is returned for the caller to retry; a
// final one is logged and returned too, for the caller to drop.
func (o *Outbox) alert(ctx context.Context, m letters.Message, suffix string, roles letters.Roles, reason string) error {
	log := o.logger().With("key", m.Key, "case_ref", m.CaseRef, "template", string(m.Template))
	if m.Template == letters.StaffDeliveryFailed {
		log.Error("an alert to the caseworker could not be delivered; no one else is told", "reason", reason)
		return nil
	}
	cw := m.Caseworker
	if cw.Email == "" {
		log.Error("a notification was not delivered and no caseworker is named to tell: no alert possible", "reason", reason)
		return nil
	}
	if cw.Role == "" {
		cw.Role = letters.RoleCaseworker
	}
	if strings.TrimSpace(reason) == "" {
		reason = "none was given"
	}
	am, err := letters.Render(letters.Notification{
		Envelope: letters.Envelope{Key: m.Key + suffix, CaseRef: m.CaseRef, Template: letters.StaffDeliveryFailed, On: o.today(),
			To: []letters.Recipient{cw}, Caseworker: cw},
		Facts: letters.Facts{Notice: m.Template, NoticeTo: roles, Reason: reason},
	})
	if err != nil {
		log.Error("a notification was not delivered and the alert to the caseworker cannot be made", "error", err)
		return nil
	}
	d, err := o.Deliver(ctx, am)
	switch {
	case isFinal(err):
		log.Error("a notification was not delivered and the alert to the caseworker failed too", "error", err)
	case err != nil:
		log.Warn("the alert to the caseworker was not sent yet", "error", err)
	default:
		log.Info("caseworker alerted to an undelivered notification", "alert_key", am.Key, "duplicate", d.Duplicate)
	}
	return err
}

// outboxEntry is the row m is kept as.
func outboxEntry(m letters.Message) register.OutboxEntry {
	e := register.OutboxEntry{Key: m.Key, CaseRef: m.CaseRef, Template: string(m.Template), On: m.On,
		Subject: m.Subject, Text: m.Text, AsksFeedback: m.AsksFeedback}
	for _, r := range m.To {
		e.Recipients = append(e.Recipients, register.OutboxRecipient{Role: string(r.Role), Name: r.Name, Email: r.Email})
	}
	for _, r := range m.Cc {
		e.Recipients = append(e.Recipients, register.OutboxRecipient{Role: string(r.Role), Name: r.Name, Email: r.Email, Cc: true})
	}
	if m.Caseworker != (letters.Recipient{}) {
		e.Caseworker = register.OutboxRecipient{Role: string(m.Caseworker.Role), Name: m.Caseworker.Name, Email: m.Caseworker.Email}
	}
	return e
}

func fromOutbox(r register.OutboxRecipient) letters.Recipient {
	return letters.Recipient{Role: letters.Role(r.Role), Name: r.Name, Email: r.Email}
}
