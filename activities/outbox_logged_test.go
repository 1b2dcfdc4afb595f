package activities

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register"
)

// With no mail service configured the outbox's Next is the LogTransport:
// the row says logged, not sent, every later attempt is a duplicate, and no
// delivery event moves the row or alerts anyone.
func TestOutboxWithLogTransportMarksLogged(t *testing.T) {
	f := newOutbox(t)
	var logs bytes.Buffer
	f.box.Next = &LogTransport{Logger: slog.New(slog.NewJSONHandler(&logs, nil))}
	m := render(t, familyLetter(letters.FamilyRefusalToAssess))
	ctx := context.Background()

	d, err := f.box.Deliver(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Logged || d.Duplicate || !strings.HasPrefix(d.MessageID, "log-") || d.Key != m.Key {
		t.Errorf("first delivery = %+v; want logged", d)
	}
	r := f.row(t, m.Key)
	if r.Status != register.OutboxLogged || r.MessageID != d.MessageID || r.Attempts != 1 || r.LastError != "" {
		t.Errorf("outbox row = %+v; want logged", r)
	}
	if got := strings.Count(logs.String(), `"msg":"notification"`); got != 1 {
		t.Errorf("message logged %d times, want once", got)
	}

	// A retry in another process (a fresh LogTransport) logs nothing more.
	f.box.Next = &LogTransport{Logger: slog.New(slog.NewJSONHandler(&logs, nil))}
	again, err := f.box.Deliver(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Duplicate || !again.Logged || again.MessageID != d.MessageID {
		t.Errorf("retry = %+v; want a logged duplicate", again)
	}
	if got := strings.Count(logs.String(), `"msg":"notification"`); got != 1 {
		t.Errorf("message logged %d times after the retry, want once", got)
	}

	// A delivery event claiming a bounce of a message never sent.
	for _, event := range []string{"delivered", "bounce", "dropped"} {
		if err := f.box.DeliveryEvent(ctx, m.Key, event, "550 no such user", "family@example.org"); err != nil {
			t.Fatalf("%s: %v", event, err)
		}
	}
	if r := f.row(t, m.Key); r.Status != register.OutboxLogged || r.LastError != "" {
		t.Errorf("after delivery events: %+v; want it left logged", r)
	}
	if _, ok := f.find(t, m.Key+"/bounced"); ok {
		t.Error("the caseworker was alerted to a bounce of a message that was only logged")
	}
	if f.rows(t) != 1 {
		t.Errorf("%d outbox rows, want 1", f.rows(t))
	}
}
