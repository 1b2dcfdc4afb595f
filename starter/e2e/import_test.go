package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ehc-send/ehc/statute"
)

// An authority's caseload brought in through ehc import on a real server:
// a case part-way through its assessment and a plan whose review is under
// way start in their true states; the staff get one summary each and the
// families nothing about the past; a case whose history its workflow
// refuses (a decision to issue before the decision to assess: each line
// passes the CLI's checks, the order does not) is named with the reason
// and not counted; the same import again starts nothing that is in.
func TestIntegrationImportACaseload(t *testing.T) {
	_, _, sg, env := startTemporal(t)
	today := statute.DateOf(time.Now())
	day := func(n int) string { return today.AddDays(n).String() }
	dir := t.TempDir()
	cases := filepath.Join(dir, "cases.csv")
	plans := filepath.Join(dir, "plans.csv")
	if err := os.WriteFile(cases, []byte("case_ref,received,child_name,child_dob,family_name,family_email,requester,school_name,school_email,caseworker,caseworker_email,manager_email,history\n"+
		fmt.Sprintf("IT-IMP-1,%s,Ada Example,2016-04-01,Sam Example,sam@example.org,parent,Oak Primary,senco@oak.example.org,cw-jones,jones@la.example.gov.uk,manager@la.example.gov.uk,decide-assess --assess --on %s\n", day(-60), day(-50))+
		fmt.Sprintf("IT-IMP-3,%s,Bo Example,2016-04-01,Kim Example,kim@example.org,parent,Oak Primary,senco@oak.example.org,cw-jones,jones@la.example.gov.uk,manager@la.example.gov.uk,decide-issue --issue --on %s\n", day(-60), day(-50))), 0o644); err != nil {
		t.Fatal(err)
	}
	made := statute.MonthsBefore(today.AddDays(20), 12)
	if err := os.WriteFile(plans, []byte("case_ref,plan_made,child_dob,family_name,family_email,named_setting,caseworker,caseworker_email,manager_email,last_review,transferred_in,notice_on,meeting,held_on,report_on,decided_on,outcome\n"+
		fmt.Sprintf("IT-IMP-2,%s,2014-02-02,Kim Example,kim@example.org,Oak Primary,cw-jones,jones@la.example.gov.uk,manager@la.example.gov.uk,,,%s,%s,,,,\n", made, day(-10), day(10))), 0o644); err != nil {
		t.Fatal(err)
	}

	out := ehc(t, env, 1, "import", "--cases", cases, "--plans", plans)
	if !strings.Contains(out, "Imported 2 of 3 cases and plans") || !strings.Contains(out, "1 failed") ||
		!strings.Contains(out, "case IT-IMP-3: refused by its workflow: ") || strings.Contains(out, "not yet in the register") {
		t.Fatalf("import: %s", out)
	}
	checkOutbox(t, env, sg, "IT-IMP-1", today, []string{"staff.case_entered"})
	checkOutbox(t, env, sg, "IT-IMP-2", today, []string{"staff.plan_entered"})
	if out := ehc(t, env, 0, "status", "IT-IMP-1"); !strings.Contains(out, "gathering advice") && !strings.Contains(out, "assessing") {
		t.Errorf("the imported case does not stand where its history left it:\n%s", out)
	}
	if out := ehc(t, env, 0, "plan-status", "IT-IMP-2"); !strings.Contains(out, "Notice of the review meeting") {
		t.Errorf("the imported plan does not show its review in progress:\n%s", out)
	}
	if out := ehc(t, env, 1, "import", "--cases", cases, "--plans", plans); !strings.Contains(out, "Imported 0 of 3 cases and plans") || !strings.Contains(out, "2 were already in") ||
		!strings.Contains(out, "case IT-IMP-3: refused by its workflow") {
		t.Errorf("the same import again: %s", out)
	}
}
