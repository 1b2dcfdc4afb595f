package assessment

import (
	"strings"
	"testing"

	"github.com/ehc-send/ehc/statute"
)

// unescapedPipes counts the | that Markdown reads as cell breaks.
func unescapedPipes(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++ // the next character is literal
		case '|':
			n++
		}
	}
	return n
}

// The UI's details are Markdown: values are escaped so that citations read
// as themselves (the renderer would turn "(c)" into ©) and a school's name
// cannot break the table.
func TestDetailsEscapeMarkdown(t *testing.T) {
	d := func(s string) statute.Date { return date(s) }
	school := "Oak | Elm *Federation* (c) <b>_Academy_</b>\nsecond line"
	s := CaseStatus{
		Stage: StageDraftServed, Today: d("2026-05-26"), NextDeadline: d("2026-05-25"), Overdue: true,
		Deadlines: []DeadlineState{
			{Key: "final_plan_due", Deadline: statute.FinalPlanDue, Regulation: "reg 13(2)", Due: d("2026-05-25"),
				Status: StatusMissed, DaysOverdue: 1, Exception: "reg 13(3)(c)", ExpectedBy: d("2026-06-12")},
			{Key: "consultation_due/" + school, Deadline: statute.ConsultationDue, Regulation: "CoP 9.83", Due: d("2026-05-20"),
				Status: StatusMetLate, MetOn: d("2026-05-22"), DaysOverdue: 2},
			{Key: "decision_to_assess_due", Deadline: statute.DecisionToAssessDue, Regulation: "reg 5(1)", Due: d("2026-02-16"),
				Status: StatusNotApplicable},
		},
	}
	got := currentDetails(s)
	for _, want := range []string{
		`**Stage:** draft plan served · **as at** 2026-05-26`,
		`| final EHC plan | reg 13\(2\) | 2026-05-25 | **missed, 1 day overdue** \(exception: reg 13\(3\)\(c\)\) \(expected by 2026-06-12\) |`,
		`| school's answer to consultation \(Oak \| Elm \*Federation\* \(c\) \<b\>\_Academy\_\</b\> second line\) | CoP 9.83 | 2026-05-20 | met 2026-05-22, 2 days late |`,
		`| decision whether to assess | reg 5\(1\) | 2026-02-16 | not applicable |`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("details lack %s:\n%s", want, got)
		}
	}
	for _, bad := range []string{"draft_served", "13(3)(c)", "(c)", "©"} {
		if strings.Contains(got, bad) {
			t.Errorf("details show %q unescaped:\n%s", bad, got)
		}
	}
	// Every row of the table has its four cells and no more.
	_, table, _ := strings.Cut(got, "\n\n")
	for _, line := range strings.Split(strings.TrimSpace(table), "\n") {
		if n := unescapedPipes(line); n != 5 {
			t.Errorf("row has %d cell breaks, want 5: %s", n, line)
		}
	}

	static := TimetableDetails(d("2026-01-05"))
	for _, want := range []string{"| final EHC plan | reg 13\\(2\\) | 2026-05-25 |", "(reg 8\\(1\\))", "(reg 13\\(1\\)\\(a\\))"} {
		if !strings.Contains(static, want) {
			t.Errorf("timetable lacks %s:\n%s", want, static)
		}
	}
}

func TestMarkdownEscape(t *testing.T) {
	for in, want := range map[string]string{
		"reg 13(3)(c)":      `reg 13\(3\)\(c\)`,
		"a|b":               `a\|b`,
		"*x* _y_ `z` \\":    "\\*x\\* \\_y\\_ \\`z\\` \\\\",
		"[l](u) &copy; #1":  `\[l\]\(u\) \&copy; \#1`,
		"two\nlines\r\nend": "two lines end",
		"plain 2026-05-25":  "plain 2026-05-25",
	} {
		if got := md(in); got != want {
			t.Errorf("md(%q) = %q, want %q", in, got, want)
		}
	}
}
