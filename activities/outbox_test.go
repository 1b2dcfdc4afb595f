package activities

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/register/registertest"
)

// scripted stands in for SendGrid as the Outbox's Next: it records every
// message it is handed and answers each call for a key with the next error
// scripted for that key, or success.
type scripted struct {
	mu    sync.Mutex
	errs  map[string][]error
	calls map[string]int
	sent  []letters.Message // accepted
}

func (s *scripted) fail(key string, errs ...error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.errs == nil {
		s.errs = map[string][]error{}
	}
	s.errs[key] = append(s.errs[key], errs...)
}

func (s *scripted) Deliver(ctx context.Context, m letters.Message) (letters.Delivery, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls == nil {
		s.calls = map[string]int{}
	}
	s.calls[m.Key]++
	if errs := s.errs[m.Key]; len(errs) > 0 {
		s.errs[m.Key] = errs[1:]
		if errs[0] != nil {
			return letters.Delivery{}, errs[0]
		}
	}
	s.sent = append(s.sent, m)
	return letters.Delivery{Key: m.Key, MessageID: fmt.Sprintf("sg-%d", len(s.sent))}, nil
}

func (s *scripted) count(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[key]
}

func (s *scripted) accepted(key string) []letters.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []letters.Message
	for _, m := range s.sent {
		if m.Key == key {
			out = append(out, m)
		}
	}
	return out
}

var caseworker = letters.Recipient{Role: letters.RoleCaseworker, Name: "Carol Caseworker", Email: "carol@la.example.gov.uk"}

// familyLetter is a notification to the family alone, naming the
// caseworker to tell if it does not arrive.
func familyLetter(tpl letters.Template) letters.Notification {
	n := full(tpl)
	n.Cc = nil
	n.Caseworker = caseworker
	return n
}

type outboxFixture struct {
	store *register.Store
	next  *scripted
	box   *Outbox
	logs  *bytes.Buffer
}

func newOutbox(t *testing.T) outboxFixture {
	t.Helper()
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := outboxFixture{store: registertest.Store(t), next: &scripted{}, logs: &logs}
	f.box = &Outbox{Store: f.store, Next: f.next, Logger: logger,
		Now: func() time.Time { return time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC) }}
	return f
}

// row is the outbox's row for key; it fails the test if there is none.
func (f outboxFixture) row(t *testing.T, key string) register.OutboxEntry {
	t.Helper()
	r, ok := f.find(t, key)
	if !ok {
		t.Fatalf("no outbox row %s", key)
	}
	return r
}

