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
//   - A: its decision whether to assess due 1 October, 61 days late: 2
//     calendar months, £200;
//   - B: the same, but an exception recorded for that limit excuses it:
//     left out;
//   - F: advice 20 days late on a case with an exception to its 20 weeks
//     only (HasException), which does not excuse advice: 1 month, £100;
//   - P: its phase transfer's school year began 1 September without the
//     amended plan, 91 days ago: 1 term begun, £1,500; its review, 30 days
//     late from 1 November, falls in that lost term: not priced again;
//   - Q: a plan's review due 1 August, 122 days late, with a transfer
//     missed from 1 September: 1 month (August) of delay, £100, and the
//     term, £1,500: one family;
//   - C: a final plan issued 125 days late in the year (2 March to 5
//     July): 5 months begun, £500;
//   - D: due today: not late, nothing.
func TestEstimateByHand(t *testing.T) {
	today := day("2026-12-01")
	b := register.Board{
		Open: []register.CaseRow{
			{CaseRef: "A", Caseworker: "cw-1", Overdue: true, OverdueDeadline: "decision_to_assess_due", DaysOverdue: 61},
			{CaseRef: "B", Caseworker: "cw-1", Overdue: true, OverdueDeadline: "decision_to_assess_due", DaysOverdue: 80, HasException: true},
			{CaseRef: "F", Caseworker: "cw-1", Overdue: true, OverdueDeadline: "advice_due/psychological-1", DaysOverdue: 20, HasException: true},
			{CaseRef: "D", Caseworker: "cw-2"},
		},
		Excused: map[string]bool{"B": true, "F": false},
		PlansOverdue: []register.PlanLate{{Ref: "P", Caseworker: "cw-2", Due: day("2026-11-01"), DaysLate: 30},
			{Ref: "Q", Caseworker: "cw-2", Due: day("2026-08-01"), DaysLate: 122}},
		TransfersMissed: []register.PlanLate{{Ref: "P", Caseworker: "cw-2", Due: day("2026-09-01"), DaysLate: 91},
			{Ref: "Q", Caseworker: "cw-2", Due: day("2026-09-01"), DaysLate: 91}},
		ClosedLate: []register.PlanLate{{Ref: "C", Caseworker: "cw-1", Due: day("2026-03-02"), MetOn: day("2026-07-05"), DaysLate: 125}},
	}
	e := Estimate(b, Rates{DelayPerMonth: 100, LostEducationPerTerm: 1500}, today)
	want := []Exposed{
		{Ref: "P", Caseworker: "cw-2", Limit: LimitLostEducation, Due: day("2026-09-01"), DaysLate: 91, Units: 1, Pounds: 1500, Open: true},
		{Ref: "Q", Caseworker: "cw-2", Limit: LimitLostEducation, Due: day("2026-09-01"), DaysLate: 91, Units: 1, Pounds: 1500, Open: true},
		{Ref: "C", Caseworker: "cw-1", Limit: LimitFinalLate, Due: day("2026-03-02"), DaysLate: 125, Units: 5, Pounds: 500},
		{Ref: "A", Caseworker: "cw-1", Limit: "decision whether to assess", Due: day("2026-10-01"), DaysLate: 61, Units: 2, Pounds: 200, Open: true},
		{Ref: "F", Caseworker: "cw-1", Limit: "advice (psychological)", Due: day("2026-11-11"), DaysLate: 20, Units: 1, Pounds: 100, Open: true},
		{Ref: "Q", Caseworker: "cw-2", Limit: LimitPlan, Due: day("2026-08-01"), DaysLate: 31, Units: 1, Pounds: 100, Open: true},
	}
	if !reflect.DeepEqual(e.Items, want) {
		t.Errorf("items:\n got %+v\nwant %+v", e.Items, want)
	}
	if e.Pounds != 3900 || e.Families != 5 {
		t.Errorf("total %s for %d families; want £3,900 for 5 (P, Q, C, A, F)", pounds(e.Pounds), e.Families)
	}
	wantMonths := []Total{{"March 2026", 1, 500}, {"August 2026", 1, 100}, {"September 2026", 2, 3000}, {"October 2026", 1, 200}, {"November 2026", 1, 100}}
	if !reflect.DeepEqual(e.ByMonth, wantMonths) {
		t.Errorf("by month %+v; want %+v", e.ByMonth, wantMonths)
	}
	if len(e.ByLimit) != 5 || e.ByLimit[0] != (Total{LimitLostEducation, 2, 3000}) {
		t.Errorf("by limit %+v", e.ByLimit)
	}
	if got := pounds(1234567); got != "£1,234,567" {
		t.Errorf("pounds: %s", got)
	}
}

// A month or part, by the calendar: month ends, shorter months and leap
// years.
func TestMonthsOrPart(t *testing.T) {
	for _, c := range []struct {
		due, end string
		want     int
	}{
		{"2026-01-01", "2026-01-01", 0}, {"2026-01-01", "2026-01-02", 1}, {"2026-01-01", "2026-02-01", 1},
		{"2026-01-01", "2026-02-02", 2}, {"2026-10-01", "2026-12-01", 2}, {"2026-01-31", "2026-02-28", 1},
		{"2026-01-31", "2026-03-01", 2}, {"2026-01-31", "2027-01-31", 12}, {"2027-12-01", "2028-12-01", 12},
		{"2028-01-31", "2028-02-29", 1}, {"2028-02-29", "2029-02-28", 12}, {"2026-03-31", "2026-04-30", 1},
	} {
		if got := monthsOrPart(day(c.due), day(c.end)); got != c.want {
			t.Errorf("%s to %s: %d months or part; want %d", c.due, c.end, got, c.want)
		}
	}
}
