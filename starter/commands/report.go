package commands

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/starter/board"
	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/bounds"
)

// cmdReport prints the timeliness report for a period from the case
// register: plain for a board paper, CSV for a spreadsheet, JSON for scripts.
func cmdReport(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet("report")
	fromFlag := fs.String("from", "", "first `date` of the period (YYYY-MM-DD)")
	toFlag := fs.String("to", "", "last `date` of the period, included (YYYY-MM-DD)")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	asCSV := fs.Bool("csv", false, "print CSV rows (section,group,measure,value) for a spreadsheet")
	htmlFile := fs.String("html", "", "write the board report, charts and all, for the 12 months to today to `FILE`.html")
	authority := fs.String("authority", "", "the authority's `name`, for the board report's heading (optional)")
	cfg, err := e.parseOnly(fs, "report", args)
	if err != nil {
		return err
	}
	if *asJSON && *asCSV {
		return usagef("give at most one of --json or --csv")
	}
	if *htmlFile != "" {
		switch {
		case *asJSON || *asCSV || *fromFlag != "" || *toFlag != "":
			return usagef("--html writes the board report for the 12 months to today: give it without --from, --to, --json or --csv")
		case !strings.HasSuffix(strings.ToLower(*htmlFile), ".html") || strings.TrimSuffix(filepath.Base(strings.ToLower(*htmlFile)), ".html") == "":
			return usagef("--html %q: the board report is a web page; name the file .html", *htmlFile)
		}
		if err := bounds.Line("--authority", *authority, 100); err != nil {
			return usagef("%v", err)
		}
		return e.onRegister(ctx, cfg, func(s *register.Store) error { return writeBoard(ctx, e, cfg, s, *htmlFile, *authority) })
	}
	if *authority != "" {
		return usagef("--authority names the authority in the board report: give it with --html FILE.html")
	}
	from, err := parseDateFlag("from", *fromFlag)
	if err != nil {
		return err
	}
	to, err := parseDateFlag("to", *toFlag)
	if err != nil {
		return err
	}
	if to.Before(from) {
		return usagef("--to %s is before --from %s", to, from)
	}
	return e.onRegister(ctx, cfg, func(s *register.Store) error {
		r, err := s.Report(ctx, from, to, e.today())
		if err != nil {
			return err
		}
		switch {
		case *asJSON:
			return writeJSON(e.Stdout, r)
		case *asCSV:
			return writeReportCSV(e.Stdout, r)
		}
		return printReport(e.Stdout, r)
	})
}

// pctText is a percentage as printed: "66.7%", or "-" when nothing was
// counted.
func pctText(p *float64) string {
	if p == nil {
		return "-"
	}
	return strconv.FormatFloat(*p, 'f', 1, 64) + "%"
}

func weeksText(w *float64) string {
	if w == nil {
		return "-"
	}
	return strconv.FormatFloat(*w, 'f', 1, 64)
}

func of(n, d int) string { return fmt.Sprintf("%d of %d", n, d) }

// block prints a titled section whose rows are tab-separated cells,
// indented under the title and aligned in columns.
func block(w io.Writer, title string, rows ...string) {
	fmt.Fprintf(w, "\n%s\n", title)
	tw := cli.NewTable(w)
	for _, r := range rows {
		fmt.Fprintf(tw, "  %s\n", r)
	}
	tw.Flush()
}

