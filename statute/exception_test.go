package statute_test

import (
	"strings"
	"testing"

	"github.com/ehc-send/ehc/statute"
)

// TestExceptionAppliesTo covers every ground against every deadline.
func TestExceptionAppliesTo(t *testing.T) {
	const (
		closure  = statute.ExceptionSchoolClosure
		personal = statute.ExceptionPersonal
		away     = statute.ExceptionAwayFromArea
		missed   = statute.ExceptionMissedAppointment
	)
	cases := []struct {
		reg      string
		ground   statute.ExceptionGround
		deadline statute.Deadline
		applies  bool
	}{
		{"reg 5(4)(a)/(b)", closure, statute.DecisionToAssessDue, true},
		{"reg 10(4)(a)/(b)", closure, statute.DecisionNotToIssueDue, true},
		{"reg 13(3)", closure, statute.FinalPlanDue, true},
		{"reg 8(2)", closure, statute.AdviceDue, false},
		{"reg 13(1)(a)", closure, statute.DraftCommentsEnd, false},
		{"CoP 9.83", closure, statute.ConsultationDue, false},

		{"reg 5(4)(c)", personal, statute.DecisionToAssessDue, true},
		{"reg 10(4)(c)", personal, statute.DecisionNotToIssueDue, true},
		{"reg 13(3)", personal, statute.FinalPlanDue, true},
		{"reg 8(2)(a)", personal, statute.AdviceDue, true},
		{"reg 13(1)(a)", personal, statute.DraftCommentsEnd, false},
		{"CoP 9.83", personal, statute.ConsultationDue, false},

		{"reg 5(4)(d)", away, statute.DecisionToAssessDue, true},
		{"reg 10(4)(d)", away, statute.DecisionNotToIssueDue, true},
		{"reg 13(3)", away, statute.FinalPlanDue, true},
		{"reg 8(2)(b)", away, statute.AdviceDue, true},
		{"reg 13(1)(a)", away, statute.DraftCommentsEnd, false},
		{"CoP 9.83", away, statute.ConsultationDue, false},

		{"reg 5(4)", missed, statute.DecisionToAssessDue, false},
		{"reg 10(4)", missed, statute.DecisionNotToIssueDue, false},
		{"reg 13(3)", missed, statute.FinalPlanDue, false},
		{"reg 8(2)(c)", missed, statute.AdviceDue, true},
		{"reg 13(1)(a)", missed, statute.DraftCommentsEnd, false},
		{"CoP 9.83", missed, statute.ConsultationDue, false},

		{"reg 13(3)", statute.ExceptionGround("holiday"), statute.FinalPlanDue, false},
	}
	for _, c := range cases {
		t.Run(c.reg+"/"+string(c.ground)+"/"+string(c.deadline), func(t *testing.T) {
			if got := c.ground.AppliesTo(c.deadline); got != c.applies {
				t.Errorf("%s: %s.AppliesTo(%s) = %v, want %v", c.reg, c.ground, c.deadline, got, c.applies)
			}
		})
	}
}

