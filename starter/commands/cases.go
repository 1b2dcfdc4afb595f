package commands

import (
	"context"
	"fmt"
	"strings"

	"go.temporal.io/sdk/client"

	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/starter/demo"
	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// cmdCases is the caseworker's daily list from the case register: overdue
// cases first, longest overdue first, judged on today's date rather than
// on what the workflow last stored.
func cmdCases(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet("cases")
	f := filterFlags(fs, "only cases at this `stage` (default every open case; a closed stage lists closed cases)")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	cfg, err := e.parseOnly(fs, "cases", args)
	if err != nil {
		return err
	}
	if err := checkStage(f.Stage); err != nil {
		return err
	}
	if err := bounded("caseworker", f.Caseworker, assessment.CheckCaseworker); err != nil {
		return err
	}
	return e.onRegister(ctx, cfg, func(s *register.Store) error {
		rows, err := registerCases(ctx, e, s, *f, cfg)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e.Stdout, rows)
		}
		if len(rows) == 0 {
			_, err := fmt.Fprintln(e.Stdout, "No cases match.")
			return err
		}
		tw := cli.NewTable(e.Stdout)
		fmt.Fprintln(tw, "CASE\tSTAGE\tCASEWORKER\tDAY 1\tNEXT DEADLINE\tOVERDUE")
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.CaseRef, dash(stageCell(r.Stage)), dash(r.Caseworker), cli.LongDate(r.Day1),
				dash(cli.LongDate(r.NextDeadline)), overdueCell(r))
		}
		return tw.Flush()
	})
}

// registerCases is ehc cases' list: every case judged on today's date, but
// in demonstration mode each demo case on the statutory date of its own
// clock (as its workflow judges it), so the demo's overdue cases show while
// the local register's other cases are judged as usual.
func registerCases(ctx context.Context, e *Env, s *register.Store, f register.CaseFilter, cfg config.Config) ([]register.CaseRow, error) {
	today := e.today()
	if !cfg.Demo.Enabled {
		return s.Cases(ctx, f, today)
	}
	on, err := demoDates(ctx, e, cfg)
	if err != nil {
		fmt.Fprintf(e.Stderr, "Demonstration mode, but the demo cases' clocks cannot be read (%v): every case judged on today's date.\n", err)
		return s.Cases(ctx, f, today)
	}
	return demo.JudgedCases(ctx, s, f, today, on, e.Stderr)
}

// demoDates is the statutory date now on each demo case's clock.
func demoDates(ctx context.Context, e *Env, cfg config.Config) (map[string]statute.Date, error) {
	pc, err := cfg.PayloadCodec()
	if err != nil {
		return nil, err
	}
	var on map[string]statute.Date
	err = e.onTemporal(ctx, cfg, func(c client.Client) error {
		on, err = demo.Dates(ctx, c, pc.DataConverter(), e.Now())
		return err
	})
	return on, err
}

// overdueCell names the earliest limit a case has missed and by how long:
// "Advice (psychological-1), 37 days".
func overdueCell(r register.CaseRow) string {
	if !r.Overdue {
		return "-"
	}
	name, which, _ := strings.Cut(r.OverdueDeadline, "/")
	title := cli.Sentence(statute.Deadline(name).Title())
	if which != "" {
		title += " (" + which + ")"
	}
	cell := title + ", " + cli.Days(r.DaysOverdue)
	if r.HasException {
		cell += " (exception recorded)"
	}
	return cell
}
