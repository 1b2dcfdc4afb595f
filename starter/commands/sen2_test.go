package commands

import (
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/register/registertest"
	"github.com/ehc-send/ehc/register/sen2"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/plan"
)

// ehc sen2 and sen2-record refuse, naming the flag and reaching no
// register, what they cannot do.
func TestSEN2Refusals(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"sen2", "--year", "2025"}, "give --check, or --out FILE.xml"},
		{[]string{"sen2", "--year", "2025", "--check", "--out", "r.xml"}, "give --check, or --out FILE.xml"},
		{[]string{"sen2", "--year", "2019", "--check"}, "--year 2019"},
		{[]string{"sen2", "--check"}, "--year 0"},
		{[]string{"sen2", "--year", "2025", "--out", "r.csv", "--la", "931"}, `--out "r.csv": the return is XML`},
		{[]string{"sen2", "--year", "2025", "--out", "r.xml"}, `--la "" is not an authority's three-digit code`},
		{[]string{"sen2-record", "--case", "EHC-1"}, "nothing to record"},
		{[]string{"sen2-record", "--case", "EHC-1", "--needs", "ASD,ADHD"}, `--needs "ADHD" is not one of`},
		{[]string{"sen2-record", "--case", "EHC-1", "--placement", "urn=12"}, `--placement "urn=12": urn "12" is not 6 digits`},
		{[]string{"sen2-record", "--case", "EHC-1", "--direct-payments"}, "record the personal budget too"},
		{[]string{"sen2-record", "--case", "EHC-1", "--cease-reason", "0"}, `--cease-reason "0"`},
		{[]string{"sen2-record", "--case", "EHC-1", "--request-received", "2026-12-01"}, "--request-received"},
		{[]string{"sen2-record", "--case", "EHC-1", "--child-dob", "2016-04-01"}, "--child-dob goes with --child-name"},
		{[]string{"sen2-record", "--case", "EHC-1", "--needs", strings.Repeat("ASD,", 30)}, "--needs is 120 characters: at most 100"},
		{[]string{"sen2", "--year", "2025", "--out", "r.xml", "--la", "931", "--json"}, "--json goes with --check"},
		{[]string{"start-plan", "--case", "EHC-9", "--plan-made", "2022-05-10", "--child-dob", "2012-01-20", "--family-email", "sam@example.org",
			"--caseworker", "cw-1", "--caseworker-email", "cw@la.example.gov.uk", "--sex", "F"}, "--child-name is required with the child's SEN2 details"},
		{[]string{"start-plan", "--case", "EHC-9", "--plan-made", "2022-05-10", "--child-dob", "2012-01-20", "--family-email", "sam@example.org",
			"--caseworker", "cw-1", "--caseworker-email", "cw@la.example.gov.uk", "--child-name", "Ada", "--transfer-la", "855"}, "--transfer-la names the authority a plan came from: give it with --transferred-in"},
		{[]string{"start-plan", "--case", "EHC-9", "--plan-made", "2022-05-10", "--child-dob", "2012-01-20", "--family-email", "sam@example.org",
			"--caseworker", "cw-1", "--caseworker-email", "cw@la.example.gov.uk", "--child-name", "Ada", "--cease-reason", "8"}, "--cease-reason is for a plan that has ended"},
	} {
		code, _, errOut := runCmd(noRegister(t), c.args...)
		if code != ExitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %s; want a usage error naming %q", c.args, code, errOut, c.want)
		}
	}
}

