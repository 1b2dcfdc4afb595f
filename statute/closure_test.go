package statute

import (
	"fmt"
	"strings"
	"testing"
)

// A closure's window runs from a week before it to a week before the
// school reopens (reg 10(4)(a)/(b)), and only a closure of 4 weeks counts.
func TestClosureWindow(t *testing.T) {
	summer := EnglandSummers(2026, 2026)[0]
	from, to := summer.Window()
	if !summer.Long() || from != NewDate(2026, 7, 16) || to != NewDate(2026, 8, 27) {
		t.Errorf("summer 2026 window %s to %s (long %v); want 2026-07-16 to 2026-08-27, a week before 3 September", from, to, summer.Long())
	}
	if summer.InWindow(NewDate(2026, 7, 15)) || !summer.InWindow(NewDate(2026, 7, 16)) || !summer.InWindow(NewDate(2026, 8, 27)) || summer.InWindow(NewDate(2026, 8, 28)) {
		t.Error("the window's edges are wrong")
	}
	short := Closure{Name: "Easter", From: NewDate(2026, 3, 30), To: NewDate(2026, 4, 26)} // 28 days: long
	shorter := Closure{Name: "Easter", From: NewDate(2026, 3, 30), To: NewDate(2026, 4, 25)}
	if !short.Long() || shorter.Long() || shorter.InWindow(NewDate(2026, 4, 1)) {
		t.Error("4 continuous weeks is 28 days")
	}
}

// A term dates file is read, or refused naming each line's problem.
func TestParseClosures(t *testing.T) {
	got, err := ParseClosures(strings.NewReader("from,to,name\n# the authority's dates\n2026-07-22,2026-09-01,summer 2026\n2025-12-20,2026-01-04,Christmas\n"))
	if err != nil || len(got) != 2 || got[0].Name != "Christmas" || got[1].From != NewDate(2026, 7, 22) {
		t.Fatalf("%+v, %v", got, err)
	}
	_, err = ParseClosures(strings.NewReader("2026-07-22,2026-13-01,summer\n2026-09-01,2026-07-22,back\n2026-07-22,2026-09-01\n2026-01-01,2026-12-31,year\n"))
	for _, want := range []string{`line 1: to "2026-13-01" is not a date`, "line 2: to 2026-07-22 is before from 2026-09-01",
		"line 3: want from,to,name; got 2 fields", "line 4: 365 days closed"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v; want it to say %q", err, want)
		}
	}
	// Lines are the file's, comments and blank lines counted; closures that
	// overlap or run on are named by both lines; dates, names and the file
	// are bounded.
	_, err = ParseClosures(strings.NewReader("from,to,name\n# summer\n\n# and\n2026-07-22,2026-09-01,summer\n2026-09-02,2026-09-10,inset\n" +
		"1999-01-01,1999-01-02,old\n2026-10-26,2026-10-30,half\x07term\n"))
	for _, want := range []string{"line 6: inset (2026-09-02 to 2026-09-10) overlaps or runs on from line 5's summer",
		"line 7: 1999-01-01 to 1999-01-02: dates run from 2000 to 2099", "line 8: name the closure in 1 to 60 characters, on one line"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v; want it to say %q", err, want)
		}
	}
	if _, err := ParseClosures(strings.NewReader(strings.Repeat("# padding\n", MaxClosuresBytes/10+1))); err == nil || !strings.Contains(err.Error(), "larger than 64 KB") {
		t.Errorf("a file past %d bytes: %v", MaxClosuresBytes, err)
	}
	var many strings.Builder
	for i := range MaxClosures + 1 {
		d := NewDate(2026, 1, 1).AddDays(3 * i)
		fmt.Fprintf(&many, "%s,%s,day %d\n", d, d, i)
	}
	if _, err := ParseClosures(strings.NewReader(many.String())); err == nil || !strings.Contains(err.Error(), "more than 100 closures") {
		t.Errorf("%d closures: %v", MaxClosures+1, err)
	}
}
