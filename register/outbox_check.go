package register

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrNotPending is what OutboxHandingOver wraps when the row has moved on
// (a delivery event overtook the sender): nothing is to be sent.
var ErrNotPending = errors.New("notification is no longer pending")

// ErrAnotherSender is what OutboxHandingOver wraps when another attempt
// (a retry in another worker, the relay) handed the letter over since this
// attempt claimed it: sending too could send it twice. Retry: the retry's
// claim sees the other hand-over and asks the mail service first.
var ErrAnotherSender = errors.New("another attempt is sending this notification")

// OutboxHandingOver marks a pending notification maybe-sent, just before
// it is handed to the mail service: if no answer is ever recorded (a
// timeout, a killed worker), the next attempt knows to ask the service
// before sending again. claimed is the MaybeSentAt the caller's claim
// returned: the mark is a compare-and-set on it, so of two attempts that
// claimed the same row only the first to hand over sends. It returns the
// hand-over's time, which OutboxNotAccepted needs.
func (s *Store) OutboxHandingOver(ctx context.Context, key string, claimed *time.Time) (time.Time, error) {
	var at time.Time
	err := s.Pool.QueryRow(ctx, `update notification_outbox set maybe_sent = true, maybe_sent_at = now(), updated_at = now()
		where key = $1 and status = 'pending' and maybe_sent_at is not distinct from $2
		returning maybe_sent_at`, key, claimed).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		var status string
		err = s.Pool.QueryRow(ctx, `select status from notification_outbox where key = $1`, key).Scan(&status)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return time.Time{}, unknownKey(key)
		case err == nil && status == OutboxPending:
			return time.Time{}, fmt.Errorf("%w: %q", ErrAnotherSender, key)
		case err == nil:
			return time.Time{}, fmt.Errorf("%w: %q", ErrNotPending, key)
		}
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("marking notification %s as being sent: %w", key, err)
	}
	return at, nil
}

// OutboxNotAccepted records that the mail service answered the hand-over
// made at handedAt and did not take the notification (a refusal, a 5xx, a
// rate limit): it was not sent. A later hand-over by another attempt keeps
// its mark: that attempt's request may still be in flight.
func (s *Store) OutboxNotAccepted(ctx context.Context, key string, handedAt time.Time) error {
	if _, err := s.Pool.Exec(ctx, `update notification_outbox set maybe_sent = false
		where key = $1 and status = 'pending' and maybe_sent_at = $2`, key, handedAt); err != nil {
		return fmt.Errorf("recording that notification %s was not accepted: %w", key, err)
	}
	return nil
}

// OutboxMaybeSentAge is how long ago the latest unanswered hand-over of the
// notification began, by the database's clock (one clock, whatever the
// workers' say). A row not maybe-sent is infinitely old.
func (s *Store) OutboxMaybeSentAge(ctx context.Context, key string) (time.Duration, error) {
	var secs *float64
	err := s.Pool.QueryRow(ctx, `select extract(epoch from now() - maybe_sent_at)::float8 from notification_outbox
		where key = $1 and maybe_sent`, key).Scan(&secs)
	switch {
	case errors.Is(err, pgx.ErrNoRows) || err == nil && secs == nil:
		return time.Duration(1<<63 - 1), nil
	case err != nil:
		return 0, fmt.Errorf("reading when notification %s was handed over: %w", key, err)
	}
	return time.Duration(*secs * float64(time.Second)), nil
}

// Resend selects the notifications an operator asks to resend: exactly
// one of Key, CaseRef and Status (pending or failed).
type Resend struct {
	Key, CaseRef, Status string
}

// ResendOutcome is what a resend request did to one notification.
type ResendOutcome struct {
	Key, CaseRef, Template string
	Status                 string // as it was found
	Requested              bool   // put back for the worker to send
	Note                   string // why not, or what was done
}

// MaxResend bounds one resend request: a larger selection is done in
// several runs, each reported in full.
const MaxResend = 1000

