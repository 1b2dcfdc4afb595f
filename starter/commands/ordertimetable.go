package commands

import (
	"context"
	"fmt"

	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
)

// orderTimetable is what ehc order-timetable prints with --json: the
// limits a tribunal's order sets, each under its own key.
type orderTimetable struct {
	Order                 statute.Order        `json:"order"`
	Made                  statute.Date         `json:"made"`
	NotifyDue             statute.Date         `json:"notify_due,omitzero"`
	DecisionNotToIssueDue statute.Date         `json:"decision_not_to_issue_due,omitzero"`
	DraftDue              statute.Date         `json:"draft_due,omitzero"`
	FinalPlanDue          statute.Date         `json:"final_plan_due,omitzero"`
	AmendedPlanDue        statute.Date         `json:"amended_plan_due,omitzero"`
	Limits                []statute.OrderLimit `json:"limits"`
}

// cmdOrderTimetable prints the limits a tribunal's order sets (reg 44(2));
// for an appeal the authority does not oppose, --made is the day it told
// the tribunal (reg 45). No server is needed.
func cmdOrderTimetable(_ context.Context, e *Env, args []string) error {
	fs := newFlagSet("order-timetable")
	order := fs.String("order", "", "what was ordered: assess, make-plan, amend or name-school")
	made := fs.String("made", "", "`date` of the order (or of telling the tribunal the appeal is not opposed, reg 45)")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	if err := e.parseOffline(fs, "order-timetable", args); err != nil {
		return err
	}
	o, err := statute.ParseOrder(*order)
	if err != nil {
		return usagef("--order: %v", err)
	}
	m, err := parseDateFlag("made", *made)
	if err != nil {
		return err
	}
	limits, _ := statute.OrderTimetable(o, m) // o is one of Orders
	t := orderTimetable{Order: o, Made: m, Limits: limits}
	for _, l := range limits {
		switch l.Deadline {
		case statute.OrderNotifyDue:
			t.NotifyDue = l.Due
		case statute.OrderNoPlanDecisionDue:
			t.DecisionNotToIssueDue = l.Due
		case statute.OrderDraftDue:
			t.DraftDue = l.Due
		case statute.OrderFinalPlanDue:
			t.FinalPlanDue = l.Due
		case statute.OrderAmendedPlanDue:
			t.AmendedPlanDue = l.Due
		}
	}
	if *asJSON {
		return writeJSON(e.Stdout, t)
	}
	tw := cli.NewTable(e.Stdout)
	fmt.Fprintf(tw, "Order (%s)\t%s\t\n", o, cli.LongDate(m))
	for _, l := range limits {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", cli.Sentence(l.Deadline.Title()), cli.LongDate(l.Due), l.Regulation)
	}
	return tw.Flush()
}
