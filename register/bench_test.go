package register_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/registertest"
	"github.com/ehc-send/ehc/statute"
)

// benchDB is kept between runs (seeding takes a minute); bump it when the
// schema or the generator changes.
const benchDB = "ehc_bench_v2"

// England's caseload: about 150,000 requests a year, three years of them.
const benchYears, benchPerYear = 3, 150_000

var benchToday = statute.NewDate(2026, time.November, 25)

// BenchmarkReport times the manager's report for a year and the overdue
// list on a register the size of England's (run: make bench).
func BenchmarkReport(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	from, to := statute.NewDate(2025, time.April, 1), statute.NewDate(2026, time.March, 31)
	b.Run("report_one_year", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Report(ctx, from, to, benchToday); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("overdue_list", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Cases(ctx, register.CaseFilter{Overdue: true}, benchToday); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func benchStore(b *testing.B) *register.Store {
	b.Helper()
	ctx := context.Background()
	u, err := url.Parse(registertest.BaseURL())
	if err != nil {
		b.Fatal(err)
	}
	u.Path = "/" + benchDB
	s, err := register.Open(ctx, u.String())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(s.Close)
	var cases, events int
	if err := s.Pool.QueryRow(ctx, "select (select count(*) from cases), (select count(*) from case_events)").Scan(&cases, &events); err != nil {
		b.Fatal(err)
	}
	if cases == 0 {
		start := time.Now()
		if err := seed(ctx, s); err != nil {
			b.Fatal(err)
		}
		if err := s.Pool.QueryRow(ctx, "select (select count(*) from cases), (select count(*) from case_events)").Scan(&cases, &events); err != nil {
			b.Fatal(err)
		}
		b.Logf("seeded %s in %s", benchDB, time.Since(start).Round(time.Second))
	}
	b.Logf("register: %d cases, %d case events", cases, events)
	if events < 1_000_000 {
		b.Fatalf("only %d case events; the benchmark needs at least a million", events)
	}
	return s
}

// seed writes a synthetic register with COPY: deterministic, and shaped like
// national figures (about half of plans within 20 weeks, a quarter of
// requests refused, a few exceptions).
func seed(ctx context.Context, s *register.Store) error {
	rng := rand.New(rand.NewPCG(2026, 11))
	var cases, events, advice [][]any
	first := benchToday.AddDays(-365 * benchYears)
	date := func(d statute.Date) any {
		if d.IsZero() || d.After(benchToday) {
			return nil
		}
		return d.Time()
	}
	kinds := []statute.AdviceKind{statute.AdviceKindEducational, statute.AdviceKindMedical, statute.AdviceKindPsychological}
	for i := range benchYears * benchPerYear {
		ref := fmt.Sprintf("B%07d", i)
		day1 := first.AddDays(rng.IntN(365 * benchYears))
		tt := statute.Compute(day1, statute.Steps{})
		seq := 0
		event := func(name string, on statute.Date) {
			if on.IsZero() || on.After(benchToday) {
				return
			}
			seq++
			events = append(events, []any{fmt.Sprintf("%s/%d/%s", ref, seq, name), ref, "step", name, seq, on.Time()})
			events = append(events, []any{fmt.Sprintf("notification/%s/%d/%s", ref, seq, name), ref, "notification", name, nil, on.Time()})
		}
		event("request-received", day1)
		decided := day1.AddDays(20 + rng.IntN(35))
		assess := rng.IntN(4) != 0
		var issuedOn, decidedIssue, served statute.Date
		issue := rng.IntN(10) != 0
		if assess {
			for k, kind := range kinds {
				req := decided.AddDays(rng.IntN(7))
				if req.After(benchToday) {
					break
				}
				var got statute.Date
				if rng.IntN(10) != 0 {
					got = req.AddDays(21 + rng.IntN(42))
				}
				advice = append(advice, []any{ref, fmt.Sprintf("%s-%d", kind, 1), string(kind), fmt.Sprintf("Provider %d", (i+k)%40),
					date(req), statute.AdviceDueFrom(req).Time(), date(got)})
				event("request-advice", req)
				event("record-advice", got)
			}
			decidedIssue = day1.AddDays(70 + rng.IntN(50))
			if issue {
				served = decidedIssue.AddDays(7 + rng.IntN(8))
				issuedOn = served.AddDays(15 + int(rng.ExpFloat64()*25))
			}
		}
		event("decide-assess", decided)
		event("decide-issue", decidedIssue)
		event("serve-draft", served)
		event("issue-final-plan", issuedOn)
		stage, closed := "requested", statute.Date{}
		switch {
		case decided.After(benchToday):
		case !assess:
			stage, closed = "not_assessed", decided
		case decidedIssue.After(benchToday):
			stage = "assessing"
		case !issue:
			stage, closed = "no_plan", decidedIssue
		case served.After(benchToday):
			stage = "drafting"
		case issuedOn.After(benchToday):
			stage = "draft_served"
		default:
			stage, closed = "final_plan_issued", issuedOn
		}
		var assessArg, issueArg any
		if date(decided) != nil {
			assessArg = assess
		}
		if assess && date(decidedIssue) != nil {
			issueArg = issue
		}
		cases = append(cases, []any{ref, stage, "parent", fmt.Sprintf("cw-%03d", i%300), day1.Time(),
			tt.DecisionToAssessDue.Time(), tt.DecisionNotToIssueDue.Time(), tt.FinalPlanDue.Time(),
			date(decided), assessArg, date(decidedIssue), issueArg, date(served), date(issuedOn), date(closed),
			rng.IntN(20) == 0, seq})
	}
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		for _, c := range []struct {
			table string
			cols  []string
			rows  [][]any
		}{
			{"cases", []string{"case_ref", "stage", "requester", "caseworker", "day1", "decision_to_assess_due",
				"decision_not_to_issue_due", "final_plan_due", "decided_to_assess_on", "assess", "decided_to_issue_on",
				"issue", "draft_served_on", "final_plan_on", "closed_on", "has_exception", "seq"}, cases},
			{"advice_requests", []string{"case_ref", "advice_id", "kind", "provider", "requested_on", "due_on", "received_on"}, advice},
			{"case_events", []string{"event_key", "case_ref", "kind", "name", "seq", "effective_on"}, events},
		} {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
				return fmt.Errorf("seeding %s: %w", c.table, err)
			}
		}
		_, err := tx.Exec(ctx, "analyze")
		return err
	})
}
