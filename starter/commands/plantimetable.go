package commands

import (
	"context"
	"fmt"
	"io"

	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
)

// The plan's own timetables, like ehc timetable: pure statute arithmetic
// that needs no server, taking the connection flags as every command does
// and ignoring them.

// reviewTimetable is what ehc review-timetable prints with --json.
type reviewTimetable struct {
	PlanMade   statute.Date `json:"plan_made"`
	LastReview statute.Date `json:"last_review,omitzero"`
	Months     int          `json:"months"`
	ReviewDue  statute.Date `json:"review_due"`
	Regulation string       `json:"regulation"`
	*statute.ReviewMeeting
}

// cmdReviewTimetable prints when the next annual review is due (CFA
// s.44(1)) and, given a meeting, the limits it sets (reg 20-22).
func cmdReviewTimetable(_ context.Context, e *Env, args []string) error {
	fs := newFlagSet("review-timetable")
	made := fs.String("plan-made", "", "`date` the plan was made (YYYY-MM-DD)")
	last := fs.String("last-review", "", "`date` of the last review, if there has been one")
	meeting := fs.String("meeting", "", "`date` of the review meeting, if one is set")
	notice := fs.String("amend-notice", "", "`date` the amendment notice was sent, if it was (needs --meeting)")
	months := fs.Int("months", statute.AnnualReviewMonths, "`months` between reviews: 12 (CFA s.44(1)); 3 to 11 for a child under 5 (CoP 9.178, guidance)")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	if err := e.parseOffline(fs, "review-timetable", args); err != nil {
		return err
	}
	r := reviewTimetable{Months: *months, Regulation: "CFA s.44(1)"}
	var err error
	if r.PlanMade, err = parseDateFlag("plan-made", *made); err != nil {
		return err
	}
	if r.LastReview, err = optionalDate("last-review", *last); err != nil {
		return err
	}
	if *months < 3 || *months > statute.AnnualReviewMonths {
		return usagef("--months %d: want 12, or 3 to 11 for a child under 5", *months)
	}
	from := r.PlanMade
	if !r.LastReview.IsZero() {
		if r.LastReview.Before(r.PlanMade) {
			return usagef("--last-review %s is before --plan-made %s", r.LastReview, r.PlanMade)
		}
		from = r.LastReview
	}
	r.ReviewDue = statute.ReviewDueAfter(from, *months)
	m, err := optionalDate("meeting", *meeting)
	if err != nil {
		return err
	}
	n, err := optionalDate("amend-notice", *notice)
	if err != nil {
		return err
	}
	switch {
	case !n.IsZero() && m.IsZero():
		return usagef("--amend-notice needs --meeting: the amendment follows the review meeting")
	case !m.IsZero() && m.Before(r.PlanMade):
		return usagef("--meeting %s is before --plan-made %s", m, r.PlanMade)
	case !n.IsZero() && n.Before(m):
		return usagef("--amend-notice %s is before --meeting %s", n, m)
	}
	if !m.IsZero() {
		rm := statute.Review(m, n)
		r.ReviewMeeting = &rm
	}
	if *asJSON {
		return writeJSON(e.Stdout, r)
	}
	return printReviewTimetable(e.Stdout, r)
}

