package register_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/register/registertest"
)

// The child and family of the register's privacy tests, and a caseworker's
// free-text reason naming the child and a health detail.
const (
	zChild  = "Zebedee Quintrell"
	zFamily = "Morwenna Quintrell"
	zEmail  = "quintrell.family@example.org"
	zReason = "Zebedee has started ketogenic treatment for his epilepsy"
)

var zSecrets = []string{"Zebedee", "Quintrell", "Morwenna", "2015-03-17", zEmail, "quintrell.family", "ketogenic", "epilepsy"}

func zSecret(text string) string {
	lower := strings.ToLower(text)
	for _, s := range zSecrets {
		if strings.Contains(lower, strings.ToLower(s)) {
			return s
		}
	}
	return ""
}

// zCase records a case for the child, with the family's own views asked of
// them by name, and a letter to the family giving the reason, which
// bounces with their address in the reason.
func zCase(t *testing.T, s *register.Store) register.OutboxEntry {
	t.Helper()
	ctx := context.Background()
	// An organisation that gathers families' views keeps its name.
	if _, err := s.AddProvider(ctx, register.Provider{Kind: "family_views", Organisation: "SENDIASS Kernow", Email: "views@sendiass.example.org"}); err != nil {
		t.Fatal(err)
	}
	snap := snapshot(1, "assessing")
	snap.Advice = []caserecord.Advice{
		{ID: "family_views-1", Kind: "family_views", Provider: zFamily, RequestedOn: d("2026-01-20"), DueOn: d("2026-03-03")},
		{ID: "family_views-2", Kind: "family_views", Provider: "The Quintrell household", RequestedOn: d("2026-01-21"), DueOn: d("2026-03-04")},
		{ID: "family_views-3", Kind: "family_views", Provider: "SENDIASS Kernow", RequestedOn: d("2026-01-22"), DueOn: d("2026-03-05")},
		{ID: "psychological-1", Kind: "psychological", Provider: "EP service", RequestedOn: d("2026-01-20"), DueOn: d("2026-03-03")},
	}
	if _, err := s.Record(ctx, caserecord.Event{Key: "EHC-Z/1/request-received", CaseRef: "EHC-Z", Kind: caserecord.KindStep,
		Name: "request-received", EffectiveOn: d("2026-01-05"), Case: snap,
		People: &caserecord.People{ChildName: zChild, ChildDOB: d("2015-03-17"), FamilyName: zFamily, FamilyEmail: zEmail}}); err != nil {
		t.Fatal(err)
	}
	e := register.OutboxEntry{Key: "EHC-Z/family.withdrawn/1", CaseRef: "EHC-Z", Template: "family.withdrawn", On: d("2026-02-02"),
		Recipients: []register.OutboxRecipient{{Role: "family", Name: zFamily, Email: zEmail},
			{Role: "manager", Email: "manager@la.example.gov.uk", Cc: true}},
		Caseworker: register.OutboxRecipient{Role: "caseworker", Name: "cw-1", Email: "cw@la.example.gov.uk"},
		Subject:    "Zebedee Quintrell: the assessment has ended (case EHC-Z)",
		Text:       "Dear " + zFamily + ",\n\nThe reason: " + zReason + ".\n"}
	if _, err := s.OutboxClaim(ctx, e); err != nil {
		t.Fatal(err)
	}
	if err := s.OutboxError(ctx, e.Key, "sendgrid: 400 invalid to.email <"+zEmail+">", false); err != nil {
		t.Fatal(err)
	}
	if err := s.OutboxSent(ctx, e.Key, "sg-z"); err != nil {
		t.Fatal(err)
	}
	got, _, err := s.OutboxEvent(ctx, e.Key, "bounce", "550 5.1.1 <"+zEmail+">: Recipient address rejected")
	if err != nil {
		t.Fatal(err)
	}
	if want := "bounce: 550 5.1.1 <(the family's address)>: Recipient address rejected"; got.LastError != want {
		t.Errorf("last_error %q, want %q", got.LastError, want)
	}
	return e
}

// Erasing the child's people row leaves nothing about the child, the
// family or the caseworker's reason readable anywhere in the register: the
// letter is kept, sealed, and opens with the keys.
func TestErasingPeopleLeavesNothingReadable(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()
	e := zCase(t, s)

	all := registertest.Dump(t, s.Pool)
	if !strings.Contains(all, "case_people.child_name: "+zChild) {
		t.Fatalf("the dump misses the people row, so it proves nothing:\n%s", all)
	}
	if got := zSecret(registertest.Dump(t, s.Pool, "case_people")); got != "" {
		t.Errorf("outside case_people the register holds %q:\n%s", got, registertest.Dump(t, s.Pool, "case_people"))
	}
	if strings.Count(all, "advice_requests.provider: the family\n") != 2 || !strings.Contains(all, "advice_requests.provider: SENDIASS Kernow\n") ||
		!strings.Contains(all, "advice_requests.provider: EP service\n") {
		t.Errorf("advice providers:\n%s", all)
	}

	if _, err := s.Pool.Exec(ctx, `delete from case_people where case_ref = 'EHC-Z'`); err != nil {
		t.Fatal(err)
	}
	if got := zSecret(registertest.Dump(t, s.Pool)); got != "" {
		t.Errorf("after erasing the people row the register holds %q:\n%s", got, registertest.Dump(t, s.Pool))
	}

	// The letter is still there, whole, for whoever holds the keys.
	rows, err := s.Outbox(ctx, "EHC-Z", 0)
	if err != nil || len(rows) != 1 {
		t.Fatalf("outbox: %v, %v", rows, err)
	}
	got := rows[0]
	if got.Sealed || got.Subject != e.Subject || got.Text != e.Text || got.Caseworker != e.Caseworker ||
		len(got.Recipients) != 2 || got.Recipients[0] != e.Recipients[0] || got.Recipients[1] != e.Recipients[1] {
		t.Errorf("opened with the keys: %+v\nwant the letter as written: %+v", got, e)
	}
}

