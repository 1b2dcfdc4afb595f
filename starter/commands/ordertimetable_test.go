package commands

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ehc-send/ehc/statute"
)

// The fixed contract: each order's limits under their keys, from reg 44(2),
// with no server (stubDial fails any dial).
func TestOrderTimetable(t *testing.T) {
	for _, c := range []struct {
		order string
		want  map[string]string
	}{
		{"assess", map[string]string{"notify_due": "2026-03-16", "decision_not_to_issue_due": "2026-05-11", "final_plan_due": "2026-06-08"}},
		{"make-plan", map[string]string{"draft_due": "2026-04-06", "final_plan_due": "2026-05-18"}},
		{"amend", map[string]string{"amended_plan_due": "2026-04-06"}},
		{"name-school", map[string]string{"amended_plan_due": "2026-03-16"}},
	} {
		code, out, errOut := runCmd(stubDial(t), "order-timetable", "--order", c.order, "--made", "2026-03-02", "--json")
		if code != ExitOK {
			t.Fatalf("%s: exit %d: %s", c.order, code, errOut)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("%s: %s = %v, want %s", c.order, k, got[k], v)
			}
		}
		for _, k := range []string{"notify_due", "decision_not_to_issue_due", "draft_due", "final_plan_due", "amended_plan_due"} {
			if _, ok := c.want[k]; !ok && got[k] != nil {
				t.Errorf("%s: has %s = %v", c.order, k, got[k])
			}
		}
	}
	if code, _, errOut := runCmd(stubDial(t), "order-timetable", "--order", "reinstate", "--made", "2026-03-02"); code != ExitUsage || !strings.Contains(errOut, "--order") {
		t.Errorf("an unknown order: exit %d, %s", code, errOut)
	}
	_, out, _ := runCmd(stubDial(t), "order-timetable", "--order", "make-plan", "--made", "2026-03-02")
	for _, want := range []string{"Draft EHC plan the tribunal ordered", "Mon 6 Apr 2026", "reg 44(2)(c)"} {
		if !strings.Contains(out, want) {
			t.Errorf("plain output lacks %q:\n%s", want, out)
		}
	}
}

// The family's dates after an appealable decision show while they last,
// and not after: status reads them against today, not the case's clock.
func TestRightsShownWhileTheyLast(t *testing.T) {
	r := statute.RightsAfter(statute.NewDate(2026, 3, 9), statute.Date{})
	r.Decision = statute.AppealRefusalToAssess
	var out strings.Builder
	if err := printRights(&out, &r, statute.NewDate(2026, 3, 20)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"the decision not to assess (CFA s.51(2)(a))", "until Sat 9 May 2026", "mediation adviser by Sat 9 May 2026"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("rights line lacks %q: %s", want, out.String())
		}
	}
	out.Reset()
	if err := printRights(&out, &r, statute.NewDate(2026, 5, 10)); err != nil || out.Len() != 0 {
		t.Errorf("the day after the time to appeal ended: %q, %v", out.String(), err)
	}
}
