package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/statute"
)

func TestListQuery(t *testing.T) {
	cases := []struct {
		f    register.CaseFilter
		want string
	}{
		{register.CaseFilter{}, "WorkflowType = 'Assessment'"},
		{register.CaseFilter{Stage: "assessing"}, "WorkflowType = 'Assessment' AND EhcStage = 'assessing'"},
		{register.CaseFilter{Overdue: true}, "WorkflowType = 'Assessment' AND EhcOverdue = true"},
		{register.CaseFilter{Caseworker: "cw42"}, "WorkflowType = 'Assessment' AND EhcCaseworker = 'cw42'"},
		{register.CaseFilter{Stage: "draft_served", Overdue: true, Caseworker: "cw42"},
			"WorkflowType = 'Assessment' AND EhcStage = 'draft_served' AND EhcOverdue = true AND EhcCaseworker = 'cw42'"},
		{register.CaseFilter{Caseworker: "o'brien"}, `WorkflowType = 'Assessment' AND EhcCaseworker = 'o\'brien'`},
		{register.CaseFilter{Caseworker: `x\' OR 1=1 --`}, `WorkflowType = 'Assessment' AND EhcCaseworker = 'x\\\' OR 1=1 --'`},
	}
	for _, c := range cases {
		got, err := listQuery(c.f)
		if err != nil || got != c.want {
			t.Errorf("listQuery(%+v) = %q, %v\nwant %q", c.f, got, err, c.want)
		}
	}
	for _, stage := range []string{"open", "Assessing", "assessing' OR 'a'='a"} {
		if _, err := listQuery(register.CaseFilter{Stage: stage}); err == nil {
			t.Errorf("stage %q accepted", stage)
		}
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"":       "''",
		"cw42":   "'cw42'",
		"a'b":    `'a\'b'`,
		`a\b`:    `'a\\b'`,
		`a\'b''`: `'a\\\'b\'\''`,
	} {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s, want %s", in, got, want)
		}
	}
}

func payload(t *testing.T, v any) *commonpb.Payload {
	t.Helper()
	p, err := converter.GetDefaultDataConverter().ToPayload(v)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func execution(t *testing.T, ref, stage, caseworker string, next time.Time, overdue bool, status enumspb.WorkflowExecutionStatus) *workflowpb.WorkflowExecutionInfo {
	fields := map[string]*commonpb.Payload{
		"EhcCaseRef":    payload(t, ref),
		"EhcStage":      payload(t, stage),
		"EhcCaseworker": payload(t, caseworker),
		"EhcOverdue":    payload(t, overdue),
	}
	if !next.IsZero() {
		fields["EhcNextDeadline"] = payload(t, next)
	}
	return &workflowpb.WorkflowExecutionInfo{
		Execution:        &commonpb.WorkflowExecution{WorkflowId: "ehc-" + ref, RunId: "run-" + ref},
		Status:           status,
		SearchAttributes: &commonpb.SearchAttributes{IndexedFields: fields},
	}
}

func TestListPagesAndPrints(t *testing.T) {
	// 23:30 UTC on 10 May 2026 is 00:30 on 11 May in London (BST).
	late := time.Date(2026, 5, 10, 23, 30, 0, 0, time.UTC)
	fc := &fakeClient{pages: []*workflowservice.ListWorkflowExecutionsResponse{
		{
			Executions: []*workflowpb.WorkflowExecutionInfo{
				execution(t, "EHC-3", "final_plan_issued", "cw42", time.Time{}, false, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED),
				execution(t, "EHC-2", "assessing", "cw42", late, true, enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING),
			},
			NextPageToken: []byte("page-2"),
		},
		{Executions: []*workflowpb.WorkflowExecutionInfo{
			execution(t, "EHC-1", "requested", "cw7", statute.NewDate(2026, 3, 2).At(9), false, enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING),
		}},
	}}
	env := useFake(t, fc)

	var out, errOut bytes.Buffer
	if err := cmdList(context.Background(), env.writingTo(&out, &errOut), []string{"--overdue=false"}); err != nil {
		t.Fatal(err)
	}
	if len(fc.listReqs) != 2 || string(fc.listReqs[1].NextPageToken) != "page-2" {
		t.Fatalf("pages asked for: %v", fc.listReqs)
	}
	if q := fc.listReqs[0].Query; q != "WorkflowType = 'Assessment'" {
		t.Errorf("query %q", q)
	}
	want := `CASE    STAGE                        NEXT DEADLINE     OVERDUE   CASEWORKER   STATUS
EHC-1   deciding whether to assess   Mon 2 Mar 2026    -         cw7          running
EHC-2   gathering advice             Mon 11 May 2026   OVERDUE   cw42         running
EHC-3   final plan issued            -                 -         cw42         completed
`
	if out.String() != want {
		t.Errorf("list output:\n%s\nwant:\n%s", out.String(), want)
	}

	fc.listReqs = nil
	out.Reset()
	if err := cmdList(context.Background(), env.writingTo(&out, &errOut), []string{"--json", "--stage", "assessing"}); err != nil {
		t.Fatal(err)
	}
	if q := fc.listReqs[0].Query; q != "WorkflowType = 'Assessment' AND EhcStage = 'assessing'" {
		t.Errorf("query %q", q)
	}
	var rows []map[string]any
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[1]["case_ref"] != "EHC-2" || rows[1]["next_deadline"] != "2026-05-11" || rows[1]["overdue"] != true || rows[2]["status"] != "completed" {
		t.Errorf("JSON rows: %v", rows)
	}
}

func TestListEmpty(t *testing.T) {
	fc := &fakeClient{pages: []*workflowservice.ListWorkflowExecutionsResponse{{}}}
	env := useFake(t, fc)
	var out bytes.Buffer
	if err := cmdList(context.Background(), env.writingTo(&out, &out), nil); err != nil {
		t.Fatal(err)
	}
	if out.String() != "No cases match.\n" {
		t.Errorf("got %q", out.String())
	}
	out.Reset()
	fc.listReqs = nil
	if err := cmdList(context.Background(), env.writingTo(&out, &out), []string{"--json"}); err != nil {
		t.Fatal(err)
	}
	if out.String() != "[]\n" {
		t.Errorf("got %q", out.String())
	}
}
