package register

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ehc-send/ehc/register/caserecord"
)

// RecordStep writes what one step of a case leaves, in one transaction:
// its events (the last with the case's snapshot), the projection, and a
// pending outbox row for each of its letters. So the step's record and the
// letters it owes stand or fall together: a worker that dies after this
// leaves letters the relay can still send, never a step with its letters
// forgotten. Like Record and OutboxClaim, it writes nothing twice: a key
// already held is left as it is.
func (s *Store) RecordStep(ctx context.Context, events []caserecord.Event, letters []OutboxEntry) error {
	for _, e := range events {
		if err := checkEvent(e); err != nil {
			return err
		}
	}
	type sealedEntry struct {
		e      OutboxEntry
		roles  []string
		sealed []byte
	}
	rows := make([]sealedEntry, 0, len(letters))
	for _, e := range letters {
		if err := e.check(); err != nil {
			return err
		}
		sealed, roles, err := s.seal(e) // names, addresses and the letter never in clear
		if err != nil {
			return err
		}
		rows = append(rows, sealedEntry{e, roles, sealed})
	}
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		for _, e := range events {
			if _, err := recordTx(ctx, tx, e); err != nil {
				return err
			}
		}
		for _, r := range rows {
			if err := insertOutbox(ctx, tx, r.e, r.roles, r.sealed); err != nil {
				return fmt.Errorf("writing notification %s to the outbox: %w", r.e.Key, err)
			}
		}
		return nil
	})
}