// printReport writes the report as blocks a manager can paste into a
// board paper.
func printReport(w io.Writer, r register.Report) error {
	fmt.Fprintf(w, "EHC needs assessments, %s to %s\nCases overdue are as at %s.\n", cli.LongDate(r.From), cli.LongDate(r.To), cli.LongDate(r.Today))
	block(w, "Requests for an EHC needs assessment",
		fmt.Sprintf("Requests received (Day 1 in the period)\t%d", r.RequestsReceived))
	a := r.DecisionsToAssess
	block(w, "Decisions whether to assess (6 weeks from Day 1, reg 5(1))",
		fmt.Sprintf("Decisions made\t%d", a.Made),
		fmt.Sprintf("Within 6 weeks\t%s\t%s", of(a.Within6Weeks, a.Made), pctText(a.Pct)),
		fmt.Sprintf("Refusals to assess\t%d", a.Refused))
	n := r.DecisionsNotToIssue
	block(w, "Decisions not to issue a plan (16 weeks from Day 1, reg 10(1))",
		fmt.Sprintf("Decisions made\t%d", n.Made),
		fmt.Sprintf("Within 16 weeks\t%s\t%s", of(n.Within16Weeks, n.Made), pctText(n.Pct)))
	p := r.Plans
	block(w, "Final EHC plans issued (20 weeks from Day 1, reg 13(2))",
		fmt.Sprintf("Plans issued\t%d", p.Issued),
		fmt.Sprintf("Within 20 weeks, including exception cases\t%s\t%s", of(p.Within20Weeks, p.Issued), pctText(p.Pct)),
		fmt.Sprintf("Within 20 weeks, excluding exception cases\t%s\t%s",
			of(p.Within20WeeksExclExceptions, p.IssuedExclExceptions), pctText(p.PctExclExceptions)),
		fmt.Sprintf("Weeks from Day 1 to final plan, median\t%s", weeksText(p.MedianWeeks)),
		fmt.Sprintf("Weeks from Day 1 to final plan, 90th percentile\t%s", weeksText(p.P90Weeks)))
	dfe := []string{fmt.Sprintf("Plans issued, as the DfE counts them\t%d", r.DfE.Issued),
		fmt.Sprintf("Within 20 weeks\t%s\t%s", of(r.DfE.Within20Weeks, r.DfE.Issued), pctText(r.DfE.Pct))}
	for _, l := range r.DfE.LeftOut {
		dfe = append(dfe, fmt.Sprintf("Left out: %s\t%s", l.CaseRef, l.Reason))
	}
	block(w, "Final EHC plans within 20 weeks as the DfE publishes it (no exception, mediation or tribunal)", dfe...)
	adviceBlock(w, "Advice requested in the period, by kind (6 weeks from the request, reg 8(1))", "KIND", r.AdviceByKind, r.AdviceTotal, kindText)
	adviceBlock(w, "Advice requested in the period, by provider", "PROVIDER", r.AdviceByProvider, r.AdviceTotal, func(s string) string { return s })
	if r.AdviceTotal.Requested > 0 {
		fmt.Fprint(w, "  Within 6 weeks % leaves out requests still within their 6 weeks.\n")
	}
	planLifeBlock(w, r)
	if r.OverdueTotal.Cases == 0 {
		block(w, "Cases overdue on "+cli.LongDate(r.Today), "No case is overdue.")
		return nil
	}
	rows := []string{"EARLIEST LIMIT MISSED\tCASES\tMEDIAN DAYS OVERDUE\tLONGEST"}
	for _, g := range append(slices.Clip(r.Overdue), r.OverdueTotal) {
		name := "All overdue cases"
		if g.Deadline != "" {
			name = cli.Sentence(statute.Deadline(g.Deadline).Title())
		}
		rows = append(rows, fmt.Sprintf("%s\t%d\t%d\t%d", name, g.Cases, g.MedianDaysOverdue, g.MaxDaysOverdue))
	}
	block(w, "Cases overdue on "+cli.LongDate(r.Today)+" (ehc cases --overdue lists them)", rows...)
	return nil
}

// planLifeBlock is the plans in force: reviews, amendments and phase
// transfers in the period, and what is overdue on the report's day.
func planLifeBlock(w io.Writer, r register.Report) {
	l := r.PlansInForce
	block(w, "EHC plans in force: annual reviews (CFA s.44(1)), amendments (reg 22) and phase transfers (reg 18)",
		fmt.Sprintf("Plans in force	%d", l.InForce),
		fmt.Sprintf("Reviews held in the period, within their 12 months	%s	%s", of(l.ReviewsWithinPeriod, l.ReviewsHeld), pctText(l.PctReviews)),
		fmt.Sprintf("Amended plans issued in the period, within 12 weeks of the meeting	%s	%s", of(l.AmendedWithin12Weeks, l.Amended), pctText(l.PctAmended)),
		fmt.Sprintf("Phase transfers due in the period, amended by their date	%s	%s", of(l.TransfersAmendedByDate, l.TransfersDue), pctText(l.PctTransfers)),
		fmt.Sprintf("Overdue on %s: reviews	%d", cli.LongDate(r.Today), l.ReviewsOverdue),
		fmt.Sprintf("Overdue on %s: amended plans	%d", cli.LongDate(r.Today), l.AmendmentsOverdue),
		fmt.Sprintf("Overdue on %s: phase transfers	%d", cli.LongDate(r.Today), l.TransfersOverdue))
}

