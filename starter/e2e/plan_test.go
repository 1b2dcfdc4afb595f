package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/plan"
)

// A plan made before the product was used, entered through the CLI on a
// real server with its review overdue: managers find it by its search
// attributes, the staff have one summary and the family nothing about the
// past; the review held hands the plan to a new run; the family hear the
// decision and, when the plan goes to a new authority, that it has.
func TestIntegrationPlanEnteredReviewedAndTransferred(t *testing.T) {
	c, store, sg, env := startTemporal(t)
	today := statute.DateOf(time.Now())
	day := func(n int) string { return today.AddDays(n).String() }
	// The plan's 12 months ended 3 days ago: its review is overdue, and no
	// escalation falls during the test (the next is 5 days on).
	made := statute.MonthsBefore(today.AddDays(-2), 12)
	dob := statute.MonthsBefore(today, 9*12).String() // Year 4 or 5: no phase transfer this year
	ref := "IT-PLAN-2"

	out := ehc(t, env, 0, "start-plan", "--case", ref, "--plan-made", made.String(), "--child-dob", dob,
		"--family-name", "Sam Example", "--family-email", "sam@example.org", "--named-setting", "Oak Primary",
		"--caseworker", "cw-jones", "--caseworker-email", "jones@la.example.gov.uk", "--manager-email", "manager@la.example.gov.uk")
	for _, want := range []string{"Entered the plan for case " + ref, "Annual review of the EHC plan", "missed, 3 days overdue", "OVERDUE"} {
		if !strings.Contains(out, want) {
			t.Errorf("start-plan does not say %q:\n%s", want, out)
		}
	}
	if out := ehc(t, env, 1, "start-plan", "--case", ref, "--plan-made", made.String(), "--child-dob", dob,
		"--family-email", "sam@example.org", "--caseworker", "cw-jones", "--caseworker-email", "jones@la.example.gov.uk"); !strings.Contains(out, "already has a plan in force") {
		t.Errorf("second start-plan: %s", out)
	}
	// Managers' list query: reviews overdue.
	waitQuery(t, c, "WorkflowType = 'Plan' AND EhcReviewOverdue = true AND EhcCaseRef = '"+ref+"'")

	if out := ehc(t, env, 1, "record-review-report", ref, "--on", day(0)); !strings.Contains(out, "no review meeting is awaiting its report") {
		t.Errorf("a report before the meeting: %s", out)
	}
	ehc(t, env, 0, "hold-review", ref, "--on", day(-1))
	ehc(t, env, 0, "record-review-report", ref, "--on", day(0))
	if out := ehc(t, env, 0, "decide-review", ref, "--maintain", "--on", day(0)); !strings.Contains(out, "keep the plan as it is") {
		t.Errorf("decide-review: %s", out)
	}
	// The hand-over to a new run waits until the decision's letter is out.
	var st plan.PlanStatus
	for range 50 {
		if err := json.Unmarshal([]byte(ehc(t, env, 0, "plan-status", ref, "--json")), &st); err != nil {
			t.Fatal(err)
		}
		if st.Runs > 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if st.Runs != 1 || st.LastReview.String() != day(-1) || st.NextReviewDue != statute.ReviewDueAfter(today.AddDays(-1), 12) || st.Overdue {
		t.Errorf("after the review: run %d, last review %s, next due %s, overdue %v; want the second run, %s, a year on, not overdue",
			st.Runs, st.LastReview, st.NextReviewDue, st.Overdue, day(-1))
	}
	ehc(t, env, 0, "record-move", ref, "--on", day(0))
	ehc(t, env, 0, "send-plan", ref, "--authority", "Northshire County Council", "--on", day(0))
	if out := ehc(t, env, 1, "hold-review", ref, "--on", day(0)); !strings.Contains(out, "ended") {
		t.Errorf("a step after the plan ended: %s", out)
	}
	checkOutbox(t, env, sg, ref, today, []string{"family.plan_transferred", "family.review_decision", "staff.plan_entered"})
	// Both runs are recorded once the plan has ended and visibility says so.
	waitQuery(t, c, fmt.Sprintf("WorkflowId = '%s' AND ExecutionStatus = 'Completed'", plan.WorkflowID(ref)))
	recordHistories(t, c, ref)

	var stage, held string
	var reviews int
	for range 50 {
		err := store.Pool.QueryRow(context.Background(), `select p.stage, coalesce(max(r.held_on)::text, ''), count(r.*)
			from plans p left join plan_reviews r using (plan_ref) where plan_ref = $1 group by p.stage`, ref).Scan(&stage, &held, &reviews)
		if err == nil && stage == string(plan.StageTransferredOut) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if stage != string(plan.StageTransferredOut) || held != day(-1) || reviews != 2 {
		t.Errorf("register: plan %s, review held %s, %d reviews; want transferred, held %s, this review and the next", stage, held, reviews, day(-1))
	}
}

// waitQuery polls a visibility list query until it finds a workflow.
func waitQuery(t *testing.T, c interface {
	ListWorkflow(context.Context, *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error)
}, query string) {
	t.Helper()
	for range 50 {
		resp, err := c.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{Query: query})
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		if len(resp.Executions) > 0 {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Errorf("no workflow matched %s", query)
	if resp, err := c.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{Query: "WorkflowType = 'Plan'"}); err == nil {
		for _, e := range resp.Executions {
			t.Logf("%s: %v", e.Execution.WorkflowId, e.SearchAttributes)
		}
	}
}