func printReviewTimetable(w io.Writer, r reviewTimetable) error {
	tw := cli.NewTable(w)
	fmt.Fprintf(tw, "Plan made\t%s\t\n", cli.LongDate(r.PlanMade))
	if !r.LastReview.IsZero() {
		fmt.Fprintf(tw, "Last reviewed\t%s\t\n", cli.LongDate(r.LastReview))
	}
	fmt.Fprintf(tw, "Next review due by\t%s\t%s\n", cli.LongDate(r.ReviewDue), r.Regulation)
	if m := r.ReviewMeeting; m != nil {
		fmt.Fprintf(tw, "Notice and advice out by\t%s\t%s\n", cli.LongDate(m.NoticeBy), "reg 20(3)-(4)")
		fmt.Fprintf(tw, "Review meeting\t%s\t\n", cli.LongDate(m.Meeting))
		fmt.Fprintf(tw, "Report due\t%s\t%s\n", cli.LongDate(m.ReportDue), "reg 20(7)")
		fmt.Fprintf(tw, "Decision to maintain, amend or cease\t%s\t%s\n", cli.LongDate(m.DecisionDue), "reg 20(10)")
		if !m.AmendmentNotice.IsZero() {
			fmt.Fprintf(tw, "Amendment notice sent\t%s\t\n", cli.LongDate(m.AmendmentNotice))
			fmt.Fprintf(tw, "Family's comments by\t%s\t%s\n", cli.LongDate(m.AmendmentCommentsEnd), "reg 22(2)(c)")
			fmt.Fprintf(tw, "Final amended plan due\t%s\t%s\n", cli.LongDate(m.FinalAmendedPlanDue), "reg 22(3)")
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if m := r.ReviewMeeting; m != nil && m.AmendmentNoticeLate {
		_, err := fmt.Fprint(w, "\nThe amendment notice went after the 4-week decision: proposed amendments go with the decision (R (L, M, P) v Devon CC [2022] EWHC 493 (Admin)).\n")
		return err
	}
	return nil
}

// cmdPhaseTransfer prints the child's next standard phase transfer and the
// day the amended plan must name the new setting by (reg 18(1)).
func cmdPhaseTransfer(_ context.Context, e *Env, args []string) error {
	fs := newFlagSet("phase-transfer")
	dob := fs.String("dob", "", "the child's date of birth (`YYYY-MM-DD`)")
	on := fs.String("on", "", "the `date` to look ahead from (YYYY-MM-DD; default today)")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	if err := e.parseOffline(fs, "phase-transfer", args); err != nil {
		return err
	}
	born, err := parseDateFlag("dob", *dob)
	if err != nil {
		return err
	}
	from := e.today()
	if *on != "" {
		if from, err = parseDateFlag("on", *on); err != nil {
			return err
		}
	}
	t, err := statute.NextPhaseTransfer(born, from)
	if err != nil {
		return usagef("%v", err)
	}
	if *asJSON {
		return writeJSON(e.Stdout, t)
	}
	tw := cli.NewTable(e.Stdout)
	fmt.Fprintf(tw, "Next phase transfer\t%s, September %d\t\n", cli.Sentence(t.Transfer.Title()), t.TransferYear)
	fmt.Fprintf(tw, "Plan amended, naming the new setting, by\t%s\t%s\n", cli.LongDate(t.AmendBy), t.Regulation)
	return tw.Flush()
}

// cmdTransferTimetable prints when the old authority must send the plan
// to the new one (reg 15(2)).
func cmdTransferTimetable(_ context.Context, e *Env, args []string) error {
	fs := newFlagSet("transfer-timetable")
	aware := fs.String("aware", "", "`date` the authority learned of the move (YYYY-MM-DD)")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	if err := e.parseOffline(fs, "transfer-timetable", args); err != nil {
		return err
	}
	a, err := parseDateFlag("aware", *aware)
	if err != nil {
		return err
	}
	t, err := statute.TransferTimetable(a)
	if err != nil {
		return usagef("--aware %s: %v", a, err)
	}
	if *asJSON {
		return writeJSON(e.Stdout, t)
	}
	tw := cli.NewTable(e.Stdout)
	fmt.Fprintf(tw, "Learned of the move\t%s\t\n", cli.LongDate(t.Aware))
	fmt.Fprintf(tw, "Plan sent to the new authority by\t%s\t%s (15 working days)\n", cli.LongDate(t.PlanSentBy), t.Regulation)
	return tw.Flush()
}

// optionalDate is a date flag that may be left out.
func optionalDate(name, v string) (statute.Date, error) {
	if v == "" {
		return statute.Date{}, nil
	}
	return parseDateFlag(name, v)
}
