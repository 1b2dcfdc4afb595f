package statute

import (
	"strings"
	"testing"
)

// CFA s.44(1): a review within each period of 12 months starting with the
// day the plan was made (then the day it was last reviewed): the period
// ends the day before the anniversary, or on the last day of a month
// without the corresponding day. CoP 9.178: a shorter interval for under-5s.
func TestReviewDueAfter(t *testing.T) {
	for _, tt := range []struct {
		from   string
		months int
		want   string
	}{
		{"2026-03-09", 12, "2027-03-08"}, // the example
		{"2026-05-01", 12, "2027-04-30"}, // statute.md's example
		{"2027-03-01", 12, "2028-02-29"}, // into a leap year
		{"2028-02-29", 12, "2029-02-28"}, // from a leap day
		{"2026-01-01", 12, "2026-12-31"},
		{"2026-10-25", 12, "2027-10-24"}, // the clocks change that night: dates are civil
		{"2026-08-31", 6, "2027-02-28"},  // under-5s, six months: February has no 31st
		{"2026-01-15", 3, "2026-04-14"},  // under-5s, three months
	} {
		if got := ReviewDueAfter(mustDate(t, tt.from), tt.months); got.String() != tt.want {
			t.Errorf("ReviewDueAfter(%s, %d) = %s, want %s", tt.from, tt.months, got, tt.want)
		}
	}
}

// reg 20(3)-(4), 20(7), 20(10), 22(2)(c), 22(3): the review meeting's
// limits, and the amendment's once its notice is sent.
func TestReview(t *testing.T) {
	r := Review(mustDate(t, "2026-06-10"), Date{})
	for name, got := range map[string]Date{"notice by (reg 20(3))": r.NoticeBy, "report due (reg 20(7))": r.ReportDue, "decision due (reg 20(10))": r.DecisionDue} {
		want := map[string]string{"notice by (reg 20(3))": "2026-05-27", "report due (reg 20(7))": "2026-06-24", "decision due (reg 20(10))": "2026-07-08"}[name]
		if got.String() != want {
			t.Errorf("%s: %s, want %s", name, got, want)
		}
	}
	if !r.FinalAmendedPlanDue.IsZero() || !r.AmendmentCommentsEnd.IsZero() {
		t.Errorf("amendment dates before any notice: %+v", r)
	}
	a := Review(mustDate(t, "2026-06-10"), mustDate(t, "2026-07-08"))
	if a.AmendmentCommentsEnd.String() != "2026-07-22" || a.FinalAmendedPlanDue.String() != "2026-09-02" || a.AmendmentNoticeLate {
		t.Errorf("amendment on the decision's day: comments end %s (want 2026-07-22, reg 22(2)(c)), final plan %s (want 2026-09-02, reg 22(3): 12 weeks after the meeting), late %v",
			a.AmendmentCommentsEnd, a.FinalAmendedPlanDue, a.AmendmentNoticeLate)
	}
	if late := Review(mustDate(t, "2026-06-10"), mustDate(t, "2026-07-09")); !late.AmendmentNoticeLate {
		t.Error("an amendment notice after the 4-week decision is not marked late (Devon CC [2022])")
	}
}

// reg 18(1): the English school year, the September after the fourth
// birthday, and 15 February (31 March for post-16) of the transfer's year.
func TestPhaseTransfers(t *testing.T) {
	for _, tt := range []struct {
		dob, on string
		want    PhaseTransfer
	}{
		{"2020-08-31", "2023-01-10", PhaseTransfer{EarlyYearsToSchool, 2024, NewDate(2024, 2, 15), "reg 18(1)(b)"}}, // the youngest of the year
		{"2020-09-01", "2023-01-10", PhaseTransfer{EarlyYearsToSchool, 2025, NewDate(2025, 2, 15), "reg 18(1)(b)"}}, // the oldest of the next
		{"2016-04-01", "2026-12-01", PhaseTransfer{PrimaryToSecondary, 2027, NewDate(2027, 2, 15), "reg 18(1)(b)"}}, // Year 6 in 2026/27
		{"2016-04-01", "2027-09-01", PhaseTransfer{SecondaryToPost16, 2032, NewDate(2032, 3, 31), "reg 18(1)(a)"}},  // the day Year 7 starts
		{"2016-04-01", "2027-08-31", PhaseTransfer{PrimaryToSecondary, 2027, NewDate(2027, 2, 15), "reg 18(1)(b)"}}, // amend-by passed; the move still ahead
		{"2012-02-29", "2026-12-01", PhaseTransfer{SecondaryToPost16, 2028, NewDate(2028, 3, 31), "reg 18(1)(a)"}},  // a leap-day birthday
	} {
		got, err := NextPhaseTransfer(mustDate(t, tt.dob), mustDate(t, tt.on))
		if err != nil || got != tt.want {
			t.Errorf("born %s, on %s: %+v, %v; want %+v", tt.dob, tt.on, got, err, tt.want)
		}
	}
	if _, err := NextPhaseTransfer(mustDate(t, "2008-05-05"), mustDate(t, "2026-12-01")); err == nil {
		t.Error("a young person past post-16 was given a standard transfer")
	}
	if _, err := NextPhaseTransfer(mustDate(t, "2027-01-01"), mustDate(t, "2026-12-01")); err == nil {
		t.Error("a birth after the date was accepted")
	}
}

// Annual reviews, phase transfers and transfers between authorities have
// no exceptions (statute.md, "After the plan"): no ground excuses them.
func TestPlanLimitsHaveNoExceptions(t *testing.T) {
	for _, d := range []Deadline{ReviewDue, ReviewNoticeBy, ReviewReportDue, ReviewDecisionDue, AmendmentCommentsEnd,
		FinalAmendedPlanDue, PhaseTransferAmendBy, TransferPlanSentBy, ReviewTarget} {
		for _, g := range []ExceptionGround{ExceptionSchoolClosure, ExceptionPersonal, ExceptionAwayFromArea, ExceptionMissedAppointment} {
			if g.AppliesTo(d) {
				t.Errorf("%s excuses %s", g, d)
			}
		}
	}
}

func TestCeasingWaitsForTheTimeToAppeal(t *testing.T) {
	for _, c := range []struct{ notice, ceases string }{
		{"2026-03-09", "2026-05-10"}, // an appeal may still be lodged on 9 May, 2 months after
		{"2026-12-31", "2027-03-01"}, // no 31 February: the time ends on the 28th
		{"2027-12-31", "2028-03-01"}, // a leap year's 29 February ends it
	} {
		if got := CeasesOn(mustDate(t, c.notice)); got.String() != c.ceases {
			t.Errorf("CeasesOn(%s) = %s, want %s (reg 31(2))", c.notice, got, c.ceases)
		}
	}
	if _, err := ParseCeaseGround("moved"); err == nil || !strings.Contains(err.Error(), "no_longer_necessary") {
		t.Errorf("an unknown ground is refused naming the grounds: %v", err)
	}
}
