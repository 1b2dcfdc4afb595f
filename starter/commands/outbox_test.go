package commands

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/registertest"
	"github.com/ehc-send/ehc/statute"
)

// useOutbox is an Env whose register is a fresh register holding
// three notifications for two cases, created at fixed times: a family
// letter that bounced after a retry, the caseworker's alert about it, and
// an adviser's request still pending.
func useOutbox(t *testing.T) *Env {
	t.Helper()
	env := stubDial(t)
	url := registertest.URL(t)
	st, err := register.Open(context.Background(), url, register.WithSealer(registertest.Sealer()))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	on := func(s string) statute.Date { d, _ := statute.ParseDate(s); return d }
	cw := register.OutboxRecipient{Role: "caseworker", Name: "cw-jones", Email: "jones@la.example.gov.uk"}
	seed := []struct {
		e       register.OutboxEntry
		created string
		do      func(key string) error
	}{
		{register.OutboxEntry{Key: "EHC-0042/family.refusal_to_assess/decision", CaseRef: "EHC-0042", Template: "family.refusal_to_assess",
			On: on("2026-03-02"), Recipients: []register.OutboxRecipient{{Role: "family", Name: "Sam Parent", Email: "sam@example.org"},
				{Role: "manager", Email: "send.manager@la.example.gov.uk", Cc: true}},
			Caseworker: cw, Subject: "Decision: we will not carry out an EHC needs assessment (case EHC-0042)", Text: "..."},
			"2026-03-02 09:00:01+00", func(key string) error {
				if err := st.OutboxError(ctx, key, "sendgrid: 503 Service Unavailable", false); err != nil {
					return err
				}
				if _, err := st.OutboxClaim(ctx, register.OutboxEntry{Key: key, CaseRef: "x", Template: "x", On: on("2026-03-02"),
					Recipients: []register.OutboxRecipient{{Role: "x"}}}); err != nil {
					return err
				}
				if err := st.OutboxSent(ctx, key, "sg-abc"); err != nil {
					return err
				}
				_, _, err := st.OutboxEvent(ctx, key, "bounce", "550 5.1.1 no such user")
				return err
			}},
		{register.OutboxEntry{Key: "EHC-0042/family.refusal_to_assess/decision/bounced", CaseRef: "EHC-0042", Template: "staff.delivery_failed",
			On: on("2026-03-03"), Recipients: []register.OutboxRecipient{cw}, Caseworker: cw,
			Subject: "NOT DELIVERED: decision not to assess, to the family (case EHC-0042)", Text: "..."},
			"2026-03-03 14:30:00+00", func(key string) error {
				if err := st.OutboxSent(ctx, key, "sg-def"); err != nil {
					return err
				}
				_, _, err := st.OutboxEvent(ctx, key, "delivered", "")
				return err
			}},
		{register.OutboxEntry{Key: "EHC-0050/adviser.request/psychological-1", CaseRef: "EHC-0050", Template: "adviser.request",
			On: on("2026-04-01"), Recipients: []register.OutboxRecipient{{Role: "adviser", Email: "ep@la.example.gov.uk"}},
			Subject: "Request for psychological advice by Wednesday 13 May 2026: EHC needs assessment EHC-0050", Text: "..."},
			"2026-04-01 08:15:00+00", func(string) error { return nil }},
	}
	for _, s := range seed {
		if _, err := st.OutboxClaim(ctx, s.e); err != nil {
			t.Fatal(err)
		}
		if err := s.do(s.e.Key); err != nil {
			t.Fatal(err)
		}
		// 1 April is in British Summer Time: 08:15 UTC is 09:15 BST.
		if _, err := st.Pool.Exec(ctx, "update notification_outbox set created_at = $2 where key = $1", s.e.Key, s.created); err != nil {
			t.Fatal(err)
		}
	}
	env.OpenRegister = func(ctx context.Context, _ config.Config) (*register.Store, error) {
		return register.Connect(ctx, url, register.WithSealer(registertest.Sealer()))
	}
	return env
}

