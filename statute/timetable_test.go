package statute_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ehc-send/ehc/statute"
)

// TestComputeWeeks checks the 6-, 16- and 20-week limits from Day 1.
// Every expected date is worked out by hand: Day 1 + 7N calendar days.
func TestComputeWeeks(t *testing.T) {
	cases := []struct {
		reg  string
		name string
		day1 string
		get  func(statute.Timetable) statute.Date
		want string
	}{
		// Monday 26 January 2026: 5 days to 31 Jan, 28 in Feb, 9 in March.
		{"reg 5(1)", "ordinary 6 weeks", "2026-01-26", assessDue, "2026-03-09"},
		{"reg 10(1)", "ordinary 16 weeks", "2026-01-26", notIssueDue, "2026-05-18"},
		{"reg 13(2)", "ordinary 20 weeks", "2026-01-26", finalDue, "2026-06-15"},

		// Friday 20 March 2026; BST starts Sunday 29 March.
		{"reg 5(1)", "BST start 6 weeks", "2026-03-20", assessDue, "2026-05-01"},
		{"reg 10(1)", "BST start 16 weeks", "2026-03-20", notIssueDue, "2026-07-10"},
		{"reg 13(2)", "BST start 20 weeks", "2026-03-20", finalDue, "2026-08-07"},

		// Tuesday 20 October 2026; BST ends Sunday 25 October; crosses the year end.
		{"reg 5(1)", "BST end 6 weeks", "2026-10-20", assessDue, "2026-12-01"},
		{"reg 10(1)", "BST end 16 weeks into 2027", "2026-10-20", notIssueDue, "2027-02-09"},
		{"reg 13(2)", "BST end 20 weeks into 2027", "2026-10-20", finalDue, "2027-03-09"},

		// Day 1 on the day BST starts and the day it ends.
		{"reg 5(1)", "Day 1 on BST start Sunday", "2026-03-29", assessDue, "2026-05-10"},
		{"reg 5(1)", "Day 1 on BST end Sunday", "2026-10-25", assessDue, "2026-12-06"},

		// Tuesday 25 January 2028: 6 weeks crosses 29 February 2028.
		{"reg 5(1)", "leap year 6 weeks crosses 29 Feb", "2028-01-25", assessDue, "2028-03-07"},
		{"reg 10(1)", "leap year 16 weeks", "2028-01-25", notIssueDue, "2028-05-16"},
		{"reg 13(2)", "leap year 20 weeks", "2028-01-25", finalDue, "2028-06-13"},
		// The same Day 1 a common year earlier lands a day later.
		{"reg 5(1)", "common year 6 weeks", "2027-01-25", assessDue, "2027-03-08"},
		// Day 1 on the leap day itself.
		{"reg 5(1)", "Day 1 on 29 Feb 6 weeks", "2028-02-29", assessDue, "2028-04-11"},
		{"reg 13(2)", "Day 1 on 29 Feb 20 weeks", "2028-02-29", finalDue, "2028-07-18"},

		// Thursday 10 December 2026: every limit lands in 2027.
		{"reg 5(1)", "year end 6 weeks", "2026-12-10", assessDue, "2027-01-21"},
		{"reg 10(1)", "year end 16 weeks", "2026-12-10", notIssueDue, "2027-04-01"},
		{"reg 13(2)", "year end 20 weeks lands in 2027", "2026-12-10", finalDue, "2027-04-29"},

		// Day 1 is kept as given.
		{"s.36(1)", "Day 1 kept", "2026-12-10", func(tt statute.Timetable) statute.Date { return tt.Day1 }, "2026-12-10"},
	}
	for _, c := range cases {
		t.Run(c.reg+"/"+c.name, func(t *testing.T) {
			tt := statute.Compute(date(t, c.day1), statute.Steps{})
			if got := c.get(tt); got.String() != c.want {
				t.Errorf("%s: Day 1 %s: got %s, want %s", c.reg, c.day1, got, c.want)
			}
		})
	}
}

