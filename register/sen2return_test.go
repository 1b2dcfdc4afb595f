package register_test

import (
	"context"
	"encoding/xml"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/register/registertest"
	"github.com/ehc-send/ehc/register/sen2"
)

var sen2Source = register.SEN2Source{LA: "931", Software: "ehc", Release: "test", Now: time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)}

// The timeliness the DfE will compute from the return agrees with ehc
// report for the same year. Of the Timeliness cases' plans issued in 2026
// (P1, P2, P3, P4, P6), P1 (19 weeks) and P2 (20 weeks to the day) were on
// time, P3 (26), P4 (34, an exception) and P6 (21) not: 2 of 5, and 2 of
// 4 without P4. R2's plan, made under a tribunal order, and R3's, under a
// mediation agreement, are in the return flagged so the DfE leaves them
// out, as the report does; P2's and P3's contents disputed after their
// plans leave both figures alone.
func TestSEN2ReturnTimelinessAgreesWithReport(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()
	registertest.Timeliness(t, s)
	recordDisagreements(t, s)
	ret, _, err := s.SEN2Return(ctx, 2026, sen2Source)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Report(ctx, d("2026-01-01"), d("2026-12-31"), d("2027-01-10"))
	if err != nil {
		t.Fatal(err)
	}
	got := sen2.DfETimeliness(ret, 2026)
	want := sen2.Timeliness{Issued: 5, Within20Weeks: 2, IssuedExclExceptions: 4, WithinExclExceptions: 2, LeftOutForDisagreement: 2}
	if got != want {
		t.Errorf("from the return: %+v\nwant %+v", got, want)
	}
	if r.DfE.Issued != got.IssuedExclExceptions || r.DfE.Within20Weeks != got.WithinExclExceptions {
		t.Errorf("ehc report's DfE figure %d of %d; the return's %d of %d", r.DfE.Within20Weeks, r.DfE.Issued, got.WithinExclExceptions, got.IssuedExclExceptions)
	}
	if r.Plans.Issued != got.Issued || r.Plans.Within20Weeks != got.Within20Weeks {
		t.Errorf("ehc report's plans %d of %d; the return's %d of %d", r.Plans.Within20Weeks, r.Plans.Issued, got.Within20Weeks, got.Issued)
	}
}

