package email

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/email/sendgridtest"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/registertest"
)

// These tests run the real SendGrid client against sendgridtest, through
// the Outbox on a real register, and count what SendGrid accepted.

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type dupFixture struct {
	sg    *sendgridtest.Server
	store *register.Store
	logs  *syncBuffer
	box   *activities.Outbox
}

// newDup is an Outbox sending through a transport with the timeout given.
func newDup(t *testing.T, timeout time.Duration) *dupFixture {
	t.Helper()
	f := &dupFixture{sg: sendgridtest.New(t, testKey), store: registertest.Store(t), logs: &syncBuffer{}}
	f.box = f.outbox(t, timeout)
	return f
}

// outbox is a fresh Outbox, as a restarted worker has, on the same register.
func (f *dupFixture) outbox(t *testing.T, timeout time.Duration) *activities.Outbox {
	logger := slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// sendgridtest's feed shows a mail at once (SetActivityFeed can delay
	// it): a short FeedLag, so a retry a test makes at once may ask it.
	return &activities.Outbox{Store: f.store, Next: newTransport(t, Options{BaseURL: f.sg.URL, Timeout: timeout}), Logger: logger,
		Health: &activities.MailHealth{}, FeedLag: 100 * time.Millisecond}
}

func (f *dupFixture) row(t *testing.T, key string) register.OutboxEntry {
	t.Helper()
	rows, err := f.store.Outbox(context.Background(), caseRef, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Key == key {
			return r
		}
	}
	t.Fatalf("no outbox row %s", key)
	return register.OutboxEntry{}
}

// notifyTemporal runs the Notify activity as Temporal does, retries and all.
func (f *dupFixture) notifyTemporal(t *testing.T, n letters.Notification) (sent, error) {
	t.Helper()
	return runNotifyWith(t, f.box, n)
}

// SendGrid slow but answering: its 202 comes after the client timeout
// (300ms here for 30s, 600ms for the 10s+ SendGrid took under load). The
// retry asks the activity feed, finds the letter and sends nothing.
func TestSlowSendGridAcceptsTheLetterOnce(t *testing.T) {
	f := newDup(t, 300*time.Millisecond)
	f.sg.SetFault(sendgridtest.Fault{Delay: 600 * time.Millisecond})
	n := full(letters.FamilyFinalPlan)
	s, err := f.notifyTemporal(t, n)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.sg.Accepted(n.Key); got != 1 {
		t.Errorf("SendGrid accepted the letter %d times, want once", got)
	}
	if len(f.sg.Mails()) != 1 {
		t.Errorf("SendGrid accepted %d mails, want 1", len(f.sg.Mails()))
	}
	r := f.row(t, n.Key)
	if r.Status != register.OutboxSent || r.MessageID != "sg-1" || r.Attempts != 2 {
		t.Errorf("outbox row %s, message %q, %d attempts: want sent as sg-1 after 2", r.Status, r.MessageID, r.Attempts)
	}
	if !s.Delivery.Duplicate || s.Delivery.MessageID != "sg-1" {
		t.Errorf("delivery %+v: want SendGrid's earlier acceptance", s.Delivery)
	}
	logs := f.logs.String()
	if !strings.Contains(logs, `"level":"WARN","msg":"possible duplicate: the mail service gave no answer`) ||
		!strings.Contains(logs, `"key":"`+n.Key+`"`) || !strings.Contains(logs, `"case_ref":"`+caseRef+`"`) {
		t.Errorf("no possible-duplicate warning with the key and case for the timeout:\n%s", logs)
	}
	if strings.Contains(logs, family.Email) || strings.Contains(logs, caseworker.Email) {
		t.Errorf("the log names an address:\n%s", logs)
	}
	if n := f.box.Health.Status().PossibleDuplicates; n != 0 {
		t.Errorf("%d possible duplicates counted, want 0", n)
	}
	if q := f.sg.Queries(); q != 1 {
		t.Errorf("%d activity-feed queries for the letter, want 1 (of the 6 a minute the account has)", q)
	}
}

