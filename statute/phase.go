package statute

import (
	"fmt"
	"time"
)

// Phase transfers (reg 2(1), 18): the moves between the phases of
// education, for which the plan must be reviewed and amended, naming the
// new setting, by a date in the calendar year of the transfer.

// Transfer names a standard phase transfer; the value is the key used in
// JSON.
type Transfer string

const (
	EarlyYearsToSchool Transfer = "early_years_to_school" // into reception, the September after the fourth birthday
	PrimaryToSecondary Transfer = "primary_to_secondary"  // after Year 6
	SecondaryToPost16  Transfer = "secondary_to_post16"   // after Year 11
)

// Title is the transfer in plain English.
func (t Transfer) Title() string {
	switch t {
	case EarlyYearsToSchool:
		return "early years to school"
	case PrimaryToSecondary:
		return "primary to secondary school"
	case SecondaryToPost16:
		return "secondary school to post-16"
	case InfantToJunior:
		return "infant to junior school"
	case PrimaryToMiddle:
		return "primary to middle school"
	case MiddleToSecondary:
		return "middle to secondary school"
	case Post16ToPost16:
		return "one post-16 institution to another"
	}
	return string(t)
}

// PhaseTransfer is one transfer of a child's: the calendar year it happens
// (in September) and the day by which the amended plan must name the new
// setting.
type PhaseTransfer struct {
	Transfer     Transfer `json:"transfer"`
	TransferYear int      `json:"transfer_year"`
	AmendBy      Date     `json:"amend_by"`
	Regulation   string   `json:"regulation"`
}

// ReceptionYear is the calendar year a child born on dob starts reception:
// the English school year runs 1 September to 31 August, and a child starts
// in the September after their fourth birthday, so one born 31 August 2020
// starts in September 2024 and one born 1 September 2020 in September 2025.
func ReceptionYear(dob Date) int {
	y, m, _ := dob.t.Date()
	if m >= 9 {
		return y + 5
	}
	return y + 4
}

// PhaseTransfers are the child's standard transfers, in order.
func PhaseTransfers(dob Date) []PhaseTransfer {
	r := ReceptionYear(dob)
	return []PhaseTransfer{
		{EarlyYearsToSchool, r, NewDate(r, 2, 15), "reg 18(1)(b)"},
		{PrimaryToSecondary, r + 7, NewDate(r+7, 2, 15), "reg 18(1)(b)"}, // Year 7 starts 7 years after reception
		{SecondaryToPost16, r + 12, NewDate(r+12, 3, 31), "reg 18(1)(a)"},
	}
}

// NextPhaseTransfer is the first standard transfer that happens (on
// 1 September of its year) after on. A young person past the move to
// post-16 has none: the error says so.
func NextPhaseTransfer(dob, on Date) (PhaseTransfer, error) {
	if !dob.Before(on) {
		return PhaseTransfer{}, fmt.Errorf("the date of birth %s is not before %s", dob, on)
	}
	for _, t := range PhaseTransfers(dob) {
		if NewDate(t.TransferYear, 9, 1).After(on) {
			return t, nil
		}
	}
	return PhaseTransfer{}, fmt.Errorf("a child born on %s made the last standard transfer (secondary school to post-16) in September %d; transfers after it are recorded for the child's own settings (reg 18(2))", dob, ReceptionYear(dob)+12)
}

// Local transfers a caseworker records for the child's own settings
// (reg 18): between schools where the area has infant, junior or middle
// schools, and between post-16 institutions.
const (
	InfantToJunior    Transfer = "infant_to_junior"
	PrimaryToMiddle   Transfer = "primary_to_middle"
	MiddleToSecondary Transfer = "middle_to_secondary"
	Post16ToPost16    Transfer = "post16_to_post16" // reg 18(2): at least 5 months before
)

// LocalTransfers lists the transfers a caseworker may record.
var LocalTransfers = []Transfer{InfantToJunior, PrimaryToMiddle, MiddleToSecondary, Post16ToPost16}

// LocalTransfer is the limit for a transfer the child makes on moves: a
// school transfer in September, amended by 15 February of its year
// (reg 18(1)(b)); a post-16 transfer at least 5 months before the move
// (reg 18(2)).
func LocalTransfer(kind Transfer, moves Date) (PhaseTransfer, error) {
	y, m, _ := moves.t.Date()
	switch kind {
	case Post16ToPost16:
		return PhaseTransfer{kind, y, MonthsBefore(moves, 5), "reg 18(2)"}, nil
	case InfantToJunior, PrimaryToMiddle, MiddleToSecondary:
		if m < 6 || m > 9 {
			return PhaseTransfer{}, fmt.Errorf("a move between schools (%s) is at the start of the school year, in the summer or September, not %s", kind.Title(), moves)
		}
		return PhaseTransfer{kind, y, NewDate(y, 2, 15), "reg 18(1)(b)"}, nil
	}
	return PhaseTransfer{}, fmt.Errorf("transfer %q is not one of infant_to_junior, primary_to_middle, middle_to_secondary, post16_to_post16", kind)
}

// YearGroup is the child's school year on on, counted from reception (0):
// negative in the early years, 1-6 primary, 7-11 secondary, 12-13 post-16.
func YearGroup(dob, on Date) int {
	y, m, _ := on.t.Date()
	start := y // the school year on is in began on 1 September of start
	if m < 9 {
		start--
	}
	return start - ReceptionYear(dob)
}

// YearGroupTitle names a year group as schools do.
func YearGroupTitle(n int) string {
	switch {
	case n < 0:
		return "early years"
	case n == 0:
		return "Reception"
	case n <= 13:
		return fmt.Sprintf("Year %d", n)
	}
	return "post-19"
}

// MonthsBefore is the day n months before d (after it, for n negative), or
// the last day of that month when it has no such day (31 July less 5
// months is 28 or 29 February).
func MonthsBefore(d Date, n int) Date {
	y, m, day := d.t.Date()
	first := time.Date(y, m-time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	if last := first.AddDate(0, 1, -1).Day(); day > last {
		day = last
	}
	return Date{first.AddDate(0, 0, day-1)}
}

// PhaseOf names the phase of education a year group is in.
func PhaseOf(yearGroup int) string {
	switch {
	case yearGroup < 0:
		return "early years"
	case yearGroup <= 6:
		return "primary"
	case yearGroup <= 11:
		return "secondary"
	case yearGroup <= 13:
		return "post-16"
	}
	return "post-19"
}
