package commands

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// filterFlags registers the flags list and cases narrow cases by; zero
// values filter nothing.
func filterFlags(fs *flag.FlagSet, stageHelp string) *register.CaseFilter {
	var f register.CaseFilter
	fs.StringVar(&f.Stage, "stage", "", stageHelp+": "+stageNames())
	fs.BoolVar(&f.Overdue, "overdue", false, "only cases with a statutory limit missed")
	fs.StringVar(&f.Caseworker, "caseworker", "", "only this caseworker's cases (staff `ID`)")
	return &f
}

// checkStage rejects a stage the workflow does not have, so a typo is an
// error rather than an empty list.
func checkStage(stage string) error {
	if stage != "" && !slices.Contains(assessment.Stages, assessment.Stage(stage)) {
		return usagef("unknown --stage %q: one of %s", stage, stageNames())
	}
	return nil
}

// listQuery is the visibility query for f.
func listQuery(f register.CaseFilter) (string, error) {
	if err := checkStage(f.Stage); err != nil {
		return "", err
	}
	if err := bounded("caseworker", f.Caseworker, assessment.CheckCaseworker); err != nil {
		return "", err
	}
	clauses := []string{fmt.Sprintf("WorkflowType = %s", quote(assessment.AssessmentWorkflowName))}
	if f.Stage != "" {
		clauses = append(clauses, fmt.Sprintf("%s = %s", saStage.GetName(), quote(f.Stage)))
	}
	if f.Overdue {
		clauses = append(clauses, saOverdue.GetName()+" = true")
	}
	if f.Caseworker != "" {
		clauses = append(clauses, fmt.Sprintf("%s = %s", saCaseworker.GetName(), quote(f.Caseworker)))
	}
	return strings.Join(clauses, " AND "), nil
}

// quote is s as a visibility-query string literal.
func quote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `'`, `\'`)
	return "'" + s + "'"
}

// caseRow is one case in the list.
type caseRow struct {
	CaseRef      string       `json:"case_ref"`
	Stage        string       `json:"stage"`
	NextDeadline statute.Date `json:"next_deadline"`
	Overdue      bool         `json:"overdue"`
	Caseworker   string       `json:"caseworker"`
	Status       string       `json:"status"` // running, completed, or how else the workflow ended
	WorkflowID   string       `json:"workflow_id"`
	RunID        string       `json:"run_id"`
}

// cmdList lists cases through Temporal visibility.
func cmdList(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet("list")
	f := filterFlags(fs, "only cases at this `stage`")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	cfg, err := e.parseOnly(fs, "list", args)
	if err != nil {
		return err
	}
	query, err := listQuery(*f)
	if err != nil {
		return err
	}

	var rows []caseRow
	if err := e.onTemporal(ctx, cfg, func(c client.Client) (err error) {
		rows, err = listCases(ctx, c, query)
		return err
	}); err != nil {
		return err
	}
	sortRows(rows)

	stdout := e.Stdout
	if *asJSON {
		return writeJSON(stdout, rows)
	}
	if len(rows) == 0 {
		_, err := fmt.Fprintln(stdout, "No cases match.")
		return err
	}
	tw := cli.NewTable(stdout)
	fmt.Fprintln(tw, "CASE\tSTAGE\tNEXT DEADLINE\tOVERDUE\tCASEWORKER\tSTATUS")
	for _, r := range rows {
		overdue := "-"
		if r.Overdue {
			overdue = "OVERDUE"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n",
			r.CaseRef, dash(stageCell(r.Stage)), dash(cli.LongDate(r.NextDeadline)), overdue, dash(r.Caseworker), r.Status)
	}
	return tw.Flush()
}

// listCases reads every page of the visibility query.
func listCases(ctx context.Context, c client.Client, query string) ([]caseRow, error) {
	rows := []caseRow{}
	var token []byte
	for {
		lctx, cancel := cli.WithTimeout(ctx)
		resp, err := c.ListWorkflow(lctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query:         query,
			PageSize:      500,
			NextPageToken: token,
		})
		cancel()
		if err != nil {
			return nil, fmt.Errorf("could not list cases: %w", err)
		}
		for _, e := range resp.GetExecutions() {
			rows = append(rows, rowOf(e))
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return rows, nil
		}
	}
}

func stageNames() string {
	names := make([]string, len(assessment.Stages))
	for i, s := range assessment.Stages {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

// rowOf reads a case's row from its visibility record.
func rowOf(e *workflowpb.WorkflowExecutionInfo) caseRow {
	sa := e.GetSearchAttributes().GetIndexedFields()
	r := caseRow{
		WorkflowID: e.GetExecution().GetWorkflowId(),
		RunID:      e.GetExecution().GetRunId(),
		Status:     executionStatus(e.GetStatus()),
	}
	decodeSA(sa, saCaseRef.GetName(), &r.CaseRef)
	if r.CaseRef == "" {
		r.CaseRef = strings.TrimPrefix(r.WorkflowID, assessment.WorkflowID(""))
	}
	decodeSA(sa, saStage.GetName(), &r.Stage)
	decodeSA(sa, saCaseworker.GetName(), &r.Caseworker)
	decodeSA(sa, saOverdue.GetName(), &r.Overdue)
	var next time.Time
	if decodeSA(sa, saNextDeadline.GetName(), &next) && !next.IsZero() {
		r.NextDeadline = statute.DateOf(next)
	}
	return r
}

// decodeSA reads one search attribute into v; false if absent or unreadable.
func decodeSA(sa map[string]*commonpb.Payload, name string, v any) bool {
	p, ok := sa[name]
	if !ok || p == nil {
		return false
	}
	return converter.GetDefaultDataConverter().FromPayload(p, v) == nil
}

// executionStatus is "running", "completed", or how else the run ended.
func executionStatus(s enumspb.WorkflowExecutionStatus) string {
	switch s {
	case enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING:
		return "running"
	case enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED:
		return "completed"
	case enumspb.WORKFLOW_EXECUTION_STATUS_FAILED:
		return "failed"
	case enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED:
		return "canceled"
	case enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED:
		return "terminated"
	case enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW:
		return "continued"
	case enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:
		return "timed out"
	}
	return "unknown"
}

// sortRows puts running cases first, soonest deadline first, cases without
// a deadline after, each group by case reference.
func sortRows(rows []caseRow) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if (a.Status == "running") != (b.Status == "running") {
			return a.Status == "running"
		}
		if a.NextDeadline.IsZero() != b.NextDeadline.IsZero() {
			return !a.NextDeadline.IsZero()
		}
		if !a.NextDeadline.Equal(b.NextDeadline) {
			return a.NextDeadline.Before(b.NextDeadline)
		}
		return a.CaseRef < b.CaseRef
	})
}