// kindText is an advice kind as a manager reads it: "Social care".
func kindText(k string) string { return cli.Sentence(strings.ReplaceAll(k, "_", " ")) }

func adviceBlock(w io.Writer, title, column string, lines []register.AdviceTiming, total register.AdviceTiming, name func(string) string) {
	if len(lines) == 0 {
		block(w, title, "No advice was requested in the period.")
		return
	}
	rows := []string{column + "\tREQUESTED\tRECEIVED\tWITHIN 6 WEEKS\tSTILL IN TIME\tWITHIN 6 WEEKS %"}
	for _, a := range append(slices.Clip(lines), total) {
		label := "All advice"
		if a.Name != "" {
			label = name(a.Name)
		}
		rows = append(rows, fmt.Sprintf("%s\t%d\t%d\t%d\t%d\t%s", label, a.Requested, a.Received, a.Within6Weeks, a.StillInTime, pctText(a.Pct)))
	}
	block(w, title, rows...)
}

// writeReportCSV writes one row per figure: section, group (a kind,
// provider or limit, else empty), measure, value. Measures are named as in
// the JSON; a percentage with nothing counted is an empty value.
func writeReportCSV(w io.Writer, r register.Report) error {
	cw := csv.NewWriter(w)
	row := func(section, group, measure string, v any) {
		var s string
		switch v := v.(type) {
		case *float64:
			if v != nil {
				s = strconv.FormatFloat(*v, 'f', 1, 64)
			}
		case statute.Date:
			s = v.String()
		default:
			s = fmt.Sprint(v)
		}
		cw.Write([]string{section, group, measure, s})
	}
	cw.Write([]string{"section", "group", "measure", "value"})
	row("period", "", "from", r.From)
	row("period", "", "to", r.To)
	row("period", "", "overdue_as_at", r.Today)
	row("requests", "", "received", r.RequestsReceived)
	a := r.DecisionsToAssess
	row("decisions_to_assess", "", "made", a.Made)
	row("decisions_to_assess", "", "within_6_weeks", a.Within6Weeks)
	row("decisions_to_assess", "", "pct_within_6_weeks", a.Pct)
	row("decisions_to_assess", "", "refused", a.Refused)
	n := r.DecisionsNotToIssue
	row("decisions_not_to_issue", "", "made", n.Made)
	row("decisions_not_to_issue", "", "within_16_weeks", n.Within16Weeks)
	row("decisions_not_to_issue", "", "pct_within_16_weeks", n.Pct)
	p := r.Plans
	row("plans", "", "issued", p.Issued)
	row("plans", "", "within_20_weeks", p.Within20Weeks)
	row("plans", "", "pct_within_20_weeks", p.Pct)
	row("plans", "", "issued_excl_exceptions", p.IssuedExclExceptions)
	row("plans", "", "within_20_weeks_excl_exceptions", p.Within20WeeksExclExceptions)
	row("plans", "", "pct_within_20_weeks_excl_exceptions", p.PctExclExceptions)
	row("plans", "", "median_weeks", p.MedianWeeks)
	row("plans", "", "p90_weeks", p.P90Weeks)
	advice := func(section string, a register.AdviceTiming) {
		row(section, a.Name, "requested", a.Requested)
		row(section, a.Name, "received", a.Received)
		row(section, a.Name, "within_6_weeks", a.Within6Weeks)
		row(section, a.Name, "still_in_time", a.StillInTime)
		row(section, a.Name, "pct_within_6_weeks", a.Pct)
	}
	for _, a := range r.AdviceByKind {
		advice("advice_by_kind", a)
	}
	for _, a := range r.AdviceByProvider {
		advice("advice_by_provider", a)
	}
	advice("advice_total", r.AdviceTotal)
	overdue := func(section string, g register.OverdueGroup) {
		row(section, g.Deadline, "cases", g.Cases)
		row(section, g.Deadline, "median_days_overdue", g.MedianDaysOverdue)
		row(section, g.Deadline, "max_days_overdue", g.MaxDaysOverdue)
	}
	for _, g := range r.Overdue {
		overdue("overdue", g)
	}
	overdue("overdue_total", r.OverdueTotal)
	l := r.PlansInForce
	for _, f := range []struct {
		measure string
		v       any
	}{
		{"in_force", l.InForce}, {"reviews_held", l.ReviewsHeld}, {"reviews_within_period", l.ReviewsWithinPeriod},
		{"pct_reviews_within_period", l.PctReviews}, {"amended_plans_issued", l.Amended},
		{"amended_within_12_weeks", l.AmendedWithin12Weeks}, {"pct_amended_within_12_weeks", l.PctAmended},
		{"phase_transfers_due", l.TransfersDue}, {"phase_transfers_amended_by_date", l.TransfersAmendedByDate},
		{"pct_phase_transfers_amended_by_date", l.PctTransfers}, {"reviews_overdue", l.ReviewsOverdue},
		{"amendments_overdue", l.AmendmentsOverdue}, {"phase_transfers_overdue", l.TransfersOverdue},
	} {
		row("plans_in_force", "", f.measure, f.v)
	}
	row("dfe_20_weeks", "", "issued", r.DfE.Issued)
	row("dfe_20_weeks", "", "within_20_weeks", r.DfE.Within20Weeks)
	row("dfe_20_weeks", "", "pct_within_20_weeks", r.DfE.Pct)
	for _, l := range r.DfE.LeftOut {
		row("dfe_20_weeks", l.CaseRef, "left_out: "+l.Reason, 1)
	}
	dis := r.Disagreements
	row("disagreements", "", "mediations_held", dis.MediationsHeld)
	row("disagreements", "", "appeals_lodged", dis.AppealsLodged)
	for _, o := range dis.OrdersMade {
		row("disagreements", o.Kind, "orders_made", o.Made)
		row("disagreements", o.Kind, "unopposed", o.Unopposed)
	}
	row("disagreements", "", "orders_complied", dis.OrdersComplied)
	row("disagreements", "", "orders_complied_on_time", dis.OrdersCompliedDue)
	row("disagreements", "", "pct_orders_complied_on_time", dis.PctOrdersOnTime)
	row("disagreements", "", "orders_overdue", dis.OrdersOverdue)
	cw.Flush()
	return cw.Error()
}

