package statute

import (
	"fmt"
	"time"
)

// Working days (transfers between authorities, reg 15; mediation) exclude
// weekends and England and Wales bank holidays. The holidays are held as
// data, as gov.uk publishes them, substitute days included, for the years
// the product is used in; a year not held is an error, never a guess.
var bankHolidays = map[int][]string{
	2024: {"01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"},
	2025: {"01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"},
	2026: {"01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"}, // Boxing Day (Saturday) on Monday 28th
	2027: {"01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28"}, // Christmas and Boxing Day (a weekend) on 27th and 28th
	2028: {"01-03", "04-14", "04-17", "05-01", "05-29", "08-28", "12-25", "12-26"}, // New Year's Day (Saturday) on Monday 3rd
	2029: {"01-01", "03-30", "04-02", "05-07", "05-28", "08-27", "12-25", "12-26"},
	2030: {"01-01", "04-19", "04-22", "05-06", "05-27", "08-26", "12-25", "12-26"},
}

// BankHolidayYears is the first and last year held.
const firstHolidayYear, lastHolidayYear = 2024, 2030

// IsBankHoliday reports whether d is an England and Wales bank holiday.
func IsBankHoliday(d Date) (bool, error) {
	days, ok := bankHolidays[d.t.Year()]
	if !ok {
		return false, fmt.Errorf("England and Wales bank holidays are held for %d to %d only, not %d: add the year's from gov.uk/bank-holidays to statute/workingdays.go", firstHolidayYear, lastHolidayYear, d.t.Year())
	}
	md := d.t.Format("01-02")
	for _, h := range days {
		if h == md {
			return true, nil
		}
	}
	return false, nil
}

// IsWorkingDay reports whether d is neither a weekend day nor a bank holiday.
func IsWorkingDay(d Date) (bool, error) {
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false, nil
	}
	h, err := IsBankHoliday(d)
	return !h, err
}

// AddWorkingDays is the nth working day after d (d itself not counted).
func AddWorkingDays(d Date, n int) (Date, error) {
	for n > 0 {
		d = d.AddDays(1)
		ok, err := IsWorkingDay(d)
		if err != nil {
			return Date{}, err
		}
		if ok {
			n--
		}
	}
	return d, nil
}

// InterAuthorityTransfer is the old authority's limit when a child with a
// plan moves to another authority's area (reg 15(2)): the plan sent within
// 15 working days of its becoming aware of the move.
type InterAuthorityTransfer struct {
	Aware      Date   `json:"aware"`
	PlanSentBy Date   `json:"plan_sent_by"`
	Regulation string `json:"regulation"`
}

// TransferTimetable is the limit from the day the old authority became aware.
func TransferTimetable(aware Date) (InterAuthorityTransfer, error) {
	by, err := AddWorkingDays(aware, transferWorkingDays)
	if err != nil {
		return InterAuthorityTransfer{}, err
	}
	return InterAuthorityTransfer{Aware: aware, PlanSentBy: by, Regulation: "reg 15(2)"}, nil
}
