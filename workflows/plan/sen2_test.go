package plan

import (
	"strings"
	"testing"

	"go.temporal.io/sdk/testsuite"

	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/register/sen2"
	"github.com/ehc-send/ehc/statute"
)

// An entered plan's child, as the SEN2 return asks for them, goes to the
// register's people table on the plan's first event, and only there; the
// ceasing's event carries the return's reason code, not the ground.
func TestAnEnteredPlanRecordsItsPeopleForSEN2(t *testing.T) {
	in := input("2022-05-10", "2012-01-20")
	in.FromAssessment, in.LastReview = false, date("2025-05-04")
	in.Child = &Child{Name: "Ada Example", SEN2: sen2.Person{UPN: "H801200001001", Sex: "F"},
		Plan: sen2.Plan{Needs: []string{"ASD"}, Placements: []sen2.Placement{{URN: "123456", Rank: 1}}, RequestReceived: date("2021-11-01")}}
	c := newChain(t, in, "2025-12-01")
	c.step("2026-01-05", UpdateCeasePlan, CeaseInput{On: date("2026-01-05"), Ground: statute.CeaseNoLongerNecessary, ConsultedOn: date("2025-12-20"), Reason: "r"})
	c.run()

	var withPeople []caserecord.Event
	ceaseCode := ""
	for _, e := range c.reg.events {
		if e.People != nil {
			withPeople = append(withPeople, e)
		}
		if e.Name == UpdateCeasePlan {
			ceaseCode, _ = e.Detail["cease_reason"].(string)
		}
	}
	if len(withPeople) != 1 || withPeople[0].Name != "plan-in-force" {
		t.Fatalf("%d events carry the people; want the first alone", len(withPeople))
	}
	p := withPeople[0].People
	if p.ChildName != "Ada Example" || p.ChildDOB != date("2012-01-20") || p.FamilyEmail != "sam@example.org" || p.SEN2.UPN != "H801200001001" ||
		len(p.Plan.Needs) != 1 || p.Plan.Placements[0].URN != "123456" {
		t.Errorf("the people recorded: %+v", p)
	}
	if ceaseCode != sen2.CeaseNeedsMet {
		t.Errorf("the ceasing's reason code %q; want %s (needs met without a plan)", ceaseCode, sen2.CeaseNeedsMet)
	}
}

// A child's SEN2 details the return would refuse refuse the start, naming
// each, before anything is recorded.
func TestAnEnteredPlansSEN2DetailsAreChecked(t *testing.T) {
	in := input("2022-05-10", "2012-01-20")
	in.FromAssessment = false
	in.Child = &Child{Name: strings.Repeat("a", MaxName+1), SEN2: sen2.Person{Sex: "X"},
		Plan: sen2.Plan{Needs: []string{"ADHD"}, RequestReceived: date("2022-06-01")}}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(date("2025-12-01").At(10))
	Register(env)
	env.ExecuteWorkflow(WorkflowName, in)
	err := env.GetWorkflowError()
	for _, want := range []string{"the child's name is", `sex "X"`, `need "ADHD"`, "the request received on 2022-06-01 is after the plan was made"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("start: %v; want it to say %q", err, want)
		}
	}
}
