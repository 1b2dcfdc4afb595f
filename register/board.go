package register

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ehc-send/ehc/statute"
)

// Board is what the board report draws beyond the period's Report: the
// 20-week rate month by month, every open case as the list judges it, the
// plans with a limit passed, and the cases closed late within the year.
// Case references and dates only: no one is named.
type Board struct {
	Months       []MonthTiming `json:"months"`
	Open         []CaseRow     `json:"open"`
	PlansOverdue []PlanLate    `json:"plans_overdue"`
	ClosedLate   []PlanLate    `json:"closed_late"` // final plans issued after their 20 weeks in the year, no exception applying
	// TransfersMissed is the phase transfers whose amended plan was still
	// not issued when the new school year began (reg 18): the child may be
	// without the setting they need. Due is that September's first day.
	TransfersMissed []PlanLate `json:"transfers_missed"`
	// Excused is the open cases whose earliest missed limit (CaseRow's
	// OverdueDeadline) an exception recorded for that very limit excuses
	// (reg 5(4), 8(2), 10(4), 13(3)): an exception to the 20 weeks does not
	// excuse a late decision whether to assess, nor a school closure late
	// advice.
	Excused map[string]bool `json:"excused,omitempty"`
}

// MonthTiming is one month's final plans (reg 13(2)), as PlanTiming.
type MonthTiming struct {
	Month                       string `json:"month"` // YYYY-MM
	Issued                      int    `json:"issued"`
	Within20Weeks               int    `json:"within_20_weeks"`
	IssuedExclExceptions        int    `json:"issued_excl_exceptions"`
	Within20WeeksExclExceptions int    `json:"within_20_weeks_excl_exceptions"`
}

// PlanLate is a limit passed: a plan in force's earliest open limit, or a
// case's final plan issued late.
type PlanLate struct {
	Ref        string       `json:"ref"`
	Caseworker string       `json:"caseworker"`
	Due        statute.Date `json:"due"`
	MetOn      statute.Date `json:"met_on,omitzero"`
	DaysLate   int          `json:"days_late"`
}

// BoardFigures reads the board's figures for the 12 months ending with
// today's month, judged on today.
func (s *Store) BoardFigures(ctx context.Context, today statute.Date) (Board, error) {
	if today.IsZero() {
		return Board{}, fmt.Errorf("board: the date to judge it on is required")
	}
	first := statute.NewDate(today.Time().Year(), today.Time().Month()-11, 1)
	var b Board
	for m := first; !m.After(today); m = statute.NewDate(m.Time().Year(), m.Time().Month()+1, 1) {
		b.Months = append(b.Months, MonthTiming{Month: m.Time().Format("2006-01")})
	}
	index := map[string]int{}
	for i, m := range b.Months {
		index[m.Month] = i
	}
	late := func(to *[]PlanLate) func(pgx.Rows) error {
		return func(row pgx.Rows) error {
			var p PlanLate
			var due, met *time.Time
			if err := row.Scan(&p.Ref, &p.Caseworker, &due, &met); err != nil {
				return err
			}
			p.Due, p.MetOn = civil(due), civil(met)
			end := today
			if !p.MetOn.IsZero() {
				end = p.MetOn
			}
			p.DaysLate = end.DaysSince(p.Due)
			*to = append(*to, p)
			return nil
		}
	}
	err := s.sections(ctx, []section{{
		sql: `select to_char(final_plan_on, 'YYYY-MM'), count(*), count(*) filter (where final_plan_on <= final_plan_due),
				count(*) filter (where not has_exception), count(*) filter (where not has_exception and final_plan_on <= final_plan_due)
			from cases where final_plan_on between $1 and $2 group by 1`,
		args: []any{dateArg(first), dateArg(today)},
		read: func(row pgx.Rows) error {
			var m MonthTiming
			if err := row.Scan(&m.Month, &m.Issued, &m.Within20Weeks, &m.IssuedExclExceptions, &m.Within20WeeksExclExceptions); err != nil {
				return err
			}
			if i, ok := index[m.Month]; ok {
				b.Months[i] = m
			}
			return nil
		},
	}, {
		sql:  `select plan_ref, caseworker, next_deadline, null::date from plans where ended_on is null and next_deadline < $1 order by plan_ref`,
		args: []any{dateArg(today)},
		read: late(&b.PlansOverdue),
	}, {
		sql: `select case_ref, caseworker, final_plan_due, final_plan_on from cases
			where final_plan_on between $1 and $2 and final_plan_on > final_plan_due and not has_exception order by case_ref`,
		args: []any{dateArg(first), dateArg(today)}, // the page's year
		read: late(&b.ClosedLate),
	}, {
		sql: `select p.plan_ref, p.caseworker, make_date(x.transfer_year, 9, 1), null::date from plan_transfers x join plans p using (plan_ref)
			where x.amended_on is null and not x.replaced and p.ended_on is null and make_date(x.transfer_year, 9, 1) < $1
			order by p.plan_ref`,
		args: []any{dateArg(today)},
		read: late(&b.TransfersMissed),
	}})
	if err != nil {
		return Board{}, fmt.Errorf("board figures: %w", err)
	}
	open, err := s.Cases(ctx, CaseFilter{}, today)
	if err != nil {
		return Board{}, err
	}
	for _, c := range open {
		if !c.Closed {
			b.Open = append(b.Open, c)
		}
	}
	if b.Excused, err = s.excused(ctx, b.Open); err != nil {
		return Board{}, err
	}
	return b, nil
}

// excused is which of the open cases' earliest missed limits an exception
// recorded for that limit excuses: the case's own regulations for its 6-,
// 16- and 20-week limits, the advice request's flag for late advice.
func (s *Store) excused(ctx context.Context, open []CaseRow) (map[string]bool, error) {
	out := map[string]bool{}
	var refs []string
	for _, c := range open {
		if c.Overdue {
			refs = append(refs, c.CaseRef)
		}
	}
	regs, advice := map[string][]string{}, map[string]bool{}
	err := s.sections(ctx, []section{{
		sql:  `select case_ref, exception_regs from cases where case_ref = any($1)`,
		args: []any{refs},
		read: func(row pgx.Rows) error {
			var ref string
			var r []string
			if err := row.Scan(&ref, &r); err != nil {
				return err
			}
			regs[ref] = r
			return nil
		},
	}, {
		sql:  `select case_ref, advice_id from advice_requests where case_ref = any($1) and has_exception and received_on is null`,
		args: []any{refs},
		read: func(row pgx.Rows) error {
			var ref, id string
			if err := row.Scan(&ref, &id); err != nil {
				return err
			}
			advice[ref+"/"+id] = true
			return nil
		},
	}})
	if err != nil {
		return nil, fmt.Errorf("board figures: exceptions: %w", err)
	}
	for _, c := range open {
		if id, ok := strings.CutPrefix(c.OverdueDeadline, "advice_due/"); ok {
			out[c.CaseRef] = advice[c.CaseRef+"/"+id]
		} else if c.Overdue {
			out[c.CaseRef] = statute.Excuses(regs[c.CaseRef], statute.Deadline(c.OverdueDeadline))
		}
	}
	return out, nil
}
