package register

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Sealer encrypts the personal data the register keeps outside case_people:
// a notification's recipients, subject and text. *codec.Codec is one, with
// the keys of Temporal's payloads, so one key rotation covers both. context
// binds a sealed value to its row: moved to another, it does not open.
type Sealer interface {
	Seal(plain, context []byte) ([]byte, error)
	Open(sealed, context []byte) ([]byte, error)
}

// ErrNoSealer is what writing personal data to a Store without a Sealer
// fails with: the register never keeps names, addresses or letters in clear.
var ErrNoSealer = errors.New("the case register has no encryption keys to seal personal data with (set EHC_CODEC_KEYS or EHC_CODEC_KEYS_FILE)")

// Option configures a Store as it is opened.
type Option func(*Store)

// WithSealer has the Store seal and open notifications' personal data with
// s. Without one, the Store writes no notification that names anyone, and
// reads notifications as their roles only (OutboxEntry.Sealed).
func WithSealer(s Sealer) Option { return func(st *Store) { st.Sealer = s } }

// outboxContent is what a notification row keeps sealed: everything about
// it that names a person or carries a caseworker's words.
type outboxContent struct {
	Recipients []OutboxRecipient `json:"recipients"`
	Caseworker *OutboxRecipient  `json:"caseworker,omitempty"`
	Subject    string            `json:"subject"`
	Text       string            `json:"text"`
}

func (e OutboxEntry) content() outboxContent {
	c := outboxContent{Recipients: e.Recipients, Subject: e.Subject, Text: e.Text}
	if e.Caseworker != (OutboxRecipient{}) {
		cw := e.Caseworker
		c.Caseworker = &cw
	}
	return c
}

// sealContext ties a row's sealed value to the row's key.
func sealContext(key string) []byte { return []byte("notification_outbox:" + key) }

// seal is e's content sealed for its row, and the roles kept in clear.
func (s *Store) seal(e OutboxEntry) ([]byte, []string, error) {
	roles := outboxRoles(e.Recipients)
	if s.Sealer == nil {
		if c := e.content(); c.Caseworker == nil && c.Subject == "" && c.Text == "" && !namesAnyone(c.Recipients) {
			return nil, roles, nil // roles alone: nothing to seal
		}
		return nil, nil, fmt.Errorf("notification %s: %w", e.Key, ErrNoSealer)
	}
	plain, err := json.Marshal(e.content())
	if err != nil {
		return nil, nil, err
	}
	sealed, err := s.Sealer.Seal(plain, sealContext(e.Key))
	if err != nil {
		return nil, nil, fmt.Errorf("sealing notification %s: %w", e.Key, err)
	}
	return sealed, roles, nil
}

// open fills e from its row's sealed value; from the roles alone, marking
// it Sealed, when the Store has no Sealer. legacy is a row's clear content
// from before sealing (see SealLegacyOutbox).
func (s *Store) open(e *OutboxEntry, sealed, legacy []byte, roles []string) error {
	var plain []byte
	switch {
	case sealed != nil && s.Sealer == nil:
		e.Sealed = true
		e.Recipients = rolesOnly(roles)
		return nil
	case sealed != nil:
		var err error
		if plain, err = s.Sealer.Open(sealed, sealContext(e.Key)); err != nil {
			return fmt.Errorf("notification %s: %w", e.Key, err)
		}
	case legacy != nil:
		plain = legacy
	default:
		e.Recipients = rolesOnly(roles)
		return nil
	}
	var c outboxContent
	if err := json.Unmarshal(plain, &c); err != nil {
		return fmt.Errorf("notification %s: its content: %w", e.Key, err)
	}
	e.Recipients, e.Subject, e.Text = c.Recipients, c.Subject, c.Text
	if c.Caseworker != nil {
		e.Caseworker = *c.Caseworker
	}
	return nil
}

func namesAnyone(rs []OutboxRecipient) bool {
	for _, r := range rs {
		if r.Name != "" || r.Email != "" {
			return true
		}
	}
	return false
}

// outboxRoles are the recipients' roles, "cc:" marking a copy.
func outboxRoles(rs []OutboxRecipient) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Role
		if r.Cc {
			out[i] = "cc:" + r.Role
		}
	}
	return out
}