// OutboxRequestResend puts the selected notifications back for the worker
// to send (its relay sends rows with resend_requested_at set). A failed
// row becomes pending again: an operator's resend is the one move back a
// status makes. A row already accepted by the mail service (sent,
// delivered, bounced, dropped) or only logged is reported and left as it
// is, so asking twice sends nothing twice. Outcomes are oldest first;
// more reports that more rows matched than MaxResend.
func (s *Store) OutboxRequestResend(ctx context.Context, r Resend) (out []ResendOutcome, more bool, err error) {
	var where string
	var arg string
	switch {
	case r.Key != "" && r.CaseRef == "" && r.Status == "":
		where, arg = "key = $1", r.Key
	case r.CaseRef != "" && r.Key == "" && r.Status == "":
		where, arg = "case_ref = $1", r.CaseRef
	case r.Status != "" && r.Key == "" && r.CaseRef == "":
		if r.Status != OutboxPending && r.Status != OutboxFailed {
			return nil, false, fmt.Errorf("%w: status %q: only pending or failed notifications can be resent", ErrInvalidOutboxEntry, r.Status)
		}
		where, arg = "status = $1", r.Status
	default:
		return nil, false, fmt.Errorf("%w: give exactly one of a key, a case or a status to resend", ErrInvalidOutboxEntry)
	}
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `select key, case_ref, template, status, resend_requested_at is not null
			from notification_outbox where `+where+` order by created_at, key limit `+fmt.Sprint(MaxResend+1)+` for update`, arg)
		if err != nil {
			return err
		}
		var keys []string
		for rows.Next() {
			var o ResendOutcome
			var requested bool
			if err := rows.Scan(&o.Key, &o.CaseRef, &o.Template, &o.Status, &requested); err != nil {
				rows.Close()
				return err
			}
			switch o.Status {
			case OutboxPending, OutboxFailed:
				o.Requested = true
				o.Note = "put back to be sent by the worker"
				if requested && o.Status == OutboxPending {
					o.Note = "resend already requested; the worker sends it"
				}
				keys = append(keys, o.Key)
			case OutboxLogged:
				o.Note = "only logged (no mail service was configured), not resent"
			default:
				o.Note = "already sent, not resent"
			}
			out = append(out, o)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(out) > MaxResend {
			out, more = out[:MaxResend], true
			keys = keys[:min(len(keys), countRequested(out))]
		}
		_, err = tx.Exec(ctx, `update notification_outbox set status = 'pending',
				resend_requested_at = coalesce(resend_requested_at, now()), updated_at = now()
			where key = any($1) and status in ('pending', 'failed')`, keys)
		return err
	})
	if err != nil {
		if errors.Is(err, ErrInvalidOutboxEntry) {
			return nil, false, err
		}
		return nil, false, fmt.Errorf("requesting a resend of %s: %w", strings.TrimSpace(arg), err)
	}
	return out, more, nil
}

func countRequested(os []ResendOutcome) int {
	n := 0
	for _, o := range os {
		if o.Requested {
			n++
		}
	}
	return n
}

// OutboxResendDue hands the relay up to limit pending notifications whose
// resend was requested, leasing each for lease (its request is moved that
// far ahead) so that two workers' relays do not take the same row. A
// request on a row that has since been sent is dropped.
func (s *Store) OutboxResendDue(ctx context.Context, lease time.Duration, limit int) ([]OutboxEntry, error) {
	if _, err := s.Pool.Exec(ctx, `update notification_outbox set resend_requested_at = null
		where resend_requested_at is not null and status <> 'pending'`); err != nil {
		return nil, fmt.Errorf("clearing resend requests: %w", err)
	}
	rows, err := s.Pool.Query(ctx, `update notification_outbox set resend_requested_at = now() + make_interval(secs => $1)
		where key in (select key from notification_outbox
			where resend_requested_at <= now() and status = 'pending'
			order by resend_requested_at limit $2 for update skip locked)
		returning `+outboxColumns, lease.Seconds(), limit)
	out, err := s.outboxRows(rows, err)
	if err != nil {
		return nil, fmt.Errorf("taking notifications to resend: %w", err)
	}
	return out, nil
}

// OrphanAfter is how long a pending notification goes untouched before the
// relay takes it on: the Notify activity's ScheduleToClose (24h, in
// workflows/notify.go) bounds every attempt from the first's scheduling,
// and each attempt's claim touches the row, so a row untouched for longer
// has no attempt running and none to come; the 5 minutes cover a claim's
// own delay and the clocks'. Without this, a refusal longer than a day
// (a key left unfixed over a weekend) would leave letters pending for good.
const OrphanAfter = 24*time.Hour + 5*time.Minute

// OutboxAdoptOrphans asks the relay to send the pending notifications
// untouched for OrphanAfter, as an operator's resend would, and reports
// how many it adopted now and how many pending ones only the relay is
// sending (operators' resends and adopted rows, these included).
func (s *Store) OutboxAdoptOrphans(ctx context.Context) (adopted, relaying int, err error) {
	err = s.Pool.QueryRow(ctx, `with adopted as (
			update notification_outbox set resend_requested_at = now()
			where status = 'pending' and resend_requested_at is null
				and updated_at < now() - make_interval(secs => $1)
			returning 1)
		select (select count(*) from adopted),
			(select count(*) from notification_outbox where status = 'pending' and resend_requested_at is not null)`,
		OrphanAfter.Seconds()).Scan(&adopted, &relaying)
	if err != nil {
		return 0, 0, fmt.Errorf("taking on pending notifications nothing retries: %w", err)
	}
	// The count ran on the snapshot before the update.
	return adopted, relaying + adopted, nil
}

// OutboxResendDone clears the resend request of a notification the relay
// has dealt with (sent, found sent, or refused for good).
func (s *Store) OutboxResendDone(ctx context.Context, key string) error {
	if _, err := s.Pool.Exec(ctx, `update notification_outbox set resend_requested_at = null where key = $1`, key); err != nil {
		return fmt.Errorf("clearing the resend request of notification %s: %w", key, err)
	}
	return nil
}
