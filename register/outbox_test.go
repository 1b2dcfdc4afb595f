package register_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/registertest"
)

func outboxEntry(key string) register.OutboxEntry {
	return register.OutboxEntry{Key: key, CaseRef: "EHC-1", Template: "family.refusal_to_assess", On: d("2026-03-02"),
		Recipients: []register.OutboxRecipient{{Role: "family", Name: "Sam Parent", Email: "sam@example.org"},
			{Role: "adviser", Email: "ep@la.example.gov.uk", Cc: true}},
		Caseworker: register.OutboxRecipient{Role: "caseworker", Name: "cw-1", Email: "cw@la.example.gov.uk"},
		Subject:    "Decision (case EHC-1)", Text: "We have decided..."}
}

func wantStatus(t *testing.T, got register.OutboxEntry, status string, attempts int) {
	t.Helper()
	if got.Status != status || got.Attempts != attempts {
		t.Errorf("%s: status %q, attempts %d; want %q, %d", got.Key, got.Status, got.Attempts, status, attempts)
	}
}

func TestOutboxClaimSentAndError(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()
	e := outboxEntry("EHC-1/family.refusal_to_assess/decision")

	first, err := s.OutboxClaim(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, first, register.OutboxPending, 1)
	if first.CaseRef != "EHC-1" || first.Template != e.Template || !first.On.Equal(e.On) || len(first.Recipients) != 2 ||
		first.Recipients[1] != e.Recipients[1] || first.Caseworker != e.Caseworker || first.Subject != e.Subject ||
		first.Text != e.Text || first.CreatedAt.IsZero() {
		t.Errorf("stored entry = %+v", first)
	}

	// A retryable failure keeps it pending, with the reason; the retry's
	// claim counts a second attempt and sees the stored row, not its own.
	if err := s.OutboxError(ctx, e.Key, "connection reset", false); err != nil {
		t.Fatal(err)
	}
	changed := e
	changed.Subject = "something else"
	second, err := s.OutboxClaim(ctx, changed)
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, second, register.OutboxPending, 2)
	if second.LastError != "connection reset" || second.Subject != e.Subject {
		t.Errorf("second claim = %+v", second)
	}

	if err := s.OutboxSent(ctx, e.Key, "sg-1"); err != nil {
		t.Fatal(err)
	}
	third, err := s.OutboxClaim(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, third, register.OutboxSent, 2) // no longer pending: not counted
	if third.MessageID != "sg-1" || third.LastError != "" {
		t.Errorf("after sent: %+v", third)
	}
	// An error after it was sent (a late duplicate attempt) changes nothing.
	if err := s.OutboxError(ctx, e.Key, "late", true); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.OutboxClaim(ctx, e); again.Status != register.OutboxSent || again.LastError != "" {
		t.Errorf("an error overwrote a sent row: %+v", again)
	}

	// A final failure.
	f := outboxEntry("EHC-1/family.withdrawn/withdrawn")
	if _, err := s.OutboxClaim(ctx, f); err != nil {
		t.Fatal(err)
	}
	if err := s.OutboxError(ctx, f.Key, "invalid address", true); err != nil {
		t.Fatal(err)
	}
	failed, err := s.OutboxClaim(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, failed, register.OutboxFailed, 1)
	if failed.LastError != "invalid address" {
		t.Errorf("failed row: %+v", failed)
	}

	// No caseworker is stored as none.
	g := outboxEntry("EHC-2/adviser.request/x")
	g.CaseRef, g.Caseworker = "EHC-2", register.OutboxRecipient{}
	if got, err := s.OutboxClaim(ctx, g); err != nil || got.Caseworker != (register.OutboxRecipient{}) {
		t.Errorf("no caseworker: %+v, %v", got, err)
	}

	for name, err := range map[string]error{
		"sent":  s.OutboxSent(ctx, "nope", "x"),
		"error": s.OutboxError(ctx, "nope", "x", true),
	} {
		if !errors.Is(err, register.ErrUnknownOutboxKey) {
			t.Errorf("%s on an unknown key: %v", name, err)
		}
	}
	bad := outboxEntry("")
	if _, err := s.OutboxClaim(ctx, bad); !errors.Is(err, register.ErrInvalidOutboxEntry) {
		t.Errorf("claim without a key: %v", err)
	}
}