// TestExceptionRegulation checks the citation given to the family; a ground
// that cannot excuse a deadline has none.
func TestExceptionRegulation(t *testing.T) {
	cases := []struct {
		reg      string // the citation expected, "" for none
		ground   statute.ExceptionGround
		deadline statute.Deadline
	}{
		{"reg 5(4)(a)/(b)", statute.ExceptionSchoolClosure, statute.DecisionToAssessDue},
		{"reg 10(4)(a)/(b)", statute.ExceptionSchoolClosure, statute.DecisionNotToIssueDue},
		{"reg 13(3)(a)/(b)", statute.ExceptionSchoolClosure, statute.FinalPlanDue},
		{"", statute.ExceptionSchoolClosure, statute.AdviceDue},

		{"reg 5(4)(c)", statute.ExceptionPersonal, statute.DecisionToAssessDue},
		{"reg 10(4)(c)", statute.ExceptionPersonal, statute.DecisionNotToIssueDue},
		{"reg 13(3)(c)", statute.ExceptionPersonal, statute.FinalPlanDue},
		{"reg 8(2)(a)", statute.ExceptionPersonal, statute.AdviceDue},

		{"reg 5(4)(d)", statute.ExceptionAwayFromArea, statute.DecisionToAssessDue},
		{"reg 10(4)(d)", statute.ExceptionAwayFromArea, statute.DecisionNotToIssueDue},
		{"reg 13(3)(d)", statute.ExceptionAwayFromArea, statute.FinalPlanDue},
		{"reg 8(2)(b)", statute.ExceptionAwayFromArea, statute.AdviceDue},

		{"", statute.ExceptionMissedAppointment, statute.DecisionToAssessDue},
		{"", statute.ExceptionMissedAppointment, statute.DecisionNotToIssueDue},
		{"", statute.ExceptionMissedAppointment, statute.FinalPlanDue},
		{"reg 8(2)(c)", statute.ExceptionMissedAppointment, statute.AdviceDue},

		{"", statute.ExceptionPersonal, statute.DraftCommentsEnd},
		{"", statute.ExceptionAwayFromArea, statute.DraftCommentsEnd},
		{"", statute.ExceptionSchoolClosure, statute.ConsultationDue},
		{"", statute.ExceptionGround("holiday"), statute.FinalPlanDue},
	}
	for _, c := range cases {
		name := c.reg
		if name == "" {
			name = "none"
		}
		t.Run(name+"/"+string(c.ground)+"/"+string(c.deadline), func(t *testing.T) {
			if got := c.ground.Regulation(c.deadline); got != c.reg {
				t.Errorf("%s.Regulation(%s) = %q, want %q", c.ground, c.deadline, got, c.reg)
			}
			if want := c.reg != ""; c.ground.AppliesTo(c.deadline) != want {
				t.Errorf("%s.AppliesTo(%s) disagrees with Regulation %q", c.ground, c.deadline, c.reg)
			}
		})
	}
}

func TestParseExceptionGround(t *testing.T) {
	cases := []struct {
		reg  string
		in   string
		want statute.ExceptionGround
		ok   bool
	}{
		{"reg 10(4)(a)/(b)", "school_closure", statute.ExceptionSchoolClosure, true},
		{"reg 10(4)(c)", "personal", statute.ExceptionPersonal, true},
		{"reg 10(4)(d)", "away_from_area", statute.ExceptionAwayFromArea, true},
		{"reg 8(2)(c)", "missed_appointment", statute.ExceptionMissedAppointment, true},
		{"reg 13(3)", "summer_holiday", "", false},
		{"reg 13(3)", "Personal", "", false},
		{"reg 13(3)", "", "", false},
	}
	for _, c := range cases {
		t.Run(c.reg+"/"+c.in, func(t *testing.T) {
			got, err := statute.ParseExceptionGround(c.in)
			if c.ok {
				if err != nil || got != c.want {
					t.Fatalf("%s: ParseExceptionGround(%q) = %q, %v; want %q", c.reg, c.in, got, err, c.want)
				}
				if title := got.Title(); title == "" || title == string(got) {
					t.Errorf("%s: %s.Title() = %q, want plain English", c.reg, got, title)
				}
				return
			}
			if err == nil {
				t.Fatalf("%s: ParseExceptionGround(%q) = %q, want an error", c.reg, c.in, got)
			}
			for _, g := range statute.ExceptionGrounds {
				if !strings.Contains(err.Error(), string(g)) {
					t.Errorf("%s: error %q does not list %s", c.reg, err, g)
				}
			}
		})
	}
}

// Each limit's exception is its own: the 20 weeks' does not excuse the
// decision whether to assess, nor a school closure late advice.
func TestExcuses(t *testing.T) {
	regs := []string{statute.ExceptionSchoolClosure.Regulation(statute.FinalPlanDue)} // reg 13(3)(a)/(b)
	for d, want := range map[statute.Deadline]bool{statute.FinalPlanDue: true, statute.DecisionToAssessDue: false, statute.AdviceDue: false} {
		if got := statute.Excuses(regs, d); got != want {
			t.Errorf("%s excused by %v: %v; want %v", d, regs, got, want)
		}
	}
	if !statute.Excuses([]string{"reg 8(2)(c)"}, statute.AdviceDue) || statute.Excuses(nil, statute.FinalPlanDue) {
		t.Error("a missed appointment excuses advice; nothing recorded excuses nothing")
	}
}
