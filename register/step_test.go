package register_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/register/registertest"
)

// A step's events, projection and letters go in together or not at all:
// the letters wait pending (no attempt counted), the events keep their
// places, and writing the step again changes nothing.
func TestRecordStepIsOneTransaction(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()
	first := caserecord.Event{Key: "EHC-1/1/request-received", CaseRef: "EHC-1", Kind: caserecord.KindStep,
		Name: "request-received", EffectiveOn: d("2026-01-05"), Case: snapshot(1, "requested")}
	if _, err := s.Record(ctx, first); err != nil {
		t.Fatal(err)
	}
	reminder := caserecord.Event{Key: "EHC-1/2/decision_to_assess_due", CaseRef: "EHC-1", Kind: caserecord.KindReminder,
		Name: "decision_to_assess_due", EffectiveOn: d("2026-02-02"), Seq: 2}
	refusal := caserecord.Event{Key: "EHC-1/3/decide-assess", CaseRef: "EHC-1", Kind: caserecord.KindStep,
		Name: "decide-assess", EffectiveOn: d("2026-02-10"), Case: snapshot(3, "not_assessed")}
	letter := outboxEntry("EHC-1/family.refusal_to_assess/1")

	// An incomplete letter refuses the whole step: nothing is written.
	bad := letter
	bad.Recipients = nil
	if err := s.RecordStep(ctx, []caserecord.Event{reminder, refusal}, []register.OutboxEntry{bad}); !errors.Is(err, register.ErrInvalidOutboxEntry) {
		t.Fatalf("incomplete letter: %v; want ErrInvalidOutboxEntry", err)
	}
	var events, rows int
	count := func() {
		t.Helper()
		if err := s.Pool.QueryRow(ctx, `select (select count(*) from case_events), (select count(*) from notification_outbox)`).Scan(&events, &rows); err != nil {
			t.Fatal(err)
		}
	}
	if count(); events != 1 || rows != 0 {
		t.Fatalf("after a refused step: %d events, %d letters; want 1 and 0", events, rows)
	}

	for range 2 {
		if err := s.RecordStep(ctx, []caserecord.Event{reminder, refusal}, []register.OutboxEntry{letter}); err != nil {
			t.Fatal(err)
		}
	}
	if count(); events != 3 || rows != 1 {
		t.Errorf("after the step twice: %d events, %d letters; want 3 and 1", events, rows)
	}
	var seqs []int
	if err := s.Pool.QueryRow(ctx, `select array_agg(seq order by seq) from case_events`).Scan(&seqs); err != nil || len(seqs) != 3 || seqs[1] != 2 || seqs[2] != 3 {
		t.Errorf("event places %v (%v); want [1 2 3]", seqs, err)
	}
	all, err := s.Outbox(ctx, "EHC-1", 0)
	if err != nil || len(all) != 1 {
		t.Fatalf("outbox %v, %v", all, err)
	}
	wantStatus(t, all[0], register.OutboxPending, 0)
	var stage string
	if err := s.Pool.QueryRow(ctx, `select stage from cases where case_ref = 'EHC-1'`).Scan(&stage); err != nil || stage != "not_assessed" {
		t.Errorf("projection %q (%v); want not_assessed", stage, err)
	}
}
