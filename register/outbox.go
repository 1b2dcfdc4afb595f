package register

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ehc-send/ehc/statute"
)

// Outbox statuses. A row is written pending before its message is handed to
// the mail service, becomes sent when the service accepts it (or failed when
// the service refuses it for good), and then follows the service's delivery
// events. With no mail service configured, the message goes to the worker's
// log instead and the row becomes logged, for good. Statuses only ever move
// forward: see outboxRank.
const (
	OutboxPending   = "pending"   // written; not yet accepted by the mail service
	OutboxSent      = "sent"      // accepted by the mail service
	OutboxLogged    = "logged"    // written to the worker's log: no mail service is configured, nothing was sent
	OutboxDelivered = "delivered" // the recipient's server took it
	OutboxBounced   = "bounced"   // the recipient's server refused it
	OutboxDropped   = "dropped"   // the mail service would not send it (e.g. a suppressed address)
	OutboxFailed    = "failed"    // the mail service refused the request for good; nothing was sent
)

// outboxRank orders the statuses: a status never moves to a lower rank, so
// a late 'delivered' event does not hide a bounce. Failed and logged are
// final: a message the service refused, or that no service was given, has
// no delivery events to follow, and an event claiming one moves nothing.
var outboxRank = map[string]int{
	OutboxPending:   0,
	OutboxSent:      1,
	OutboxDelivered: 2,
	OutboxBounced:   3,
	OutboxDropped:   3,
	OutboxFailed:    4,
	OutboxLogged:    4,
}

// outboxEvents maps a delivery event from the mail service (SendGrid's
// event names) to the status it leaves. Events not here (processed,
// deferred, open, click, ...) change nothing.
var outboxEvents = map[string]string{
	"delivered": OutboxDelivered,
	"bounce":    OutboxBounced,
	"dropped":   OutboxDropped,
}

// ErrUnknownOutboxKey is what the outbox's errors wrap when no notification
// has the key: test for it with errors.Is.
var ErrUnknownOutboxKey = errors.New("no notification in the outbox has this key")

// ErrInvalidOutboxEntry marks an entry no retry can write.
var ErrInvalidOutboxEntry = errors.New("invalid outbox entry")

// OutboxRecipient is one addressee of an outbox notification. The
// caseworker may see the addresses; logs must not.
type OutboxRecipient struct {
	Role  string `json:"role"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email"`
	Cc    bool   `json:"cc,omitempty"` // copied rather than addressed
}

