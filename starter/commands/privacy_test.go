package commands

import (
	"context"
	"strings"
	"testing"

	"github.com/ehc-send/ehc/codec"
	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/registertest"
	"github.com/ehc-send/ehc/starter/internal/fictional"
	"github.com/ehc-send/ehc/statute"
)

// The privacy checks of the commands that read the register's sealed
// letters; those on a real server are in package e2e, whose fictional
// child and family these are too.

// ehc outbox reads the sealed letters with the payload keys; without them
// it shows who was written to by role only, and says why. --show prints
// one letter whole.
func TestOutboxSealedAndShow(t *testing.T) {
	env := useOutbox(t)
	code, out, errOut := runCmd(env, "outbox", "--show", "EHC-0042/family.refusal_to_assess/decision")
	if code != ExitOK || errOut != "" || !strings.Contains(out, "  to        family: Sam Parent <sam@example.org>\n") ||
		!strings.HasSuffix(out, "\nSubject: Decision: we will not carry out an EHC needs assessment (case EHC-0042)\n\n...\n") {
		t.Errorf("--show: exit %d\n%s\nstderr: %s", code, out, errOut)
	}
	if code, _, errOut := runCmd(env, "outbox", "--show", "EHC-0042/no-such-letter"); code != ExitFailed || !strings.Contains(errOut, `no notification in the outbox has this key: "EHC-0042/no-such-letter"`) {
		t.Errorf("--show of an unknown key: exit %d, %s", code, errOut)
	}

	// The same register, read without the keys.
	url := registertest.URL(t)
	st, err := register.Open(context.Background(), url, register.WithSealer(registertest.Sealer()))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	on, _ := statute.ParseDate("2026-03-02")
	if _, err := st.OutboxClaim(context.Background(), register.OutboxEntry{Key: "EHC-0042/family.refusal_to_assess/1", CaseRef: "EHC-0042",
		Template: "family.refusal_to_assess", On: on, Recipients: []register.OutboxRecipient{{Role: "family", Name: "Sam Parent", Email: "sam@example.org"},
			{Role: "manager", Email: "send.manager@la.example.gov.uk", Cc: true}}, Subject: "Decision (case EHC-0042)", Text: "Sam's reasons"}); err != nil {
		t.Fatal(err)
	}
	env.OpenRegister = func(ctx context.Context, _ config.Config) (*register.Store, error) { return register.Connect(ctx, url) }
	code, out, _ = runCmd(env, "outbox", "EHC-0042")
	if code != ExitOK || !strings.Contains(out, "  to        family\n  cc        manager\n  sealed    names, addresses, subject and text are encrypted") ||
		strings.Contains(out, "Sam") || strings.Contains(out, "example.org") || strings.Contains(out, "  subject ") {
		t.Errorf("read without the keys: exit %d\n%s", code, out)
	}
	if code, _, errOut := runCmd(env, "outbox", "--show", "EHC-0042/family.refusal_to_assess/1"); code != ExitFailed || !strings.Contains(errOut, "is sealed (names, addresses") {
		t.Errorf("--show without the keys: exit %d, %s", code, errOut)
	}

	wantUsage(t, env, []string{"outbox", "EHC-0042", "--show", "EHC-0042/x"}, "--show prints one notification, by its key: give it without a case reference")
	wantUsage(t, env, []string{"outbox", "--show", strings.Repeat("k", 513)}, "--show: the key is 513 bytes; outbox keys are at most 512")
	wantUsage(t, env, []string{"outbox", "--show", "EHC-1/a\nb"}, "--show: the key contains a control character; give it as the listing shows it")
}

// ehc migrate seals notifications written before the register sealed them
// when it has the payload keys, and says how many wait when it has not.
func TestMigrateSealsLegacyNotifications(t *testing.T) {
	dbURL := registertest.URL(t)
	env := useDatabase(t, dbURL)
	if code, _, errOut := runCmd(env, "migrate"); code != ExitOK || errOut != "" {
		t.Fatalf("first migrate: exit %d, %s", code, errOut)
	}
	ctx := context.Background()
	st, err := register.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// A row as schema version 6 wrote it: everything in clear.
	if _, err := st.Pool.Exec(ctx, `insert into notification_outbox (key, case_ref, template, on_date, roles, recipients, subject, body_text)
		values ('EHC-1/family.withdrawn/1', 'EHC-1', 'family.withdrawn', '2026-02-02', '{family}',
			'[{"role":"family","name":"`+fictional.Family+`","email":"`+fictional.Email+`"}]', 'Withdrawn (case EHC-1)', $1)`, fictional.Reason); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runCmd(env, "migrate")
	if code != ExitOK || strings.Contains(out, "sealed") ||
		!strings.Contains(errOut, "1 notifications from before schema version 7 still hold names, addresses and letters in clear") {
		t.Errorf("migrate without keys: exit %d\n%s\nstderr: %s", code, out, errOut)
	}

	keyLine, err := codec.NewKeyLine("mig1")
	if err != nil {
		t.Fatal(err)
	}
	env.Getenv = func(k string) string {
		return map[string]string{"DATABASE_URL": dbURL, "EHC_CODEC_KEYS": keyLine}[k]
	}
	code, out, errOut = runCmd(env, "migrate")
	if code != ExitOK || errOut != "" || !strings.Contains(out, "sealed 1 notifications written before schema version 7") {
		t.Errorf("migrate with keys: exit %d\n%s\nstderr: %s", code, out, errOut)
	}
	if s := fictional.Secret(registertest.Dump(t, st.Pool)); s != "" {
		t.Errorf("after ehc migrate with the keys the register holds %q", s)
	}
	code, out, _ = runCmd(env, "outbox", "--show", "EHC-1/family.withdrawn/1")
	if code != ExitOK || !strings.Contains(out, fictional.Reason) || !strings.Contains(out, fictional.Email) {
		t.Errorf("the sealed letter does not open with the keys: exit %d\n%s", code, out)
	}
}
