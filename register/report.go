package register

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/ehc-send/ehc/statute"
)

// Report is the timeliness report managers answer for, for the period
// [From, To] inclusive, with what is overdue as of Today. A percentage is
// nil when nothing was counted: "no plans" is not 0%.
type Report struct {
	From                statute.Date   `json:"from"`
	To                  statute.Date   `json:"to"`
	Today               statute.Date   `json:"today"`
	RequestsReceived    int            `json:"requests_received"` // Day 1 in the period
	DecisionsToAssess   AssessTiming   `json:"decisions_to_assess"`
	DecisionsNotToIssue NoPlanTiming   `json:"decisions_not_to_issue"`
	Plans               PlanTiming     `json:"plans"`
	AdviceByKind        []AdviceTiming `json:"advice_by_kind"`
	AdviceByProvider    []AdviceTiming `json:"advice_by_provider"`
	AdviceTotal         AdviceTiming   `json:"advice_total"`
	Overdue             []OverdueGroup `json:"overdue"`       // by limit missed first
	OverdueTotal        OverdueGroup   `json:"overdue_total"` // every overdue case
	PlansInForce        PlanLife       `json:"plans_in_force"`
	Disagreements       Disagreements  `json:"disagreements"`
	// DfE is the 20-week figure as the DfE publishes it: plans from
	// assessments where no mediation or tribunal took place (a refusal
	// disputed), exceptions left out, and which cases are left out and why.
	DfE DfETiming `json:"dfe_20_weeks"`
}

// DfETiming is the 20-week figure comparable with the DfE's.
type DfETiming struct {
	Issued        int       `json:"issued"`
	Within20Weeks int       `json:"within_20_weeks"`
	Pct           *float64  `json:"pct_within_20_weeks,omitempty"`
	LeftOut       []LeftOut `json:"left_out"`
}

// LeftOut is a case the DfE's figure leaves out, and why.
type LeftOut struct {
	CaseRef string `json:"case_ref"`
	Reason  string `json:"reason"`
}

// Reasons a case is left out of the DfE's figure.
const (
	LeftOutException = "an exception to the 20 weeks applied (reg 13(3))"
	LeftOutOrder     = "the plan was made under a tribunal order after a refusal (reg 44(2)(b)-(c))"
	LeftOutAgreement = "the plan was made under a mediation agreement after a refusal (reg 42)"
)

// Disagreements is the disagreements over decisions on plans in force and
// over refusals that closed a case (reg 32-45): mediations held and
// appeals lodged in the period, tribunal orders made in it by kind, those
// complied with in it and whether by their limit (reg 44(2)), and those
// overdue on Today.
type Disagreements struct {
	MediationsHeld    int          `json:"mediations_held"`
	AppealsLodged     int          `json:"appeals_lodged"`
	OrdersMade        []OrderCount `json:"orders_made"` // by kind
	OrdersComplied    int          `json:"orders_complied"`
	OrdersCompliedDue int          `json:"orders_complied_on_time"`
	PctOrdersOnTime   *float64     `json:"pct_orders_complied_on_time,omitempty"`
	OrdersOverdue     int          `json:"orders_overdue"`
}

// OrderCount is the orders of one kind made in the period.
type OrderCount struct {
	Kind      string `json:"kind"`
	Made      int    `json:"made"`
	Unopposed int    `json:"unopposed"` // reg 45
}

// PlanLife is the plans in force: their reviews held in the period and
// whether within their 12 months (CFA s.44(1)), the amended plans issued
// in the period and whether within 12 weeks of the meeting (reg 22(3):
// 4 weeks for the decision and notice, then 8), the phase transfers due in
// the period and whether the plan named the setting by then (reg 18), and
// what is overdue on Today.
type PlanLife struct {
	InForce                int      `json:"in_force"` // not ended (ceased or sent to another authority)
	ReviewsHeld            int      `json:"reviews_held"`
	ReviewsWithinPeriod    int      `json:"reviews_within_period"`
	PctReviews             *float64 `json:"pct_reviews_within_period,omitempty"`
	Amended                int      `json:"amended_plans_issued"`
	AmendedWithin12Weeks   int      `json:"amended_within_12_weeks"`
	PctAmended             *float64 `json:"pct_amended_within_12_weeks,omitempty"`
	TransfersDue           int      `json:"phase_transfers_due"`
	TransfersAmendedByDate int      `json:"phase_transfers_amended_by_date"`
	PctTransfers           *float64 `json:"pct_phase_transfers_amended_by_date,omitempty"`
	ReviewsOverdue         int      `json:"reviews_overdue"`
	AmendmentsOverdue      int      `json:"amendments_overdue"`
	TransfersOverdue       int      `json:"phase_transfers_overdue"`
}

