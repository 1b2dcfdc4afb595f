package statute

import (
	"strings"
	"testing"
)

// Each date rule of the plan's later life, by its regulation.
func TestPlanLifeDates(t *testing.T) {
	d := func(s string) Date {
		v, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		rule string
		got  Date
		want string
	}{
		{"reg 25: the decision 15 days after the request", Reassess(d("2026-02-09"), Date{}).DecisionDue, "2026-02-24"},
		{"reg 27: the plan 14 weeks after the decision", Reassess(d("2026-02-09"), d("2026-02-20")).FinalPlanDue, "2026-05-29"},
		{"reg 15: the family told within 6 weeks of the move", TransferInTimetable(d("2026-02-16"), d("2025-03-10")).NoticeDue, "2026-03-30"},
		{"reg 15: review 3 months after the move when later", TransferInTimetable(d("2026-02-16"), d("2025-03-10")).ReviewDue, "2026-05-15"},
		{"reg 15: review within 12 months of the last when later", TransferInTimetable(d("2026-02-16"), d("2025-12-01")).ReviewDue, "2026-11-30"},
		{"reg 15: 3 months from 30 November ends 28 February", TransferInTimetable(d("2026-11-30"), d("2025-01-01")).ReviewDue, "2027-02-28"},
		{"5 months before 31 July is the end of February (leap year)", MonthsBefore(d("2028-07-31"), 5), "2028-02-29"},
		{"5 months before 31 July 2027", MonthsBefore(d("2027-07-31"), 5), "2027-02-28"},
		{"6 months before 15 February", MonthsBefore(d("2027-02-15"), 6), "2026-08-15"},
	} {
		if c.got.String() != c.want {
			t.Errorf("%s: %s, want %s", c.rule, c.got, c.want)
		}
	}
}

// Transfers a caseworker records (reg 18): between schools by 15 February
// of the year of the move; between post-16 institutions 5 months before.
func TestLocalTransfers(t *testing.T) {
	for _, c := range []struct {
		kind     Transfer
		moves    string
		amendBy  string
		reg, err string
	}{
		{InfantToJunior, "2027-09-01", "2027-02-15", "reg 18(1)(b)", ""},
		{MiddleToSecondary, "2027-09-06", "2027-02-15", "reg 18(1)(b)", ""},
		{Post16ToPost16, "2027-01-04", "2026-08-04", "reg 18(2)", ""},
		{PrimaryToMiddle, "2027-01-04", "", "", "start of the school year"},
		{"nursery_to_home", "2027-09-01", "", "", "is not one of"},
	} {
		moves, _ := ParseDate(c.moves)
		got, err := LocalTransfer(c.kind, moves)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s on %s: %v, want an error saying %q", c.kind, c.moves, err, c.err)
		case c.err == "" && (err != nil || got.AmendBy.String() != c.amendBy || got.Regulation != c.reg):
			t.Errorf("%s on %s: %+v, %v; want amend by %s (%s)", c.kind, c.moves, got, err, c.amendBy, c.reg)
		}
	}
}

// The school year runs 1 September to 31 August: a child born 31 August
// 2020 is in Reception from September 2024, one born a day later from 2025.
func TestYearGroup(t *testing.T) {
	for _, c := range []struct{ dob, on, want, phase string }{
		{"2020-08-31", "2024-09-01", "Reception", "primary"},
		{"2020-09-01", "2024-09-01", "early years", "early years"},
		{"2020-09-01", "2025-09-01", "Reception", "primary"},
		{"2015-10-10", "2025-03-04", "Year 4", "primary"},
		{"2015-10-10", "2027-09-01", "Year 7", "secondary"},
		{"2007-01-01", "2024-10-01", "Year 13", "post-16"},
		{"2005-01-01", "2024-10-01", "post-19", "post-19"},
	} {
		dob, _ := ParseDate(c.dob)
		on, _ := ParseDate(c.on)
		if got := YearGroupTitle(YearGroup(dob, on)); got != c.want {
			t.Errorf("born %s, on %s: %s, want %s", c.dob, c.on, got, c.want)
		}
		if got, want := PhaseOf(YearGroup(dob, on)), c.phase; got != want {
			t.Errorf("born %s, on %s: phase %s, want %s", c.dob, c.on, got, want)
		}
	}
}
