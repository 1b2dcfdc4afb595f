package commands

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// ehc forecast tells a caseworker, weeks ahead, what the next long school
// closure will do to their open cases: advice asked of a school in its
// window (reg 10(4)(a)/(b): the limits stop binding, the family still
// waits), limits that fall due while schools are closed, and the cases
// still to be saved by asking the school before the window opens.
func cmdForecast(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet("forecast")
	caseworker := fs.String("caseworker", "", "only this caseworker's `ID`'s cases")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	cfg, err := e.parseOnly(fs, "forecast", args)
	if err != nil {
		return err
	}
	if err := bounded("caseworker", *caseworker, assessment.CheckCaseworker); err != nil {
		return err
	}
	closures, err := closuresOf(cfg, e.today())
	if err != nil {
		return err
	}
	return e.onRegister(ctx, cfg, func(s *register.Store) error {
		cases, err := s.ForecastCases(ctx, strings.TrimSpace(*caseworker))
		if err != nil {
			return err
		}
		items := register.Forecast(cases, closures, e.today())
		if *asJSON {
			if items == nil {
				items = []register.ForecastItem{}
			}
			return writeJSON(e.Stdout, items)
		}
		return printForecast(e, closures, items)
	})
}

// closuresOf is the authority's term dates, or England's usual summers
// for this year and next.
func closuresOf(cfg config.Config, today statute.Date) ([]statute.Closure, error) {
	if cfg.TermDatesFile == "" {
		return statute.EnglandSummers(today.Time().Year(), today.Time().Year()+1), nil
	}
	f, err := os.Open(cfg.TermDatesFile)
	if err != nil {
		return nil, usagef("EHC_TERM_DATES_FILE: %v", err)
	}
	defer f.Close()
	closures, err := statute.ParseClosures(f)
	if err != nil {
		return nil, usagef("%s: %v", cfg.TermDatesFile, err)
	}
	return closures, nil
}

// termDatesEnd is the last day of the term dates given when it has passed
// (the file needs the coming year's), else zero.
func termDatesEnd(closures []statute.Closure, today statute.Date) statute.Date {
	if n := len(closures); n > 0 && closures[n-1].To.Before(today) {
		return closures[n-1].To
	}
	return statute.Date{}
}

func printForecast(e *Env, closures []statute.Closure, items []register.ForecastItem) error {
	next, ok := register.NextLongClosure(closures, e.today())
	if !ok {
		fmt.Fprintf(e.Stdout, "No school closure of 4 weeks or more begins in the next %d weeks.\n", register.ForecastHorizonDays/7)
		if end := termDatesEnd(closures, e.today()); !end.IsZero() {
			fmt.Fprintf(e.Stdout, "The term dates given end on %s: add the coming year's (EHC_TERM_DATES_FILE).\n", cli.LongDate(end))
		}
		return nil
	}
	from, to := next.Window()
	fmt.Fprintf(e.Stdout, "The next long school closure: %s, %s to %s.\nAdvice asked of a school or early-years setting from %s to %s falls under reg 10(4)(a)/(b):\nthe 16- and 20-week limits stop binding, but the family still waits.\n\n",
		next.Name, cli.LongDate(next.From), cli.LongDate(next.To), cli.LongDate(from), cli.LongDate(to))
	if len(items) == 0 {
		_, err := fmt.Fprintln(e.Stdout, "No open case is touched by it.")
		return err
	}
	tw := cli.NewTable(e.Stdout)
	fmt.Fprintln(tw, "CASE\tCASEWORKER\tSTAGE\tWHAT TO DO\tLIMITS DUE IN THE HOLIDAY")
	for _, it := range items {
		var what string
		switch it.Kind {
		case register.ForecastSave:
			what = "ask the school by " + cli.LongDate(it.AskBy) + " to keep the limits"
		case register.ForecastWindowOpen:
			what = "the window is open: the school asked now falls in it"
		case register.ForecastException:
			what = "school asked " + cli.LongDate(it.AdviceAskedOn) + ", in the window: tell the family why it will be late"
		}
		var limits []string
		for _, l := range it.LimitsInHoliday {
			limits = append(limits, l.Deadline.Title()+" "+cli.LongDate(l.Due))
		}
		if len(limits) == 0 {
			limits = []string{"-"}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", it.CaseRef, it.Caseworker, it.Stage, what, strings.Join(limits, "; "))
	}
	return tw.Flush()
}
