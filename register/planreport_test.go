package register_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/register/registertest"
	"github.com/ehc-send/ehc/statute"
)

// Plans in force for Q1 2026, judged on Wed 15 Apr 2026, worked by hand:
//
// Reviews held in the period: PL1 20 Feb (due 28 Feb: within), PL2 10 Feb
// (due 10 Jan: late), PL5 5 Jan (due 31 Jan: within); not PL4's (1 Dec
// 2025): 3 held, 2 within their 12 months = 66.7%.
// Amended plans issued in the period: PL1 30 Mar, 38 days after its
// meeting; PL4 20 Jan, 80 days after its meeting of 1 Nov 2025 (84 is 12
// weeks): 2, both within = 100.0%. PL2's is not issued yet.
// Phase transfers due in the period (15 Feb): PL3 not amended, PL4
// amended 1 Feb; PL5's was replaced by a transfer it records: 2 due, 1 by
// its date = 50.0%.
// Overdue on 15 Apr, plans still in force only (PL4 went to another
// authority): reviews PL3 (due 31 Mar); amendments PL5 (due 2 Mar; PL2's
// is due 30 Apr); transfers PL3.
func TestReportPlansInForce(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()
	dt := func(v string) statute.Date { return d(v) }
	plans := map[string]caserecord.PlanSnapshot{
		"PL1": {NextReviewDue: dt("2027-02-19"), Reviews: []caserecord.PlanReview{{Cycle: 1, Due: dt("2026-02-28"), HeldOn: dt("2026-02-20"),
			DecidedOn: dt("2026-03-01"), Outcome: "amend", FinalDue: dt("2026-04-26"), FinalOn: dt("2026-03-30")}}},
		"PL2": {NextReviewDue: dt("2027-02-09"), Reviews: []caserecord.PlanReview{{Cycle: 1, Due: dt("2026-01-10"), HeldOn: dt("2026-02-10"),
			DecidedOn: dt("2026-03-05"), Outcome: "amend", FinalDue: dt("2026-04-30")}}},
		"PL3": {NextReviewDue: dt("2026-03-31"), Reviews: []caserecord.PlanReview{{Cycle: 1, Due: dt("2026-03-31")}},
			Transfers: []caserecord.PlanTransfer{{Transfer: "primary_to_secondary", Year: 2026, AmendBy: dt("2026-02-15")}}},
		"PL4": {NextReviewDue: dt("2026-01-01"), EndedOn: dt("2026-03-01"), Stage: "plan_transferred",
			Reviews: []caserecord.PlanReview{{Cycle: 1, Due: dt("2025-12-31"), HeldOn: dt("2025-11-01"), DecidedOn: dt("2025-11-20"),
				Outcome: "amend", FinalDue: dt("2026-01-15"), FinalOn: dt("2026-01-20")}},
			Transfers: []caserecord.PlanTransfer{{Transfer: "early_years_to_school", Year: 2026, AmendBy: dt("2026-02-15"), AmendedOn: dt("2026-02-01")}}},
		"PL5": {NextReviewDue: dt("2027-01-04"), Reviews: []caserecord.PlanReview{{Cycle: 1, Due: dt("2026-01-31"), HeldOn: dt("2026-01-05"),
			DecidedOn: dt("2026-01-06"), Outcome: "amend", FinalDue: dt("2026-03-02")}},
			Transfers: []caserecord.PlanTransfer{{Transfer: "primary_to_secondary", Year: 2026, AmendBy: dt("2026-02-15"), Replaced: true}}},
	}
	disputes := map[string]*caserecord.PlanDispute{
		"PL1": {Decision: "plan_contents", Notice: dt("2025-12-01"), AppealedOn: dt("2026-02-01"), OrderKind: "amend",
			OrderMade: dt("2026-02-10"), OrderDue: dt("2026-03-17"), OrderMetOn: dt("2026-03-10")},
		"PL2": {Decision: "not_to_amend", Notice: dt("2025-12-10"), MediationFrom: dt("2026-01-02"), WantsMediation: true,
			MediationHeld: dt("2026-01-20"), AppealedOn: dt("2026-02-15"), OrderKind: "name-school", OrderMade: dt("2026-03-01"),
			Unopposed: true, OrderDue: dt("2026-03-15")},
		"PL4": {Decision: "plan_contents", Notice: dt("2025-10-01"), AppealedOn: dt("2025-11-01"), OrderKind: "amend",
			OrderMade: dt("2026-01-05"), OrderDue: dt("2026-02-09")},
	}
	for ref, snap := range plans {
		snap.Dispute = disputes[ref]
		snap.Seq, snap.FirstRun, snap.Caseworker, snap.PlanMade = 1, "run-"+ref, "cw-1", dt("2025-01-06")
		if snap.Stage == "" {
			snap.Stage = "plan_in_force"
		}
		e := caserecord.Event{Key: ref + "/plan/1/plan-in-force", CaseRef: ref, Kind: caserecord.KindStep, Name: "plan-in-force",
			EffectiveOn: dt("2025-01-06"), Seq: 1, Plan: &snap}
		if _, err := s.Record(ctx, e); err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
		if again, err := s.Record(ctx, e); err != nil || again {
			t.Fatalf("%s recorded twice: %v, %v", ref, again, err)
		}
	}
	r, err := s.Report(ctx, d("2026-01-01"), d("2026-03-31"), d("2026-04-15"))
	if err != nil {
		t.Fatal(err)
	}
	want := register.PlanLife{InForce: 4, ReviewsHeld: 3, ReviewsWithinPeriod: 2, PctReviews: p(66.7),
		Amended: 2, AmendedWithin12Weeks: 2, PctAmended: p(100), TransfersDue: 2, TransfersAmendedByDate: 1, PctTransfers: p(50),
		ReviewsOverdue: 1, AmendmentsOverdue: 1, TransfersOverdue: 1}
	if !reflect.DeepEqual(r.PlansInForce, want) {
		t.Errorf("plans in force:\n got %s\nwant %s", show(r.PlansInForce), show(want))
	}
	// Disagreements: PL2's mediation held 20 Jan; appeals lodged by PL1 and
	// PL2 (PL4's in 2025); orders made: amend PL1 and PL4, name-school PL2
	// (unopposed, reg 45); complied in the period PL1's, a week early;
	// overdue on 15 Apr PL2's (due 15 Mar), not PL4's (the plan went to
	// another authority).
	wantD := register.Disagreements{MediationsHeld: 1, AppealsLodged: 2,
		OrdersMade:     []register.OrderCount{{Kind: "amend", Made: 2}, {Kind: "name-school", Made: 1, Unopposed: 1}},
		OrdersComplied: 1, OrdersCompliedDue: 1, PctOrdersOnTime: p(100), OrdersOverdue: 1}
	if !reflect.DeepEqual(r.Disagreements, wantD) {
		t.Errorf("disagreements:\n got %s\nwant %s", show(r.Disagreements), show(wantD))
	}
}

