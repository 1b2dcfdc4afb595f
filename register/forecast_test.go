package register_test

import (
	"reflect"
	"testing"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/statute"
)

// The summer of 2026 (23 July to 2 September; its window 16 July to 27
// August, a week before it reopens) against cases stated by hand, with a Christmas closure too short
// to count (reg 10(4)(a): 4 weeks).
func TestForecastTheSummerHoliday(t *testing.T) {
	closures := append([]statute.Closure{{Name: "Christmas", From: d("2025-12-20"), To: d("2026-01-04")}}, statute.EnglandSummers(2026, 2027)...)
	final := func(s string) register.LimitDue { return register.LimitDue{Deadline: statute.FinalPlanDue, Due: d(s)} }
	issue := func(s string) register.LimitDue {
		return register.LimitDue{Deadline: statute.DecisionNotToIssueDue, Due: d(s)}
	}
	cases := []register.ForecastCase{
		{CaseRef: "F1", Caseworker: "cw-1", Stage: "assessing", SchoolAdviceOn: d("2026-06-10"), Limits: []register.LimitDue{final("2026-08-10")}},
		{CaseRef: "F2", Caseworker: "cw-1", Stage: "assessing", Limits: []register.LimitDue{issue("2026-07-20"), final("2026-08-17")}},
		{CaseRef: "F3", Caseworker: "cw-2", Stage: "requested", Limits: []register.LimitDue{issue("2026-09-28"), final("2026-10-26")}},
		{CaseRef: "F4", Caseworker: "cw-2", Stage: "drafting", Limits: []register.LimitDue{final("2026-08-03")}},
		// still to ask, but its one limit left falls before the window opens: nothing the closure can move
		{CaseRef: "F6", Caseworker: "cw-2", Stage: "assessing", Limits: []register.LimitDue{final("2026-07-10")}},
	}
	summer := func(item register.ForecastItem) register.ForecastItem {
		item.Closure, item.ClosureFrom, item.ClosureTo = "summer 2026", d("2026-07-23"), d("2026-09-02")
		return item
	}
	// 1 July: the window opens in 15 days. F1 asked its school before it
	// (no exception), F4 is past asking, F6's last limit comes before the
	// window; F2 and F3 can be saved by asking by 15 July, and F2's 20
	// weeks end in the holiday.
	got := register.Forecast(cases, closures, d("2026-07-01"))
	want := []register.ForecastItem{
		summer(register.ForecastItem{CaseRef: "F2", Caseworker: "cw-1", Stage: "assessing", Kind: register.ForecastSave, AskBy: d("2026-07-15"),
			LimitsInHoliday: []register.LimitDue{final("2026-08-17")}}),
		summer(register.ForecastItem{CaseRef: "F3", Caseworker: "cw-2", Stage: "requested", Kind: register.ForecastSave, AskBy: d("2026-07-15")}),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("1 July:\n got %+v\nwant %+v", got, want)
	}
	// 27 July: the window is open. F2 still has not asked; F5 asked on 20
	// July, so the exception applies, and its 16-week decision falls due
	// in the holiday.
	cases = append(cases, register.ForecastCase{CaseRef: "F5", Caseworker: "cw-2", Stage: "assessing", SchoolAdviceOn: d("2026-07-20"),
		Limits: []register.LimitDue{issue("2026-08-03"), final("2026-08-31")}})
	got = register.Forecast(cases, closures, d("2026-07-27"))
	want = []register.ForecastItem{
		summer(register.ForecastItem{CaseRef: "F2", Caseworker: "cw-1", Stage: "assessing", Kind: register.ForecastWindowOpen,
			LimitsInHoliday: []register.LimitDue{final("2026-08-17")}}),
		summer(register.ForecastItem{CaseRef: "F3", Caseworker: "cw-2", Stage: "requested", Kind: register.ForecastWindowOpen}),
		summer(register.ForecastItem{CaseRef: "F5", Caseworker: "cw-2", Stage: "assessing", Kind: register.ForecastException, AdviceAskedOn: d("2026-07-20"),
			LimitsInHoliday: []register.LimitDue{issue("2026-08-03"), final("2026-08-31")}}),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("27 July:\n got %+v\nwant %+v", got, want)
	}
	// In March 2026 the summer's window is more than 6 weeks off: nothing
	// to do yet. In late September, the next long closure is 10 months off.
	for _, day := range []string{"2026-03-02", "2026-09-20"} {
		if got := register.Forecast(cases[:5], closures, d(day)); len(got) != 0 {
			t.Errorf("%s: %+v; want nothing", day, got)
		}
	}
}