func TestOutboxEventsNeverDowngrade(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()
	e := outboxEntry("EHC-1/family.final_plan/final")
	if _, err := s.OutboxClaim(ctx, e); err != nil {
		t.Fatal(err)
	}
	if err := s.OutboxSent(ctx, e.Key, "sg-9"); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		event, reason string
		status        string
		changed       bool
		lastError     string
	}{
		{"processed", "", register.OutboxSent, false, ""},
		{"deferred", "try later", register.OutboxSent, false, ""},
		{"delivered", "", register.OutboxDelivered, true, ""},
		{"open", "", register.OutboxDelivered, false, ""},
		{"click", "", register.OutboxDelivered, false, ""},
		{"delivered", "", register.OutboxDelivered, false, ""},
		{"bounce", "550 5.1.1 no such user", register.OutboxBounced, true, "bounce: 550 5.1.1 no such user"},
		{"delivered", "", register.OutboxBounced, false, "bounce: 550 5.1.1 no such user"}, // late: no downgrade
		{"dropped", "Bounced Address", register.OutboxBounced, false, "bounce: 550 5.1.1 no such user"},
		{"bounce", "again", register.OutboxBounced, false, "bounce: 550 5.1.1 no such user"},
	}
	for _, st := range steps {
		got, changed, err := s.OutboxEvent(ctx, e.Key, st.event, st.reason)
		if err != nil {
			t.Fatalf("%s: %v", st.event, err)
		}
		if got.Status != st.status || changed != st.changed || got.LastError != st.lastError || got.MessageID != "sg-9" {
			t.Errorf("after %s: status %q changed %v last error %q message %q; want %q %v %q", st.event,
				got.Status, changed, got.LastError, got.MessageID, st.status, st.changed, st.lastError)
		}
	}

	// A delivery event can overtake the sender's own record of the send:
	// the row is delivered already, and OutboxSent adds only the ID.
	p := outboxEntry("EHC-1/family.draft_served/draft")
	if _, err := s.OutboxClaim(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got, changed, err := s.OutboxEvent(ctx, p.Key, "dropped", ""); err != nil || !changed || got.Status != register.OutboxDropped || got.LastError != "dropped" {
		t.Errorf("dropped while pending: %+v %v %v", got, changed, err)
	}
	if err := s.OutboxSent(ctx, p.Key, "sg-10"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.OutboxClaim(ctx, p); got.Status != register.OutboxDropped || got.MessageID != "sg-10" || got.Attempts != 1 {
		t.Errorf("sent after dropped: %+v", got)
	}

	// Events never touch a failed row: nothing was sent.
	f := outboxEntry("EHC-1/family.withdrawn/w")
	if _, err := s.OutboxClaim(ctx, f); err != nil {
		t.Fatal(err)
	}
	if err := s.OutboxError(ctx, f.Key, "rejected", true); err != nil {
		t.Fatal(err)
	}
	if got, changed, err := s.OutboxEvent(ctx, f.Key, "bounce", "x"); err != nil || changed || got.Status != register.OutboxFailed {
		t.Errorf("bounce of a failed row: %+v %v %v", got, changed, err)
	}

	if _, _, err := s.OutboxEvent(ctx, "other-system/123", "delivered", ""); !errors.Is(err, register.ErrUnknownOutboxKey) {
		t.Errorf("unknown key: %v", err)
	}
}

func TestOutboxListNewestFirst(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()
	for _, k := range []struct{ key, ref string }{{"a", "EHC-1"}, {"b", "EHC-2"}, {"c", "EHC-1"}} {
		e := outboxEntry(k.key)
		e.CaseRef = k.ref
		if _, err := s.OutboxClaim(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	keys := func(es []register.OutboxEntry) string {
		var out string
		for _, e := range es {
			out += e.Key
		}
		return out
	}
	for _, c := range []struct {
		ref   string
		limit int
		want  string
	}{{"", 0, "cba"}, {"", 2, "cb"}, {"EHC-1", 0, "ca"}, {"EHC-1", 1, "c"}, {"EHC-3", 10, ""}} {
		got, err := s.Outbox(ctx, c.ref, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		if keys(got) != c.want || got == nil {
			t.Errorf("Outbox(%q, %d) = %q, want %q", c.ref, c.limit, keys(got), c.want)
		}
	}
	if _, err := s.Pool.Exec(ctx, "update notification_outbox set status = 'lost' where key = 'a'"); err == nil {
		t.Error("the outbox took a status it does not know")
	}
}
