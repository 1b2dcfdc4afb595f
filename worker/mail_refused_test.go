package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/email/sendgridtest"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/registertest"
	"github.com/ehc-send/ehc/statute"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func getHealthz(t *testing.T, m *metricsServer) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + m.Addr.String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// familyLetters are three family letters, each naming the caseworker to alert.
func familyLetters(t *testing.T) []letters.Message {
	t.Helper()
	cw := letters.Recipient{Role: letters.RoleCaseworker, Name: "Carol Caseworker", Email: "carol@la.example.gov.uk"}
	var out []letters.Message
	for i, tpl := range []letters.Template{letters.FamilyWithdrawn, letters.FamilyDecisionToAssess, letters.FamilyRefusalToAssess} {
		ref := []string{"REF-A", "REF-B", "REF-C"}[i]
		m, err := letters.Render(letters.Notification{Envelope: letters.Envelope{
			Key: ref + "/" + string(tpl) + "/1", CaseRef: ref, Template: tpl, On: statute.NewDate(2026, 3, 2),
			To:         []letters.Recipient{{Role: letters.RoleFamily, Name: "Alice Parent", Email: "family@example.org"}},
			Caseworker: cw}, Facts: letters.Facts{Reason: "The school can meet the needs."}})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// 401 for a while: every letter stays pending (none failed, no alert), the
// worker says so at ERROR each time and on /metrics and /healthz; once the
// key is fixed, each letter's retry sends it, exactly once.
func TestRefusedKeyHoldsLettersUntilFixed(t *testing.T) {
	sg := sendgridtest.New(t, "SG.test-key")
	store := registertest.Store(t)
	m, err := serveMetrics("127.0.0.1:0", quietLogger())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Stop()
	var logs lockedBuffer
	mail := config.Default().Mail
	mail.SendGridAPIKey, mail.BaseURL, mail.Timeout = "SG.test-key", sg.URL, 2*time.Second
	o, err := outbox(mail, false, store, slog.New(slog.NewJSONHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	o.Health = m.Mail // as worker/main.go wires it

	if code, _ := getHealthz(t, m); code != http.StatusOK {
		t.Fatalf("/healthz %d before any letter, want 200", code)
	}
	sg.SetFault(sendgridtest.Fault{Status: http.StatusUnauthorized})
	ls := familyLetters(t)
	for round := range 2 { // the first attempts and one retry each
		for _, l := range ls {
			_, err := o.Deliver(context.Background(), l)
			var ae *temporal.ApplicationError
			if !errors.As(err, &ae) || ae.NonRetryable() || ae.NextRetryDelay() != activities.RefusedRetryDelay {
				t.Fatalf("round %d, %s: %v; want a retryable error, retried in %s", round, l.Key, err, activities.RefusedRetryDelay)
			}
		}
	}
	rows, err := store.Outbox(context.Background(), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(ls) {
		t.Errorf("%d outbox rows, want the %d letters and no alert", len(rows), len(ls))
	}
	for _, r := range rows {
		if r.Status != register.OutboxPending || !strings.Contains(r.LastError, "401") {
			t.Errorf("%s: %s (%s); want pending with the refusal", r.Key, r.Status, r.LastError)
		}
	}
	const said = `"level":"ERROR","msg":"mail refused by SendGrid (401): the API key is wrong or lacks Mail Send permission; letters are held pending until it is fixed`
	if n := strings.Count(logs.String(), said); n != 2*len(ls) {
		t.Errorf("the refusal was logged at ERROR %d times, want every attempt (%d):\n%s", n, 2*len(ls), logs.String())
	}
	scrape(t, m.Addr, "\nehc_mail_refused 1\n", "\nehc_mail_refused_attempts_total 6\n", "\nehc_mail_possible_duplicates_total 0\n")
	if code, body := getHealthz(t, m); code != http.StatusServiceUnavailable || !strings.Contains(body, "mail refused by SendGrid (401)") {
		t.Errorf("/healthz while refused: %d %q; want 503 with the reason", code, body)
	}

	sg.SetFault(sendgridtest.Fault{}) // the key is fixed
	for _, l := range ls {
		if _, err := o.Deliver(context.Background(), l); err != nil {
			t.Fatalf("%s after the fix: %v", l.Key, err)
		}
	}
	for _, l := range ls {
		if n := sg.Accepted(l.Key); n != 1 {
			t.Errorf("%s accepted %d times, want once", l.Key, n)
		}
	}
	if n := len(sg.Mails()); n != len(ls) {
		t.Errorf("SendGrid accepted %d mails, want the %d letters", n, len(ls))
	}
	scrape(t, m.Addr, "\nehc_mail_refused 0\n", "\nehc_mail_refused_attempts_total 6\n")
	if code, body := getHealthz(t, m); code != http.StatusOK {
		t.Errorf("/healthz after an accepted send: %d %q, want 200", code, body)
	}
	if strings.Contains(logs.String(), "family@example.org") {
		t.Errorf("the log names the family's address")
	}
}