func assessDue(tt statute.Timetable) statute.Date   { return tt.DecisionToAssessDue }
func notIssueDue(tt statute.Timetable) statute.Date { return tt.DecisionNotToIssueDue }
func finalDue(tt statute.Timetable) statute.Date    { return tt.FinalPlanDue }

// TestComputeAdvice checks each adviser's 6 weeks from receiving the request.
func TestComputeAdvice(t *testing.T) {
	cases := []struct {
		reg       string
		name      string
		kind      statute.AdviceKind
		requested string
		want      string
	}{
		{"reg 8(1)", "educational", statute.AdviceKindEducational, "2026-03-09", "2026-04-20"},
		{"reg 8(1)", "medical across BST start", statute.AdviceKindMedical, "2026-03-25", "2026-05-06"},
		{"reg 8(1)", "psychological across BST end", statute.AdviceKindPsychological, "2026-10-22", "2026-12-03"},
		{"reg 8(1)", "social care across year end", statute.AdviceKindSocialCare, "2026-12-01", "2027-01-12"},
		{"reg 8(1)", "requested on 29 Feb 2028", statute.AdviceKindSensoryTeacher, "2028-02-29", "2028-04-11"},
		{"reg 8(1)", "requested before 29 Feb 2028", statute.AdviceKindFamilyViews, "2028-02-01", "2028-03-14"},
		{"reg 8(1)", "same request a common year earlier", statute.AdviceKindFamilyViews, "2027-02-01", "2027-03-15"},
	}
	for _, c := range cases {
		t.Run(c.reg+"/"+c.name, func(t *testing.T) {
			if got := statute.AdviceDueFrom(date(t, c.requested)); got.String() != c.want {
				t.Errorf("%s: AdviceDueFrom(%s) = %s, want %s", c.reg, c.requested, got, c.want)
			}
		})
	}

	// All of them in one Compute: order, kinds and request dates kept.
	t.Run("reg 8(1)/all requests in one timetable", func(t *testing.T) {
		var steps statute.Steps
		for _, c := range cases {
			steps.AdviceRequested = append(steps.AdviceRequested, statute.AdviceDate{Kind: c.kind, Requested: date(t, c.requested)})
		}
		tt := statute.Compute(date(t, "2026-01-26"), steps)
		if len(tt.Advice) != len(cases) {
			t.Fatalf("reg 8(1): %d advice dates, want %d", len(tt.Advice), len(cases))
		}
		for i, c := range cases {
			a := tt.Advice[i]
			if a.Kind != c.kind || a.Requested.String() != c.requested || a.Due.String() != c.want {
				t.Errorf("reg 8(1): advice[%d] = {%s %s %s}, want {%s %s %s}", i, a.Kind, a.Requested, a.Due, c.kind, c.requested, c.want)
			}
		}
	})
}

// TestComputeDraftComments checks the end of the at-least-15-days window
// beginning with the day the draft was served: served + 14 days.
func TestComputeDraftComments(t *testing.T) {
	cases := []struct {
		reg    string
		name   string
		served string
		want   string
	}{
		{"reg 13(1)(a)", "ordinary", "2026-05-04", "2026-05-18"},
		{"reg 13(1)(a)", "across BST start", "2026-03-20", "2026-04-03"},
		{"reg 13(1)(a)", "across BST end", "2026-10-20", "2026-11-03"},
		{"reg 13(1)(a)", "across 29 Feb 2028", "2028-02-20", "2028-03-05"},
		{"reg 13(1)(a)", "served on 29 Feb 2028", "2028-02-29", "2028-03-14"},
		{"reg 13(1)(a)", "across year end", "2026-12-25", "2027-01-08"},
		{"reg 13(1)(a)", "last day of month", "2026-01-31", "2026-02-14"},
	}
	for _, c := range cases {
		t.Run(c.reg+"/"+c.name, func(t *testing.T) {
			served := date(t, c.served)
			if got := statute.CommentsEnd(served); got.String() != c.want {
				t.Errorf("%s: CommentsEnd(%s) = %s, want %s", c.reg, c.served, got, c.want)
			}
			tt := statute.Compute(date(t, "2026-01-26"), statute.Steps{DraftServed: served})
			if got := tt.DraftCommentsEnd; got.String() != c.want {
				t.Errorf("%s: Compute DraftCommentsEnd for served %s = %s, want %s", c.reg, c.served, got, c.want)
			}
			// 15 days beginning with the serving day: the serving day is day 1.
			if n := date(t, c.want).DaysSince(served) + 1; n != 15 {
				t.Errorf("%s: window is %d days, want 15", c.reg, n)
			}
		})
	}
}

