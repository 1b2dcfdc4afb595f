package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/dispute"
)

// A refusal to assess, disputed through the CLI on a real server: the
// refusal starts the family's disagreement, whose rights run from today's
// letter though the refusal is recorded as of ten days ago; they decline
// mediation, appeal, and the authority concedes an order to make a plan
// (reg 45), found by managers by its search attribute; the order's steps
// are refused out of turn, and once its draft and final plan are recorded
// the disagreement ends, the register holds it, and the report leaves the
// plan out of the DfE's 20-week figure.
func TestIntegrationRefusalToAnOrderToMakeAPlan(t *testing.T) {
	c, store, _, env := startTemporal(t)
	today := statute.DateOf(time.Now())
	day := func(n int) string { return today.AddDays(n).String() }
	ref := "IT-DISP-2"

	ehc(t, env, 0, "start", "--case", ref, "--received", day(-20), "--child-name", "Sam Example", "--child-dob", "2016-05-04",
		"--family-name", "Alex Example", "--family-email", "alex@example.org", "--requester", "parent",
		"--school-name", "Oak Primary", "--school-email", "senco@oak.example.sch.uk",
		"--caseworker", "cw-jones", "--caseworker-email", "jones@la.example.gov.uk", "--manager-email", "manager@la.example.gov.uk")
	ehc(t, env, 0, "decide-assess", ref, "--refuse", "--reason", "The school's evidence shows its support is meeting the needs.", "--on", day(-10))
	waitQuery(t, c, fmt.Sprintf("WorkflowType = 'Dispute' AND EhcCaseRef = '%s' AND EhcStage = '%s'", ref, dispute.StageOpen))

	appealBy := cli.LongDate(statute.MonthsBefore(today, -2))
	if out := ehc(t, env, 0, "dispute-status", ref); !strings.Contains(out, "over the decision not to assess") || !strings.Contains(out, appealBy) {
		t.Errorf("dispute-status does not give the family until %s (2 months from today's letter):\n%s", appealBy, out)
	}
	certBy, _ := statute.MediationCertificateBy(today)
	if out := ehc(t, env, 0, "record-mediation", ref, "--declines"); !strings.Contains(out, "Disagreement on case "+ref) || !strings.Contains(out, cli.LongDate(certBy)) {
		t.Errorf("record-mediation: %s", out)
	}
	ehc(t, env, 0, "record-mediation-certificate", ref)
	ehc(t, env, 0, "record-appeal", ref)
	out := ehc(t, env, 0, "record-order", ref, "--kind", "make-plan", "--made", day(0), "--unopposed")
	if !strings.Contains(out, "draft EHC plan the tribunal ordered by "+cli.LongDate(today.AddWeeks(5))) || !strings.Contains(out, cli.LongDate(today.AddWeeks(11))) {
		t.Errorf("record-order does not give the draft in 5 weeks and the plan in 11 (reg 44(2)(c)): %s", out)
	}
	waitQuery(t, c, fmt.Sprintf("WorkflowType = 'Dispute' AND EhcOrder = 'make-plan' AND EhcCaseRef = '%s'", ref))
	if out := ehc(t, env, 1, "record-order-step", ref, "--step", "final-plan"); !strings.Contains(out, "comes first") {
		t.Errorf("the final plan before its draft: %s", out)
	}
	ehc(t, env, 0, "record-order-step", ref, "--step", "draft")
	if out := ehc(t, env, 0, "record-order-step", ref, "--step", "final-plan"); !strings.Contains(out, "order was complied with") || !strings.Contains(out, "start-plan") {
		t.Errorf("the final plan: %s", out)
	}
	if out := ehc(t, env, 1, "record-appeal", ref); !strings.Contains(out, "ended") {
		t.Errorf("a step after the disagreement ended: %s", out)
	}
	waitQuery(t, c, fmt.Sprintf("WorkflowId = '%s' AND ExecutionStatus = 'Completed'", dispute.WorkflowID(ref)))
	recordHistories(t, c, ref)

	var stage, issued string
	for range 50 {
		if err := store.Pool.QueryRow(context.Background(), `select stage, coalesce(plan_issued_on::text, '') from case_disputes where case_ref = $1`, ref).
			Scan(&stage, &issued); err == nil && stage == string(dispute.StageComplied) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if stage != string(dispute.StageComplied) || issued != day(0) {
		t.Errorf("register: %q, plan issued %q; want complied with, the plan issued today", stage, issued)
	}
	var r register.Report
	if err := json.Unmarshal([]byte(ehc(t, env, 0, "report", "--from", day(-1), "--to", day(0), "--json")), &r); err != nil {
		t.Fatal(err)
	}
	left := false
	for _, l := range r.DfE.LeftOut {
		left = left || l.CaseRef == ref && l.Reason == register.LeftOutOrder
	}
	if !left {
		t.Errorf("the report's DfE figure does not leave out %s's plan made under the order: %+v", ref, r.DfE)
	}
}