// A year of cases recorded with all the return asks: a plan issued in the
// year, a refusal, a plan entered with its last review and a transfer in,
// and a plan ceased in the year. The return passes its own checks, reads
// back as the same XML, and says what the register holds; the same year
// with the entered plan's needs missing is refused naming the plan and
// the item.
func TestSEN2ReturnOfAYear(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()
	person := sen2.Person{UPN: "H801200001001", Sex: "F", Ethnicity: "WBRI", PostCode: "SW1A 1AA"}
	placement := []sen2.Placement{{URN: "100000", Rank: 1, Entry: d("2026-06-01")}}
	issued := snapshot(5, "final_plan_issued")
	yes := true
	issued.DecidedToAssessOn, issued.Assess, issued.DecidedToIssueOn, issued.Issue = d("2026-02-09"), &yes, d("2026-04-06"), &yes
	issued.FinalPlanOn, issued.ClosedOn = d("2026-05-18"), d("2026-05-18")
	no := false
	refused := snapshot(2, "not_assessed")
	refused.Requester, refused.DecidedToAssessOn, refused.Assess, refused.ClosedOn = "health", d("2026-02-10"), &no, d("2026-02-10")
	for ref, c := range map[string]caserecord.Snapshot{"S2-ISSUED": issued, "S2-REFUSED": refused} {
		if _, err := s.Record(ctx, caserecord.Event{Key: ref + "/1", CaseRef: ref, Kind: caserecord.KindStep, Name: "fixture",
			EffectiveOn: d("2026-01-05"), Case: c, People: &caserecord.People{ChildName: "Ada Lovelace Example", ChildDOB: d("2016-04-01"), SEN2: person}}); err != nil {
			t.Fatal(err)
		}
	}
	plans := map[string]struct {
		snap   caserecord.PlanSnapshot
		people *caserecord.People
	}{
		"S2-ISSUED": {caserecord.PlanSnapshot{Seq: 1, FirstRun: "run-i", Stage: "plan_in_force", Caseworker: "cw-1", PlanMade: d("2026-05-18")}, nil},
		"S2-ENTERED": {caserecord.PlanSnapshot{Seq: 1, FirstRun: "run-e", Stage: "plan_in_force", Caseworker: "cw-1", PlanMade: d("2020-03-02"),
			TransferredIn: d("2026-09-01"), LastReview: d("2025-03-10"),
			Reviews:   []caserecord.PlanReview{{Cycle: 1, Due: d("2026-03-10"), HeldOn: d("2026-03-01"), DecidedOn: d("2026-03-12"), Outcome: "amend"}},
			Transfers: []caserecord.PlanTransfer{{Transfer: "primary_to_secondary", Year: 2027, AmendBy: d("2027-02-15")}}},
			&caserecord.People{ChildName: "Ben Example", ChildDOB: d("2015-10-01"), SEN2: person, Plan: sen2.Plan{Needs: []string{"ASD", "SLCN"},
				Placements: placement, PersonalBudget: true, DirectPayments: true, RequestReceived: d("2019-09-02"), TransferLA: "855"}}},
		"S2-CEASED": {caserecord.PlanSnapshot{Seq: 2, FirstRun: "run-c", Stage: "plan_ceased", Caseworker: "cw-1", PlanMade: d("2018-01-08"),
			EndedOn: d("2026-07-20")}, &caserecord.People{ChildName: "Cy Example", ChildDOB: d("2006-01-01"), SEN2: person,
			Plan: sen2.Plan{Placements: placement, RequestReceived: d("2017-06-01"), CeaseReason: "3"}}},
	}
	for ref, p := range plans {
		if _, err := s.Record(ctx, caserecord.Event{Key: ref + "/plan/1", CaseRef: ref, Kind: caserecord.KindStep, Name: "plan-in-force",
			EffectiveOn: p.snap.PlanMade, Seq: p.snap.Seq, Plan: &p.snap, People: p.people}); err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
	}
	if _, err := s.RecordSEN2(ctx, "S2-ISSUED", register.SEN2Change{Plan: sen2.Plan{Needs: []string{"SEMH"}, Placements: placement},
		Set: map[string]bool{"needs": true, "placements": true}}, d("2026-05-20")); err != nil {
		t.Fatal(err)
	}

	ret, fails, err := s.SEN2Check(ctx, 2026, sen2Source)
	if err != nil {
		t.Fatal(err)
	}
	if len(fails) != 0 {
		t.Fatalf("a complete year refused:\n%s", show(fails))
	}
	if h := ret.Header; h.Year != 2027 || h.ReferenceDate != "2027-01-21" || h.LEA != "931" || h.Collection != "SEN2" {
		t.Errorf("header %+v; want the January 2027 collection, third Thursday 2027-01-21, LA 931", h)
	}
	byRef := map[string]sen2.PersonRecord{}
	for _, p := range ret.Persons {
		byRef[p.CaseRef] = p
	}
	if len(byRef) != 4 {
		t.Fatalf("%d people; want the 4 the year touched: %s", len(byRef), show(ret.Persons))
	}
	i := byRef["S2-ISSUED"]
	if i.Forename != "Ada Lovelace" || i.Surname != "Example" {
		t.Errorf("name %q %q; want forenames then surname", i.Forename, i.Surname)
	}
	iq := i.Requests[0]
	if iq.ReceivedDate != "2026-01-05" || iq.RequestSource != "1" || iq.RequestOutcome != "A" || iq.Assessment.AssessmentOutcome != "Y" ||
		iq.Assessment.Week20 != "0" || iq.Assessment.NamedPlan.StartDate != "2026-05-18" || iq.ActivePlans.SENNeed[0].SENType != "SEMH" {
		t.Errorf("the plan issued in the year: %s", show(iq))
	}
	if q := byRef["S2-REFUSED"].Requests[0]; q.RequestSource != "3" || q.RequestOutcome != "H" || q.RequestOutcomeDate != "2026-02-10" || q.Assessment != nil || q.ActivePlans != nil {
		t.Errorf("the refusal: %s", show(q))
	}
	eq := byRef["S2-ENTERED"].Requests[0]
	// amended after its review: the draft amended plan went with the decision (reg 22(2); R (L, M, P) v Devon)
	wantActive := &sen2.ActivePlans{TransferLA: "855", ReviewMeeting: "2026-03-01", ReviewOutcome: "A", ReviewDraft: "2026-03-12", PhaseTransferDueDate: "2027-02-15",
		LastReview: "2026-03-12", PlacementDetail: []sen2.PlacementDetail{{PlanDetail: sen2.PlanDetail{URN: "100000", PlacementRank: 1,
			SENUnitIndicator: "0", ResourcedProvisionIndicator: "0"}, EntryDate: "2026-06-01"}},
		SENNeed: []sen2.SENNeed{{SENType: "ASD", SENTypeRank: 1}, {SENType: "SLCN", SENTypeRank: 2}}}
	if eq.ReceivedDate != "2019-09-02" || eq.Assessment.NamedPlan.PB != "1" || eq.Assessment.NamedPlan.DP != "1" || !reflect.DeepEqual(eq.ActivePlans, wantActive) {
		t.Errorf("the entered plan: %s\nwant active %s", show(eq), show(wantActive))
	}
	if c := byRef["S2-CEASED"].Requests[0]; c.Assessment.NamedPlan.CeaseDate != "2026-07-20" || c.Assessment.NamedPlan.CeaseReason != "3" || c.ActivePlans != nil {
		t.Errorf("the ceased plan: %s", show(c))
	}
	b, err := xml.Marshal(ret)
	if err != nil {
		t.Fatal(err)
	}
	var back sen2.Return
	if err := xml.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if b2, _ := xml.Marshal(back); string(b2) != string(b) {
		t.Errorf("the XML does not read back as itself:\n%s\n%s", b, b2)
	}

	if _, err := s.RecordSEN2(ctx, "S2-ENTERED", register.SEN2Change{Set: map[string]bool{"needs": true}}, d("2026-12-01")); err != nil {
		t.Fatal(err)
	}
	_, fails, err = s.SEN2Check(ctx, 2026, sen2Source)
	if err != nil {
		t.Fatal(err)
	}
	want := []register.SEN2Failure{{CaseRef: "S2-ENTERED", Item: "SENtype", Problem: "missing: the plan's primary need (record it with ehc sen2-record --needs)"}}
	if !reflect.DeepEqual(fails, want) {
		t.Errorf("needs removed:\n got %s\nwant %s", show(fails), show(want))
	}
	var audited int
	if err := s.Pool.QueryRow(ctx, `select count(*) from plan_events where plan_ref = 'S2-ENTERED' and name = 'sen2-recorded'
		and detail = '{"items": ["needs"]}'`).Scan(&audited); err != nil || audited != 1 {
		t.Errorf("the change audited %d times (%v); want once, naming the item and not its value", audited, err)
	}
}