// TestComputeConsultations checks the guidance answer date for each school:
// sent + 15 days by default, or the authority's own number of days.
func TestComputeConsultations(t *testing.T) {
	cases := []struct {
		reg    string
		name   string
		school string
		sent   string
		days   int // Steps.ConsultDays; 0 or less means the default 15
		want   string
	}{
		{"CoP 9.83", "default 15 days", "Oakfield Primary", "2026-05-04", 0, "2026-05-19"},
		{"CoP 9.83", "default across BST end", "Riverside Academy", "2026-10-20", 0, "2026-11-04"},
		{"CoP 9.83", "default across BST start", "Hill View School", "2026-03-20", 0, "2026-04-04"},
		{"CoP 9.83", "default across 29 Feb 2028", "St Anne's CE", "2028-02-20", 0, "2028-03-06"},
		{"CoP 9.83", "default across year end", "Northgate College", "2026-12-20", 0, "2027-01-04"},
		{"CoP 9.83", "custom 10 days", "Oakfield Primary", "2026-05-04", 10, "2026-05-14"},
		{"CoP 9.83", "custom 21 days across year end", "Northgate College", "2026-12-20", 21, "2027-01-10"},
		{"CoP 9.83", "custom 1 day", "Oakfield Primary", "2026-05-04", 1, "2026-05-05"},
		{"CoP 9.83", "negative days fall back to 15", "Oakfield Primary", "2026-05-04", -3, "2026-05-19"},
	}
	for _, c := range cases {
		t.Run(c.reg+"/"+c.name, func(t *testing.T) {
			sent := date(t, c.sent)
			if got := statute.ConsultDueFrom(sent, c.days); got.String() != c.want {
				t.Errorf("%s: ConsultDueFrom(%s, %d) = %s, want %s", c.reg, c.sent, c.days, got, c.want)
			}
			steps := statute.Steps{
				Consultations: []statute.ConsultDate{
					{School: c.school, Sent: sent},
					{School: "Second choice", Sent: sent},
				},
				ConsultDays: c.days,
			}
			tt := statute.Compute(date(t, "2026-01-26"), steps)
			if len(tt.Consultations) != 2 {
				t.Fatalf("%s: %d consultations, want 2", c.reg, len(tt.Consultations))
			}
			if got := tt.Consultations[0]; got.School != c.school || got.Sent.String() != c.sent || got.Due.String() != c.want {
				t.Errorf("%s: consultation = {%s %s %s}, want {%s %s %s}", c.reg, got.School, got.Sent, got.Due, c.school, c.sent, c.want)
			}
			if got := tt.Consultations[1]; got.School != "Second choice" || got.Due.String() != c.want {
				t.Errorf("%s: second consultation = {%s %s}, want {Second choice %s}", c.reg, got.School, got.Due, c.want)
			}
		})
	}
}