// A plan's record refuses a second plan under a reference already used,
// in force or ended, and a stale snapshot never overwrites a newer one.
func TestPlanRecordKeepsOnePlanPerReference(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()
	var ended statute.Date
	rec := func(run string, seq int, stage string) error {
		snap := caserecord.PlanSnapshot{Seq: seq, FirstRun: run, Stage: stage, Caseworker: "cw-1", PlanMade: d("2025-01-06"), EndedOn: ended}
		_, err := s.Record(ctx, caserecord.Event{Key: run + "/" + stage, CaseRef: "PL9", Kind: caserecord.KindStep, Name: "x",
			EffectiveOn: d("2025-01-06"), Seq: seq, Plan: &snap})
		return err
	}
	if err := rec("run-a", 2, "plan_ceasing"); err != nil {
		t.Fatal(err)
	}
	if err := rec("run-a", 1, "plan_in_force"); err != nil {
		t.Fatal(err)
	}
	var stage string
	if err := s.Pool.QueryRow(ctx, `select stage from plans where plan_ref = 'PL9'`).Scan(&stage); err != nil || stage != "plan_ceasing" {
		t.Errorf("after a late retry of an older event the plan is %q (%v), want plan_ceasing", stage, err)
	}
	if err := rec("run-b", 1, "plan_in_force"); !errors.Is(err, register.ErrReferenceTaken) {
		t.Errorf("a second plan under a reference in force: %v; want ErrReferenceTaken", err)
	}
	ended = d("2025-09-01")
	if err := rec("run-a", 3, "plan_ceased"); err != nil {
		t.Fatal(err)
	}
	ended = statute.Date{}
	err := rec("run-b", 1, "plan_in_force")
	if !errors.Is(err, register.ErrReferenceTaken) || !strings.Contains(err.Error(), "needs a new reference") {
		t.Errorf("a second plan after the first ceased: %v; want ErrReferenceTaken naming a new reference", err)
	}
	var n int
	if err := s.Pool.QueryRow(ctx, `select (select count(*) from plan_events where event_key like 'run-b/%') +
		(select count(*) from plans where plan_ref = 'PL9' and (first_run <> 'run-a' or stage <> 'plan_ceased'))`).Scan(&n); err != nil || n != 0 {
		t.Errorf("the refused plan left %d rows (%v); the ceased plan's record must stand as it was", n, err)
	}
}

// Two moves of one kind in a year (a young person changing post-16
// setting in January and again in September, reg 18(2)) are two transfers,
// each with its own amend-by date.
func TestTwoTransfersOfOneKindInAYear(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()
	snap := caserecord.PlanSnapshot{Seq: 1, FirstRun: "run-a", Stage: "plan_in_force", Caseworker: "cw-1", PlanMade: d("2025-01-06"),
		Transfers: []caserecord.PlanTransfer{
			{Transfer: "post16_to_post16", Year: 2027, AmendBy: d("2026-08-10"), AmendedOn: d("2026-07-01")},
			{Transfer: "post16_to_post16", Year: 2027, AmendBy: d("2027-04-01")},
		}}
	if _, err := s.Record(ctx, caserecord.Event{Key: "run-a/1", CaseRef: "PL8", Kind: caserecord.KindStep, Name: "x",
		EffectiveOn: d("2025-01-06"), Seq: 1, Plan: &snap}); err != nil {
		t.Fatal(err)
	}
	var n, amended int
	if err := s.Pool.QueryRow(ctx, `select count(*), count(amended_on) from plan_transfers where plan_ref = 'PL8'`).Scan(&n, &amended); err != nil || n != 2 || amended != 1 {
		t.Errorf("%d transfers recorded, %d amended (%v); want 2, the first amended", n, amended, err)
	}
}
