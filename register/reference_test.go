package register_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/register/registertest"
)

// One case per reference: a second workflow run, or the same reference in
// other letters, can never write over the first case's record; a row kept
// from before runs were recorded is claimed by its own run's later events,
// never by a new case.
func TestOneCasePerReference(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()
	first := func(ref, run string) caserecord.Event {
		c := snapshot(1, "requested")
		c.FirstRun = run
		return caserecord.Event{Key: ref + "/1/request-received", CaseRef: ref, Kind: caserecord.KindStep, Name: "request-received",
			EffectiveOn: d("2026-01-05"), Case: c, People: &caserecord.People{ChildName: "Ada", FamilyEmail: "first@example.org"}}
	}
	if _, err := s.Record(ctx, first("NEW-1", "run-a")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Record(ctx, first("NEW-1", "run-a")); err != nil {
		t.Fatalf("the same run's retry: %v", err)
	}
	for _, e := range []caserecord.Event{first("NEW-1", "run-b"), first("new-1", "run-c")} {
		if _, err := s.Record(ctx, e); !errors.Is(err, register.ErrReferenceTaken) {
			t.Errorf("%s from %s: %v; want ErrReferenceTaken", e.CaseRef, e.Case.FirstRun, err)
		}
	}
	later := first("NEW-1", "run-b")
	later.Key, later.Case.Seq, later.People = "NEW-1/2/decide-assess", 2, nil
	if _, err := s.Record(ctx, later); !errors.Is(err, register.ErrReferenceTaken) {
		t.Errorf("a later event of another run: %v; want ErrReferenceTaken", err)
	}
	var email string
	if err := s.Pool.QueryRow(ctx, `select family_email from case_people where case_ref = 'NEW-1'`).Scan(&email); err != nil || email != "first@example.org" {
		t.Errorf("people: %q %v", email, err)
	}

	// A row from before first_run was kept.
	if _, err := s.Record(ctx, first("OLD-1", "")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Record(ctx, first("OLD-1", "run-new")); !errors.Is(err, register.ErrReferenceTaken) {
		t.Errorf("a new case on an old row: %v; want ErrReferenceTaken", err)
	}
	own := first("OLD-1", "run-old")
	own.Key, own.Case.Seq, own.People = "OLD-1/2/decide-assess", 2, nil
	if _, err := s.Record(ctx, own); err != nil {
		t.Errorf("the old run's next event: %v", err)
	}
	if h, ok, err := s.Holds(ctx, "old-1"); err != nil || !ok || h.CaseRef != "OLD-1" {
		t.Errorf("Holds(old-1) = %+v %v %v", h, ok, err)
	}
}