// TestComputeFullTimetable checks a whole case and its JSON as the register
// stores it.
func TestComputeFullTimetable(t *testing.T) {
	cases := []struct {
		reg   string
		name  string
		day1  string
		steps statute.Steps
		want  string // JSON
	}{
		{
			reg: "reg 5(1)", name: "Day 1 only: no draft, advice or consultations",
			day1: "2026-01-26",
			want: `{"day1":"2026-01-26","decision_to_assess_due":"2026-03-09","decision_not_to_issue_due":"2026-05-18","final_plan_due":"2026-06-15"}`,
		},
		{
			reg: "reg 13(2)", name: "whole assessment across BST end and the year end",
			day1: "2026-10-20",
			steps: statute.Steps{
				AdviceRequested: []statute.AdviceDate{
					{Kind: statute.AdviceKindEducational, Requested: statute.NewDate(2026, 12, 2)},
					{Kind: statute.AdviceKindMedical, Requested: statute.NewDate(2026, 12, 3)},
				},
				DraftServed:   statute.NewDate(2027, 2, 10),
				Consultations: []statute.ConsultDate{{School: "Riverside Academy", Sent: statute.NewDate(2027, 2, 11)}},
			},
			want: `{"day1":"2026-10-20","decision_to_assess_due":"2026-12-01","decision_not_to_issue_due":"2027-02-09","final_plan_due":"2027-03-09",` +
				`"draft_comments_end":"2027-02-24",` +
				`"advice":[{"kind":"educational","requested":"2026-12-02","due":"2027-01-13"},{"kind":"medical","requested":"2026-12-03","due":"2027-01-14"}],` +
				`"consultations":[{"school":"Riverside Academy","sent":"2027-02-11","due":"2027-02-26"}]}`,
		},
	}
	for _, c := range cases {
		t.Run(c.reg+"/"+c.name, func(t *testing.T) {
			tt := statute.Compute(date(t, c.day1), c.steps)
			b, err := json.Marshal(tt)
			if err != nil {
				t.Fatalf("%s: Marshal: %v", c.reg, err)
			}
			if string(b) != c.want {
				t.Errorf("%s: timetable\n got %s\nwant %s", c.reg, b, c.want)
			}
			var back statute.Timetable
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("%s: Unmarshal: %v", c.reg, err)
			}
			b2, err := json.Marshal(back)
			if err != nil {
				t.Fatalf("%s: Marshal again: %v", c.reg, err)
			}
			if string(b2) != string(b) {
				t.Errorf("%s: round trip changed the timetable\n got %s\nwant %s", c.reg, b2, b)
			}
		})
	}
}

func TestDeadlineRegulation(t *testing.T) {
	cases := []struct {
		reg      string
		deadline statute.Deadline
	}{
		{"reg 5(1)", statute.DecisionToAssessDue},
		{"reg 10(1)", statute.DecisionNotToIssueDue},
		{"reg 13(2)", statute.FinalPlanDue},
		{"reg 8(1)", statute.AdviceDue},
		{"reg 13(1)(a)", statute.DraftCommentsEnd},
		{"CoP 9.83", statute.ConsultationDue},
		{"CFA s.44(1)", statute.ReviewDue},
		{"reg 20(3)-(4)", statute.ReviewNoticeBy},
		{"reg 20(7)", statute.ReviewReportDue},
		{"reg 20(10)", statute.ReviewDecisionDue},
		{"reg 22(2)(c)", statute.AmendmentCommentsEnd},
		{"reg 22(3)", statute.FinalAmendedPlanDue},
		{"reg 18(1)", statute.PhaseTransferAmendBy},
		{"reg 15(2)", statute.TransferPlanSentBy},
		{"the authority's policy (CoP 9.178, reg 18(1))", statute.ReviewTarget},
		{"HESC Rules r.21", statute.AppealResponseDue},
		{"", statute.Deadline("annual_review_due")},
	}
	for _, c := range cases {
		t.Run(c.reg+"/"+string(c.deadline), func(t *testing.T) {
			if got := c.deadline.Regulation(); got != c.reg {
				t.Errorf("%s.Regulation() = %q, want %q", c.deadline, got, c.reg)
			}
			title := c.deadline.Title()
			if title == "" {
				t.Errorf("%s.Title() is empty", c.deadline)
			}
			if c.reg != "" && title == string(c.deadline) {
				t.Errorf("%s.Title() = %q, want plain English", c.deadline, title)
			}
			if c.reg != "" && strings.Contains(title, "_") {
				t.Errorf("%s.Title() = %q looks like a key", c.deadline, title)
			}
		})
	}
}
