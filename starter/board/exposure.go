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
	Cases  int    `json:"cases"`
	Pounds int    `json:"pounds"`
}

// Exposure is every estimate and its totals.
type Exposure struct {
	Items   []Exposed `json:"items"`
	ByLimit []Total   `json:"by_limit"`
	ByMonth []Total   `json:"by_month"` // the month each limit was missed, oldest first
	Pounds  int       `json:"pounds"`
}

// Limit names as the exposure gives them.
const (
	LimitPlan          = "a plan in force's limit (review, amendment, transfer)"
	LimitFinalLate     = "final EHC plan, issued late"
	LimitLostEducation = "education lost: a phase transfer not made by the new school year"
)

// daysPerTerm is a school term as the calendar counts it: a year is three.
const daysPerTerm = 365 / 3

// Estimate prices each limit passed: every month (or part) a family has
// waited past the date, at the delay rate; every term (or part) since a
// phase transfer's school year began without the amended plan, at the
// lost-education rate. An open case whose limit an exception excuses (reg
// 13(3)) is left out: the law did not bind the date, so the Ombudsman is
// unlikely to find fault in the delay alone.
func Estimate(b register.Board, r Rates, today statute.Date) Exposure {
	var e Exposure
	add := func(x Exposed, rate, per int) {
		if x.DaysLate <= 0 {
			return
		}
		x.Units = (x.DaysLate + per - 1) / per
		x.Pounds = x.Units * rate
		e.Items = append(e.Items, x)
	}
	for _, c := range b.Open {
		if c.Overdue && !c.HasException {
			add(Exposed{Ref: c.CaseRef, Caseworker: c.Caseworker, Limit: limitTitle(c.OverdueDeadline),
				Due: today.AddDays(-c.DaysOverdue), DaysLate: c.DaysOverdue, Open: true}, r.DelayPerMonth, 30)
		}
	}
	for _, p := range b.PlansOverdue {
		add(Exposed{Ref: p.Ref, Caseworker: p.Caseworker, Limit: LimitPlan, Due: p.Due, DaysLate: p.DaysLate, Open: true}, r.DelayPerMonth, 30)
	}
	for _, p := range b.ClosedLate {
		add(Exposed{Ref: p.Ref, Caseworker: p.Caseworker, Limit: LimitFinalLate, Due: p.Due, DaysLate: p.DaysLate}, r.DelayPerMonth, 30)
	}
	for _, p := range b.TransfersMissed {
		add(Exposed{Ref: p.Ref, Caseworker: p.Caseworker, Limit: LimitLostEducation, Due: p.Due, DaysLate: p.DaysLate, Open: true}, r.LostEducationPerTerm, daysPerTerm)
	}
	slices.SortStableFunc(e.Items, func(a, b Exposed) int { return b.Pounds - a.Pounds })
	byLimit, byMonth := map[string]*Total{}, map[string]*Total{}
	for _, x := range e.Items {
		e.Pounds += x.Pounds
		for _, t := range []struct {
			m   map[string]*Total
			key string
		}{{byLimit, x.Limit}, {byMonth, x.Due.Time().Format("2006-01")}} {
			if t.m[t.key] == nil {
				t.m[t.key] = &Total{Name: t.key}
			}
			t.m[t.key].Cases++
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

// limitTitle is a case's earliest missed limit as the report names it.
func limitTitle(deadline string) string {
	if kind, ok := strings.CutPrefix(deadline, "advice_due/"); ok {
		return "advice (" + strings.TrimRight(kind, "-0123456789") + ")"
	}
	return statute.Deadline(deadline).Title()
}