// Each case the year touched whose record cannot give a Person item is
// named by case and item; one whose people are not held, once for them.
func TestSEN2CheckNamesEachCaseAndItem(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()
	for ref, people := range map[string]*caserecord.People{
		"S2-FULL": {ChildName: "Ada Example", ChildDOB: d("2016-04-01"), SEN2: sen2.Person{UPN: "H801200001001", Sex: "F", Ethnicity: "WBRI", PostCode: "SW1A 1AA"}},
		"S2-BARE": {ChildName: "Ben Example", ChildDOB: d("2016-04-01")},
		"S2-NONE": nil,
	} {
		snap := snapshot(1, "requested")
		snap.Day1 = d("2025-03-02")
		if _, err := s.Record(ctx, caserecord.Event{Key: ref + "/1", CaseRef: ref, Kind: caserecord.KindStep, Name: "request-received",
			EffectiveOn: d("2025-03-02"), Case: snap, People: people}); err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
	}
	_, got, err := s.SEN2Check(ctx, 2025, sen2Source)
	if err != nil {
		t.Fatal(err)
	}
	want := []register.SEN2Failure{
		sf("S2-BARE", "UPN", "missing: give the UPN, the ULN, or why neither is known (UPNunknown)"),
		sf("S2-BARE", "Sex", "missing"), sf("S2-BARE", "Ethnicity", "missing"), sf("S2-BARE", "PostCode", "missing"),
		sf("S2-NONE", "Person", "the people are not in the register (entered before it kept them, or erased): record them with ehc sen2-record --child-name --child-dob"),
		sf("S2-NONE", "Surname", "missing"), sf("S2-NONE", "Forename", "missing"), sf("S2-NONE", "PersonBirthDate", "missing"),
		sf("S2-NONE", "UPN", "missing: give the UPN, the ULN, or why neither is known (UPNunknown)"),
		sf("S2-NONE", "Sex", "missing"), sf("S2-NONE", "Ethnicity", "missing"), sf("S2-NONE", "PostCode", "missing"),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SEN2 check:\n got %s\nwant %s", show(got), show(want))
	}
	if _, _, err := s.SEN2Check(ctx, 2019, sen2Source); err == nil {
		t.Error("a year before the person-level return was checked")
	}
}

func sf(ref, item, problem string) register.SEN2Failure {
	return register.SEN2Failure{CaseRef: ref, Item: item, Problem: problem}
}

