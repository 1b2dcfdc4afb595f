package statute

import (
	"fmt"
	"slices"
)

// ExceptionGround is a ground on which the LA need not comply with a limit
// (reg 5(4), 8(2), 10(4), 13(3)). It never stops a clock: the limit stops
// binding and the case is reported as an exception case.
type ExceptionGround string

const (
	ExceptionSchoolClosure     ExceptionGround = "school_closure"     // reg 10(4)(a)/(b): advice asked of a head around a 4-week closure
	ExceptionPersonal          ExceptionGround = "personal"           // reg 10(4)(c): exceptional personal circumstances
	ExceptionAwayFromArea      ExceptionGround = "away_from_area"     // reg 10(4)(d): away from the area 4+ weeks
	ExceptionMissedAppointment ExceptionGround = "missed_appointment" // reg 8(2)(c): advice limit only
)

// ExceptionGrounds lists every ground.
var ExceptionGrounds = []ExceptionGround{
	ExceptionSchoolClosure, ExceptionPersonal, ExceptionAwayFromArea, ExceptionMissedAppointment,
}

// ParseExceptionGround accepts a ground's name.
func ParseExceptionGround(s string) (ExceptionGround, error) {
	for _, g := range ExceptionGrounds {
		if string(g) == s {
			return g, nil
		}
	}
	return "", fmt.Errorf("unknown exception ground %q: one of school_closure, personal, away_from_area, missed_appointment", s)
}

// AppliesTo reports whether the ground can excuse the deadline.
func (g ExceptionGround) AppliesTo(d Deadline) bool {
	// A reassessment has the assessment's exceptions (reg 25, 27).
	week := d == DecisionToAssessDue || d == DecisionNotToIssueDue || d == FinalPlanDue || d == ReassessDecisionDue || d == ReassessFinalPlanDue
	switch g {
	case ExceptionSchoolClosure:
		return week // not the advice limit
	case ExceptionPersonal, ExceptionAwayFromArea:
		return week || d == AdviceDue
	case ExceptionMissedAppointment:
		return d == AdviceDue // reg 8(2)(c)
	}
	return false
}

// Excuses reports whether an exception recorded with one of regs (as
// Regulation cites it) excuses d: each limit's exception is its own.
func Excuses(regs []string, d Deadline) bool {
	for _, g := range ExceptionGrounds {
		if r := g.Regulation(d); r != "" && slices.Contains(regs, r) {
			return true
		}
	}
	return false
}

// Regulation cites the ground for the deadline it excuses.
func (g ExceptionGround) Regulation(d Deadline) string {
	if !g.AppliesTo(d) { // no citation for a ground that cannot excuse d
		return ""
	}
	var reg string
	switch d {
	case DecisionToAssessDue:
		reg = "reg 5(4)"
	case AdviceDue:
		reg = "reg 8(2)"
	case DecisionNotToIssueDue:
		reg = "reg 10(4)"
	case FinalPlanDue:
		reg = "reg 13(3)"
	case ReassessDecisionDue: // the reassessment's decision borrows reg 5(4)'s grounds
		reg = "reg 5(4)"
	case ReassessFinalPlanDue: // and its plan reg 13(3)'s
		reg = "reg 13(3)"
	default:
		return ""
	}
	if d == AdviceDue { // reg 8(2) letters its grounds differently
		switch g {
		case ExceptionPersonal:
			return "reg 8(2)(a)"
		case ExceptionAwayFromArea:
			return "reg 8(2)(b)"
		}
	}
	switch g {
	case ExceptionSchoolClosure:
		return reg + "(a)/(b)"
	case ExceptionPersonal:
		return reg + "(c)"
	case ExceptionAwayFromArea:
		return reg + "(d)"
	case ExceptionMissedAppointment:
		return "reg 8(2)(c)"
	}
	return reg
}

// Title is the ground in plain English for the family.
func (g ExceptionGround) Title() string {
	switch g {
	case ExceptionSchoolClosure:
		return "advice was needed from a school during its long holiday"
	case ExceptionPersonal:
		return "exceptional personal circumstances"
	case ExceptionAwayFromArea:
		return "time away from the area for four weeks or more"
	case ExceptionMissedAppointment:
		return "a missed appointment for an examination or test"
	}
	return string(g)
}

// Excusable reports whether any exception in law can excuse d: those of
// reg 5(4), 8(2), 10(4) and 13(3). The plan's limits have none.
func (d Deadline) Excusable() bool {
	for _, g := range ExceptionGrounds {
		if g.AppliesTo(d) {
			return true
		}
	}
	return false
}