// OutboxEntry is one notification in the outbox: what was sent, to whom,
// and what became of it. Key is the notification's own (case, template,
// subject, occurrence), so each notification has one row however often
// its activity runs. Recipients, Caseworker, Subject and Text name people
// and carry caseworkers' words: the row keeps them sealed (seal.go), and
// only the recipients' roles in clear.
type OutboxEntry struct {
	Key        string            `json:"key"`
	CaseRef    string            `json:"case_ref"`
	Template   string            `json:"template"`
	On         statute.Date      `json:"on"` // the statutory date it is sent on
	Recipients []OutboxRecipient `json:"recipients"`
	// Caseworker is told when the notification does not arrive; usually
	// not a recipient. Zero when the workflow named no one.
	Caseworker OutboxRecipient `json:"caseworker,omitzero"`
	Subject    string          `json:"subject"`
	Text       string          `json:"text"`
	// AsksFeedback: the letter ends with the family-voice question, so an
	// answer to it may be recorded (RecordFeedback).
	AsksFeedback bool `json:"asks_feedback,omitempty"`
	Sealed       bool `json:"sealed,omitempty"` // read without keys: Recipients are roles only, no Subject or Text
	// Unreadable says why a sealed row could not be opened (a retired
	// key, a damaged value); Sealed is set with it. One such row does not
	// stop the others being read.
	Unreadable string    `json:"unreadable,omitempty"`
	Status     string    `json:"status"`
	MessageID  string    `json:"message_id,omitempty"`
	Attempts   int       `json:"attempts"`
	LastError  string    `json:"last_error,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	// MaybeSent: an attempt handed it to the mail service at MaybeSentAt
	// and recorded no answer (see register/outbox_check.go).
	MaybeSent         bool       `json:"maybe_sent,omitempty"`
	MaybeSentAt       *time.Time `json:"maybe_sent_at,omitempty"`
	ResendRequestedAt *time.Time `json:"resend_requested_at,omitempty"` // ehc outbox resend: the worker sends it
}

// outboxColumns: legacy is a row's clear content from before sealing
// (migration 007), in the sealed value's JSON, until SealLegacyOutbox runs.
const outboxColumns = `key, case_ref, template, on_date, roles, sealed,
	case when sealed is null and recipients is not null then convert_to(json_build_object('recipients', recipients,
		'caseworker', caseworker, 'subject', subject, 'text', body_text)::text, 'UTF8') end,
	status, coalesce(message_id, ''), attempts, coalesce(last_error, ''), created_at, updated_at,
	maybe_sent, maybe_sent_at, resend_requested_at, asks_feedback`

// scanOutbox reads a row of outboxColumns, opening its sealed content.
func (s *Store) scanOutbox(row pgx.Row) (OutboxEntry, error) {
	var e OutboxEntry
	var on time.Time
	var roles []string
	var sealed, legacy []byte
	if err := row.Scan(&e.Key, &e.CaseRef, &e.Template, &on, &roles, &sealed, &legacy,
		&e.Status, &e.MessageID, &e.Attempts, &e.LastError, &e.CreatedAt, &e.UpdatedAt,
		&e.MaybeSent, &e.MaybeSentAt, &e.ResendRequestedAt, &e.AsksFeedback); err != nil {
		return OutboxEntry{}, err
	}
	e.On = civil(&on)
	if err := s.open(&e, sealed, legacy, roles); err != nil {
		e.Sealed, e.Unreadable = true, err.Error()
		e.Recipients, e.Caseworker, e.Subject, e.Text = rolesOnly(roles), OutboxRecipient{}, "", ""
	}
	return e, nil
}

func unknownKey(key string) error {
	return fmt.Errorf("%w: %q", ErrUnknownOutboxKey, key)
}

// OutboxClaim is the first thing a sender does with a notification. It
// writes e as pending unless a row with its key exists (the row already
// stored wins: its content is never rewritten), counts the attempt if the
// row is still pending, and returns the row as stored, all in one
// transaction. The caller sends only when the returned status is pending;
// any other status means an earlier attempt got that far.
func (s *Store) OutboxClaim(ctx context.Context, e OutboxEntry) (OutboxEntry, error) {
	if err := e.check(); err != nil {
		return OutboxEntry{}, err
	}
	// Names, addresses and the letter go in sealed, never in clear.
	sealed, roles, err := s.seal(e)
	if err != nil {
		return OutboxEntry{}, err
	}
	var out OutboxEntry
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if err := insertOutbox(ctx, tx, e, roles, sealed); err != nil {
			return err
		}
		row := tx.QueryRow(ctx, `update notification_outbox set attempts = attempts + 1, updated_at = now()
			where key = $1 and status = 'pending' returning `+outboxColumns, e.Key)
		var err error
		out, err = s.scanOutbox(row)
		if errors.Is(err, pgx.ErrNoRows) { // an earlier attempt got further: report it as it is
			out, err = s.scanOutbox(tx.QueryRow(ctx, `select `+outboxColumns+` from notification_outbox where key = $1`, e.Key))
		}
		return err
	})
	if err != nil {
		return OutboxEntry{}, fmt.Errorf("writing notification %s to the outbox: %w", e.Key, err)
	}
	return out, nil
}

// check refuses an entry no sender could send.
func (e OutboxEntry) check() error {
	if strings.TrimSpace(e.Key) == "" || e.CaseRef == "" || e.Template == "" || e.On.IsZero() || len(e.Recipients) == 0 {
		return fmt.Errorf("%w: %q for case %q is incomplete: key, case, template, date and a recipient are required",
			ErrInvalidOutboxEntry, e.Key, e.CaseRef)
	}
	return nil
}

// insertOutbox writes a pending row for e, sealed, unless its key is held.
func insertOutbox(ctx context.Context, tx pgx.Tx, e OutboxEntry, roles []string, sealed []byte) error {
	_, err := tx.Exec(ctx, `insert into notification_outbox (key, case_ref, template, on_date, roles, sealed, asks_feedback)
		values ($1, $2, $3, $4, $5, $6, $7) on conflict (key) do nothing`,
		e.Key, e.CaseRef, e.Template, dateArg(e.On), roles, sealed, e.AsksFeedback)
	return err
}

// OutboxSent records that the mail service accepted the notification, with
// the service's message ID. A row a delivery event has already moved on
// (the event can overtake the sender) keeps its status.
func (s *Store) OutboxSent(ctx context.Context, key, messageID string) error {
	return s.outboxHandedOn(ctx, key, messageID, OutboxSent)
}

// OutboxLogged records that the notification was written to the worker's
// log, there being no mail service configured: it was not sent, and stays
// logged. messageID is the log's own ID for it. Only a pending row changes.
func (s *Store) OutboxLogged(ctx context.Context, key, messageID string) error {
	return s.outboxHandedOn(ctx, key, messageID, OutboxLogged)
}

// outboxHandedOn moves a pending row to status (sent or logged) with the
// transport's message ID.
func (s *Store) outboxHandedOn(ctx context.Context, key, messageID, status string) error {
	tag, err := s.Pool.Exec(ctx, `update notification_outbox set
			status = case when status = 'pending' then $3 else status end,
			message_id = coalesce(nullif($2, ''), message_id),
			last_error = case when status = 'pending' then null else last_error end,
			updated_at = now()
		where key = $1`, key, messageID, status)
	if err != nil {
		return fmt.Errorf("recording notification %s as %s: %w", key, status, err)
	}
	if tag.RowsAffected() == 0 {
		return unknownKey(key)
	}
	return nil
}

// OutboxError records a failed attempt to send a pending notification:
// final marks it failed (the service refused it and no retry can succeed);
// otherwise it stays pending, to be tried again, with the reason kept. A
// row that is no longer pending is left as it is.
func (s *Store) OutboxError(ctx context.Context, key, reason string, final bool) error {
	tag, err := s.Pool.Exec(ctx, `update notification_outbox set
			status = case when $3 then 'failed' else status end,
			last_error = $2, updated_at = now()
		where key = $1 and status = 'pending'`, key, scrubAddresses(reason, nil), final)
	if err != nil {
		return fmt.Errorf("recording the failure of notification %s: %w", key, err)
	}
	if tag.RowsAffected() == 0 {
		var exists bool
		if err := s.Pool.QueryRow(ctx, `select exists (select 1 from notification_outbox where key = $1)`, key).Scan(&exists); err != nil {
			return fmt.Errorf("recording the failure of notification %s: %w", key, err)
		}
		if !exists {
			return unknownKey(key)
		}
	}
	return nil
}

// OutboxEvent applies a delivery event from the mail service: delivered,
// bounce and dropped move the status forward (never back: a late
// 'delivered' leaves a bounce as it is); other events change nothing. It
// returns the entry as it now stands and whether its status changed. A
// bounce or drop keeps its reason in last_error.
func (s *Store) OutboxEvent(ctx context.Context, key, event, reason string) (OutboxEntry, bool, error) {
	var out OutboxEntry
	var changed bool
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		e, err := s.scanOutbox(tx.QueryRow(ctx, `select `+outboxColumns+` from notification_outbox where key = $1 for update`, key))
		if errors.Is(err, pgx.ErrNoRows) {
			return unknownKey(key)
		}
		if err != nil {
			return err
		}
		out = e
		to, ok := outboxEvents[event]
		if !ok || outboxRank[to] <= outboxRank[e.Status] {
			return nil
		}
		lastError := e.LastError
		if to != OutboxDelivered {
			lastError = event
			if reason != "" {
				lastError += ": " + scrubAddresses(reason, append(e.Recipients, e.Caseworker))
			}
		}
		out, err = s.scanOutbox(tx.QueryRow(ctx, `update notification_outbox set status = $2, last_error = nullif($3, ''), updated_at = now()
			where key = $1 returning `+outboxColumns, key, to, lastError))
		changed = err == nil
		return err
	})
	if errors.Is(err, ErrUnknownOutboxKey) {
		return OutboxEntry{}, false, err
	}
	if err != nil {
		return OutboxEntry{}, false, fmt.Errorf("recording %s for notification %s: %w", event, key, err)
	}
	return out, changed, nil
}

// Outbox lists notifications, newest first: the case's, or every case's
// when caseRef is empty; at most limit of them (limit <= 0: all).
func (s *Store) Outbox(ctx context.Context, caseRef string, limit int) ([]OutboxEntry, error) {
	sql := `select ` + outboxColumns + ` from notification_outbox`
	var args []any
	if caseRef != "" {
		args = append(args, caseRef)
		sql += ` where case_ref = $1`
	}
	sql += ` order by created_at desc, key desc`
	if limit > 0 {
		args = append(args, limit)
		sql += fmt.Sprintf(` limit $%d`, len(args))
	}
	rows, err := s.Pool.Query(ctx, sql, args...)
	out, err := s.outboxRows(rows, err)
	if err != nil {
		return nil, fmt.Errorf("listing the outbox: %w", err)
	}
	if out == nil {
		out = []OutboxEntry{} // an empty list, not null, for --json
	}
	return out, nil
}

// outboxRows opens every row a query returned (err is the query's own).
func (s *Store) outboxRows(rows pgx.Rows, err error) ([]OutboxEntry, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (OutboxEntry, error) { return s.scanOutbox(r) })
}

// OutboxByKey is the notification with the key, opened (Sealed when the
// Store has no keys); the error wraps ErrUnknownOutboxKey when none has it.
func (s *Store) OutboxByKey(ctx context.Context, key string) (OutboxEntry, error) {
	e, err := s.scanOutbox(s.Pool.QueryRow(ctx, `select `+outboxColumns+` from notification_outbox where key = $1`, key))
	if errors.Is(err, pgx.ErrNoRows) {
		return OutboxEntry{}, unknownKey(key)
	}
	if err != nil {
		return OutboxEntry{}, fmt.Errorf("reading notification %s: %w", key, err)
	}
	return e, nil
}
