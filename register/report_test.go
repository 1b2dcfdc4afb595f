package register_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/registertest"
)

func p(v float64) *float64 { return &v }

// The figures below are worked out by hand from registertest.Timeliness
// for Q1 2026 (1 Jan to 31 Mar inclusive), judged on Wed 15 Apr 2026.
//
// Requests received: Day 1 in the period for R1 (5 Jan), R2, R3, R4, R5 and
// R8 (31 Mar, the last day counts); not R7 (22 Dec) or R6 (6 Apr): 6.
//
// Decisions whether to assess made in the period (due Day 1 + 42 days):
// R1 9 Feb (due 16 Feb, in time), R2 2 Mar (due 23 Feb, late, refused),
// R3 20 Feb (due 2 Mar, in time, refused), R4 16 Mar (due 9 Mar, late), R7
// 26 Jan (due 2 Feb, in time): 5 made, 3 within 6 weeks = 60.0%, 2 refused.
//
// Decisions not to issue (due Day 1 + 112 days): N1 19 Jan (due 26 Jan, in
// time), N2 9 Feb (due 5 Jan, late); P6 and O1 decided to issue, which has
// no 16-week limit: 2 made, 1 within 16 weeks = 50.0%.
//
// Final plans issued in the period (due Day 1 + 140 days):
// P1 12 Jan, 133 days = 19.0 weeks, due 19 Jan: within;
// P2 26 Jan, 140 days = 20.0 weeks, due 26 Jan: within (the due day counts);
// P3 2 Feb, 182 days = 26.0 weeks: late;
// P4 2 Mar, 238 days = 34.0 weeks: late, with an exception;
// not P5 (15 Dec) or P6 (6 Apr). Plans issued: 4; within 20 weeks including
// exceptions 2/4 = 50.0%; excluding exceptions (P1-P3) 2/3 = 66.7%.
// Median of 19, 20, 26, 34 = (20 + 26) / 2 = 23.0 weeks; 90th percentile
// at rank 0.9 x 3 = 2.7: 26 + 0.7 x (34 - 26) = 31.6 weeks.
//
// Advice requested in the period (due request + 42 days), judged on 15 Apr:
// R1 psychological, EP Service, 9 Feb, due 23 Mar, received 16 Mar: within;
// R1 medical, Paediatrics, 9 Feb, due 23 Mar, received 20 Mar: within;
// R4 psychological, EP Service, 16 Mar, due 27 Apr, not received: in time;
// R4 medical, Community Paediatrics, 16 Mar, due 27 Apr, received 1 Apr: within;
// R7 psychological, Locum EP, 26 Jan, due 9 Mar, not received: late;
// R7 social care, Children's Services, 26 Jan, due 9 Mar, received 12 Mar: late;
// not N1's or W1's (requested in 2025). The percentage leaves out requests
// still in time. By kind: medical 2 requested, 2 received, 2 within =
// 100.0%; psychological 3, 1, 1, 1 in time: 1/2 = 50.0%; social care 1, 1,
// 0 = 0.0%. By provider: Children's Services 0/1 = 0.0%; Community
// Paediatrics 1/1 = 100.0%; EP Service 2 requested, 1 within, 1 in time:
// 1/1 = 100.0%; Locum EP 0/1 = 0.0%; Paediatrics 1/1 = 100.0%. In all: 6
// requested, 4 received, 3 within, 1 in time: 3/5 = 60.0%.
//
// Overdue on 15 Apr (open cases only; the earliest limit missed):
// R5 decision whether to assess due 16 Mar: 30 days;
// O2 decision not to issue due 23 Feb: 51 days (its plan, due 23 Mar, too);
// O1 final plan due 2 Mar: 44 days (an exception does not stop the clock);
// R7 advice psychological-1 due 9 Mar: 37 days (its 16 weeks ended 13 Apr);
// not R1, whose stored flag says overdue but whose dates do not; not N2 or
// W1, closed with limits unmet. 4 cases; median of 30, 37, 44, 51 (the
// lower middle value) 37 days; longest 51.
func TestReportFigures(t *testing.T) {
	s := registertest.Store(t)
	registertest.Timeliness(t, s)
	r, err := s.Report(context.Background(), d(registertest.TimelinessFrom), d(registertest.TimelinessTo), d(registertest.TimelinessToday))
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %s\nwant %s", name, show(got), show(want))
		}
	}
	check("requests received", r.RequestsReceived, 6)
	check("decisions to assess", r.DecisionsToAssess, register.AssessTiming{Made: 5, Within6Weeks: 3, Pct: p(60), Refused: 2})
	check("decisions not to issue", r.DecisionsNotToIssue, register.NoPlanTiming{Made: 2, Within16Weeks: 1, Pct: p(50)})
	check("plans", r.Plans, register.PlanTiming{Issued: 4, Within20Weeks: 2, Pct: p(50),
		IssuedExclExceptions: 3, Within20WeeksExclExceptions: 2, PctExclExceptions: p(66.7),
		MedianWeeks: p(23), P90Weeks: p(31.6)})
	check("advice by kind", r.AdviceByKind, []register.AdviceTiming{
		{Name: "medical", Requested: 2, Received: 2, Within6Weeks: 2, Pct: p(100)},
		{Name: "psychological", Requested: 3, Received: 1, Within6Weeks: 1, StillInTime: 1, Pct: p(50)},
		{Name: "social_care", Requested: 1, Received: 1, Within6Weeks: 0, Pct: p(0)},
	})
	check("advice by provider", r.AdviceByProvider, []register.AdviceTiming{
		{Name: "Children's Services", Requested: 1, Received: 1, Pct: p(0)},
		{Name: "Community Paediatrics", Requested: 1, Received: 1, Within6Weeks: 1, Pct: p(100)},
		{Name: "EP Service", Requested: 2, Received: 1, Within6Weeks: 1, StillInTime: 1, Pct: p(100)},
		{Name: "Locum EP", Requested: 1, Pct: p(0)},
		{Name: "Paediatrics", Requested: 1, Received: 1, Within6Weeks: 1, Pct: p(100)},
	})
	check("advice in all", r.AdviceTotal, register.AdviceTiming{Requested: 6, Received: 4, Within6Weeks: 3, StillInTime: 1, Pct: p(60)})
	check("overdue by limit", r.Overdue, []register.OverdueGroup{
		{Deadline: "decision_to_assess_due", Cases: 1, MedianDaysOverdue: 30, MaxDaysOverdue: 30},
		{Deadline: "decision_not_to_issue_due", Cases: 1, MedianDaysOverdue: 51, MaxDaysOverdue: 51},
		{Deadline: "final_plan_due", Cases: 1, MedianDaysOverdue: 44, MaxDaysOverdue: 44},
		{Deadline: "advice_due", Cases: 1, MedianDaysOverdue: 37, MaxDaysOverdue: 37},
	})
	check("overdue in all", r.OverdueTotal, register.OverdueGroup{Cases: 4, MedianDaysOverdue: 37, MaxDaysOverdue: 51})
}

