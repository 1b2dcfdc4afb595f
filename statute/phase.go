package statute

import "fmt"

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