// writeBoard writes the board report: the year's figures and the board's
// own, drawn by starter/board, beside its final name and then renamed, so
// an interrupted run leaves no half a page.
func writeBoard(ctx context.Context, e *Env, cfg config.Config, s *register.Store, path, authority string) error {
	today := e.today()
	from := statute.NewDate(today.Time().Year(), today.Time().Month()-11, 1)
	year, err := s.Report(ctx, from, today, today)
	if err != nil {
		return err
	}
	b, err := s.BoardFigures(ctx, today)
	if err != nil {
		return err
	}
	closures, err := closuresOf(cfg, today)
	if err != nil {
		return err
	}
	cases, err := s.ForecastCases(ctx, "")
	if err != nil {
		return err
	}
	voice, err := s.FamilyVoice(ctx, from, today)
	if err != nil {
		return err
	}
	next, _ := register.NextLongClosure(closures, today)
	var page bytes.Buffer
	in := board.Input{Authority: strings.TrimSpace(authority), Today: today, Year: year, Board: b,
		England: float64(cfg.Board.EnglandPctTenths) / 10,
		Rates:   board.Rates{DelayPerMonth: cfg.Board.DelayPerMonth, LostEducationPerTerm: cfg.Board.LostEducationPerTerm},
		Closure: next, Forecast: register.Forecast(cases, closures, today), TermDatesEnd: termDatesEnd(closures, today), Voice: voice}
	if err := board.Render(&page, in); err != nil {
		return err
	}
	if err := os.WriteFile(path+".partial", page.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing the board report: %w", err)
	}
	if err := os.Rename(path+".partial", path); err != nil {
		_ = os.Remove(path + ".partial")
		return fmt.Errorf("writing the board report: %w", err)
	}
	_, err = fmt.Fprintf(e.Stdout, "Wrote the board report for %s to %s to %s (%d KB).\n", from, today, path, page.Len()/1024)
	return err
}
