package commands

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/email"
	"github.com/ehc-send/ehc/email/sendgridtest"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/registertest"
	"github.com/ehc-send/ehc/statute"
)

// resendFixture is a register the command and a worker's relay share, and
// the fake SendGrid the relay sends to.
type resendFixture struct {
	env *Env
	st  *register.Store
	sg  *sendgridtest.Server
	box *activities.Outbox
}

func newResend(t *testing.T) resendFixture {
	t.Helper()
	env := stubDial(t)
	url := registertest.URL(t)
	st, err := register.Open(context.Background(), url, register.WithSealer(registertest.Sealer()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	env.OpenRegister = func(ctx context.Context, _ config.Config) (*register.Store, error) {
		return register.Connect(ctx, url, register.WithSealer(registertest.Sealer()))
	}
	sg := sendgridtest.New(t, "SG.test-key")
	tr, err := email.NewTransport(email.Options{APIKey: "SG.test-key", BaseURL: sg.URL, Timeout: 2 * time.Second,
		From: email.Address{Name: "Oakshire SEND", Email: "send@oakshire.example.gov.uk"}})
	if err != nil {
		t.Fatal(err)
	}
	return resendFixture{env: env, st: st, sg: sg,
		box: &activities.Outbox{Store: st, Next: tr, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}}
}

// letter is a family letter the worker tried to send, as a Message.
func (f resendFixture) letter(t *testing.T, ref string) letters.Message {
	t.Helper()
	m, err := letters.Render(letters.Notification{Envelope: letters.Envelope{
		Key: ref + "/family.withdrawn/1", CaseRef: ref, Template: letters.FamilyWithdrawn, On: statute.NewDate(2026, 3, 2),
		To: []letters.Recipient{{Role: letters.RoleFamily, Name: "Sam Parent", Email: "sam@example.org"}}}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (f resendFixture) status(t *testing.T, key string) register.OutboxEntry {
	t.Helper()
	rows, err := f.st.Outbox(context.Background(), "", 0)
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

func (f resendFixture) relay(t *testing.T) int {
	t.Helper()
	n, err := f.box.RelayOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A letter that failed (here SendGrid refused its request for good) is put
// back by ehc outbox resend and sent once by the worker's relay; a second
// resend says it went and sends nothing more.
func TestOutboxResendSendsAFailedLetterOnce(t *testing.T) {
	f := newResend(t)
	env := f.env
	m := f.letter(t, "EHC-0042")
	f.sg.SetFault(sendgridtest.Fault{Status: http.StatusBadRequest})
	if _, err := f.box.Deliver(context.Background(), m); err == nil {
		t.Fatal("the refused letter reported success")
	}
	if r := f.status(t, m.Key); r.Status != register.OutboxFailed {
		t.Fatalf("letter %s after the 400, want failed", r.Status)
	}
	f.sg.SetFault(sendgridtest.Fault{})
	if n := f.relay(t); n != 0 {
		t.Fatalf("the relay sent %d letters nobody asked to resend", n)
	}

	code, out, errOut := runCmd(env, "outbox", "resend", "--key", m.Key)
	if code != ExitOK || !strings.Contains(out, "EHC-0042 family.withdrawn (failed): put back to be sent by the worker\n  key "+m.Key+"\n") ||
		!strings.Contains(out, "1 of 1 to be sent by the worker") {
		t.Fatalf("resend: exit %d\n%s%s", code, out, errOut)
	}
	if r := f.status(t, m.Key); r.Status != register.OutboxPending || r.ResendRequestedAt == nil {
		t.Fatalf("after the request: %s, requested %v; want pending and requested", r.Status, r.ResendRequestedAt)
	}
	if n := f.relay(t); n != 1 {
		t.Fatalf("the relay dealt with %d letters, want 1", n)
	}
	if got := f.sg.Accepted(m.Key); got != 1 {
		t.Errorf("SendGrid accepted the letter %d times, want once", got)
	}
	if r := f.status(t, m.Key); r.Status != register.OutboxSent || r.ResendRequestedAt != nil {
		t.Errorf("after the relay: %s, requested %v; want sent, request cleared", r.Status, r.ResendRequestedAt)
	}

	code, out, _ = runCmd(env, "outbox", "resend", "--key", m.Key)
	if code != ExitOK || !strings.Contains(out, "EHC-0042 family.withdrawn (sent): already sent, not resent") ||
		!strings.Contains(out, "0 of 1 to be sent") {
		t.Errorf("second resend: exit %d\n%s", code, out)
	}
	f.relay(t)
	if got := f.sg.Accepted(m.Key); got != 1 {
		t.Errorf("after a second resend SendGrid accepted the letter %d times, want once", got)
	}
}

// --status pending hands the worker the letters a refused key held, for
// when their activities gave up; --case and a key nobody has report what
// they did.
func TestOutboxResendByStatusAndCase(t *testing.T) {
	f := newResend(t)
	env := f.env
	held, other := f.letter(t, "EHC-0050"), f.letter(t, "EHC-0051")
	f.sg.SetFault(sendgridtest.Fault{Status: http.StatusUnauthorized})
	for _, m := range []letters.Message{held, other} {
		if _, err := f.box.Deliver(context.Background(), m); err == nil {
			t.Fatal("a refused key reported success")
		}
	}
	f.sg.SetFault(sendgridtest.Fault{})
	code, out, _ := runCmd(env, "outbox", "resend", "--status", "pending")
	if code != ExitOK || strings.Count(out, "(pending): put back to be sent by the worker") != 2 {
		t.Fatalf("resend --status pending: exit %d\n%s", code, out)
	}
	if n := f.relay(t); n != 2 {
		t.Fatalf("relay dealt with %d, want 2", n)
	}
	for _, m := range []letters.Message{held, other} {
		if got := f.sg.Accepted(m.Key); got != 1 {
			t.Errorf("%s accepted %d times, want once", m.Key, got)
		}
	}
	if code, out, _ = runCmd(env, "outbox", "resend", "--case", "EHC-0050"); code != ExitOK || !strings.Contains(out, "already sent, not resent") {
		t.Errorf("resend --case: exit %d\n%s", code, out)
	}
	if code, out, _ = runCmd(env, "outbox", "resend", "--status", "failed"); code != ExitOK || out != "No notifications matched; nothing to resend.\n" {
		t.Errorf("resend --status failed with none: exit %d\n%q", code, out)
	}
	if code, _, errOut := runCmd(env, "outbox", "resend", "--key", "EHC-9/none"); code == ExitOK || !strings.Contains(errOut, `no notification in the outbox has the key "EHC-9/none"`) {
		t.Errorf("resend of an unknown key: exit %d\n%s", code, errOut)
	}
	f.relay(t)
	if n := len(f.sg.Mails()); n != 2 {
		t.Errorf("SendGrid accepted %d mails in all, want 2", n)
	}
}

func TestOutboxResendChecksItsFlags(t *testing.T) {
	env := stubDial(t)
	for args, msg := range map[string]string{
		"":                                  "give exactly one of --key, --case and --status",
		"--key K --case EHC-1":              "give exactly one of --key, --case and --status",
		"--status sent":                     `--status "sent": give failed or pending (a sent letter is never resent)`,
		"--key " + strings.Repeat("k", 513): "--key: the key is 513 bytes; outbox keys are at most 512",
		"--case EHC-1 extra":                `unexpected argument "extra"`,
	} {
		wantUsage(t, env, append([]string{"outbox", "resend"}, strings.Fields(args)...), msg)
	}
	wantUsage(t, env, []string{"outbox", "resend", "--key", "a\nb"}, "--key: the key contains a control character; give it as ehc outbox shows it")
}
