package commands

import (
	"context"
	"strings"
	"testing"

	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/registertest"
	"github.com/ehc-send/ehc/statute"
)

// A notification the worker only logged (no mail service configured) says
// so: it was not sent, and no delivery will be reported.
func TestOutboxShowsLogged(t *testing.T) {
	env := stubDial(t)
	url := registertest.URL(t)
	st, err := register.Open(context.Background(), url, register.WithSealer(registertest.Sealer()))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	on, _ := statute.ParseDate("2026-03-02")
	e := register.OutboxEntry{Key: "EHC-0042/family.request_received/1", CaseRef: "EHC-0042", Template: "family.request_received",
		On: on, Recipients: []register.OutboxRecipient{{Role: "family", Email: "sam@example.org"}},
		Subject: "We have received a request (case EHC-0042)", Text: "..."}
	if _, err := st.OutboxClaim(ctx, e); err != nil {
		t.Fatal(err)
	}
	if err := st.OutboxLogged(ctx, e.Key, "log-46e9f3e520f0ecaa"); err != nil {
		t.Fatal(err)
	}
	env.OpenRegister = func(ctx context.Context, _ config.Config) (*register.Store, error) {
		return register.Connect(ctx, url, register.WithSealer(registertest.Sealer()))
	}

	code, out, errOut := runCmd(env, "outbox", "EHC-0042")
	if want := "EHC-0042 family.request_received on Mon 2 Mar 2026: logged (no mail service configured)\n"; code != ExitOK || !strings.HasPrefix(out, want) {
		t.Errorf("ehc outbox: exit %d\n%s\nwant it to begin %q\nstderr: %s", code, out, want, errOut)
	}
	if strings.Contains(out, "sent") || strings.Contains(out, "accepted by the mail service") {
		t.Errorf("a logged notification is shown as sent:\n%s", out)
	}
	if code, out, _ := runCmd(env, "outbox", "EHC-0042", "--json"); code != ExitOK || !strings.Contains(out, `"status": "logged"`) {
		t.Errorf("--json: exit %d\n%s", code, out)
	}
}
