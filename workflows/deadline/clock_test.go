package deadline

import (
	"testing"
	"time"

	"github.com/ehc-send/ehc/statute"
)

func date(s string) statute.Date {
	d, err := statute.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestClockArithmetic(t *testing.T) {
	start := date("2026-01-05").At(10)
	c := Clock{Start: start, WeekSeconds: 10}
	for _, tc := range []struct {
		real time.Duration
		want time.Time
	}{
		{0, start},
		{10 * time.Second, start.AddDate(0, 0, 7)},
		{time.Second, start.Add(24*time.Hour*7/10 + 0)},
		{-10 * time.Second, start.Add(-7 * 24 * time.Hour)},
		{200 * time.Second, start.Add(140 * 24 * time.Hour)}, // elapsed time: 11:00 once BST begins
	} {
		if got := c.At(start.Add(tc.real)); !got.Equal(tc.want) {
			t.Errorf("At(start+%s) = %s, want %s", tc.real, got, tc.want)
		}
	}
	// RealAt is the earliest real instant that reaches a statutory one.
	for _, s := range []time.Time{start, start.Add(time.Nanosecond), start.Add(61*time.Hour + 7), date("2026-02-17").At(AlarmHour)} {
		r := c.RealAt(s)
		if c.At(r).Before(s) || !c.At(r.Add(-time.Nanosecond)).Before(s) {
			t.Errorf("RealAt(%s) = %s: At gives %s, and a nanosecond earlier %s", s, r, c.At(r), c.At(r.Add(-time.Nanosecond)))
		}
	}
	// Real time is real time; a year at a second a week does not overflow.
	now := time.Now()
	if got := (Clock{}).At(now); !got.Equal(now) {
		t.Errorf("zero clock At(now) = %s", got)
	}
	if got := (Clock{Start: start, WeekSeconds: 1}).At(start.AddDate(1, 0, 0)); !got.After(start.AddDate(200, 0, 0)) {
		t.Errorf("a year at 1s a week reaches only %s", got)
	}
	if got := (Clock{Start: start, WeekSeconds: statutoryWeekSeconds}).At(start.Add(time.Hour)); !got.Equal(start.Add(time.Hour)) {
		t.Errorf("a clock at real speed: %s", got)
	}
}
