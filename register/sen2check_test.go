package register_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/register/registertest"
	"github.com/ehc-send/ehc/register/sen2"
)

// Before the return is made, each case in its year is judged for the
// items it cannot yet give: one with every person item passes; one with
// none is named item by item; one whose people are not held is named once.
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
	got, err := s.SEN2Check(ctx, 2025)
	if err != nil {
		t.Fatal(err)
	}
	want := []register.SEN2Failure{
		{"S2-BARE", "UPN", "missing: give the UPN, the ULN, or why neither is known (UPNunknown)"},
		{"S2-BARE", "Sex", "missing"}, {"S2-BARE", "Ethnicity", "missing"}, {"S2-BARE", "PostCode", "missing"},
		{"S2-NONE", "Person", "the case's people are not in the register (entered before it kept them, or erased)"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SEN2 check:\n got %s\nwant %s", show(got), show(want))
	}
	if _, err := s.SEN2Check(ctx, 2019); err == nil {
		t.Error("a year before the person-level return was checked")
	}
}
