package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	enums "go.temporal.io/api/enums/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/ehc-send/ehc/starter/commands"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// A case whose history passes its bound continues as new on a real server
// while a caseworker carries on with it through the CLI: every step lands,
// the case ends where one run would, and the runs' histories (recorded with
// EHC_RECORD_HISTORIES for the replay test) replay against this code.
func TestIntegrationContinuesAsNew(t *testing.T) {
	c, _, _, env := startTemporal(t)
	today := statute.DateOf(time.Now())
	day := func(n int) string { return today.AddDays(n).String() }
	ref := "IT-CAN-1"
	in := outageCase(ref, time.Now())
	in.Received, in.Clock = today.AddDays(-30), assessment.Clock{}
	in.Policy.HistoryBound = 40 // a few steps a run
	first, err := c.ExecuteWorkflow(context.Background(), assessment.StartOptions(in, env.Getenv("EHC_TASK_QUEUE")), assessment.AssessmentWorkflowName, in)
	if err != nil {
		t.Fatal(err)
	}
	retry := func(args ...string) { // a step may meet the new run setting up: the CLI says try again
		t.Helper()
		for i := 0; ; i++ {
			var out strings.Builder
			if code := commands.Run(context.Background(), withOutput(env, &out, &out), args); code == 0 {
				return
			} else if i == 50 || !strings.Contains(out.String(), "try again") {
				t.Fatalf("ehc %s: exit %d: %s", strings.Join(args, " "), code, out.String())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	retry("decide-assess", ref, "--assess", "--on", day(-25))
	for _, k := range []string{"family_views", "educational", "medical", "psychological", "social_care"} {
		retry("advice-not-needed", ref, "--kind", k, "--reason", "last term's advice is enough; all agree", "--on", day(-20))
	}
	// Past its bound, the run hands the case on while the caseworker pauses.
	for waited := time.Duration(0); ; waited += 100 * time.Millisecond {
		d, err := c.DescribeWorkflowExecution(context.Background(), assessment.WorkflowID(ref), "")
		if err != nil {
			t.Fatal(err)
		}
		if d.WorkflowExecutionInfo.Execution.RunId != first.GetRunID() {
			break
		}
		if waited > 10*time.Second {
			t.Fatalf("the first run did not continue as new within 10s; its history is %d events, the bound %d", d.WorkflowExecutionInfo.HistoryLength, in.Policy.HistoryBound)
		}
		time.Sleep(100 * time.Millisecond)
	}
	retry("decide-issue", ref, "--issue", "--on", day(-15))
	retry("serve-draft", ref, "--on", day(-10))
	retry("record-comments", ref, "--on", day(-5))
	retry("issue-final-plan", ref, "--on", day(0))

	var st assessment.CaseStatus
	if err := json.Unmarshal([]byte(ehc(t, env, 0, "status", ref, "--json")), &st); err != nil {
		t.Fatal(err)
	}
	if st.Stage != assessment.StageFinalPlanIssued || len(st.Steps) != 11 {
		t.Errorf("stage %s after %d steps; want the final plan after 11 (the request and 10 steps): %+v", st.Stage, len(st.Steps), st.Steps)
	}
	// Every run, once visibility has caught up with the last one closing.
	var runs []*workflowpb.WorkflowExecutionInfo
	for waited := time.Duration(0); ; waited += 100 * time.Millisecond {
		resp, err := c.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("WorkflowId = '%s'", assessment.WorkflowID(ref)),
		})
		if err != nil {
			t.Fatal(err)
		}
		runs = resp.Executions
		if !slices.ContainsFunc(runs, func(e *workflowpb.WorkflowExecutionInfo) bool {
			return e.Status == enums.WORKFLOW_EXECUTION_STATUS_RUNNING
		}) || waited > 10*time.Second {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	continued, completed := 0, 0
	for _, e := range runs {
		switch e.Status {
		case enums.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW:
			continued++
		case enums.WORKFLOW_EXECUTION_STATUS_COMPLETED:
			completed++
		}
	}
	if continued < 1 || completed != 1 {
		t.Errorf("%d runs continued as new and %d completed; want at least one hand-over and one end", continued, completed)
	}
	recordHistories(t, c, ref)
}