// AssessTiming is the decisions whether to assess made in the period
// (reg 5(1): 6 weeks from Day 1), either way.
type AssessTiming struct {
	Made         int      `json:"made"`
	Within6Weeks int      `json:"within_6_weeks"`
	Pct          *float64 `json:"pct_within_6_weeks,omitempty"`
	Refused      int      `json:"refused"` // decided not to assess
}

// NoPlanTiming is the decisions not to issue a plan made in the period
// (reg 10(1): 16 weeks from Day 1).
type NoPlanTiming struct {
	Made          int      `json:"made"`
	Within16Weeks int      `json:"within_16_weeks"`
	Pct           *float64 `json:"pct_within_16_weeks,omitempty"`
}

// PlanTiming is the final plans issued in the period (reg 13(2): 20 weeks).
// As DfE SEN2 reports it, timeliness is given both including and excluding
// exception cases; excluding them restricts numerator and denominator.
type PlanTiming struct {
	Issued                      int      `json:"issued"`
	Within20Weeks               int      `json:"within_20_weeks"`
	Pct                         *float64 `json:"pct_within_20_weeks,omitempty"`
	IssuedExclExceptions        int      `json:"issued_excl_exceptions"`
	Within20WeeksExclExceptions int      `json:"within_20_weeks_excl_exceptions"`
	PctExclExceptions           *float64 `json:"pct_within_20_weeks_excl_exceptions,omitempty"`
	MedianWeeks                 *float64 `json:"median_weeks,omitempty"` // Day 1 to final plan, every plan
	P90Weeks                    *float64 `json:"p90_weeks,omitempty"`
}

// AdviceTiming is the advice requested in the period from one kind or
// provider (reg 8(1): 6 weeks from the request). Pct is of the requests
// whose outcome is known: received, or past due. Requests still within
// their 6 weeks are neither on time nor late yet.
type AdviceTiming struct {
	Name         string   `json:"name,omitempty"`
	Requested    int      `json:"requested"`
	Received     int      `json:"received"`
	Within6Weeks int      `json:"within_6_weeks"`
	StillInTime  int      `json:"still_in_time"` // not received, not yet due
	Pct          *float64 `json:"pct_within_6_weeks,omitempty"`
}

// OverdueGroup is the open cases whose earliest missed limit is Deadline
// (advice_due for any advice), with how many days overdue they are.
type OverdueGroup struct {
	Deadline          string `json:"deadline,omitempty"`
	Cases             int    `json:"cases"`
	MedianDaysOverdue int    `json:"median_days_overdue"`
	MaxDaysOverdue    int    `json:"max_days_overdue"`
}

