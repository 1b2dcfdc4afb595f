package register_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/tern/v2/migrate"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/registertest"
)

// A hand-over marks the row maybe-sent until a definite answer: what tells
// the next attempt to ask the mail service before sending again.
func TestOutboxMaybeSent(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()
	e := outboxEntry("EHC-1/a")
	if _, err := s.OutboxClaim(ctx, e); err != nil {
		t.Fatal(err)
	}
	if age, err := s.OutboxMaybeSentAge(ctx, e.Key); err != nil || age < 24*time.Hour {
		t.Errorf("age before any hand-over: %s, %v; want very old", age, err)
	}
	handed, err := s.OutboxHandingOver(ctx, e.Key, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := s.OutboxClaim(ctx, e)
	if !got.MaybeSent || got.MaybeSentAt == nil {
		t.Errorf("after the hand-over: maybe_sent %v at %v", got.MaybeSent, got.MaybeSentAt)
	}
	if age, err := s.OutboxMaybeSentAge(ctx, e.Key); err != nil || age < 0 || age > time.Minute {
		t.Errorf("age just after the hand-over: %s, %v", age, err)
	}
	if err := s.OutboxNotAccepted(ctx, e.Key, handed); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.OutboxClaim(ctx, e); got.MaybeSent {
		t.Error("still maybe sent after a definite no")
	}
	if err := s.OutboxSent(ctx, e.Key, "sg-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.OutboxHandingOver(ctx, e.Key, got.MaybeSentAt); !errors.Is(err, register.ErrNotPending) {
		t.Errorf("hand-over of a sent row: %v, want ErrNotPending", err)
	}
}

// Two attempts that claimed the same row (a Notify retried in one worker,
// the relay in another): only the first to hand over may send, and the
// other's definite "not accepted" leaves the first's mark alone.
func TestOutboxHandOverIsCompareAndSet(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()
	e := outboxEntry("EHC-1/race")
	a, err := s.OutboxClaim(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.OutboxClaim(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	aAt, err := s.OutboxHandingOver(ctx, e.Key, a.MaybeSentAt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.OutboxHandingOver(ctx, e.Key, b.MaybeSentAt); !errors.Is(err, register.ErrAnotherSender) {
		t.Fatalf("second hand-over on the same claim: %v, want ErrAnotherSender", err)
	}
	// A's answer is lost; B's retry claims, sees A's mark, and (after
	// checking the feed) hands over on it.
	b, _ = s.OutboxClaim(ctx, e)
	if b.MaybeSentAt == nil || !b.MaybeSentAt.Equal(aAt) {
		t.Fatalf("the retry's claim saw maybe_sent_at %v, want A's %v", b.MaybeSentAt, aAt)
	}
	bAt, err := s.OutboxHandingOver(ctx, e.Key, b.MaybeSentAt)
	if err != nil {
		t.Fatal(err)
	}
	// A late 500 for A's request clears nothing: B's may be in flight.
	if err := s.OutboxNotAccepted(ctx, e.Key, aAt); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.OutboxByKey(ctx, e.Key); !got.MaybeSent {
		t.Error("A's refusal cleared B's maybe-sent mark")
	}
	if err := s.OutboxNotAccepted(ctx, e.Key, bAt); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.OutboxByKey(ctx, e.Key); got.MaybeSent {
		t.Error("B's own refusal left the row maybe sent")
	}
	if _, err := s.OutboxHandingOver(ctx, "EHC-1/none", nil); !errors.Is(err, register.ErrUnknownOutboxKey) {
		t.Errorf("hand-over of no row: %v", err)
	}
}

func TestOutboxResendRequests(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()
	failed, pending, sent := outboxEntry("EHC-1/failed"), outboxEntry("EHC-1/pending"), outboxEntry("EHC-1/sent")
	for _, e := range []register.OutboxEntry{failed, pending, sent} {
		if _, err := s.OutboxClaim(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.OutboxError(ctx, failed.Key, "400 Bad Request", true); err != nil {
		t.Fatal(err)
	}
	if err := s.OutboxSent(ctx, sent.Key, "sg-1"); err != nil {
		t.Fatal(err)
	}

	for _, bad := range []register.Resend{{}, {Key: "k", CaseRef: "EHC-1"}, {Status: "sent"}} {
		if _, _, err := s.OutboxRequestResend(ctx, bad); !errors.Is(err, register.ErrInvalidOutboxEntry) {
			t.Errorf("%+v: %v, want ErrInvalidOutboxEntry", bad, err)
		}
	}
	out, more, err := s.OutboxRequestResend(ctx, register.Resend{CaseRef: "EHC-1"})
	if err != nil || more || len(out) != 3 {
		t.Fatalf("by case: %+v, %v, %v", out, more, err)
	}
	want := map[string]bool{failed.Key: true, pending.Key: true, sent.Key: false}
	for _, o := range out {
		if o.Requested != want[o.Key] {
			t.Errorf("%s (%s): requested %v, want %v (%s)", o.Key, o.Status, o.Requested, want[o.Key], o.Note)
		}
	}

	due, err := s.OutboxResendDue(ctx, time.Minute, 10)
	if err != nil || len(due) != 2 {
		t.Fatalf("due: %d rows, %v; want the failed and the pending", len(due), err)
	}
	for _, e := range due {
		if e.Status != register.OutboxPending || len(e.Recipients) != 2 || e.Subject == "" {
			t.Errorf("due %s: %s with %d recipients, subject %q; want pending with its content", e.Key, e.Status, len(e.Recipients), e.Subject)
		}
	}
	if again, _ := s.OutboxResendDue(ctx, time.Minute, 10); len(again) != 0 {
		t.Errorf("%d rows taken twice within their lease", len(again))
	}
	if err := s.OutboxResendDone(ctx, failed.Key); err != nil {
		t.Fatal(err)
	}
	// The pending one was sent by its workflow meanwhile: its request goes.
	if err := s.OutboxSent(ctx, pending.Key, "sg-2"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool.Exec(ctx, `update notification_outbox set resend_requested_at = now() - interval '1 second'`+
		` where resend_requested_at is not null`); err != nil { // the lease runs out
		t.Fatal(err)
	}
	if again, _ := s.OutboxResendDue(ctx, time.Minute, 10); len(again) != 0 {
		t.Errorf("%d rows due after they were sent", len(again))
	}
	rows, _ := s.Outbox(ctx, "EHC-1", 0)
	for _, r := range rows {
		if r.ResendRequestedAt != nil {
			t.Errorf("%s (%s) still has a resend request", r.Key, r.Status)
		}
	}
}

// Migration 006 marks maybe-sent the rows an older worker left pending
// with attempts and no error: it recorded nothing before sending, so such
// a row may have been accepted. A row never tried, or whose attempt
// failed with an answer, is not.
func TestMigrationMarksOlderWorkersRowsMaybeSent(t *testing.T) {
	ctx := context.Background()
	url := registertest.URL(t)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	m, err := migrate.NewMigrator(ctx, conn, "ehc_schema_version")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.LoadMigrations(os.DirFS("migrations")); err != nil {
		t.Fatal(err)
	}
	if err := m.MigrateTo(ctx, 5); err != nil { // as an older worker left it
		t.Fatal(err)
	}
	for key, r := range map[string]struct {
		attempts  int
		lastError any
		status    string
	}{"A/tried": {1, nil, "pending"}, "A/never": {0, nil, "pending"}, "A/refused": {2, "503", "pending"}, "A/sent": {1, nil, "sent"}} {
		if _, err := conn.Exec(ctx, `insert into notification_outbox (key, case_ref, template, on_date, recipients, subject, body_text, status, attempts, last_error)
			values ($1, 'A', 'family.final_plan', '2026-03-02', '[{"role":"family","email":"f@example.org"}]', 's', 't', $2, $3, $4)`,
			key, r.status, r.attempts, r.lastError); err != nil {
			t.Fatal(err)
		}
	}
	s, err := register.Open(ctx, url, register.WithSealer(registertest.Sealer()))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rows, err := s.Outbox(ctx, "A", 0)
	if err != nil || len(rows) != 4 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	for _, e := range rows {
		if want := e.Key == "A/tried"; e.MaybeSent != want || e.MaybeSentAt != nil {
			t.Errorf("%s: maybe_sent %v at %v; want %v with no time", e.Key, e.MaybeSent, e.MaybeSentAt, want)
		}
	}
	// Its next attempt's hand-over is a compare-and-set on "no time".
	tried, err := s.OutboxByKey(ctx, "A/tried")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.OutboxHandingOver(ctx, tried.Key, tried.MaybeSentAt); err != nil {
		t.Errorf("hand-over of the migrated row: %v", err)
	}
}
