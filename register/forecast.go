package register

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/ehc-send/ehc/statute"
)

// ForecastCase is an open assessment as the holiday forecast reads it.
type ForecastCase struct {
	CaseRef, Caseworker, Stage string
	Day1                       statute.Date
	Limits                     []LimitDue   // the 6-, 16- and 20-week limits not yet met
	SchoolAdviceOn             statute.Date // the earliest educational advice asked (of the school's head, reg 6(1)(b)), if any
}

// LimitDue is a limit and its date.
type LimitDue struct {
	Deadline statute.Deadline `json:"deadline"`
	Due      statute.Date     `json:"due"`
}

// ForecastItem is what a long school closure will do to one case.
type ForecastItem struct {
	CaseRef     string       `json:"case_ref"`
	Caseworker  string       `json:"caseworker"`
	Stage       string       `json:"stage"`
	Closure     string       `json:"closure"`
	ClosureFrom statute.Date `json:"closure_from"`
	ClosureTo   statute.Date `json:"closure_to"`
	// Kind is save (the school's advice not yet asked, and the window
	// not yet open: ask by AskBy and the limits stand), window_open (asked
	// now, the advice falls in the window) or exception (asked in the
	// window already: reg 10(4)(a)/(b) applies, the family still waits).
	Kind            string       `json:"kind"`
	AskBy           statute.Date `json:"ask_by,omitzero"`
	AdviceAskedOn   statute.Date `json:"advice_asked_on,omitzero"`
	LimitsInHoliday []LimitDue   `json:"limits_in_holiday"` // limits that fall due while the school is closed
}

// Kinds of forecast item.
const (
	ForecastSave       = "save"
	ForecastWindowOpen = "window_open"
	ForecastException  = "exception"
)

// ForecastHorizonDays is how far ahead the forecast looks for a closure:
// a request made today has its final plan within 20 weeks.
const ForecastHorizonDays = 26 * 7

// Forecast judges each open case against the next long closure (at least
// 4 weeks, reg 10(4)(a)) whose window has not passed: which advice asked
// of a school falls in its window, which limits will fall due while
// schools are closed, and which cases can still be saved by asking the
// school before the window opens. A case the closure does not touch is
// left out.
func Forecast(cases []ForecastCase, closures []statute.Closure, today statute.Date) []ForecastItem {
	next, ok := NextLongClosure(closures, today)
	if !ok {
		return nil
	}
	winFrom, _ := next.Window()
	var out []ForecastItem
	for _, c := range cases {
		item := ForecastItem{CaseRef: c.CaseRef, Caseworker: c.Caseworker, Stage: c.Stage, Closure: next.Name,
			ClosureFrom: next.From, ClosureTo: next.To}
		for _, l := range c.Limits {
			if next.Covers(l.Due) {
				item.LimitsInHoliday = append(item.LimitsInHoliday, l)
			}
		}
		asking := c.Stage == "requested" || c.Stage == "assessing" // the school's advice is still to ask
		switch {
		case !c.SchoolAdviceOn.IsZero() && next.InWindow(c.SchoolAdviceOn):
			item.Kind, item.AdviceAskedOn = ForecastException, c.SchoolAdviceOn
		case !c.SchoolAdviceOn.IsZero() || !asking:
			continue // asked before the window, or past asking: the closure does not excuse it
		case today.Before(winFrom):
			item.Kind, item.AskBy = ForecastSave, winFrom.AddDays(-1)
		default:
			item.Kind = ForecastWindowOpen
		}
		if item.Kind == ForecastSave && today.Before(winFrom.AddDays(-SaveLeadDays)) {
			continue // the window opens too far ahead for the asking to be at risk yet
		}
		if item.Kind != ForecastException && !slices.ContainsFunc(c.Limits, func(l LimitDue) bool { return !l.Due.Before(winFrom) }) {
			continue // every limit falls before the window opens (or has passed): the closure cannot move one
		}
		out = append(out, item)
	}
	return out
}

// SaveLeadDays is how soon before a window opens a case still to ask its
// school is listed to be saved: the 6 weeks the school has to answer
// (reg 8(1)).
const SaveLeadDays = 42

// NextLongClosure is the first closure of at least 4 weeks whose window
// has not passed and which begins within the forecast's horizon.
func NextLongClosure(closures []statute.Closure, today statute.Date) (statute.Closure, bool) {
	for _, c := range closures {
		if _, to := c.Window(); c.Long() && !to.Before(today) && !c.From.After(today.AddDays(ForecastHorizonDays)) {
			return c, true
		}
	}
	return statute.Closure{}, false
}

// ForecastCases reads the open assessments for the forecast, one
// caseworker's when caseworker is given.
func (s *Store) ForecastCases(ctx context.Context, caseworker string) ([]ForecastCase, error) {
	rows, err := s.Pool.Query(ctx, `select c.case_ref, c.caseworker, c.stage, c.day1,
			case when c.decided_to_assess_on is null then c.decision_to_assess_due end,
			case when c.decided_to_issue_on is null then c.decision_not_to_issue_due end,
			case when c.final_plan_on is null then c.final_plan_due end,
			(select min(a.requested_on) from advice_requests a where a.case_ref = c.case_ref and a.kind = 'educational') -- reg 10(4)(a)/(b): asked of the head; a teacher of the deaf or blind is not
		from cases c where c.closed_on is null and ($1 = '' or c.caseworker = $1) order by c.case_ref`, caseworker)
	if err != nil {
		return nil, fmt.Errorf("reading the open cases for the forecast: %w", err)
	}
	defer rows.Close()
	var out []ForecastCase
	for rows.Next() {
		var c ForecastCase
		var day1, assess, issue, final, school *time.Time
		if err := rows.Scan(&c.CaseRef, &c.Caseworker, &c.Stage, &day1, &assess, &issue, &final, &school); err != nil {
			return nil, err
		}
		c.Day1, c.SchoolAdviceOn = civil(day1), civil(school)
		for _, l := range []struct {
			d statute.Deadline
			t *time.Time
		}{{statute.DecisionToAssessDue, assess}, {statute.DecisionNotToIssueDue, issue}, {statute.FinalPlanDue, final}} {
			if l.t != nil {
				c.Limits = append(c.Limits, LimitDue{l.d, civil(l.t)})
			}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