// Report computes the figures for [from, to] and what is overdue on today.
// Each section is one query: a range on an indexed date column, but for
// the overdue one, which judges every open case as Cases does.
func (s *Store) Report(ctx context.Context, from, to, today statute.Date) (Report, error) {
	if from.IsZero() || to.IsZero() || today.IsZero() {
		return Report{}, fmt.Errorf("report: the period and the date to judge it on are required")
	}
	if to.Before(from) {
		return Report{}, fmt.Errorf("report: the period ends (%s) before it starts (%s)", to, from)
	}
	r := Report{From: from, To: to, Today: today, AdviceByKind: []AdviceTiming{},
		AdviceByProvider: []AdviceTiming{}, Overdue: []OverdueGroup{}, Disagreements: Disagreements{OrdersMade: []OrderCount{}}}
	f, t, now := from.String(), to.String(), today.String()
	overdueSQL, overdueArgs := casesQuery(CaseFilter{Overdue: true}, today)
	var ordered []LeftOut // the DfE's left-out plans made under an order: their own section's
	err := s.sections(ctx, []section{{
		sql:  `select count(*) from cases where day1 between $1 and $2`,
		args: []any{f, t},
		read: func(row pgx.Rows) error { return row.Scan(&r.RequestsReceived) },
	}, {
		sql: `select count(*), count(*) filter (where decided_to_assess_on <= decision_to_assess_due),
				count(*) filter (where not assess)
			from cases where decided_to_assess_on between $1 and $2`,
		args: []any{f, t},
		read: func(row pgx.Rows) error {
			a := &r.DecisionsToAssess
			return row.Scan(&a.Made, &a.Within6Weeks, &a.Refused)
		},
	}, {
		sql: `select count(*), count(*) filter (where decided_to_issue_on <= decision_not_to_issue_due)
			from cases where decided_to_issue_on between $1 and $2 and not issue`,
		args: []any{f, t},
		read: func(row pgx.Rows) error {
			n := &r.DecisionsNotToIssue
			return row.Scan(&n.Made, &n.Within16Weeks)
		},
	}, {
		sql: `select count(*), count(*) filter (where final_plan_on <= final_plan_due),
				count(*) filter (where not has_exception),
				count(*) filter (where not has_exception and final_plan_on <= final_plan_due),
				round(percentile_cont(0.5) within group (order by (final_plan_on - day1) / 7.0)::numeric, 1)::float8,
				round(percentile_cont(0.9) within group (order by (final_plan_on - day1) / 7.0)::numeric, 1)::float8
			from cases where final_plan_on between $1 and $2`,
		args: []any{f, t},
		read: func(row pgx.Rows) error {
			p := &r.Plans
			return row.Scan(&p.Issued, &p.Within20Weeks, &p.IssuedExclExceptions, &p.Within20WeeksExclExceptions,
				&p.MedianWeeks, &p.P90Weeks)
		},
	}, {
		// Counted by kind and provider in one pass, then rolled up: one
		// hash of the period's requests rather than one per grouping.
		sql: `select grouping(kind), grouping(provider), coalesce(kind, provider, ''),
				coalesce(sum(n), 0)::int, coalesce(sum(received), 0)::int,
				coalesce(sum(on_time), 0)::int, coalesce(sum(in_time), 0)::int
			from (select kind, provider, count(*) as n, count(received_on) as received,
					count(*) filter (where received_on <= due_on) as on_time,
					count(*) filter (where received_on is null and due_on >= $3) as in_time
				from advice_requests where requested_on between $1 and $2
				group by kind, provider) a
			group by grouping sets ((kind), (provider), ())
			order by 1, 2, array_position($4::text[], kind), 3`,
		args: []any{f, t, now, adviceKindOrder},
		read: func(row pgx.Rows) error {
			var byKind, byProvider int
			var a AdviceTiming
			if err := row.Scan(&byKind, &byProvider, &a.Name, &a.Requested, &a.Received, &a.Within6Weeks, &a.StillInTime); err != nil {
				return err
			}
			a.Pct = pct(a.Within6Weeks, a.Requested-a.StillInTime)
			switch {
			case byKind == 0:
				r.AdviceByKind = append(r.AdviceByKind, a)
			case byProvider == 0:
				r.AdviceByProvider = append(r.AdviceByProvider, a)
			default:
				a.Name, r.AdviceTotal = "", a
			}
			return nil
		},
	}, {
		sql: `select grouping(limit_missed), coalesce(limit_missed, ''), count(*),
				coalesce(percentile_disc(0.5) within group (order by days_overdue), 0), coalesce(max(days_overdue), 0)
			from (select split_part(deadline, '/', 1) as limit_missed, days_overdue
				from (` + overdueSQL + `) o) g
			group by grouping sets ((limit_missed), ())
			order by 1, array_position(array['decision_to_assess_due', 'decision_not_to_issue_due',
				'final_plan_due', 'advice_due'], limit_missed)`,
		args: overdueArgs,
		read: func(row pgx.Rows) error {
			var total int
			var g OverdueGroup
			if err := row.Scan(&total, &g.Deadline, &g.Cases, &g.MedianDaysOverdue, &g.MaxDaysOverdue); err != nil {
				return err
			}
			if total == 1 {
				r.OverdueTotal = g
			} else {
				r.Overdue = append(r.Overdue, g)
			}
			return nil
		},
	}, {
		sql: `select (select count(*) from plans where ended_on is null),
				count(*) filter (where held_on between $1 and $2),
				count(*) filter (where held_on between $1 and $2 and held_on <= due),
				count(*) filter (where outcome = 'amend' and not not_amended and final_on between $1 and $2),
				count(*) filter (where outcome = 'amend' and not not_amended and final_on between $1 and $2 and final_on <= held_on + 84),
				(select count(*) from plans where ended_on is null and next_review_due < $3),
				count(*) filter (where outcome = 'amend' and final_on is null and final_due < $3
					and plan_ref in (select plan_ref from plans where ended_on is null))
			from plan_reviews where held_on between $1 and $2 or final_on between $1 and $2 or (final_on is null and final_due < $3)`,
		args: []any{f, t, now},
		read: func(row pgx.Rows) error {
			l := &r.PlansInForce
			return row.Scan(&l.InForce, &l.ReviewsHeld, &l.ReviewsWithinPeriod, &l.Amended, &l.AmendedWithin12Weeks,
				&l.ReviewsOverdue, &l.AmendmentsOverdue)
		},
	}, {
		sql: `select count(*) filter (where amend_by between $1 and $2),
				count(*) filter (where amend_by between $1 and $2 and amended_on <= amend_by),
				count(*) filter (where amended_on is null and amend_by < $3 and plan_ref in (select plan_ref from plans where ended_on is null))
			from plan_transfers where not replaced`,
		args: []any{f, t, now},
		read: func(row pgx.Rows) error {
			l := &r.PlansInForce
			return row.Scan(&l.TransfersDue, &l.TransfersAmendedByDate, &l.TransfersOverdue)
		},
	}, {
		// A refusal's order is on time when every one of its limits was met
		// by its date; a mediation agreement (reg 42) is not a tribunal order.
		sql: `select count(*) filter (where mediation_held between $1 and $2),
				count(*) filter (where appealed_on between $1 and $2),
				count(*) filter (where ordered and order_met_on between $1 and $2),
				count(*) filter (where ordered and order_met_on between $1 and $2 and on_time),
				count(*) filter (where ordered and overdue_now)
			from (select mediation_held, appealed_on, order_met_on, true as ordered, order_met_on <= order_due as on_time,
					order_met_on is null and order_due < $3 and plan_ref in (select plan_ref from plans where ended_on is null) as overdue_now
				from plan_disputes
				union all select mediation_held, appealed_on, order_met_on, not agreement, order_on_time,
					ended_on is null and order_made is not null and (overdue or order_due < $3)
				from case_disputes) d`,
		args: []any{f, t, now},
		read: func(row pgx.Rows) error {
			d := &r.Disagreements
			return row.Scan(&d.MediationsHeld, &d.AppealsLodged, &d.OrdersComplied, &d.OrdersCompliedDue, &d.OrdersOverdue)
		},
	}, {
		sql: `select order_kind, count(*), count(*) filter (where unopposed)
			from (select order_kind, unopposed, order_made from plan_disputes
				union all select order_kind, unopposed, order_made from case_disputes where not agreement) d
			where order_made between $1 and $2 group by order_kind order by order_kind`,
		args: []any{f, t},
		read: func(row pgx.Rows) error {
			var o OrderCount
			if err := row.Scan(&o.Kind, &o.Made, &o.Unopposed); err != nil {
				return err
			}
			r.Disagreements.OrdersMade = append(r.Disagreements.OrdersMade, o)
			return nil
		},
	}, {
		// The plans the assessments issued in the period: an assessment that
		// went to mediation or the tribunal (a refusal disputed) issues its
		// plan under the order or agreement, counted below, never here. A
		// disagreement over a plan's contents comes after the plan was
		// issued, so it leaves the figure alone: a period's figure does not
		// change when a plan is appealed later.
		sql: `select case_ref, final_plan_on <= final_plan_due, has_exception from cases
			where final_plan_on between $1 and $2 order by case_ref`,
		args: []any{f, t},
		read: func(row pgx.Rows) error {
			var ref string
			var onTime, exception bool
			if err := row.Scan(&ref, &onTime, &exception); err != nil {
				return err
			}
			switch {
			case exception:
				r.DfE.LeftOut = append(r.DfE.LeftOut, LeftOut{ref, LeftOutException})
			default:
				r.DfE.Issued++
				if onTime {
					r.DfE.Within20Weeks++
				}
			}
			return nil
		},
	}, {
		sql:  `select case_ref, agreement from case_disputes where plan_issued_on between $1 and $2 order by case_ref`,
		args: []any{f, t},
		read: func(row pgx.Rows) error {
			var ref string
			var agreed bool
			if err := row.Scan(&ref, &agreed); err != nil {
				return err
			}
			why := LeftOutOrder
			if agreed {
				why = LeftOutAgreement
			}
			ordered = append(ordered, LeftOut{ref, why})
			return nil
		},
	}})
	if err != nil {
		return Report{}, fmt.Errorf("report for %s to %s: %w", from, to, err)
	}
	r.DfE.Pct = pct(r.DfE.Within20Weeks, r.DfE.Issued)
	r.DfE.LeftOut = append(append([]LeftOut{}, r.DfE.LeftOut...), ordered...)
	slices.SortFunc(r.DfE.LeftOut, func(a, b LeftOut) int { return strings.Compare(a.CaseRef, b.CaseRef) })
	r.Disagreements.PctOrdersOnTime = pct(r.Disagreements.OrdersCompliedDue, r.Disagreements.OrdersComplied)
	l := &r.PlansInForce
	l.PctReviews, l.PctAmended, l.PctTransfers = pct(l.ReviewsWithinPeriod, l.ReviewsHeld), pct(l.AmendedWithin12Weeks, l.Amended), pct(l.TransfersAmendedByDate, l.TransfersDue)
	r.DecisionsToAssess.Pct = pct(r.DecisionsToAssess.Within6Weeks, r.DecisionsToAssess.Made)
	r.DecisionsNotToIssue.Pct = pct(r.DecisionsNotToIssue.Within16Weeks, r.DecisionsNotToIssue.Made)
	r.Plans.Pct = pct(r.Plans.Within20Weeks, r.Plans.Issued)
	r.Plans.PctExclExceptions = pct(r.Plans.Within20WeeksExclExceptions, r.Plans.IssuedExclExceptions)
	return r, nil
}

