package statute

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// easter is Easter Sunday of year y (the anonymous Gregorian algorithm).
func easter(y int) Date {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	return NewDate(y, time.Month((h+l-7*m+114)/31), (h+l-7*m+114)%31+1)
}

// byRule is the year's England and Wales bank holidays as the Banking and
// Financial Dealings Act 1971 and the royal proclamations make them, with
// a weekend holiday moved to the next weekday not already a holiday.
func byRule(y int) []string {
	monday := func(d Date, step int) Date {
		for d.Weekday() != time.Monday {
			d = d.AddDays(step)
		}
		return d
	}
	var out []string
	taken := map[string]bool{}
	add := func(d Date) {
		for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday || taken[d.String()] {
			d = d.AddDays(1)
		}
		taken[d.String()] = true
		out = append(out, d.t.Format("01-02"))
	}
	add(NewDate(y, 1, 1))
	add(easter(y).AddDays(-2))         // Good Friday
	add(easter(y).AddDays(1))          // Easter Monday
	add(monday(NewDate(y, 5, 1), 1))   // early May
	add(monday(NewDate(y, 5, 31), -1)) // spring: the last Monday of May
	add(monday(NewDate(y, 8, 31), -1)) // summer: the last Monday of August
	add(NewDate(y, 12, 25))
	add(NewDate(y, 12, 26))
	slices.Sort(out)
	return out
}

// Each year held is the year's holidays by rule, substitute days included.
func TestBankHolidaysEachYear(t *testing.T) {
	for y := firstHolidayYear; y <= lastHolidayYear; y++ {
		t.Run(fmt.Sprint(y), func(t *testing.T) {
			if got, want := bankHolidays[y], byRule(y); !slices.Equal(got, want) {
				t.Errorf("held %v; by rule %v", got, want)
			}
		})
	}
	if len(bankHolidays) != lastHolidayYear-firstHolidayYear+1 {
		t.Errorf("%d years held; the bounds say %d to %d", len(bankHolidays), firstHolidayYear, lastHolidayYear)
	}
}

// reg 15(2): 15 working days from the day the old authority learns of the
// move, weekends and bank holidays left out.
func TestTransferTimetable(t *testing.T) {
	for _, tt := range []struct{ aware, want, why string }{
		{"2026-03-02", "2026-03-23", "a Monday: three weeks of weekdays"},
		{"2026-03-27", "2026-04-21", "Good Friday and Easter Monday 2026 left out"},
		{"2026-12-18", "2027-01-13", "Christmas, the substitute Boxing Day (28th) and New Year's Day left out"},
		{"2027-12-17", "2028-01-12", "both substitute days (27th, 28th) and the New Year substitute (3 January 2028)"},
		{"2026-03-28", "2026-04-21", "learned on a Saturday: counting starts on Monday, after Easter Monday"},
	} {
		got, err := TransferTimetable(mustDate(t, tt.aware))
		if err != nil || got.PlanSentBy.String() != tt.want || got.Regulation != "reg 15(2)" {
			t.Errorf("aware %s (%s): plan sent by %s, %v; want %s", tt.aware, tt.why, got.PlanSentBy, err, tt.want)
		}
	}
	_, err := TransferTimetable(mustDate(t, "2030-12-20"))
	if err == nil || !strings.Contains(err.Error(), "held for 2024 to 2030 only, not 2031") {
		t.Errorf("a limit running into 2031: %v; want the years held named", err)
	}
}

func mustDate(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
