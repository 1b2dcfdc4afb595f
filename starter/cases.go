package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// cmdCases is the caseworker's daily list from the case register: overdue
// cases first, longest overdue first, judged on today's date rather than
// on what the workflow last stored.
func cmdCases(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("cases")
	f := filterFlags(fs, "only cases at this `stage` (default every open case; a closed stage lists closed cases)")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	cfg, err := parseConfig(fs, "cases", args, stderr)
	if err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if err := checkStage(f.Stage); err != nil {
		return err
	}
	if err := bounded("caseworker", f.Caseworker, assessment.CheckCaseworker); err != nil {
		return err
	}
	s, err := openRegister(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	rows, err := registerCases(ctx, s, *f, cfg, stderr)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, rows)
	}
	if len(rows) == 0 {
		_, err := fmt.Fprintln(stdout, "No cases match.")
		return err
	}
	tw := newTable(stdout)
	fmt.Fprintln(tw, "CASE\tSTAGE\tCASEWORKER\tDAY 1\tNEXT DEADLINE\tOVERDUE")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.CaseRef, dash(stageCell(r.Stage)), dash(r.Caseworker), longDate(r.Day1),
			dash(longDate(r.NextDeadline)), overdueCell(r))
	}
	return tw.Flush()
}

// overdueCell names the earliest limit a case has missed and by how long:
// "Advice (psychological-1), 37 days".
func overdueCell(r register.CaseRow) string {
	if !r.Overdue {
		return "-"
	}
	name, which, _ := strings.Cut(r.OverdueDeadline, "/")
	title := sentence(statute.Deadline(name).Title())
	if which != "" {
		title += " (" + which + ")"
	}
	cell := title + ", " + days(r.DaysOverdue)
	if r.HasException {
		cell += " (exception recorded)"
	}
	return cell
}