// section is one query of the report and how to read each of its rows.
type section struct {
	sql  string
	args []any
	read func(pgx.Rows) error
}

// sections runs each section's query on its own connection, all at once:
// the report takes as long as its slowest section, not their sum. Each
// section writes only its own fields.
func (s *Store) sections(ctx context.Context, secs []section) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(secs))
	var wg sync.WaitGroup
	for i, sec := range secs {
		wg.Go(func() {
			rows, err := s.Pool.Query(ctx, sec.sql, sec.args...)
			if err != nil {
				errs[i] = err
				cancel()
				return
			}
			defer rows.Close()
			for rows.Next() {
				if err := sec.read(rows); err != nil {
					errs[i] = err
					cancel()
					return
				}
			}
			if errs[i] = rows.Err(); errs[i] != nil {
				cancel()
			}
		})
	}
	wg.Wait()
	// The first error that is not a section cancelled because of another.
	var first error
	for _, err := range errs {
		if err != nil && (first == nil || errors.Is(first, context.Canceled) && !errors.Is(err, context.Canceled)) {
			first = err
		}
	}
	return first
}

// adviceKindOrder lists the kinds as reg 6(1) does, for the report's rows.
var adviceKindOrder = func() []string {
	out := make([]string, len(statute.AdviceKinds))
	for i, k := range statute.AdviceKinds {
		out[i] = string(k)
	}
	return out
}()

// pct is n of d as a percentage to one decimal, or nil when d is 0.
func pct(n, d int) *float64 {
	if d <= 0 {
		return nil
	}
	v := math.Round(1000*float64(n)/float64(d)) / 10
	return &v
}
