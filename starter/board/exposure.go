package board

import (
	"slices"
	"strings"
	"time"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/statute"
)

// Rates are the sums the Ombudsman usually asks for, in pounds
// (config.Board; sources in docs/managers.md).
type Rates struct {
	DelayPerMonth        int // each month a family waits past a statutory date
	LostEducationPerTerm int // each term of education lost
}

// Exposed is one family's likely remedy if their complaint were upheld
// today: an estimate for managing risk, never shown to families.
type Exposed struct {
	Ref        string       `json:"ref"`
	Caseworker string       `json:"caseworker"`
	Limit      string       `json:"limit"`
	Due        statute.Date `json:"due"`
	DaysLate   int          `json:"days_late"`
	Units      int          `json:"units"` // months of delay, or terms of education lost
	Pounds     int          `json:"pounds"`
	Open       bool         `json:"open"` // still late today, or met late in the year
}

// Total is a sum of Exposed, by limit or by the month a limit was missed.
type Total struct {
	Name   string `json:"name"`
	Cases  int    `json:"cases"` // families: a family with two limits in the group counts once
	Pounds int    `json:"pounds"`
}

// Exposure is every estimate and its totals.
type Exposure struct {
	Items    []Exposed `json:"items"`
	ByLimit  []Total   `json:"by_limit"`
	ByMonth  []Total   `json:"by_month"` // the month each limit was missed, oldest first
	Pounds   int       `json:"pounds"`
	Families int       `json:"families"` // distinct references among the items
}

// Limit names as the exposure gives them.
const (
	LimitPlan          = "a plan in force's limit (review, amendment, transfer)"
	LimitFinalLate     = "final EHC plan, issued late"
	LimitLostEducation = "education lost: a phase transfer not made by the new school year"
)

// daysPerTerm is a school term as the calendar counts it: a year is three.
const daysPerTerm = 365 / 3

// Estimate prices each limit passed: every calendar month (or part) a
// family has waited past the date, at the delay rate; every term (or part)
// since a phase transfer's school year began without the amended plan, at
// the lost-education rate. An open case whose missed limit an exception
// recorded for it excuses (reg 5(4), 8(2), 10(4), 13(3)) is left out: the
// law did not bind the date, so the Ombudsman is unlikely to find fault in
// the delay alone. No month is priced twice: once a plan's school year has
// begun without its transfer, the lost education is its remedy, and its
// delay is priced only up to that September.
func Estimate(b register.Board, r Rates, today statute.Date) Exposure {
	var e Exposure
	add := func(x Exposed, rate int, units int) {
		if x.DaysLate <= 0 || units <= 0 {
			return
		}
		x.Units, x.Pounds = units, units*rate
		e.Items = append(e.Items, x)
	}
	delay := func(x Exposed) { add(x, r.DelayPerMonth, monthsOrPart(x.Due, x.Due.AddDays(x.DaysLate))) }
	for _, c := range b.Open {
		if c.Overdue && !b.Excused[c.CaseRef] {
			delay(Exposed{Ref: c.CaseRef, Caseworker: c.Caseworker, Limit: limitTitle(c.OverdueDeadline),
				Due: today.AddDays(-c.DaysOverdue), DaysLate: c.DaysOverdue, Open: true})
		}
	}
	schoolYear := map[string]statute.Date{}
	for _, p := range b.TransfersMissed {
		if y, ok := schoolYear[p.Ref]; !ok || p.Due.Before(y) {
			schoolYear[p.Ref] = p.Due
		}
		add(Exposed{Ref: p.Ref, Caseworker: p.Caseworker, Limit: LimitLostEducation, Due: p.Due, DaysLate: p.DaysLate, Open: true},
			r.LostEducationPerTerm, (p.DaysLate+daysPerTerm-1)/daysPerTerm)
	}
	for _, p := range b.PlansOverdue {
		x := Exposed{Ref: p.Ref, Caseworker: p.Caseworker, Limit: LimitPlan, Due: p.Due, DaysLate: p.DaysLate, Open: true}
		if y, ok := schoolYear[p.Ref]; ok { // priced as lost education from then on
			x.DaysLate = min(x.DaysLate, y.DaysSince(p.Due))
		}
		delay(x)
	}
	for _, p := range b.ClosedLate {
		delay(Exposed{Ref: p.Ref, Caseworker: p.Caseworker, Limit: LimitFinalLate, Due: p.Due, DaysLate: p.DaysLate})
	}
	slices.SortStableFunc(e.Items, func(a, b Exposed) int { return b.Pounds - a.Pounds })
	byLimit, byMonth := map[string]*Total{}, map[string]*Total{}
	counted := map[[2]string]bool{} // group and reference: a family once in each
	for _, x := range e.Items {
		e.Pounds += x.Pounds
		if !counted[[2]string{"", x.Ref}] {
			counted[[2]string{"", x.Ref}] = true
			e.Families++
		}
		for _, t := range []struct {
			m   map[string]*Total
			key string
		}{{byLimit, "limit " + x.Limit}, {byMonth, "month " + x.Due.Time().Format("2006-01")}} {
			if t.m[t.key] == nil {
				t.m[t.key] = &Total{Name: t.key[strings.IndexByte(t.key, ' ')+1:]}
			}
			if !counted[[2]string{t.key, x.Ref}] {
				counted[[2]string{t.key, x.Ref}] = true
				t.m[t.key].Cases++
			}
			t.m[t.key].Pounds += x.Pounds
		}
	}
	for _, t := range byLimit {
		e.ByLimit = append(e.ByLimit, *t)
	}
	slices.SortFunc(e.ByLimit, func(a, b Total) int { return b.Pounds - a.Pounds })
	for _, t := range byMonth {
		e.ByMonth = append(e.ByMonth, *t)
	}
	slices.SortFunc(e.ByMonth, func(a, b Total) int { return strings.Compare(a.Name, b.Name) })
	for i, t := range e.ByMonth {
		if m, err := time.Parse("2006-01", t.Name); err == nil {
			e.ByMonth[i].Name = m.Format("January 2006")
		}
	}
	return e
}

// monthsOrPart is the calendar months from due to end, a month begun
// counted whole: 1 Oct to 1 Dec is 2, to 2 Dec is 3; 31 Jan to 28 Feb is 1
// (a month ending on a shorter month's last day).
func monthsOrPart(due, end statute.Date) int {
	if !end.After(due) {
		return 0
	}
	d, e := due.Time(), end.Time()
	n := (e.Year()-d.Year())*12 + int(e.Month()-d.Month())
	after := func(n int) statute.Date { // due plus n months, on the month's last day if it is shorter
		first := time.Date(d.Year(), d.Month()+time.Month(n), 1, 12, 0, 0, 0, time.UTC)
		last := first.AddDate(0, 1, -1).Day()
		return statute.NewDate(first.Year(), first.Month(), min(d.Day(), last))
	}
	if after(n).After(end) {
		n--
	}
	if after(n).Before(end) {
		n++
	}
	return n
}

// limitTitle is a case's earliest missed limit as the report names it.
func limitTitle(deadline string) string {
	if kind, ok := strings.CutPrefix(deadline, "advice_due/"); ok {
		return "advice (" + strings.TrimRight(kind, "-0123456789") + ")"
	}
	return statute.Deadline(deadline).Title()
}
