package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/plan"
)

// A family's appeal over a decision on a plan, on a real server: a plan
// entered with its review's decision to amend, the authority deciding not
// to after all (reg 22(4)), the family appealing, the authority's response
// due 30 working days on (HESC Rules r.21) and shown, sent, and the appeal
// withdrawn; then the plan goes to a new authority. Its runs are recorded
// for the replay test.
func TestIntegrationPlanAppealAnswered(t *testing.T) {
	c, _, sg, env := startTemporal(t)
	today := statute.DateOf(time.Now())
	day := func(n int) string { return today.AddDays(n).String() }
	made := statute.MonthsBefore(today.AddDays(40), 12) // its review is due in 40 days, and held already
	dob := statute.MonthsBefore(today, 9*12).String()   // Year 4 or 5: no phase transfer this year
	ref := "IT-APPEAL-1"

	ehc(t, env, 0, "start-plan", "--case", ref, "--plan-made", made.String(), "--child-dob", dob,
		"--family-name", "Sam Example", "--family-email", "sam@example.org", "--named-setting", "Oak Primary",
		"--caseworker", "cw-jones", "--caseworker-email", "jones@la.example.gov.uk", "--manager-email", "manager@la.example.gov.uk",
		"--notice-on", day(-30), "--meeting", day(-14), "--held-on", day(-14), "--report-on", day(-7), "--decided-on", day(-3), "--outcome", "amend")
	ehc(t, env, 0, "decide-not-to-amend", ref, "--reason", "Your comments showed the plan already sets out the help.", "--on", day(0))
	due, err := statute.AddWorkingDays(today, plan.DefaultResponseWorkingDays)
	if err != nil {
		t.Fatal(err)
	}
	if out := ehc(t, env, 0, "record-appeal", ref, "--on", day(0)); !strings.Contains(out, "the authority's response is due by "+cli.LongDate(due)) {
		t.Errorf("record-appeal does not give the response's date, %s:\n%s", due, out)
	}
	if out := ehc(t, env, 0, "plan-status", ref); !strings.Contains(out, "the authority's response due by "+cli.LongDate(due)) {
		t.Errorf("plan-status does not show the response owed:\n%s", out)
	}
	ehc(t, env, 0, "record-appeal-response", ref, "--on", day(0))
	ehc(t, env, 0, "record-appeal-decided", ref, "--withdrawn", "--on", day(0))
	if out := ehc(t, env, 1, "record-appeal-response", ref, "--on", day(0)); !strings.Contains(out, "no appeal over this plan is awaiting") {
		t.Errorf("a response after the appeal was withdrawn: %s", out)
	}
	ehc(t, env, 0, "record-move", ref, "--on", day(0))
	ehc(t, env, 0, "send-plan", ref, "--authority", "Northshire County Council", "--on", day(0))
	checkOutbox(t, env, sg, ref, today, []string{"family.amended_plan", "family.plan_transferred", "staff.plan_entered"})
	waitQuery(t, c, fmt.Sprintf("WorkflowId = '%s' AND ExecutionStatus = 'Completed'", plan.WorkflowID(ref)))
	recordHistories(t, c, ref)
}