// The return is the record as the year ended, whatever has happened
// since, and each kind of case comes out as what happened to it:
//   - Y1, received in November 2026, decided to assess on 5 January 2027:
//     still awaiting the decision in the 2026 return;
//   - Y2, decided to issue and its draft with the family: outcome Y, no
//     plan yet, and nothing to put right;
//   - Y3, a decision not to issue, then a plan made under a tribunal order:
//     outcome Y, the plan from the day the order's plan was issued, the
//     appeal flagged so the DfE leaves it out, and the plan to be entered;
//   - Y4, a plan entered without its assessment, its request in the year:
//     no failure for what came before the product, and not in the DfE's
//     20-week figure;
//   - Y5, an entered plan that ceased on 1 February 2027: no ceasing in the
//     2026 return, and active on its reference date, 21 January 2027.
func TestSEN2ReturnAsTheYearEnded(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()
	person := sen2.Person{UPN: "H801200001001", Sex: "F", Ethnicity: "WBRI", PostCode: "SW1A 1AA"}
	people := &caserecord.People{ChildName: "Ada Example", ChildDOB: d("2016-04-01"), SEN2: person}
	yes, no := true, false
	y1 := snapshot(2, "assessing")
	y1.Day1, y1.DecidedToAssessOn, y1.Assess = d("2026-11-02"), d("2027-01-05"), &yes
	y2 := snapshot(3, "draft_served")
	y2.DecidedToAssessOn, y2.Assess, y2.DecidedToIssueOn, y2.Issue, y2.DraftServedOn = d("2026-02-09"), &yes, d("2026-12-01"), &yes, d("2026-12-10")
	y3 := snapshot(3, "no_plan")
	y3.DecidedToAssessOn, y3.Assess, y3.DecidedToIssueOn, y3.Issue, y3.ClosedOn = d("2026-02-09"), &yes, d("2026-04-20"), &no, d("2026-04-20")
	for ref, c := range map[string]caserecord.Snapshot{"Y1": y1, "Y2": y2, "Y3": y3} {
		if _, err := s.Record(ctx, caserecord.Event{Key: ref + "/1", CaseRef: ref, Kind: caserecord.KindStep, Name: "fixture",
			EffectiveOn: c.Day1, Case: c, People: people}); err != nil {
			t.Fatal(err)
		}
	}
	order := caserecord.DisputeSnapshot{Seq: 3, FirstRun: "run-Y3d", Stage: "dispute_complied", Decision: "no_plan", Notice: d("2026-04-20"),
		AppealedOn: d("2026-05-01"), OrderKind: "make-plan", OrderMade: d("2026-09-01"), OrderDue: d("2026-11-17"),
		PlanIssuedOn: d("2026-11-10"), OrderMetOn: d("2026-11-10"), EndedOn: d("2026-11-10")}
	if _, err := s.Record(ctx, caserecord.Event{Key: "Y3/dispute/3", CaseRef: "Y3", Kind: caserecord.KindStep, Name: "order-complied",
		EffectiveOn: d("2026-11-10"), Dispute: &order}); err != nil {
		t.Fatal(err)
	}
	placements := []sen2.Placement{{URN: "100000", Rank: 1}}
	for ref, snap := range map[string]caserecord.PlanSnapshot{
		"Y4": {Seq: 1, FirstRun: "run-y4", Stage: "plan_in_force", Caseworker: "cw-1", PlanMade: d("2026-06-01")},
		"Y5": {Seq: 2, FirstRun: "run-y5", Stage: "plan_ceased", Caseworker: "cw-1", PlanMade: d("2019-06-01"), EndedOn: d("2027-02-01")},
	} {
		p := &caserecord.People{ChildName: "Ben Example", ChildDOB: d("2014-01-01"), SEN2: person,
			Plan: sen2.Plan{Needs: []string{"ASD"}, Placements: placements, RequestReceived: d("2026-01-12")}}
		if ref == "Y5" {
			p.Plan.RequestReceived = d("2018-11-01")
		}
		if _, err := s.Record(ctx, caserecord.Event{Key: ref + "/plan/1", CaseRef: ref, Kind: caserecord.KindStep, Name: "plan-in-force",
			EffectiveOn: snap.PlanMade, Seq: snap.Seq, Plan: &snap, People: p}); err != nil {
			t.Fatal(err)
		}
	}
	src := sen2Source
	src.Now = time.Date(2027, 3, 10, 9, 0, 0, 0, time.UTC)
	ret, fails, err := s.SEN2Check(ctx, 2026, src)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]sen2.Request{}
	for _, p := range ret.Persons {
		by[p.CaseRef] = p.Requests[0]
	}
	if q := by["Y1"]; q.RequestOutcome != "" || q.RequestOutcomeDate != "" || q.Assessment != nil {
		t.Errorf("Y1, decided after the year: %s", show(q))
	}
	if q := by["Y2"]; q.Assessment == nil || q.Assessment.AssessmentOutcome != "Y" || q.Assessment.NamedPlan != nil || q.ActivePlans != nil {
		t.Errorf("Y2, its plan being drafted: %s", show(q))
	}
	if q := by["Y3"]; q.Assessment == nil || q.Assessment.AssessmentOutcome != "Y" || q.Assessment.AssessmentTribunal != "1" ||
		q.Assessment.NamedPlan == nil || q.Assessment.NamedPlan.StartDate != "2026-11-10" || q.ActivePlans == nil {
		t.Errorf("Y3, its plan made under an order: %s", show(q))
	}
	if q := by["Y5"]; q.Assessment == nil || q.Assessment.NamedPlan == nil || q.Assessment.NamedPlan.CeaseDate != "" || q.ActivePlans == nil {
		t.Errorf("Y5, ceased after the reference date: %s", show(q))
	}
	var refs []string
	for _, f := range fails {
		refs = append(refs, f.CaseRef+" "+f.Item)
	}
	if want := []string{"Y3 NamedPlan", "Y3 PlanDetail", "Y3 SENtype", "Y3 PlacementDetail"}; !reflect.DeepEqual(refs, want) {
		t.Errorf("failures %s; want Y3's plan to enter and its details to record, nothing else", show(fails))
	}
	if got := sen2.DfETimeliness(ret, 2026); got != (sen2.Timeliness{LeftOutForDisagreement: 1}) {
		t.Errorf("the DfE's figure %+v; want Y3 left out for its appeal and Y4, entered, not counted", got)
	}
}