func TestOutboxCommand(t *testing.T) {
	env := useOutbox(t)
	code, out, errOut := runCmd(env, "outbox")
	want := `EHC-0050 adviser.request on Wed 1 Apr 2026: pending: not yet accepted by the mail service
  subject   Request for psychological advice by Wednesday 13 May 2026: EHC needs assessment EHC-0050
  to        adviser: <ep@la.example.gov.uk>
  created   Wed 1 Apr 2026 09:15:00 BST (1 attempt)
  key       EHC-0050/adviser.request/psychological-1

EHC-0042 staff.delivery_failed on Tue 3 Mar 2026: delivered
  subject   NOT DELIVERED: decision not to assess, to the family (case EHC-0042)
  to        caseworker: cw-jones <jones@la.example.gov.uk>
  created   Tue 3 Mar 2026 14:30:00 GMT (1 attempt)
  message   sg-def
  key       EHC-0042/family.refusal_to_assess/decision/bounced

EHC-0042 family.refusal_to_assess on Mon 2 Mar 2026: BOUNCED: refused by the recipient's mail server
  subject   Decision: we will not carry out an EHC needs assessment (case EHC-0042)
  to        family: Sam Parent <sam@example.org>
  cc        manager: <send.manager@la.example.gov.uk>
  created   Mon 2 Mar 2026 09:00:01 GMT (2 attempts)
  message   sg-abc
  error     bounce: 550 5.1.1 no such user
  key       EHC-0042/family.refusal_to_assess/decision
`
	if code != ExitOK || out != want || errOut != "" {
		t.Errorf("ehc outbox: exit %d\n%s\nwant:\n%s\nstderr: %s", code, out, want, errOut)
	}

	code, out, _ = runCmd(env, "outbox", "--case", "EHC-0042", "--limit", "1")
	if code != ExitOK || !strings.HasPrefix(out, "EHC-0042 staff.delivery_failed on Tue 3 Mar 2026: delivered\n") ||
		strings.Contains(out, "EHC-0050") || !strings.HasSuffix(out, "\n\nThe newest 1 shown; --limit shows more.\n") {
		t.Errorf("--case EHC-0042 --limit 1: exit %d\n%s", code, out)
	}

	code, out, _ = runCmd(env, "outbox", "EHC-0042", "--json")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); code != ExitOK || err != nil {
		t.Fatalf("--json: exit %d, %v\n%s", code, err, out)
	}
	if len(rows) != 2 {
		t.Fatalf("--json: %d rows, want 2", len(rows))
	}
	r := rows[1]
	recips, _ := r["recipients"].([]any)
	first, _ := recips[0].(map[string]any)
	if r["key"] != "EHC-0042/family.refusal_to_assess/decision" || r["status"] != "bounced" || r["attempts"] != 2.0 ||
		r["on"] != "2026-03-02" || r["message_id"] != "sg-abc" || r["last_error"] != "bounce: 550 5.1.1 no such user" ||
		first["email"] != "sam@example.org" || first["role"] != "family" || r["created_at"] != "2026-03-02T09:00:01Z" {
		t.Errorf("--json row: %v", r)
	}

	if code, out, _ = runCmd(env, "outbox", "--case", "EHC-0099"); code != ExitOK || out != "No notifications for case EHC-0099 in the outbox.\n" {
		t.Errorf("a case with none: exit %d, %q", code, out)
	}
	if code, out, _ = runCmd(env, "outbox", "--case", "EHC-0099", "--json"); code != ExitOK || out != "[]\n" {
		t.Errorf("a case with none, --json: exit %d, %q", code, out)
	}
}

func TestOutboxCommandEmpty(t *testing.T) {
	env := stubDial(t)
	url := registertest.URL(t)
	st, err := register.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	env.OpenRegister = func(ctx context.Context, _ config.Config) (*register.Store, error) { return register.Connect(ctx, url) }
	if code, out, _ := runCmd(env, "outbox"); code != ExitOK || out != "No notifications in the outbox.\n" {
		t.Errorf("empty outbox: exit %d, %q", code, out)
	}
}

func TestOutboxUsage(t *testing.T) {
	env := noRegister(t)
	wantUsage(t, env, []string{"outbox", "--limit", "0"}, "--limit 0: give a number of notifications, 1 or more")
	wantUsage(t, env, []string{"outbox", "EHC-1", "--case", "EHC-2"}, `case reference given twice: "EHC-1" and --case "EHC-2"`)
	wantUsage(t, env, []string{"outbox", "EHC-1", "extra"}, `unexpected argument "extra"`)
	wantUsage(t, env, []string{"outbox", "--limit", "many"}, `invalid value "many" for flag -limit: parse error`)
}