// A period with nothing in it has no percentages: not 0%, and no NaN.
func TestReportEmptyPeriod(t *testing.T) {
	s := registertest.Store(t)
	registertest.Timeliness(t, s)
	r, err := s.Report(context.Background(), d("2020-01-01"), d("2020-12-31"), d(registertest.TimelinessToday))
	if err != nil {
		t.Fatal(err)
	}
	if r.RequestsReceived != 0 || r.DecisionsToAssess != (register.AssessTiming{}) || r.DecisionsNotToIssue != (register.NoPlanTiming{}) ||
		r.Plans != (register.PlanTiming{}) || len(r.AdviceByKind) != 0 || len(r.AdviceByProvider) != 0 || r.AdviceTotal != (register.AdviceTiming{}) {
		t.Errorf("empty period has figures: %s", show(r))
	}
	if r.OverdueTotal.Cases != 4 {
		t.Errorf("overdue now is judged on today whatever the period: %d cases, want 4", r.OverdueTotal.Cases)
	}
	b, _ := json.Marshal(r)
	for _, bad := range []string{"pct", "median_weeks", "NaN"} {
		if strings.Contains(string(b), bad) {
			t.Errorf("JSON for an empty period has %q: %s", bad, b)
		}
	}
}

func TestReportRejectsBadPeriod(t *testing.T) {
	s := registertest.Store(t)
	if _, err := s.Report(context.Background(), d("2026-03-31"), d("2026-01-01"), d("2026-04-15")); err == nil ||
		!strings.Contains(err.Error(), "ends (2026-01-01) before it starts (2026-03-31)") {
		t.Errorf("to before from: %v", err)
	}
}

func show(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
