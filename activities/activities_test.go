package activities

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
)

type recorder struct {
	mu   sync.Mutex
	sent []letters.Message
	err  error
}

func (r *recorder) Deliver(_ context.Context, m letters.Message) (letters.Delivery, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return letters.Delivery{}, r.err
	}
	r.sent = append(r.sent, m)
	return letters.Delivery{MessageID: "rec-1"}, nil
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// notify runs Notify as Temporal runs it: registered, serialised, executed.
func notify(t *testing.T, a *Activities, n letters.Notification) (letters.Delivery, error) {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(a)
	val, err := env.ExecuteActivity(a.Notify, n)
	if err != nil {
		return letters.Delivery{}, err
	}
	var d letters.Delivery
	if err := val.Get(&d); err != nil {
		t.Fatal(err)
	}
	return d, nil
}

func TestNotifyRendersAndDelivers(t *testing.T) {
	rec := &recorder{}
	n := full(letters.FamilyRefusalToAssess)
	d, err := notify(t, &Activities{Transport: rec, Logger: quiet}, n)
	if err != nil {
		t.Fatal(err)
	}
	if d.Key != n.Key || d.MessageID != "rec-1" || d.Duplicate {
		t.Errorf("delivery = %+v", d)
	}
	if len(rec.sent) != 1 {
		t.Fatalf("transport got %d messages", len(rec.sent))
	}
	m := rec.sent[0]
	if m.Key != n.Key || m.CaseRef != caseRef || m.Template != n.Template || len(m.To) != 1 || len(m.Cc) != 1 {
		t.Errorf("message envelope = %+v", m)
	}
	wantAll(t, m.Subject, caseRef)
	wantAll(t, m.Text, n.Facts.Reason, "First-tier Tribunal", "mediation")
}

func TestNotifyRejectsInvalidWithoutRetry(t *testing.T) {
	cases := map[string]struct {
		edit func(*letters.Notification)
		want string
	}{
		"no key":            {func(n *letters.Notification) { n.Key = "" }, "has no key"},
		"no case ref":       {func(n *letters.Notification) { n.CaseRef = "" }, "has no case reference"},
		"newline in ref":    {func(n *letters.Notification) { n.CaseRef = "A\nBcc: x@y" }, "control character"},
		"unknown template":  {func(n *letters.Notification) { n.Template = "family.nope" }, `unknown template "family.nope"`},
		"no recipient":      {func(n *letters.Notification) { n.To = nil }, "has no recipient"},
		"no email":          {func(n *letters.Notification) { n.To[0].Email = "" }, "family recipient: no email address"},
		"bad cc email":      {func(n *letters.Notification) { n.Cc[0].Email = "carol at la" }, "caseworker recipient: email address"},
		"refusal no reason": {func(n *letters.Notification) { n.Facts.Reason = "" }, "needs Facts.Reason"},
		"refusal no date":   {func(n *letters.Notification) { n.On = statute.Date{} }, "needs On"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			rec := &recorder{}
			n := full(letters.FamilyRefusalToAssess)
			c.edit(&n)
			_, err := notify(t, &Activities{Transport: rec, Logger: quiet}, n)
			var app *temporal.ApplicationError
			if !errors.As(err, &app) {
				t.Fatalf("want an ApplicationError, got %v", err)
			}
			if !app.NonRetryable() || app.Type() != letters.InvalidNotification {
				t.Errorf("non-retryable=%v type=%q, want true %q", app.NonRetryable(), app.Type(), letters.InvalidNotification)
			}
			if !strings.Contains(app.Error(), c.want) {
				t.Errorf("error %q does not say %q", app.Error(), c.want)
			}
			if strings.Contains(app.Error(), "carol at la") {
				t.Errorf("error leaks the address: %q", app.Error())
			}
			if len(rec.sent) != 0 {
				t.Errorf("an invalid notification reached the transport")
			}
		})
	}
}

func TestNotifyTransportFailureIsRetryable(t *testing.T) {
	_, err := notify(t, &Activities{Transport: &recorder{err: errors.New("smtp down")}, Logger: quiet}, full(letters.FamilyWithdrawn))
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.NonRetryable() {
		t.Fatalf("want a retryable error, got %v", err)
	}
}

func TestLogTransportMasksAndDedupes(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	a := &Activities{Transport: &LogTransport{Logger: logger}, Logger: logger}
	n := full(letters.FamilyDraftServed)

	first, err := notify(t, a, n)
	if err != nil {
		t.Fatal(err)
	}
	logged := buf.String()
	again, err := notify(t, a, n)
	if err != nil {
		t.Fatal(err)
	}

	if first.Duplicate || !again.Duplicate || first.MessageID == "" || again.MessageID != first.MessageID {
		t.Errorf("first = %+v, again = %+v", first, again)
	}
	if got := strings.Count(buf.String(), `"msg":"notification"`); got != 1 {
		t.Errorf("message logged %d times, want once:\n%s", got, buf.String())
	}
	wantAll(t, logged, `"key":"`+n.Key+`"`, `"case_ref":"`+caseRef+`"`, `"template":"family.draft_served"`,
		"family:f***@example.org", "caseworker:c***@la.example.gov.uk")
	// The letter names the child: neither its subject nor its text is logged.
	for _, addr := range []string{"family@example.org", "carol@la.example.gov.uk", "section 38(5)", "Your draft EHC plan", `"subject"`, `"text"`} {
		if strings.Contains(buf.String(), addr) {
			t.Errorf("log contains the address %s", addr)
		}
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"family@example.org": "f***@example.org",
		"é@example.org":      "é***@example.org",
		"no-at-sign":         "***",
		"@example.org":       "***",
	} {
		if got := letters.MaskEmail(in); got != want {
			t.Errorf("letters.MaskEmail(%q) = %q, want %q", in, got, want)
		}
	}
}

func wantAll(t *testing.T, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("missing %q in:\n%s", w, text)
		}
	}
}