// ehc start-plan takes what the return asks of an entered plan's child.
func TestStartPlanTakesSEN2Details(t *testing.T) {
	f := planStartFlags{caseRef: "ehc-9", planMade: "2022-05-10", childDOB: "2012-01-20", familyEmail: "sam@example.org",
		caseworker: "cw-jones", caseworkerEmail: "jones@la.example.gov.uk", childName: "Ada Example",
		sen2:     sen2Flags{upn: "H801200001001", sex: "f"},
		sen2Plan: sen2PlanFlags{needs: "asd, slcn", placements: []string{"urn=123456,rank=1", "setting=OLA,rank=2"}, pb: true, dp: true, requestReceived: "2021-11-01"}}
	in, err := f.input(stubDial(t))
	if err != nil {
		t.Fatal(err)
	}
	want := &plan.Child{Name: "Ada Example", SEN2: sen2.Person{UPN: "H801200001001", Sex: "F"}, Plan: sen2.Plan{Needs: []string{"ASD", "SLCN"},
		Placements: []sen2.Placement{{URN: "123456", Rank: 1}, {Setting: "OLA", Rank: 2}}, PersonalBudget: true, DirectPayments: true,
		RequestReceived: statute.NewDate(2021, 11, 1)}}
	if in.Child == nil || in.Child.Name != want.Name || in.Child.SEN2 != want.SEN2 || strings.Join(in.Child.Plan.Needs, ",") != "ASD,SLCN" ||
		len(in.Child.Plan.Placements) != 2 || in.Child.Plan.Placements[1] != want.Plan.Placements[1] || !in.Child.Plan.DirectPayments ||
		in.Child.Plan.RequestReceived != want.Plan.RequestReceived {
		t.Errorf("child %+v; want %+v", in.Child, want)
	}
	f.sen2Plan.requestReceived = "2023-01-01"
	if _, err := f.input(stubDial(t)); err == nil || !strings.Contains(err.Error(), "--request-received 2023-01-01 is after --plan-made 2022-05-10") {
		t.Errorf("a request after its plan: %v", err)
	}
	f = planStartFlags{caseRef: "ehc-9", planMade: "2022-05-10", childDOB: "2012-01-20", familyEmail: "sam@example.org",
		caseworker: "cw-jones", caseworkerEmail: "jones@la.example.gov.uk"}
	if in, err := f.input(stubDial(t)); err != nil || in.Child != nil {
		t.Errorf("no SEN2 details: child %+v, %v; want none", in.Child, err)
	}
}

