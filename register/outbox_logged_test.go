package register_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/registertest"
)

// A notification written to the log (no mail service configured) is
// logged, for good: no delivery event moves it, and a late record of a send
// does not either.
func TestOutboxLogged(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()
	e := outboxEntry("EHC-1/family.refusal_to_assess/logged")
	if _, err := s.OutboxClaim(ctx, e); err != nil {
		t.Fatal(err)
	}
	if err := s.OutboxError(ctx, e.Key, "connection reset", false); err != nil {
		t.Fatal(err)
	}
	if err := s.OutboxLogged(ctx, e.Key, "log-0123456789abcdef"); err != nil {
		t.Fatal(err)
	}
	got, err := s.OutboxClaim(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, got, register.OutboxLogged, 1) // no longer pending: the claim is not counted
	if got.MessageID != "log-0123456789abcdef" || got.LastError != "" {
		t.Errorf("logged row = %+v", got)
	}

	for _, event := range []string{"processed", "deferred", "delivered", "bounce", "dropped", "open"} {
		got, changed, err := s.OutboxEvent(ctx, e.Key, event, "550 no such user")
		if err != nil || changed || got.Status != register.OutboxLogged || got.LastError != "" {
			t.Errorf("%s on a logged row: status %q changed %v last error %q, %v; want it left logged",
				event, got.Status, changed, got.LastError, err)
		}
	}
	if err := s.OutboxSent(ctx, e.Key, "sg-1"); err != nil {
		t.Fatal(err)
	}
	if err := s.OutboxError(ctx, e.Key, "refused", true); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.OutboxClaim(ctx, e); got.Status != register.OutboxLogged {
		t.Errorf("after sent and failed were recorded: status %q; want logged", got.Status)
	}

	// Logged is only for a pending row: a sent one stays sent.
	sent := outboxEntry("EHC-1/family.final_plan/sent")
	if _, err := s.OutboxClaim(ctx, sent); err != nil {
		t.Fatal(err)
	}
	if err := s.OutboxSent(ctx, sent.Key, "sg-2"); err != nil {
		t.Fatal(err)
	}
	if err := s.OutboxLogged(ctx, sent.Key, "log-x"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.OutboxClaim(ctx, sent); got.Status != register.OutboxSent {
		t.Errorf("logged after sent: status %q; want sent", got.Status)
	}

	if err := s.OutboxLogged(ctx, "nope", "x"); !errors.Is(err, register.ErrUnknownOutboxKey) {
		t.Errorf("logged for an unknown key: %v", err)
	}

	// The database takes logged, and still nothing it does not know.
	if _, err := s.Pool.Exec(ctx, `update notification_outbox set status = 'logged' where key = $1`, sent.Key); err != nil {
		t.Errorf("the status check refuses logged: %v", err)
	}
	if _, err := s.Pool.Exec(ctx, `update notification_outbox set status = 'mislaid' where key = $1`, sent.Key); err == nil {
		t.Error("the status check took an unknown status")
	}
}
