package sen2

import (
	"encoding/xml"
	"strings"
	"testing"
)

// A placement as a caseworker types it is read, or refused naming what is
// wrong with it.
func TestParsePlacement(t *testing.T) {
	pl, err := ParsePlacement("urn=123456, rank=2, unit, resourced, entry=2025-09-03")
	if err != nil {
		t.Fatal(err)
	}
	if pl.URN != "123456" || pl.Rank != 2 || !pl.Unit || !pl.Resourced || pl.Entry.String() != "2025-09-03" {
		t.Errorf("read as %+v", pl)
	}
	if pl, err := ParsePlacement("urn=123456,unit=no,resourced=yes"); err != nil || pl.Unit || !pl.Resourced {
		t.Errorf("unit=no, resourced=yes: %+v, %v", pl, err)
	}
	if pl, err := ParsePlacement("setting=OTH,setting-other=" + strings.Repeat("é", 100)); err != nil || pl.SettingOther == "" {
		t.Errorf("100 accented characters: %v; want them taken", err)
	}
	if pl, err := ParsePlacement("setting=ehe"); err != nil || pl.Setting != "EHE" || pl.Rank != 1 {
		t.Errorf("a setting code: %+v, %v; want EHE at rank 1", pl, err)
	}
	for in, want := range map[string]string{
		"":                                       "placement is empty",
		"urn=12345":                              `urn "12345" is not 6 digits`,
		"ukprn=20000000":                         `ukprn "20000000" is not 8 digits starting 1`,
		"urn=123456,setting=EHE":                 "give exactly one of",
		"setting=XYZ":                            `setting "XYZ" is not one of OLA, OPA`,
		"setting=OTH":                            "setting OTH needs setting-other",
		"urn=123456,rank=0":                      "rank 0: want 1",
		"urn=123456,rank=1x":                     `rank "1x" is not a whole number`,
		"urn=123456,colour=red":                  `"colour" is not urn, ukprn`,
		"urn=123456,entry=2025-13-01":            `entry "2025-13-01" is not a date`,
		"urn=123456,unit=maybe":                  `unit="maybe": give unit alone, or unit=yes or unit=no`,
		"urn=123456," + strings.Repeat("x", 200): "characters: at most 200",
		"urn=123456,entry=2025-09-03,leaving=2025-09-01": "leaving 2025-09-01 is before entry 2025-09-03",
	} {
		if _, err := ParsePlacement(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParsePlacement(%q) = %v; want an error saying %q", in, err, want)
		}
	}
}

// A plan's items are checked together: each need once and in the list,
// the personal budget held as it says, one placement the main one.
func TestPlanChecks(t *testing.T) {
	ok := Plan{Needs: []string{"ASD", "SLCN"}, Placements: []Placement{{URN: "123456", Rank: 1}, {Setting: "OLA", Rank: 2}},
		PersonalBudget: true, DirectPayments: true, Residential: "B", CeaseReason: "8", TransferLA: "855"}
	if err := ok.Check(); err != nil {
		t.Errorf("a good plan refused: %v", err)
	}
	for name, c := range map[string]struct {
		p    Plan
		want string
	}{
		"need not in the list": {Plan{Needs: []string{"ADHD"}}, `need "ADHD" is not one of SPLD`},
		"need twice":           {Plan{Needs: []string{"ASD", "ASD"}}, "need ASD is given twice"},
		"direct payments only": {Plan{DirectPayments: true}, "record the personal budget too"},
		"residential code":     {Plan{Residential: "C"}, `plan-res "C" is not A`},
		"cease reason":         {Plan{CeaseReason: "10"}, `cease-reason "10" is not one of 1 to 9`},
		"authority code":       {Plan{TransferLA: "85"}, `transfer-la "85" is not`},
		"no main placement":    {Plan{Placements: []Placement{{URN: "123456", Rank: 2}}}, "no placement has rank 1"},
		"rank twice":           {Plan{Placements: []Placement{{URN: "123456", Rank: 1}, {URN: "654321", Rank: 1}}}, "placement 2: rank 1 is given twice"},
	} {
		if err := c.p.Check(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want %q", name, err, c.want)
		}
	}
	if !(Plan{}).IsZero() || ok.IsZero() || (Plan{WorkBased: true}).IsZero() {
		t.Error("IsZero wrong")
	}
}