func (f outboxFixture) find(t *testing.T, key string) (register.OutboxEntry, bool) {
	t.Helper()
	all, err := f.store.Outbox(context.Background(), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range all {
		if r.Key == key {
			return r, true
		}
	}
	return register.OutboxEntry{}, false
}

func (f outboxFixture) rows(t *testing.T) int {
	t.Helper()
	all, err := f.store.Outbox(context.Background(), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(all)
}

func isNonRetryable(err error) bool {
	var app *temporal.ApplicationError
	return errors.As(err, &app) && app.NonRetryable()
}

// The whole path: Notify, run as Temporal runs it, renders the message,
// the outbox writes it and Next sends it; running it again sends nothing.
func TestNotifyThroughOutboxSendsOnce(t *testing.T) {
	f := newOutbox(t)
	a := &Activities{Transport: f.box, Register: f.store, Logger: quiet}
	n := familyLetter(letters.FamilyRefusalToAssess)
	tt := n.Facts.Timetable
	if _, err := f.store.Record(context.Background(), caserecord.Event{Key: caseRef + "/1/request-received", CaseRef: caseRef,
		Kind: caserecord.KindStep, Name: "request-received", EffectiveOn: day1, Case: caserecord.Snapshot{Seq: 1, Stage: "requested",
			Requester: "parent", Caseworker: "cw-1", Day1: day1, DecisionToAssessDue: tt.DecisionToAssessDue,
			DecisionNotToIssueDue: tt.DecisionNotToIssueDue, FinalPlanDue: tt.FinalPlanDue}}); err != nil {
		t.Fatal(err)
	}

	first, err := notify(t, a, n)
	if err != nil {
		t.Fatal(err)
	}
	again, err := notify(t, a, n)
	if err != nil {
		t.Fatal(err)
	}
	if first.Duplicate || first.MessageID != "sg-1" || !again.Duplicate || again.MessageID != "sg-1" || again.Key != n.Key {
		t.Errorf("first %+v, again %+v", first, again)
	}
	if got := f.next.count(n.Key); got != 1 {
		t.Errorf("Next called %d times, want once", got)
	}
	r := f.row(t, n.Key)
	if r.Status != register.OutboxSent || r.Attempts != 1 || r.MessageID != "sg-1" || r.Template != string(letters.FamilyRefusalToAssess) ||
		!r.On.Equal(n.On) || len(r.Recipients) != 1 || r.Recipients[0].Email != "family@example.org" ||
		r.Caseworker.Email != caseworker.Email || !strings.Contains(r.Text, n.Facts.Reason) || !strings.Contains(r.Subject, caseRef) {
		t.Errorf("outbox row = %+v", r)
	}
	if m := f.next.accepted(n.Key); len(m) != 1 || m[0].Caseworker != caseworker {
		t.Errorf("Next got %+v; want the message with its caseworker", m)
	}
	var events int
	if err := f.store.Pool.QueryRow(context.Background(), "select count(*) from case_events where event_key = $1", "notification/"+n.Key).Scan(&events); err != nil {
		t.Fatal(err)
	}
	if events != 1 {
		t.Errorf("%d notification events, want 1", events)
	}
}

func TestOutboxRetryableErrorThenSuccess(t *testing.T) {
	f := newOutbox(t)
	n := familyLetter(letters.FamilyDecisionToAssess)
	f.next.fail(n.Key, errors.New("sendgrid: 503 Service Unavailable"))
	a := &Activities{Transport: f.box, Logger: quiet}

	_, err := notify(t, a, n)
	if err == nil || isNonRetryable(err) || !strings.Contains(err.Error(), "503") {
		t.Fatalf("first attempt: %v; want the retryable error", err)
	}
	if r := f.row(t, n.Key); r.Status != register.OutboxPending || r.Attempts != 1 || r.LastError != "sendgrid: 503 Service Unavailable" {
		t.Errorf("after the failed attempt: %+v", r)
	}
	d, err := notify(t, a, n)
	if err != nil || d.Duplicate || d.MessageID != "sg-1" {
		t.Fatalf("retry: %+v, %v", d, err)
	}
	if got := f.next.count(n.Key); got != 2 {
		t.Errorf("Next called %d times, want 2", got)
	}
	if r := f.row(t, n.Key); r.Status != register.OutboxSent || r.Attempts != 2 || r.MessageID != "sg-1" || r.LastError != "" {
		t.Errorf("after the retry: %+v", r)
	}
	if f.rows(t) != 1 {
		t.Errorf("%d outbox rows, want 1", f.rows(t))
	}
}

func TestOutboxFinalErrorAlertsTheCaseworker(t *testing.T) {
	f := newOutbox(t)
	m := render(t, familyLetter(letters.FamilyRefusalToAssess))
	refused := temporal.NewNonRetryableApplicationError("SendGrid refused the message: 400 invalid recipient address", "SendGridRejected", nil)
	f.next.fail(m.Key, refused)
	ctx := context.Background()

	_, err := f.box.Deliver(ctx, m)
	if !errors.Is(err, refused) {
		t.Fatalf("Deliver = %v; want the original error", err)
	}
	if r := f.row(t, m.Key); r.Status != register.OutboxFailed || r.LastError != "SendGrid refused the message: 400 invalid recipient address" {
		t.Errorf("refused row = %+v", r)
	}
	alertKey := m.Key + "/undelivered"
	alert := f.row(t, alertKey)
	if alert.Template != string(letters.StaffDeliveryFailed) || alert.Status != register.OutboxSent || len(alert.Recipients) != 1 ||
		alert.Recipients[0].Role != "caseworker" || alert.Recipients[0].Email != caseworker.Email || alert.Recipients[0].Cc ||
		alert.On.String() != "2026-03-04" || alert.CaseRef != caseRef {
		t.Errorf("alert row = %+v", alert)
	}
	sent := f.next.accepted(alertKey)
	if len(sent) != 1 || len(sent[0].To) != 1 || sent[0].To[0] != caseworker || len(sent[0].Cc) != 0 {
		t.Fatalf("alerts Next accepted: %+v", sent)
	}
	wantAll(t, sent[0].Subject, "NOT DELIVERED", "decision not to assess", "to the family", caseRef)
	wantAll(t, sent[0].Text, "decision not to assess (family.refusal_to_assess) to the family",
		"400 invalid recipient address", "another way", "ehc outbox --case "+caseRef)
	for _, leak := range []string{"family@example.org", "Alice"} {
		if strings.Contains(sent[0].Subject+sent[0].Text, leak) {
			t.Errorf("the alert contains %q:\n%s\n%s", leak, sent[0].Subject, sent[0].Text)
		}
	}

	// Again (a retry the workflow should not make, or a replay): nothing
	// is sent, and it fails for good with the stored reason.
	_, err = f.box.Deliver(ctx, m)
	if !isNonRetryable(err) || !strings.Contains(err.Error(), "notification "+m.Key+" already failed: SendGrid refused the message") {
		t.Errorf("again: %v", err)
	}
	if f.next.count(m.Key) != 1 || f.next.count(alertKey) != 1 {
		t.Errorf("Next called %d times for the notification and %d for the alert, want once each", f.next.count(m.Key), f.next.count(alertKey))
	}
}

// An alert that cannot be sent yet is retried with the notification's own
// activity, and still goes only once.
func TestOutboxAlertRetried(t *testing.T) {
	f := newOutbox(t)
	m := render(t, familyLetter(letters.FamilyFinalPlan))
	alertKey := m.Key + "/undelivered"
	f.next.fail(m.Key, temporal.NewNonRetryableApplicationError("rejected", "SendGridRejected", nil))
	f.next.fail(alertKey, errors.New("sendgrid: timeout"))
	ctx := context.Background()

	_, err := f.box.Deliver(ctx, m)
	if err == nil || isNonRetryable(err) {
		t.Fatalf("with the alert unsent: %v; want a retryable error", err)
	}
	if r := f.row(t, alertKey); r.Status != register.OutboxPending {
		t.Errorf("alert row = %+v", r)
	}
	_, err = f.box.Deliver(ctx, m)
	if !isNonRetryable(err) {
		t.Fatalf("retry: %v; want the notification's final error", err)
	}
	for i := 0; i < 2; i++ {
		if _, err := f.box.Deliver(ctx, m); !isNonRetryable(err) {
			t.Fatal(err)
		}
	}
	if f.next.count(m.Key) != 1 || f.next.count(alertKey) != 2 || len(f.next.accepted(alertKey)) != 1 {
		t.Errorf("calls: notification %d, alert %d (accepted %d); want 1, 2 (1)", f.next.count(m.Key), f.next.count(alertKey), len(f.next.accepted(alertKey)))
	}
	if r := f.row(t, alertKey); r.Status != register.OutboxSent || r.Attempts != 2 {
		t.Errorf("alert row = %+v", r)
	}
}

func TestOutboxFinalErrorWithoutCaseworker(t *testing.T) {
	f := newOutbox(t)
	n := familyLetter(letters.FamilyWithdrawn)
	n.Caseworker = letters.Recipient{}
	m := render(t, n)
	f.next.fail(m.Key, temporal.NewNonRetryableApplicationError("rejected", "SendGridRejected", nil))
	if _, err := f.box.Deliver(context.Background(), m); !isNonRetryable(err) {
		t.Fatalf("Deliver = %v", err)
	}
	if f.rows(t) != 1 || f.row(t, m.Key).Status != register.OutboxFailed {
		t.Errorf("want the failed row alone")
	}
	wantAll(t, f.logs.String(), `"level":"ERROR"`, "no caseworker is named to tell: no alert possible")
}

// An alert that fails for good raises no alert of its own.
func TestOutboxAlertFailingForGood(t *testing.T) {
	f := newOutbox(t)
	m := render(t, familyLetter(letters.FamilyDraftServed))
	alertKey := m.Key + "/undelivered"
	refused := temporal.NewNonRetryableApplicationError("rejected", "SendGridRejected", nil)
	f.next.fail(m.Key, refused)
	f.next.fail(alertKey, temporal.NewNonRetryableApplicationError("caseworker address rejected", "SendGridRejected", nil))
	if _, err := f.box.Deliver(context.Background(), m); !errors.Is(err, refused) {
		t.Fatalf("Deliver = %v", err)
	}
	if r := f.row(t, alertKey); r.Status != register.OutboxFailed {
		t.Errorf("alert row = %+v", r)
	}
	if _, ok := f.find(t, alertKey+"/undelivered"); ok || f.rows(t) != 2 {
		t.Errorf("an alert about an alert was raised")
	}
	if _, err := f.box.Deliver(context.Background(), m); !isNonRetryable(err) {
		t.Errorf("again: %v", err)
	}
	if f.next.count(alertKey) != 1 {
		t.Errorf("the failed alert was tried %d times", f.next.count(alertKey))
	}
}

func TestDeliveryEventBounceAlertsForTheFamilyOnly(t *testing.T) {
	f := newOutbox(t)
	ctx := context.Background()
	n := familyLetter(letters.FamilyAdviceRequested)
	n.Cc = []letters.Recipient{{Role: letters.RoleAdviser, Email: "ep@la.example.gov.uk"}}
	m := render(t, n)
	if _, err := f.box.Deliver(ctx, m); err != nil {
		t.Fatal(err)
	}
	alertKey := m.Key + "/bounced"

	// The adviser's copy bounces: the row says so, nobody is alerted.
	if err := f.box.DeliveryEvent(ctx, m.Key, "bounce", "550 mailbox full", "EP@la.example.gov.uk"); err != nil {
		t.Fatal(err)
	}
	if r := f.row(t, m.Key); r.Status != register.OutboxBounced || r.LastError != "bounce: 550 mailbox full" {
		t.Errorf("after the adviser's bounce: %+v", r)
	}
	if _, ok := f.find(t, alertKey); ok {
		t.Errorf("the adviser's bounce alerted the caseworker")
	}

	// The family's bounces, twice (SendGrid retries its webhook): one alert.
	for range 2 {
		if err := f.box.DeliveryEvent(ctx, m.Key, "bounce", "550 5.1.1 no such user", "Family@Example.org"); err != nil {
			t.Fatal(err)
		}
	}
	alert := f.row(t, alertKey)
	if alert.Status != register.OutboxSent || alert.Attempts != 1 || alert.Recipients[0].Email != caseworker.Email {
		t.Errorf("alert row = %+v", alert)
	}
	sent := f.next.accepted(alertKey)
	if len(sent) != 1 || f.next.count(alertKey) != 1 {
		t.Fatalf("alerts sent: %d (calls %d), want 1", len(sent), f.next.count(alertKey))
	}
	wantAll(t, sent[0].Subject, "NOT DELIVERED", "to the family", caseRef)
	wantAll(t, sent[0].Text, "(family.advice_requested) to the family", "550 5.1.1 no such user", "another way")
	if strings.Contains(sent[0].Text+sent[0].Subject, "family@example.org") {
		t.Errorf("the alert names the address")
	}
	// A late 'delivered' does not hide the bounce.
	if err := f.box.DeliveryEvent(ctx, m.Key, "delivered", "", "family@example.org"); err != nil {
		t.Fatal(err)
	}
	if r := f.row(t, m.Key); r.Status != register.OutboxBounced {
		t.Errorf("a late delivered event downgraded the row: %+v", r)
	}
	if strings.Contains(f.logs.String(), "family@example.org") || strings.Contains(f.logs.String(), "ep@la.example.gov.uk") {
		t.Errorf("the log holds an address:\n%s", f.logs.String())
	}
	if f.next.count(m.Key) != 1 {
		t.Errorf("the notification was sent %d times", f.next.count(m.Key))
	}
}

func TestDeliveryEventDroppedAndUnknown(t *testing.T) {
	f := newOutbox(t)
	ctx := context.Background()
	m := render(t, familyLetter(letters.FamilyDecisionToIssue))
	if _, err := f.box.Deliver(ctx, m); err != nil {
		t.Fatal(err)
	}
	for _, ev := range []string{"processed", "delivered", "open"} {
		if err := f.box.DeliveryEvent(ctx, m.Key, ev, "", "family@example.org"); err != nil {
			t.Fatal(err)
		}
	}
	if r := f.row(t, m.Key); r.Status != register.OutboxDelivered {
		t.Errorf("after delivered: %+v", r)
	}
	if err := f.box.DeliveryEvent(ctx, m.Key, "dropped", "", "family@example.org"); err != nil {
		t.Fatal(err)
	}
	if r := f.row(t, m.Key); r.Status != register.OutboxDropped {
		t.Errorf("after dropped: %+v", r)
	}
	sent := f.next.accepted(m.Key + "/bounced")
	if len(sent) != 1 {
		t.Fatalf("%d alerts after a drop, want 1", len(sent))
	}
	wantAll(t, sent[0].Text, "the mail service reported it dropped")

	before := f.rows(t)
	if err := f.box.DeliveryEvent(ctx, "another-system/42", "bounce", "x", "someone@example.org"); err != nil {
		t.Errorf("an unknown key: %v; want it ignored", err)
	}
	if f.rows(t) != before {
		t.Errorf("an unknown key wrote to the outbox")
	}
	wantAll(t, f.logs.String(), "delivery event for a message not in the outbox: ignored")
}

func TestOutboxNeedsItsParts(t *testing.T) {
	m := render(t, full(letters.FamilyWithdrawn))
	if _, err := (&Outbox{}).Deliver(context.Background(), m); err == nil || isNonRetryable(err) {
		t.Errorf("an unwired Outbox: %v; want a retryable error", err)
	}
}