// An import's plans carry their SEN2 columns and --tell-families; a yes/no
// that is neither is named by file, line and column.
func TestImportReadsPlansSEN2Columns(t *testing.T) {
	dir := t.TempDir()
	header := strings.TrimSuffix(planHeader, "\n") + ",child_name,upn,needs,placements,personal_budget,direct_payments\n"
	good := "IMP-7,2024-05-10,2014-02-02,Kim Example,kim@example.org,Oak Primary,cw-jones,jones@la.example.gov.uk,,,,,,,,,,Kit Example,H801200001001,ASD,\"urn=123456,rank=1;setting=OLA,rank=2\",yes,yes\n"
	bad := "IMP-8,2024-05-10,2014-02-02,Kim Example,kim@example.org,Oak Primary,cw-jones,jones@la.example.gov.uk,,,,,,,,,,,,,,maybe,\n"
	plans := writeFile(t, dir, "plans.csv", header+good+bad)
	sc := &startsClient{started: map[string]any{}}
	code, _, errOut := runCmd(importEnv(t, sc), "import", "--wait", "0", "--plans", plans)
	if code != ExitUsage || !strings.Contains(errOut, plans+`:3: personal_budget "maybe" is not yes or no`) || len(sc.started) != 0 {
		t.Fatalf("exit %d, started %d: %s", code, len(sc.started), errOut)
	}
	plans = writeFile(t, dir, "plans.csv", header+good)
	if code, out, errOut := runCmd(importEnv(t, sc), "import", "--wait", "0", "--plans", plans, "--tell-families"); code != ExitOK {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	var in plan.PlanInput
	for _, v := range sc.started {
		in = v.(plan.PlanInput)
	}
	if c := in.Child; c == nil || c.Name != "Kit Example" || c.SEN2.UPN != "H801200001001" || len(c.Plan.Placements) != 2 ||
		c.Plan.Placements[1].Setting != "OLA" || !c.Plan.PersonalBudget || !c.Plan.DirectPayments || c.Plan.Needs[0] != "ASD" {
		t.Errorf("the plan's child: %+v", c)
	}
	if !in.TellFamily {
		t.Error("--tell-families did not reach the plan")
	}
}

// A caseworker records what the return lacks, the check names what is
// still missing by case and item and --out writes nothing; once it is all
// there, --out writes the return (readable by its owner only) and says
// what the DfE will compute from it.
func TestSEN2RecordThenWriteTheReturn(t *testing.T) {
	url := registertest.URL(t)
	ctx := context.Background()
	st, err := register.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	day1 := statute.NewDate(2026, 1, 5)
	tt := statute.Compute(day1, statute.Steps{})
	c := caserecord.Snapshot{Seq: 5, Stage: "final_plan_issued", Requester: "school", Caseworker: "cw-1", Day1: day1,
		DecisionToAssessDue: tt.DecisionToAssessDue, DecisionNotToIssueDue: tt.DecisionNotToIssueDue, FinalPlanDue: tt.FinalPlanDue,
		DecidedToAssessOn: statute.NewDate(2026, 2, 9), Assess: &yes, DecidedToIssueOn: statute.NewDate(2026, 4, 6), Issue: &yes,
		FinalPlanOn: statute.NewDate(2026, 5, 18), ClosedOn: statute.NewDate(2026, 5, 18)}
	if _, err := st.Record(ctx, caserecord.Event{Key: "S2-CLI/1", CaseRef: "S2-CLI", Kind: caserecord.KindStep, Name: "fixture", EffectiveOn: day1,
		Case: c, People: &caserecord.People{ChildName: "Ada Example", ChildDOB: statute.NewDate(2016, 4, 1)}}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	env := stubDial(t)
	env.OpenRegister = func(ctx context.Context, _ config.Config) (*register.Store, error) { return register.Connect(ctx, url) }
	env.Now = func() time.Time { return time.Date(2027, 1, 11, 9, 0, 0, 0, time.UTC) }
	out := filepath.Join(t.TempDir(), "sen2.xml")

	code, stdout, errOut := runCmd(env, "sen2", "--year", "2026", "--out", out, "--la", "931")
	if code == ExitOK || !strings.Contains(stdout, "S2-CLI   UPN ") || !strings.Contains(stdout, "S2-CLI   SENtype") || !strings.Contains(errOut, "nothing written") {
		t.Errorf("an incomplete record: exit %d\n%s%s", code, stdout, errOut)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused return was written: %v", err)
	}
	code, stdout, errOut = runCmd(env, "sen2-record", "--case", "s2-cli", "--upn", "H801200001001", "--sex", "F", "--ethnicity", "WBRI",
		"--postcode", "sw1a1aa", "--needs", "SEMH", "--placement", "urn=100000,rank=1")
	if code != ExitOK || stdout != "S2-CLI: recorded upn, sex, ethnicity, postcode, needs, placements for the SEN2 return.\n" {
		t.Fatalf("sen2-record: exit %d %q %s", code, stdout, errOut)
	}
	code, stdout, errOut = runCmd(env, "sen2", "--year", "2026", "--out", out, "--la", "931")
	if code != ExitOK || !strings.Contains(stdout, "for 1 people to "+out) ||
		!strings.Contains(stdout, "The DfE will compute from it: 1 of 1 plans issued in 2026 within 20 weeks; 1 of 1 excluding exceptions.") {
		t.Fatalf("a complete record: exit %d\n%s%s", code, stdout, errOut)
	}
	info, err := os.Stat(out)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("the return's file: %v, mode %v; want 0600", err, info.Mode())
	}
	b, _ := os.ReadFile(out)
	var ret sen2.Return
	if err := xml.Unmarshal(b, &ret); err != nil || ret.Header.LEA != "931" || len(ret.Persons) != 1 || ret.Persons[0].UPN != "H801200001001" ||
		ret.Persons[0].Requests[0].RequestSource != "2" {
		t.Errorf("the return read back: %v %+v", err, ret)
	}
	if !strings.HasPrefix(string(b), "<?xml") || !strings.Contains(string(b), "<SENtype>SEMH</SENtype>") {
		t.Errorf("the return's XML:\n%s", b)
	}
}