// What a caseworker learns later: the people of a plan entered before the
// register kept them, then a UPN given in error replaced by the reason
// there is none; each change audited by the items it changed.
func TestRecordSEN2CreatesAndCorrects(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()
	snap := caserecord.PlanSnapshot{Seq: 1, FirstRun: "run-r", Stage: "plan_in_force", Caseworker: "cw-1", PlanMade: d("2020-06-01")}
	if _, err := s.Record(ctx, caserecord.Event{Key: "R/plan/1", CaseRef: "R-1", Kind: caserecord.KindStep, Name: "plan-in-force",
		EffectiveOn: snap.PlanMade, Seq: 1, Plan: &snap}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordSEN2(ctx, "R-1", register.SEN2Change{Person: sen2.Person{Sex: "M"}}, d("2026-12-01")); !errors.Is(err, register.ErrNoPeople) {
		t.Errorf("no people and no name: %v; want ErrNoPeople", err)
	}
	changed, err := s.RecordSEN2(ctx, "R-1", register.SEN2Change{ChildName: "Cy Example", ChildDOB: d("2013-05-01"),
		Person: sen2.Person{UPN: "H801200001001"}}, d("2026-12-01"))
	if err != nil || !reflect.DeepEqual(changed, []string{"child_name", "child_dob", "upn"}) {
		t.Fatalf("created: %v, %v", changed, err)
	}
	changed, err = s.RecordSEN2(ctx, "R-1", register.SEN2Change{Person: sen2.Person{UPNUnknown: "UN2"}}, d("2026-12-02"))
	if err != nil || !reflect.DeepEqual(changed, []string{"upn", "upn_unknown"}) {
		t.Fatalf("the reason for no UPN: %v, %v", changed, err)
	}
	var upn *string
	var reason string
	if err := s.Pool.QueryRow(ctx, `select upn, upn_unknown from case_people where case_ref = 'R-1'`).Scan(&upn, &reason); err != nil || upn != nil || reason != "UN2" {
		t.Errorf("upn %v, reason %q (%v); want the UPN cleared for UN2", upn, reason, err)
	}
	if changed, err := s.RecordSEN2(ctx, "R-1", register.SEN2Change{Person: sen2.Person{UPNUnknown: "UN2"}, Set: map[string]bool{"needs": true}}, d("2026-12-03")); err != nil || len(changed) != 0 {
		t.Errorf("nothing new: %v, %v; want nothing changed or audited", changed, err)
	}
	var audits int
	if err := s.Pool.QueryRow(ctx, `select count(*) from plan_events where plan_ref = 'R-1' and name = 'sen2-recorded'`).Scan(&audits); err != nil || audits != 2 {
		t.Errorf("%d audits (%v); want 2", audits, err)
	}
}