// A worker killed between SendGrid's 202 and the outbox's "sent" leaves the
// row pending with no outcome. The next attempt finds the letter in the
// feed: recorded sent, not sent again.
func TestKilledAfterTheAcceptanceIsNotResent(t *testing.T) {
	t.Run("row from an older worker", func(t *testing.T) {
		f := newDup(t, time.Second)
		m := render(t, letters.FamilyDecisionToAssess)
		if _, err := f.store.OutboxClaim(context.Background(), register.OutboxEntry{Key: m.Key, CaseRef: m.CaseRef,
			Template: string(m.Template), On: m.On, Subject: m.Subject, Text: m.Text,
			Recipients: []register.OutboxRecipient{{Role: "family", Email: family.Email}}}); err != nil {
			t.Fatal(err)
		}
		// The killed worker's send: accepted; nothing recorded after it.
		if _, err := newTransport(t, Options{BaseURL: f.sg.URL}).Deliver(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		// What migration 006 does to the rows older workers left.
		if _, err := f.store.Pool.Exec(context.Background(), `update notification_outbox set maybe_sent = true
			where status = 'pending' and attempts > 0 and last_error is null`); err != nil {
			t.Fatal(err)
		}
		d, err := f.outbox(t, time.Second).Deliver(context.Background(), m)
		if err != nil || !d.Duplicate || d.MessageID != "sg-1" {
			t.Fatalf("retry: %+v, %v: want SendGrid's earlier acceptance", d, err)
		}
		if got := f.sg.Accepted(m.Key); got != 1 {
			t.Errorf("SendGrid accepted the letter %d times, want once", got)
		}
		if r := f.row(t, m.Key); r.Status != register.OutboxSent || r.MessageID != "sg-1" {
			t.Errorf("outbox row %s %q: want sent as sg-1", r.Status, r.MessageID)
		}
	})
	t.Run("database lost after the 202", func(t *testing.T) {
		f := newDup(t, time.Second)
		m := render(t, letters.FamilyDecisionToAssess)
		first := f.outbox(t, time.Second)
		first.Store = lostAfterSend{f.store}
		if _, err := first.Deliver(context.Background(), m); err != nil {
			t.Fatal(err) // reported sent: the 202 came
		}
		if r := f.row(t, m.Key); r.Status != register.OutboxPending || !r.MaybeSent {
			t.Fatalf("row %s maybe_sent %v: want pending and maybe sent", r.Status, r.MaybeSent)
		}
		d, err := f.outbox(t, time.Second).Deliver(context.Background(), m)
		if err != nil || !d.Duplicate {
			t.Fatalf("retry: %+v, %v: want SendGrid's earlier acceptance", d, err)
		}
		if got := f.sg.Accepted(m.Key); got != 1 {
			t.Errorf("SendGrid accepted the letter %d times, want once", got)
		}
	})
}

// lostAfterSend is a register that cannot record "sent".
type lostAfterSend struct{ *register.Store }

func (lostAfterSend) OutboxSent(context.Context, string, string) error {
	return errors.New("connection refused")
}

// While the feed may not show the letter yet, the retry waits rather than
// sends; once FeedLag has passed, "not in the feed" means not accepted.
func TestFeedLagHoldsTheResend(t *testing.T) {
	f := newDup(t, 300*time.Millisecond)
	f.box.FeedLag = 2 * time.Second
	f.sg.SetActivityFeed(true, time.Hour) // never shows it
	f.sg.SetFault(sendgridtest.Fault{Hang: true})
	m := render(t, letters.FamilyFinalPlan)
	if _, err := f.box.Deliver(context.Background(), m); !errors.Is(err, activities.ErrMaybeSent) {
		t.Fatalf("first attempt: %v, want maybe sent", err)
	}
	f.sg.SetFault(sendgridtest.Fault{})
	_, err := f.box.Deliver(context.Background(), m)
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) || ae.Type() != activities.NotificationUnconfirmed || ae.NonRetryable() ||
		ae.NextRetryDelay() <= 0 || ae.NextRetryDelay() > 2*time.Second {
		t.Fatalf("retry within the lag: %v; want a retryable %s with a NextRetryDelay up to the lag", err, activities.NotificationUnconfirmed)
	}
	if n := len(f.sg.Mails()); n != 0 {
		t.Fatalf("%d mails accepted while the feed might lag", n)
	}
	time.Sleep(ae.NextRetryDelay())
	if _, err := f.box.Deliver(context.Background(), m); err != nil {
		t.Fatalf("retry after the lag: %v", err)
	}
	if got := f.sg.Accepted(m.Key); got != 1 {
		t.Errorf("accepted %d times, want once (the hung attempt was not accepted)", got)
	}
	if !strings.Contains(f.logs.String(), "possible duplicate: sending again a letter an earlier attempt may have sent; the mail service's activity feed does not show it") {
		t.Errorf("no possible-duplicate warning for the resend:\n%s", f.logs)
	}
}

// An account without the Email Activity add-on cannot be asked: the letter
// is sent again (SendGrid then accepts it twice, which cannot be helped),
// with a warning about the account once and a possible duplicate each time.
func TestNoActivityFeedResendsWithAWarning(t *testing.T) {
	f := newDup(t, 300*time.Millisecond)
	f.sg.SetActivityFeed(false, 0)
	f.sg.SetFault(sendgridtest.Fault{Delay: 600 * time.Millisecond})
	for _, tpl := range []letters.Template{letters.FamilyFinalPlan, letters.FamilyDecisionToAssess} {
		m := render(t, tpl)
		f.sg.SetFault(sendgridtest.Fault{Delay: 600 * time.Millisecond})
		if _, err := f.box.Deliver(context.Background(), m); !errors.Is(err, activities.ErrMaybeSent) {
			t.Fatalf("first attempt: %v, want maybe sent", err)
		}
		f.sg.SetFault(sendgridtest.Fault{})
		if _, err := f.box.Deliver(context.Background(), m); err != nil {
			t.Fatalf("second attempt: %v", err)
		}
		if got := f.sg.Accepted(m.Key); got != 2 {
			t.Errorf("%s accepted %d times, want 2", tpl, got)
		}
	}
	logs := f.logs.String()
	if n := strings.Count(logs, "has no Email Activity feed this API key may read"); n != 1 {
		t.Errorf("the account warning was logged %d times, want once:\n%s", n, logs)
	}
	if n := strings.Count(logs, `"level":"WARN","msg":"possible duplicate: sending again a letter an earlier attempt may have sent; the mail service cannot be asked`); n != 2 {
		t.Errorf("%d possible-duplicate warnings for the resends, want 2:\n%s", n, logs)
	}
	if n := f.box.Health.Status().PossibleDuplicates; n != 2 {
		t.Errorf("%d possible duplicates counted, want 2", n)
	}
}