// A register without the keys writes no letter that names anyone, and
// reads letters as their roles only.
func TestOutboxWithoutKeys(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()
	e := zCase(t, s)
	bare, err := register.Connect(ctx, s.Pool.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	defer bare.Close()

	rows, err := bare.Outbox(ctx, "EHC-Z", 0)
	if err != nil || len(rows) != 1 {
		t.Fatalf("outbox without keys: %v, %v", rows, err)
	}
	r := rows[0]
	want := []register.OutboxRecipient{{Role: "family"}, {Role: "manager", Cc: true}}
	if !r.Sealed || r.Subject != "" || r.Text != "" || r.Caseworker != (register.OutboxRecipient{}) ||
		len(r.Recipients) != 2 || r.Recipients[0] != want[0] || r.Recipients[1] != want[1] || r.Status != register.OutboxBounced {
		t.Errorf("read without keys: %+v; want roles only, marked sealed", r)
	}

	e.Key += "/again"
	if _, err := bare.OutboxClaim(ctx, e); !errors.Is(err, register.ErrNoSealer) {
		t.Errorf("writing a letter without keys: %v; want ErrNoSealer", err)
	}
	if rows, _ := s.Outbox(ctx, "EHC-Z", 0); len(rows) != 1 {
		t.Errorf("a refused write left %d rows, want 1", len(rows))
	}
	if _, err := bare.SealLegacyOutbox(ctx); err != nil {
		t.Errorf("nothing to seal, without keys: %v", err)
	}
}

// Rows written before sealing (schema version 6) are sealed at the next
// Open with keys: their clear columns emptied, their letter unchanged, and
// their roles and last error kept without addresses.
func TestLegacyOutboxRowsAreSealed(t *testing.T) {
	ctx := context.Background()
	url := registertest.URL(t)
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	first := &register.Store{Pool: pool}
	if err := register.MigrateToForTest(ctx, first, 6); err != nil {
		t.Fatal(err)
	}
	if _, err := first.Pool.Exec(ctx, `insert into notification_outbox (key, case_ref, template, on_date, recipients, caseworker, subject, body_text, last_error)
		values ('EHC-Z/family.withdrawn/1', 'EHC-Z', 'family.withdrawn', '2026-02-02',
			'[{"role":"family","name":"`+zFamily+`","email":"`+zEmail+`"},{"role":"manager","email":"m@la.example.gov.uk","cc":true}]',
			'{"role":"caseworker","name":"cw-1","email":"cw@la.example.gov.uk"}',
			'About Zebedee (case EHC-Z)', 'The reason: `+zReason+`', 'bounce: 550 <`+zEmail+`> unknown')`); err != nil {
		t.Fatal(err)
	}

	// Migrated without keys: the row keeps its clear columns, still reads,
	// and the register says they are waiting.
	bare, err := register.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer bare.Close()
	if rows, err := bare.Outbox(ctx, "", 0); err != nil || len(rows) != 1 || rows[0].Recipients[0].Email != zEmail || rows[0].Text != "The reason: "+zReason {
		t.Errorf("a legacy row read before sealing: %+v, %v", rows, err)
	}
	if _, err := bare.SealLegacyOutbox(ctx); !errors.Is(err, register.ErrNoSealer) || !strings.Contains(err.Error(), "1 notifications from before schema version 7") {
		t.Errorf("SealLegacyOutbox without keys: %v", err)
	}

	s, err := register.Open(ctx, url, register.WithSealer(registertest.Sealer()))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := zSecret(registertest.Dump(t, s.Pool)); got != "" {
		t.Errorf("after sealing the register holds %q:\n%s", got, registertest.Dump(t, s.Pool))
	}
	rows, err := s.Outbox(ctx, "", 0)
	if err != nil || len(rows) != 1 {
		t.Fatalf("outbox: %v, %v", rows, err)
	}
	r := rows[0]
	if r.Sealed || r.Recipients[0].Email != zEmail || r.Recipients[0].Name != zFamily || !r.Recipients[1].Cc ||
		r.Caseworker.Email != "cw@la.example.gov.uk" || r.Subject != "About Zebedee (case EHC-Z)" || r.Text != "The reason: "+zReason ||
		r.LastError != "bounce: 550 <(the family's address)> unknown" {
		t.Errorf("sealed legacy row: %+v", r)
	}
	var roles []string
	if err := s.Pool.QueryRow(ctx, `select roles from notification_outbox`).Scan(&roles); err != nil || strings.Join(roles, ",") != "family,cc:manager" {
		t.Errorf("roles %v, %v", roles, err)
	}
	if n, err := s.SealLegacyOutbox(ctx); n != 0 || err != nil {
		t.Errorf("sealing again: %d, %v", n, err)
	}
}
