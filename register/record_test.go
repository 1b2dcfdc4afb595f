package register_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/register/registertest"
	"github.com/ehc-send/ehc/register/sen2"
	"github.com/ehc-send/ehc/statute"
)

func d(s string) statute.Date {
	v, err := statute.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func snapshot(seq int, stage string) caserecord.Snapshot {
	return caserecord.Snapshot{Seq: seq, Stage: stage, Requester: "parent", Caseworker: "cw-1",
		Day1: d("2026-01-05"), DecisionToAssessDue: d("2026-02-16"), DecisionNotToIssueDue: d("2026-04-27"),
		FinalPlanDue: d("2026-05-25"), NextDeadline: d("2026-02-16")}
}

func TestMigrationsFromEmptyAndAgain(t *testing.T) {
	url := registertest.URL(t)
	ctx := context.Background()
	files, _ := filepath.Glob("migrations/*.sql")
	for i := range 2 {
		s, err := register.Open(ctx, url)
		if err != nil {
			t.Fatalf("open %d: %v", i+1, err)
		}
		var n int
		if err := s.Pool.QueryRow(ctx, "select count(*) from cases").Scan(&n); err != nil || n != 0 {
			t.Fatalf("open %d: cases count %d, %v", i+1, n, err)
		}
		var version int
		if err := s.Pool.QueryRow(ctx, "select version from ehc_schema_version").Scan(&version); err != nil || version != len(files) {
			t.Fatalf("open %d: schema version %d, %v", i+1, version, err)
		}
		s.Close()
	}
}

func TestRecordIsIdempotentAndOrdered(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()
	first := caserecord.Event{Key: "EHC-1/step/1/request-received", CaseRef: "EHC-1", Kind: caserecord.KindStep,
		Name: "request-received", EffectiveOn: d("2026-01-05"), Case: snapshot(1, "requested"),
		People: &caserecord.People{ChildName: "Ada Example", ChildDOB: d("2016-04-01"), FamilyEmail: "sam@example.org",
			SEN2: sen2.Person{ULN: "1234567899", Sex: "F", Ethnicity: "WBRI", PostCode: "SW1A 1AA"}}}
	assess := true
	second := caserecord.Event{Key: "EHC-1/step/2/decide-assess", CaseRef: "EHC-1", Kind: caserecord.KindStep,
		Name: "decide-assess", EffectiveOn: d("2026-01-26"), Case: snapshot(2, "assessing")}
	second.Case.DecidedToAssessOn, second.Case.Assess = d("2026-01-26"), &assess
	second.Case.Advice = []caserecord.Advice{{ID: "medical-1", Kind: statute.AdviceKindMedical, Provider: "Paediatrics",
		RequestedOn: d("2026-01-26"), DueOn: d("2026-03-09")}}

	for i, e := range []caserecord.Event{first, second, first, second, first} {
		inserted, err := s.Record(ctx, e)
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		if want := i < 2; inserted != want {
			t.Errorf("record %d (%s): inserted %v, want %v", i, e.Key, inserted, want)
		}
	}
	var events, people, advice int
	var stage string
	if err := s.Pool.QueryRow(ctx, `select (select count(*) from case_events), (select count(*) from case_people),
		(select count(*) from advice_requests), (select stage from cases where case_ref = 'EHC-1')`).Scan(&events, &people, &advice, &stage); err != nil {
		t.Fatal(err)
	}
	var uln, sex, ethnicity, postcode string
	var upn *string
	if err := s.Pool.QueryRow(ctx, `select upn, uln, sex, ethnicity, postcode from case_people where case_ref = 'EHC-1'`).Scan(&upn, &uln, &sex, &ethnicity, &postcode); err != nil ||
		upn != nil || uln != "1234567899" || sex != "F" || ethnicity != "WBRI" || postcode != "SW1A 1AA" {
		t.Errorf("the SEN2 details in case_people: %v %q %q %q %q (%v); want no UPN, the ULN, F, WBRI, SW1A 1AA", upn, uln, sex, ethnicity, postcode, err)
	}
	if events != 2 || people != 1 || advice != 1 || stage != "assessing" {
		t.Errorf("events %d, people %d, advice %d, stage %s; want 2, 1, 1, assessing (a replayed older event must not win)", events, people, advice, stage)
	}
	orphan := caserecord.Event{Key: "notification/OLD-1/family.final_plan/1", CaseRef: "OLD-1", Kind: caserecord.KindNotification,
		Name: "family.final_plan", EffectiveOn: d("2026-01-26")}
	if inserted, err := s.Record(ctx, orphan); err != nil || inserted {
		t.Errorf("a notification for a case the register never held: inserted %v, %v; want skipped without error", inserted, err)
	}
	if _, err := s.Pool.Exec(ctx, "delete from case_events"); err == nil {
		t.Error("case_events allowed a delete; it is append-only")
	}
}

func TestOpenRejectsBadURLs(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ url, want string }{
		{"postgres://u:secret@[::1/x", "DATABASE_URL is malformed"},
		{"postgres://postgres@127.0.0.1:1/ehc?sslmode=disable&connect_timeout=2", "cannot reach PostgreSQL at 127.0.0.1:1/ehc"},
	} {
		_, err := register.Open(ctx, tc.url)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "secret") {
			t.Errorf("Open(%q) = %v; want an error containing %q and no password", tc.url, err, tc.want)
		}
	}
}
