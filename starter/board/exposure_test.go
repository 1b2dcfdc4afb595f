package board

import (
	"reflect"
	"testing"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/statute"
)

func day(s string) statute.Date {
	d, err := statute.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// The estimate for cases stated by hand, judged on 1 December 2026 at
// £100 a month and £1,500 a term:
//   - A: its decision whether to assess 61 days late: 3 months (two full,
//     one begun), £300;
//   - B: the same, but an exception applies: left out;
//   - P: a plan's review 30 days late: 1 month, £100;
//   - P again: its phase transfer's school year began 1 September without
//     the amended plan, 91 days ago: 1 term begun, £1,500;
//   - C: a final plan issued 125 days late in the year: 5 months, £500;
//   - D: due today: not late, nothing.
func TestEstimateByHand(t *testing.T) {
	today := day("2026-12-01")
	b := register.Board{
		Open: []register.CaseRow{
			{CaseRef: "A", Caseworker: "cw-1", Overdue: true, OverdueDeadline: "decision_to_assess_due", DaysOverdue: 61},
			{CaseRef: "B", Caseworker: "cw-1", Overdue: true, OverdueDeadline: "decision_to_assess_due", DaysOverdue: 80, HasException: true},
			{CaseRef: "D", Caseworker: "cw-2"},
		},
		PlansOverdue:    []register.PlanLate{{Ref: "P", Caseworker: "cw-2", Due: day("2026-11-01"), DaysLate: 30}},
		TransfersMissed: []register.PlanLate{{Ref: "P", Caseworker: "cw-2", Due: day("2026-09-01"), DaysLate: 91}},
		ClosedLate:      []register.PlanLate{{Ref: "C", Caseworker: "cw-1", Due: day("2026-03-02"), MetOn: day("2026-07-05"), DaysLate: 125}},
	}
	e := Estimate(b, Rates{DelayPerMonth: 100, LostEducationPerTerm: 1500}, today)
	want := []Exposed{
		{Ref: "P", Caseworker: "cw-2", Limit: LimitLostEducation, Due: day("2026-09-01"), DaysLate: 91, Units: 1, Pounds: 1500, Open: true},
		{Ref: "C", Caseworker: "cw-1", Limit: LimitFinalLate, Due: day("2026-03-02"), DaysLate: 125, Units: 5, Pounds: 500},
		{Ref: "A", Caseworker: "cw-1", Limit: "decision whether to assess", Due: day("2026-10-01"), DaysLate: 61, Units: 3, Pounds: 300, Open: true},
		{Ref: "P", Caseworker: "cw-2", Limit: LimitPlan, Due: day("2026-11-01"), DaysLate: 30, Units: 1, Pounds: 100, Open: true},
	}
	if !reflect.DeepEqual(e.Items, want) {
		t.Errorf("items:\n got %+v\nwant %+v", e.Items, want)
	}
	if e.Pounds != 2400 {
		t.Errorf("total %s; want £2,400", pounds(e.Pounds))
	}
	wantMonths := []Total{{"March 2026", 1, 500}, {"September 2026", 1, 1500}, {"October 2026", 1, 300}, {"November 2026", 1, 100}}
	if !reflect.DeepEqual(e.ByMonth, wantMonths) {
		t.Errorf("by month %+v; want %+v", e.ByMonth, wantMonths)
	}
	if len(e.ByLimit) != 4 || e.ByLimit[0].Name != LimitLostEducation || e.ByLimit[0].Pounds != 1500 {
		t.Errorf("by limit %+v", e.ByLimit)
	}
	if got := pounds(1234567); got != "£1,234,567" {
		t.Errorf("pounds: %s", got)
	}
}
