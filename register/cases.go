package register

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ehc-send/ehc/statute"
)

// CaseFilter narrows Cases; zero values filter nothing. With no Stage only
// open cases are listed: the register keeps every closed case for ever.
type CaseFilter struct {
	Stage      string `json:"stage,omitempty"`
	Overdue    bool   `json:"overdue,omitempty"`
	Caseworker string `json:"caseworker,omitempty"`
}

// CaseRow is one case in the caseworker's list, judged as of a given day.
type CaseRow struct {
	CaseRef         string       `json:"case_ref"`
	Stage           string       `json:"stage"`
	Caseworker      string       `json:"caseworker"`
	Day1            statute.Date `json:"day1"`
	NextDeadline    statute.Date `json:"next_deadline"`
	Overdue         bool         `json:"overdue"`
	OverdueDeadline string       `json:"overdue_deadline,omitempty"` // the earliest limit missed: final_plan_due, advice_due/psychological-1, ...
	DaysOverdue     int          `json:"days_overdue,omitempty"`     // since that limit's due date
	FinalPlanDue    statute.Date `json:"final_plan_due"`
	HasException    bool         `json:"has_exception"` // an exception excuses a 6/16/20-week limit: still overdue, but reported apart
	Closed          bool         `json:"closed"`
}

// casesSQL is every case the filter selects (at {{where}}), with the
// earliest limit it has missed as of $1, computed from the projected dates
// rather than the stored overdue flag, which is only as fresh as the last
// event. A limit is missed once its date has passed with the step not done;
// an exception does not stop the clock, so it leaves the case overdue, as
// the workflow reports it.
//
// The case-level limits fall in statutory order (6, 16, 20 weeks from Day 1),
// so the first one missed is the earliest. Late advice is found once through
// the partial index on outstanding requests and hash-joined, rather than
// probed per case: the overdue list of every open case stays one pass.
const casesSQL = `
with late_advice as (
	select distinct on (a.case_ref) a.case_ref, a.advice_id, a.due_on
	from advice_requests a
	where a.received_on is null and a.due_on < $1
	order by a.case_ref, a.due_on, a.advice_id
), judged as (
	select c.case_ref, c.stage, c.caseworker, c.day1, c.final_plan_due, c.has_exception,
		c.closed_on is not null as closed,
		case when c.closed_on is null then c.next_deadline end as next_deadline,
		case when c.closed_on is null then least(k.due, la.due_on) end as missed,
		case when c.closed_on is not null then null
			when la.due_on < k.due or k.due is null then 'advice_due/' || la.advice_id
			else k.name end as deadline
	from cases c
	left join late_advice la on la.case_ref = c.case_ref
	cross join lateral (select
		case when c.decided_to_assess_on is null and c.decision_to_assess_due < $1 then c.decision_to_assess_due
			when c.decided_to_issue_on is null and c.stage in ('requested', 'assessing')
				and c.decision_not_to_issue_due < $1 then c.decision_not_to_issue_due
			when c.final_plan_on is null and c.final_plan_due < $1 then c.final_plan_due end as due,
		case when c.decided_to_assess_on is null and c.decision_to_assess_due < $1 then 'decision_to_assess_due'
			when c.decided_to_issue_on is null and c.stage in ('requested', 'assessing')
				and c.decision_not_to_issue_due < $1 then 'decision_not_to_issue_due'
			when c.final_plan_on is null and c.final_plan_due < $1 then 'final_plan_due' end as name) k
	where {{where}}
)
select case_ref, stage, caseworker, day1, next_deadline, final_plan_due, has_exception, closed,
	deadline, $1 - missed as days_overdue
from judged`

// casesQuery is casesSQL for f, with only the predicates f sets: each
// plan is then made for its own filter (the caseworker's index, the open
// cases' partial index) rather than one generic plan for every filter.
func casesQuery(f CaseFilter, today statute.Date) (string, []any) {
	args := []any{today.String()}
	where := []string{"c.closed_on is null"}
	if f.Stage != "" {
		args = append(args, f.Stage)
		where = []string{fmt.Sprintf("c.stage = $%d", len(args))}
	}
	if f.Caseworker != "" {
		args = append(args, f.Caseworker)
		where = append(where, fmt.Sprintf("c.caseworker = $%d", len(args)))
	}
	sql := strings.Replace(casesSQL, "{{where}}", strings.Join(where, " and "), 1)
	if f.Overdue {
		sql += "\nwhere missed is not null"
	}
	return sql, args
}

// Cases lists the cases f selects as they stand on today: overdue cases
// first, longest overdue first, then by next deadline.
func (s *Store) Cases(ctx context.Context, f CaseFilter, today statute.Date) ([]CaseRow, error) {
	if today.IsZero() {
		return nil, fmt.Errorf("listing cases: the date to judge them on is required")
	}
	sql, args := casesQuery(f, today)
	rows, err := s.Pool.Query(ctx, sql+"\norder by missed nulls last, next_deadline nulls last, case_ref", args...)
	if err != nil {
		return nil, fmt.Errorf("listing cases: %w", err)
	}
	out := []CaseRow{}
	for rows.Next() {
		var r CaseRow
		var day1, next, due *time.Time
		var deadline *string
		var days *int
		if err := rows.Scan(&r.CaseRef, &r.Stage, &r.Caseworker, &day1, &next, &due, &r.HasException, &r.Closed,
			&deadline, &days); err != nil {
			rows.Close()
			return nil, fmt.Errorf("listing cases: %w", err)
		}
		r.Day1, r.NextDeadline, r.FinalPlanDue = civil(day1), civil(next), civil(due)
		if deadline != nil && days != nil {
			r.Overdue, r.OverdueDeadline, r.DaysOverdue = true, *deadline, *days
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing cases: %w", err)
	}
	return out, nil
}

// civil reads a PostgreSQL date (midnight UTC in pgx) as a civil date.
func civil(t *time.Time) statute.Date {
	if t == nil {
		return statute.Date{}
	}
	return statute.NewDate(t.Year(), t.Month(), t.Day())
}
