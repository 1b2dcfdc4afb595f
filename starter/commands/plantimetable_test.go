package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// jsonOf runs one command with --json through Run, as a script would, and
// decodes what it printed.
func jsonOf(t *testing.T, args ...string) map[string]any {
	t.Helper()
	env := stubDial(t)
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), env.writingTo(&out, &errOut), append(args, "--json")); code != ExitOK {
		t.Fatalf("ehc %s: exit %d: %s", strings.Join(args, " "), code, errOut.String())
	}
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatalf("ehc %s: %v: %s", strings.Join(args, " "), err, out.String())
	}
	return m
}

func wantFields(t *testing.T, m map[string]any, want map[string]any) {
	t.Helper()
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v (all: %v)", k, m[k], v, m)
		}
	}
}

// The fixed contract of the three plan timetables, which need no server
// (stubDial fails any dial).
func TestPlanTimetablesJSON(t *testing.T) {
	wantFields(t, jsonOf(t, "review-timetable", "--plan-made", "2026-03-09"),
		map[string]any{"review_due": "2027-03-08"})
	wantFields(t, jsonOf(t, "review-timetable", "--plan-made", "2026-03-09", "--last-review", "2027-02-10"),
		map[string]any{"review_due": "2028-02-09"})
	wantFields(t, jsonOf(t, "review-timetable", "--plan-made", "2026-03-09", "--meeting", "2027-02-10", "--amend-notice", "2027-03-10"),
		map[string]any{"review_due": "2027-03-08", "notice_by": "2027-01-27", "report_due": "2027-02-24", "decision_due": "2027-03-10", "final_amended_plan_due": "2027-05-05"})
	wantFields(t, jsonOf(t, "review-timetable", "--plan-made", "2026-08-31", "--months", "6"),
		map[string]any{"review_due": "2027-02-28"})
	wantFields(t, jsonOf(t, "phase-transfer", "--dob", "2016-04-01", "--on", "2026-12-01"),
		map[string]any{"transfer": "primary_to_secondary", "transfer_year": float64(2027), "amend_by": "2027-02-15"})
	wantFields(t, jsonOf(t, "phase-transfer", "--dob", "2016-04-01", "--on", "2027-09-01"),
		map[string]any{"transfer": "secondary_to_post16", "transfer_year": float64(2032), "amend_by": "2032-03-31"})
	wantFields(t, jsonOf(t, "transfer-timetable", "--aware", "2026-12-18"),
		map[string]any{"plan_sent_by": "2027-01-13"})
	// --on defaults to today (stubDial's clock: 10 March 2026).
	wantFields(t, jsonOf(t, "phase-transfer", "--dob", "2021-10-01"),
		map[string]any{"transfer": "early_years_to_school", "transfer_year": float64(2026), "amend_by": "2026-02-15"})
}

// Bad input is refused with the flag named, as a usage error.
func TestPlanTimetablesRefuse(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"review-timetable"}, "--plan-made is required (YYYY-MM-DD)"},
		{[]string{"review-timetable", "--plan-made", "2026-13-01"}, `--plan-made: "2026-13-01" is not a date`},
		{[]string{"review-timetable", "--plan-made", "2026-03-09", "--last-review", "2026-01-01"}, "--last-review 2026-01-01 is before --plan-made 2026-03-09"},
		{[]string{"review-timetable", "--plan-made", "2026-03-09", "--amend-notice", "2027-03-10"}, "--amend-notice needs --meeting"},
		{[]string{"review-timetable", "--plan-made", "2026-03-09", "--meeting", "2027-02-10", "--amend-notice", "2027-02-01"}, "--amend-notice 2027-02-01 is before --meeting 2027-02-10"},
		{[]string{"review-timetable", "--plan-made", "2026-03-09", "--months", "24"}, "--months 24: want 12, or 3 to 11"},
		{[]string{"phase-transfer", "--dob", "2008-05-05", "--on", "2026-12-01"}, "made the last standard transfer"},
		{[]string{"phase-transfer"}, "--dob is required"},
		{[]string{"transfer-timetable", "--aware", "2031-01-01"}, "held for 2024 to 2030 only, not 2031"},
	} {
		env := stubDial(t)
		var out, errOut bytes.Buffer
		code := Run(context.Background(), env.writingTo(&out, &errOut), tt.args)
		if code != ExitUsage || !strings.Contains(errOut.String(), tt.want) || out.Len() != 0 {
			t.Errorf("ehc %s: exit %d, stdout %q, stderr %q; want exit %d saying %q", strings.Join(tt.args, " "), code, out.String(), errOut.String(), ExitUsage, tt.want)
		}
	}
}

// The plain output names each limit with its date and regulation.
func TestReviewTimetablePlain(t *testing.T) {
	env := stubDial(t)
	var out bytes.Buffer
	if code := Run(context.Background(), env.writingTo(&out, &out), []string{"review-timetable", "--plan-made", "2026-03-09", "--meeting", "2027-02-10"}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	want := `Plan made                              Mon 9 Mar 2026
Next review due by                     Mon 8 Mar 2027    CFA s.44(1)
Notice and advice out by               Wed 27 Jan 2027   reg 20(3)-(4)
Review meeting                         Wed 10 Feb 2027
Report due                             Wed 24 Feb 2027   reg 20(7)
Decision to maintain, amend or cease   Wed 10 Mar 2027   reg 20(10)
`
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}
