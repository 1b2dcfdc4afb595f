package activities

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/codec"
	"github.com/ehc-send/ehc/register"
)

// otherStore opens f's register as another worker would: with the keys
// given (none: nil).
func (f outboxFixture) otherStore(t *testing.T, sealer register.Sealer) *register.Store {
	t.Helper()
	var opts []register.Option
	if sealer != nil {
		opts = append(opts, register.WithSealer(sealer))
	}
	s, err := register.Open(context.Background(), f.store.Pool.Config().ConnString(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func retiredKey(t *testing.T) *codec.Codec {
	t.Helper()
	line, err := codec.NewKeyLine("retired")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := codec.ParseKeys(line, "a retired key")
	if err != nil {
		t.Fatal(err)
	}
	c, err := codec.New(keys)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A letter whose activity gave up (a refusal or outage longer than its
// day of retries) is left pending with nothing retrying it: the relay
// takes it on once it has been untouched for register.OrphanAfter.
func TestRelaySendsLettersNoActivityRetries(t *testing.T) {
	f := newOutbox(t)
	f.box.Health = &MailHealth{}
	ctx := context.Background()
	old, recent := render(t, familyLetter(letters.FamilyFinalPlan)), render(t, familyLetter(letters.FamilyDecisionToAssess))
	for _, m := range []letters.Message{old, recent} {
		f.next.fail(m.Key, errors.New("sendgrid: 503 Service Unavailable"))
		if _, err := f.box.Deliver(ctx, m); err == nil {
			t.Fatal("the scripted failure did not fail")
		}
	}
	for key, ago := range map[string]string{old.Key: "24 hours 6 minutes", recent.Key: "23 hours"} {
		if _, err := f.store.Pool.Exec(ctx, `update notification_outbox set updated_at = now() - $2::interval where key = $1`, key, ago); err != nil {
			t.Fatal(err)
		}
	}
	n, err := f.box.RelayOnce(ctx)
	if err != nil || n != 1 {
		t.Fatalf("relay: %d dealt with, %v; want the orphan", n, err)
	}
	if r := f.row(t, old.Key); r.Status != register.OutboxSent || r.ResendRequestedAt != nil {
		t.Errorf("the orphan: %s, resend %v; want sent and done", r.Status, r.ResendRequestedAt)
	}
	if r := f.row(t, recent.Key); r.Status != register.OutboxPending || r.ResendRequestedAt != nil || f.next.count(recent.Key) != 1 {
		t.Errorf("a letter its activity may still retry was taken: %+v", r)
	}
	if got := f.next.accepted(old.Key); len(got) != 1 || got[0].Text == "" || got[0].To[0].Email != "family@example.org" {
		t.Errorf("the orphan went as %+v", got)
	}
	if got := f.box.Health.Status().Relaying; got != 1 {
		t.Errorf("relaying %d, want 1 (counted before it was sent)", got)
	}
	wantAll(t, f.logs.String(), "pending letters no activity retries any more: the relay sends them")
	if _, err := f.box.RelayOnce(ctx); err != nil || f.box.Health.Status().Relaying != 0 {
		t.Errorf("next pass: relaying %d, %v", f.box.Health.Status().Relaying, err)
	}
}

// /healthz must not stay 503 on a worker whose held letters' retries went
// to other workers: a refusal older than refusedFreshFor no longer counts.
func TestMailRefusedGoesStale(t *testing.T) {
	now := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	h := &MailHealth{now: func() time.Time { return now }}
	h.refuse("401")
	now = now.Add(refusedFreshFor - time.Second)
	if st := h.Status(); !st.Refused || st.Reason != "401" || st.RefusedAttempts != 1 {
		t.Errorf("just inside %s: %+v, want refused", refusedFreshFor, st)
	}
	now = now.Add(2 * time.Second)
	if st := h.Status(); st.Refused || st.Reason != "" || st.RefusedAttempts != 1 {
		t.Errorf("after %s with no refusal: %+v, want not refused (the count kept)", refusedFreshFor, st)
	}
	h.refuse("403")
	if st := h.Status(); !st.Refused || !st.Since.Equal(now) || st.Reason != "403" {
		t.Errorf("a new refusal: %+v, want refused since now", st)
	}
	h.accepted()
	if h.Status().Refused {
		t.Error("still refused after an accepted send")
	}
}

// A row sealed with a key the worker no longer has neither stops the
// listing nor the relay: it is marked unreadable, logged and skipped.
func TestUnreadableRowIsSkipped(t *testing.T) {
	f := newOutbox(t)
	ctx := context.Background()
	retired := f.otherStore(t, retiredKey(t))
	lost, fine := render(t, familyLetter(letters.FamilyFinalPlan)), render(t, familyLetter(letters.FamilyWithdrawn))
	if _, err := retired.OutboxClaim(ctx, outboxEntry(lost)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.OutboxClaim(ctx, outboxEntry(fine)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.store.OutboxRequestResend(ctx, register.Resend{CaseRef: caseRef}); err != nil {
		t.Fatal(err)
	}
	rows, err := f.store.Outbox(ctx, caseRef, 0)
	if err != nil || len(rows) != 2 {
		t.Fatalf("listing: %d rows, %v", len(rows), err)
	}
	for _, r := range rows {
		if (r.Key == lost.Key) != (r.Unreadable != "" && r.Sealed) {
			t.Errorf("%s: sealed %v, unreadable %q", r.Key, r.Sealed, r.Unreadable)
		}
		if r.Key == lost.Key && (r.Subject != "" || r.Recipients[0].Email != "" || r.Recipients[0].Role != "family") {
			t.Errorf("the unreadable row: %+v; want roles only", r)
		}
	}
	n, err := f.box.RelayOnce(ctx)
	if err != nil || n != 1 {
		t.Fatalf("relay: %d, %v; want the readable row dealt with", n, err)
	}
	if f.next.count(lost.Key) != 0 || f.next.count(fine.Key) != 1 {
		t.Errorf("sent: unreadable %d, readable %d", f.next.count(lost.Key), f.next.count(fine.Key))
	}
	wantAll(t, f.logs.String(), `"level":"ERROR","msg":"a notification to resend cannot be opened with this worker's keys: skipped"`, lost.Key)
}

// A register without keys cannot tell a family's bounce from another's:
// the event fails, retryably, for the mail service to send again.
func TestBounceOnASealedRowAsksForTheEventAgain(t *testing.T) {
	f := newOutbox(t)
	ctx := context.Background()
	m := render(t, familyLetter(letters.FamilyFinalPlan))
	if _, err := f.box.Deliver(ctx, m); err != nil {
		t.Fatal(err)
	}
	keyless := &Outbox{Store: f.otherStore(t, nil), Next: f.next, Logger: f.box.Logger}
	if err := keyless.DeliveryEvent(ctx, m.Key, "delivered", "", "family@example.org"); err != nil {
		t.Errorf("delivered needs no addresses: %v", err)
	}
	err := keyless.DeliveryEvent(ctx, m.Key, "bounce", "550 no such user", "family@example.org")
	if !errors.Is(err, register.ErrNoSealer) || isNonRetryable(err) {
		t.Fatalf("bounce without keys: %v; want a retryable ErrNoSealer", err)
	}
	if _, ok := f.find(t, m.Key+"/bounced"); ok {
		t.Error("an alert was raised without the addresses")
	}
	// The event again, to a worker with the keys: the caseworker is told.
	if err := f.box.DeliveryEvent(ctx, m.Key, "bounce", "550 no such user", "family@example.org"); err != nil {
		t.Fatal(err)
	}
	if a := f.row(t, m.Key+"/bounced"); a.Status != register.OutboxSent {
		t.Errorf("alert %s", a.Status)
	}
	if strings.Contains(f.logs.String(), "family@example.org") {
		t.Error("the log names the address")
	}
}
