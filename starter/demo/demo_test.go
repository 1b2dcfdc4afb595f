package demo

import (
	"testing"
	"time"

	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// Each script runs forwards in time and tells the story it promises.
func TestDemoScripts(t *testing.T) {
	stories := map[string]func(steps []demoStep) bool{
		"DEMO-1": func(s []demoStep) bool {
			return s[len(s)-1].update == assessment.UpdateIssueFinalPlan && s[len(s)-1].day <= 140
		},
		"DEMO-2": func(s []demoStep) bool {
			return s[len(s)-1].update == assessment.UpdateIssueFinalPlan && s[len(s)-1].day <= 140
		},
		"DEMO-3": func(s []demoStep) bool {
			return s[0].day > 42 && s[len(s)-1].update == assessment.UpdateIssueFinalPlan && s[len(s)-1].day == 161
		},
		"DEMO-4": func(s []demoStep) bool { return len(s) == 1 && s[0].day == 35 },
	}
	for _, c := range demoCases {
		for i := 1; i < len(c.steps); i++ {
			if c.steps[i].day < c.steps[i-1].day {
				t.Errorf("%s: step %d (%s) on day %d comes before step %d on day %d", c.ref, i+1, c.steps[i].update, c.steps[i].day, i, c.steps[i-1].day)
			}
		}
		if ok := stories[c.ref]; ok == nil || !ok(c.steps) {
			t.Errorf("%s's script does not tell its story: %s", c.ref, c.story)
		}
		in := c.in
		in.CaseRef, in.Received, in.Manager = c.ref, statute.NewDate(2026, time.January, 5), demoManager
		if err := assessment.ValidateCaseRef(in.CaseRef); err != nil || in.Child.DateOfBirth.After(in.Received) || in.Caseworker == "" {
			t.Errorf("%s: input %+v", c.ref, in)
		}
	}
}

// The driver reports a deadline's alarms when the workflow fires them:
// reminders 14 and 7 days before at 09:00, the day after it is missed, then
// weekly; none once it is met.
func TestDemoAlarmSchedule(t *testing.T) {
	r := &demoRun{}
	due := statute.NewDate(2026, time.February, 16)
	d := assessment.DeadlineState{Key: "decision_to_assess_due", Deadline: statute.DecisionToAssessDue, Due: due, Status: assessment.StatusPending}
	at := statute.NewDate(2026, time.January, 5).At(10)
	var got []string
	for range 5 {
		next, ok := r.alarmAfter(d, at)
		if !ok {
			t.Fatal("no alarm")
		}
		got = append(got, next.Format("2006-01-02 15:04"))
		at = next
	}
	want := []string{"2026-02-02 09:00", "2026-02-09 09:00", "2026-02-17 09:00", "2026-02-24 09:00", "2026-03-03 09:00"}
	if len(got) != len(want) {
		t.Fatalf("alarms %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("alarms %v, want %v", got, want)
			break
		}
	}
	// Far beyond the due date, the next escalation is found at once.
	if next, ok := r.alarmAfter(d, due.AddDays(7000).At(10)); !ok || next.Sub(due.AddDays(7000).At(10)) > 7*24*time.Hour {
		t.Errorf("after 7000 days: %s", next)
	}
	d.Status, d.MetOn = assessment.StatusMet, due
	if next, ok := r.alarmAfter(d, statute.NewDate(2026, time.January, 5).At(10)); ok {
		t.Errorf("a met deadline has an alarm at %s", next)
	}
	// Advice has its reminders; a school's answer only its escalations.
	d = assessment.DeadlineState{Key: "consultation_due/Elm", Deadline: statute.ConsultationDue, Due: due, Status: assessment.StatusPending}
	if next, _ := r.alarmAfter(d, statute.NewDate(2026, time.January, 5).At(10)); !next.Equal(due.AddDays(1).At(9)) {
		t.Errorf("consultation's first alarm %s, want the day after it is due", next)
	}
}