// The census day is the third Thursday of the January after the year:
// 16 January 2025 for the 2025 collection.
func TestReferenceDate(t *testing.T) {
	for year, want := range map[int]string{2024: "2025-01-16", 2025: "2026-01-15", 2026: "2027-01-21"} {
		if got := ReferenceDate(year).String(); got != want {
			t.Errorf("reference date for %d: %s; want %s", year, got, want)
		}
	}
}

// A return's checks name each broken rule by case and item.
func TestValidateNamesEachRule(t *testing.T) {
	good := PersonRecord{CaseRef: "C1", Surname: "Example", Forename: "Ada", PersonBirthDate: "2016-04-01", Sex: "F", Ethnicity: "WBRI",
		PostCode: "SW1A 1AA", UPN: "H801200001001", Requests: []Request{{ReceivedDate: "2026-01-05", RequestSource: "1",
			RequestOutcomeDate: "2026-02-09", RequestOutcome: "A", Assessment: &Assessment{AssessmentOutcome: "Y",
				AssessmentOutcomeDate: "2026-04-06", Week20: "0", NamedPlan: &NamedPlan{StartDate: "2026-05-18",
					PlanDetail: []PlanDetail{{URN: "100000", PlacementRank: 1}}}},
			ActivePlans: &ActivePlans{SENNeed: []SENNeed{{SENType: "ASD", SENTypeRank: 1}},
				PlacementDetail: []PlacementDetail{{PlanDetail: PlanDetail{URN: "100000", PlacementRank: 1}}}}}}}
	if f := Validate(Return{Persons: []PersonRecord{good}}, 2026); len(f) != 0 {
		t.Fatalf("a good person refused: %+v", f)
	}
	for item, broken := range map[string]func(p *PersonRecord){
		"Surname":            func(p *PersonRecord) { p.Surname = "" },
		"RequestSource":      func(p *PersonRecord) { p.Requests[0].RequestSource = "7" },
		"RequestOutcomeDate": func(p *PersonRecord) { p.Requests[0].RequestOutcomeDate = "2025-12-01" },
		"Week20":             func(p *PersonRecord) { p.Requests[0].Assessment.Week20 = "" },
		"StartDate":          func(p *PersonRecord) { p.Requests[0].Assessment.NamedPlan.StartDate = "2026-03-01" },
		"PlanDetail":         func(p *PersonRecord) { p.Requests[0].Assessment.NamedPlan.PlanDetail = nil },
		"CeaseReason":        func(p *PersonRecord) { p.Requests[0].Assessment.NamedPlan.CeaseDate = "2026-09-01" },
		"SENtype":            func(p *PersonRecord) { p.Requests[0].ActivePlans.SENNeed[0].SENType = "ADHD" },
		"PlacementDetail":    func(p *PersonRecord) { p.Requests[0].ActivePlans.PlacementDetail = nil },
		"NamedPlan":          func(p *PersonRecord) { p.Requests[0].Assessment.NamedPlan = nil },
	} {
		b, _ := xml.Marshal(good) // a deep copy
		var p PersonRecord
		if err := xml.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		p.CaseRef = "C1"
		broken(&p)
		f := Validate(Return{Persons: []PersonRecord{p}}, 2026)
		if len(f) == 0 || f[0].Item != item || f[0].CaseRef != "C1" {
			t.Errorf("%s broken: %+v; want C1's %s named first", item, f, item)
		}
	}
}

// FuzzParsePlacement: whatever is typed, a placement read passes its own
// check, and nothing typed panics.
func FuzzParsePlacement(f *testing.F) {
	for _, s := range []string{"urn=123456,rank=1", "setting=OTH,setting-other=hospital school", "ukprn=10000000,unit,leaving=2026-07-20", "rank==,", "entry=9999-99-99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pl, err := ParsePlacement(s)
		if err != nil {
			return
		}
		if err := pl.Check(); err != nil {
			t.Errorf("%q read as %+v, which its check refuses: %v", s, pl, err)
		}
		if len(pl.SettingOther) > MaxSettingOther {
			t.Errorf("%q: setting-other beyond its bound", s)
		}
	})
}
