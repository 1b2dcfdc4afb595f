package register_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/register/registertest"
)

// The 20-week figure as the DfE publishes it, for the Timeliness cases of
// Q1 2026: of the four plans issued, P4 had an exception, so three are
// counted (P1 and P2 within 20 weeks, P3 not): 2/3. P2's and P3's contents
// went to mediation and the tribunal after they were issued, which leaves
// the figure alone. R2, refused, had its plan made under a tribunal order
// in the period and R3 under a mediation agreement: both left out, and
// R2's order is in the disagreement figures, complied with late (its
// 5-week draft was late though its final plan was not); R3's agreement is
// not a tribunal order.
func TestReportDfEFigureLeavesOutMediationAndTribunal(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()
	registertest.Timeliness(t, s)
	recordDisagreements(t, s)
	r, err := s.Report(ctx, d(registertest.TimelinessFrom), d(registertest.TimelinessTo), d(registertest.TimelinessToday))
	if err != nil {
		t.Fatal(err)
	}
	want := register.DfETiming{Issued: 3, Within20Weeks: 2, Pct: p(66.7), LeftOut: []register.LeftOut{
		{"EHC-P4", register.LeftOutException}, {"EHC-R2", register.LeftOutOrder}, {"EHC-R3", register.LeftOutAgreement}}}
	if !reflect.DeepEqual(r.DfE, want) {
		t.Errorf("DfE figure:\n got %s\nwant %s", show(r.DfE), show(want))
	}
	if r.Plans.Issued != 4 {
		t.Errorf("the product's own figure counts %d plans; want all 4", r.Plans.Issued)
	}
	var kinds []string
	for _, o := range r.Disagreements.OrdersMade {
		kinds = append(kinds, o.Kind)
	}
	if !reflect.DeepEqual(kinds, []string{"make-plan"}) || r.Disagreements.OrdersMade[0].Made != 1 || r.Disagreements.OrdersComplied != 1 ||
		r.Disagreements.OrdersCompliedDue != 0 || r.Disagreements.AppealsLodged != 2 {
		t.Errorf("disagreements %s; want R2's order alone, complied with late, and P3's and P1's appeals", show(r.Disagreements))
	}
	var n int
	if err := s.Pool.QueryRow(ctx, `select count(*) from case_events where case_ref = 'EHC-R2' and event_key = 'EHC-R2/dispute/3/order-complied' and seq is null`).Scan(&n); err != nil || n != 1 {
		t.Errorf("the disagreement's event is in case_events %d times (%v); want once, outside the case's own sequence", n, err)
	}
}

// recordDisagreements adds to the Timeliness cases the disagreements the
// DfE's figure must see: P2's and P3's contents disputed after their plans,
// P1's later decision appealed, R2's plan made under a tribunal order and
// R3's under a mediation agreement after their refusals.
func recordDisagreements(t *testing.T, s *register.Store) {
	t.Helper()
	ctx := context.Background()
	for ref, dis := range map[string]*caserecord.PlanDispute{
		"EHC-P2": {Decision: "plan_contents", Notice: d("2026-01-26"), MediationFrom: d("2026-02-10"), WantsMediation: true},
		"EHC-P3": {Decision: "plan_contents", Notice: d("2026-02-02"), AppealedOn: d("2026-03-01")},
		"EHC-P1": {Decision: "not_to_amend", Notice: d("2026-03-01"), AppealedOn: d("2026-03-20")}, // a later decision, not the plan's contents
	} {
		snap := caserecord.PlanSnapshot{Seq: 1, FirstRun: "run-" + ref, Stage: "plan_in_force", Caseworker: "cw-1", PlanMade: d("2026-01-12"), Dispute: dis}
		if _, err := s.Record(ctx, caserecord.Event{Key: ref + "/plan/1/x", CaseRef: ref, Kind: caserecord.KindStep, Name: "x",
			EffectiveOn: d("2026-01-12"), Seq: 1, Plan: &snap}); err != nil {
			t.Fatal(err)
		}
	}
	order := caserecord.DisputeSnapshot{Seq: 3, FirstRun: "run-R2d", Stage: "dispute_complied", Decision: "refusal_to_assess",
		Notice: d("2025-07-01"), AppealedOn: d("2025-08-01"), OrderKind: "make-plan", OrderMade: d("2026-01-05"),
		OrderDue: d("2026-03-23"), PlanIssuedOn: d("2026-03-20"), OrderMetOn: d("2026-03-20"), EndedOn: d("2026-03-20")}
	agreed := caserecord.DisputeSnapshot{Seq: 4, FirstRun: "run-R3d", Stage: "dispute_complied", Decision: "refusal_to_assess",
		Notice: d("2025-07-01"), MediationFrom: d("2025-07-20"), WantsMediation: true, MediationHeld: d("2025-08-10"),
		OrderKind: "make-plan", OrderMade: d("2026-01-06"), Agreement: true, OrderOnTime: true,
		OrderDue: d("2026-01-26"), PlanIssuedOn: d("2026-01-20"), OrderMetOn: d("2026-01-20"), EndedOn: d("2026-01-20")}
	for ref, snap := range map[string]*caserecord.DisputeSnapshot{"EHC-R2": &order, "EHC-R3": &agreed} {
		if _, err := s.Record(ctx, caserecord.Event{Key: ref + "/dispute/3/order-complied", CaseRef: ref, Kind: caserecord.KindStep,
			Name: "order-complied", EffectiveOn: d("2026-03-20"), Dispute: snap}); err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
	}
}
