package register_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/registertest"
	"github.com/ehc-send/ehc/statute"
)

// line is a row as the tests compare it: ref, and the limit missed with
// days overdue, or "-".
func line(r register.CaseRow) string {
	if !r.Overdue {
		return r.CaseRef + " -"
	}
	return fmt.Sprintf("%s %s %d", r.CaseRef, r.OverdueDeadline, r.DaysOverdue)
}

func listed(t *testing.T, s *register.Store, f register.CaseFilter, today string) string {
	t.Helper()
	rows, err := s.Cases(context.Background(), f, d(today))
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = line(r)
	}
	return strings.Join(out, ", ")
}

// On 15 Apr 2026 (see report_test.go for the dates by hand): O2 51 days
// past its 16-week decision, O1 44 past its final plan (despite its
// exception), R7 37 past its psychological advice, R5 30 past its 6-week
// decision; then the rest of the open cases by next deadline: R1 and R4
// (27 Apr, by ref), R8 (12 May), R6 (18 May). R1's stored overdue flag is
// set, but nothing of R1's is late. Closed cases are left out.
func TestCasesFiltersAndOrder(t *testing.T) {
	s := registertest.Store(t)
	registertest.Timeliness(t, s)
	today := registertest.TimelinessToday
	for _, c := range []struct {
		f    register.CaseFilter
		want string
	}{
		{register.CaseFilter{}, "EHC-O2 decision_not_to_issue_due 51, EHC-O1 final_plan_due 44, " +
			"EHC-R7 advice_due/psychological-1 37, EHC-R5 decision_to_assess_due 30, EHC-R1 -, EHC-R4 -, EHC-R8 -, EHC-R6 -"},
		{register.CaseFilter{Overdue: true}, "EHC-O2 decision_not_to_issue_due 51, EHC-O1 final_plan_due 44, " +
			"EHC-R7 advice_due/psychological-1 37, EHC-R5 decision_to_assess_due 30"},
		{register.CaseFilter{Caseworker: "cw-1"}, "EHC-O1 final_plan_due 44, EHC-R5 decision_to_assess_due 30, EHC-R1 -, EHC-R8 -"},
		{register.CaseFilter{Caseworker: "cw-2", Overdue: true}, "EHC-O2 decision_not_to_issue_due 51, EHC-R7 advice_due/psychological-1 37"},
		{register.CaseFilter{Stage: "assessing"}, "EHC-O2 decision_not_to_issue_due 51, EHC-R7 advice_due/psychological-1 37, EHC-R1 -, EHC-R4 -"},
		// A closed stage lists closed cases, which are never overdue: N2's
		// plan was due 2 Feb and W1's advice 12 Jan, but both cases ended.
		{register.CaseFilter{Stage: "no_plan"}, "EHC-N1 -, EHC-N2 -"},
		{register.CaseFilter{Stage: "withdrawn", Overdue: true}, ""},
		{register.CaseFilter{Stage: "not_assessed", Caseworker: "cw-1"}, "EHC-R3 -"},
		{register.CaseFilter{Caseworker: "nobody"}, ""},
	} {
		if got := listed(t, s, c.f, today); got != c.want {
			t.Errorf("Cases(%+v):\n got %s\nwant %s", c.f, got, c.want)
		}
	}
}

// A limit is missed the day after its due date: R5's decision was due on
// 16 Mar.
func TestCasesOverdueFromTheDayAfter(t *testing.T) {
	s := registertest.Store(t)
	registertest.Timeliness(t, s)
	for today, want := range map[string]string{
		"2026-03-16": "EHC-R5 -",
		"2026-03-17": "EHC-R5 decision_to_assess_due 1",
	} {
		got := listed(t, s, register.CaseFilter{Caseworker: "cw-1", Stage: "requested"}, today)
		if !strings.HasPrefix(got, want) {
			t.Errorf("on %s: %s, want it to start %s", today, got, want)
		}
	}
}

func TestCaseRowFields(t *testing.T) {
	s := registertest.Store(t)
	registertest.Timeliness(t, s)
	rows, err := s.Cases(context.Background(), register.CaseFilter{Caseworker: "cw-1", Overdue: true}, d(registertest.TimelinessToday))
	if err != nil || len(rows) != 2 {
		t.Fatalf("rows %v, %v", rows, err)
	}
	// O1: Day 1 13 Oct 2025; final plan due 13 Oct + 140 days = 2 Mar 2026.
	want := register.CaseRow{CaseRef: "EHC-O1", Stage: "draft_served", Caseworker: "cw-1", Day1: d("2025-10-13"),
		NextDeadline: d("2026-03-02"), Overdue: true, OverdueDeadline: "final_plan_due", DaysOverdue: 44,
		FinalPlanDue: d("2026-03-02"), HasException: true}
	if rows[0] != want {
		t.Errorf("row:\n got %s\nwant %s", show(rows[0]), show(want))
	}
	closed, err := s.Cases(context.Background(), register.CaseFilter{Stage: "final_plan_issued"}, d(registertest.TimelinessToday))
	if err != nil || len(closed) != 6 || !closed[0].Closed || !closed[0].NextDeadline.IsZero() {
		t.Errorf("closed cases: %s, %v", show(closed), err)
	}
	if _, err := s.Cases(context.Background(), register.CaseFilter{}, statute.Date{}); err == nil {
		t.Error("no date accepted")
	}
}