func rolesOnly(roles []string) []OutboxRecipient {
	out := make([]OutboxRecipient, 0, len(roles))
	for _, r := range roles {
		role, cc := strings.CutPrefix(r, "cc:")
		out = append(out, OutboxRecipient{Role: role, Cc: cc})
	}
	return out
}

// emailPattern finds anything shaped like an address in an error or a
// bounce reason ("550 5.1.1 <sam@example.org>: no such user").
var emailPattern = regexp.MustCompile(`[^\s<>()\[\]",;:'@]+@[^\s<>()\[\]",;:'@]+`)

// scrubAddresses replaces each address in text by the role of the
// recipient it belongs to, or by "(an address)": last_error is kept in
// clear, and addresses are personal data.
func scrubAddresses(text string, rs []OutboxRecipient) string {
	return emailPattern.ReplaceAllStringFunc(text, func(a string) string {
		for _, r := range rs {
			if r.Email != "" && strings.EqualFold(strings.TrimRight(a, "."), r.Email) {
				return "(the " + r.Role + "'s address)"
			}
		}
		return "(an address)"
	})
}

// legacyBatch is how many rows from before sealing one transaction seals.
const legacyBatch = 200

// SealLegacyOutbox seals the notifications written before the register
// sealed them (migration 007) and clears their clear-text columns, batch
// by batch; it returns how many it sealed. Without a Sealer it seals
// nothing and reports how many still wait, with ErrNoSealer. Rows another
// process is sealing are skipped, so workers starting together share out
// the work.
func (s *Store) SealLegacyOutbox(ctx context.Context) (int, error) {
	if s.Sealer == nil {
		var waiting int
		if err := s.Pool.QueryRow(ctx, `select count(*) from notification_outbox where sealed is null and recipients is not null`).Scan(&waiting); err != nil {
			return 0, fmt.Errorf("counting notifications not yet sealed: %w", err)
		}
		if waiting > 0 {
			return 0, fmt.Errorf("%d notifications from before schema version 7 still hold names, addresses and letters in clear: %w", waiting, ErrNoSealer)
		}
		return 0, nil
	}
	total := 0
	for {
		n, err := s.sealLegacyBatch(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

func (s *Store) sealLegacyBatch(ctx context.Context) (int, error) {
	n := 0
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `select key, recipients, caseworker, coalesce(subject, ''), coalesce(body_text, ''), coalesce(last_error, '')
			from notification_outbox where sealed is null and recipients is not null
			order by key limit $1 for update skip locked`, legacyBatch)
		if err != nil {
			return err
		}
		type legacy struct {
			e         OutboxEntry
			lastError string
		}
		var todo []legacy
		for rows.Next() {
			var l legacy
			var recipients, caseworker []byte
			if err := rows.Scan(&l.e.Key, &recipients, &caseworker, &l.e.Subject, &l.e.Text, &l.lastError); err != nil {
				rows.Close()
				return err
			}
			if err := json.Unmarshal(recipients, &l.e.Recipients); err != nil {
				rows.Close()
				return fmt.Errorf("notification %s: recipients: %w", l.e.Key, err)
			}
			if len(caseworker) > 0 && string(caseworker) != "null" {
				if err := json.Unmarshal(caseworker, &l.e.Caseworker); err != nil {
					rows.Close()
					return fmt.Errorf("notification %s: caseworker: %w", l.e.Key, err)
				}
			}
			todo = append(todo, l)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// One round trip for the batch's updates.
		batch := &pgx.Batch{}
		for _, l := range todo {
			sealed, roles, err := s.seal(l.e)
			if err != nil {
				return err
			}
			batch.Queue(`update notification_outbox set sealed = $2, roles = $3,
					recipients = null, caseworker = null, subject = null, body_text = null, last_error = nullif($4, '')
				where key = $1`, l.e.Key, sealed, roles, scrubAddresses(l.lastError, append(l.e.Recipients, l.e.Caseworker)))
		}
		n = len(todo)
		return tx.SendBatch(ctx, batch).Close()
	})
	if err != nil {
		return 0, fmt.Errorf("sealing notifications written before schema version 7: %w", err)
	}
	return n, nil
}

// ScrubAddresses is text without the addresses in it, each replaced by the
// role of the recipient in rs it belongs to, or by "(an address)": for
// reasons (a bounce's, a mail service's error) that are logged or kept in
// clear.
func ScrubAddresses(text string, rs []OutboxRecipient) string { return scrubAddresses(text, rs) }
