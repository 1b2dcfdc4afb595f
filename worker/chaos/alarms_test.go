package main

import (
	"strings"
	"testing"
	"time"

	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
	"github.com/ehc-send/ehc/workflows/deadline"
)

// A case on a 7-second week (a statutory day a second) whose decision to
// assess (due day 42) was never taken: its reminders on days 28 and 35 and
// escalations from day 43 are due; the family's letter rides on day 43's.
func alarmCase(t *testing.T) (*caseRun, assessment.CaseStatus, *run, time.Time) {
	t.Helper()
	start := time.Date(2027, time.January, 4, 0, 0, 0, 0, time.UTC)
	day1 := statute.DateOf(start)
	clock := assessment.Clock{Start: start, WeekSeconds: 7}
	in := assessment.AssessmentInput{CaseRef: "AL-1", Received: day1, Clock: clock,
		Policy: assessment.Policy{Schedule: deadline.Schedule{ReminderLeads: []int{14, 7}, EscalationEvery: 7}}}
	due := day1.AddDays(42)
	st := assessment.CaseStatus{Stage: assessment.StageWithdrawn, ClosedOn: day1.AddDays(52), Deadlines: []assessment.DeadlineState{
		{Key: string(statute.DecisionToAssessDue), Deadline: statute.DecisionToAssessDue, Due: due, Status: assessment.StatusMissed}}}
	h := &run{id: "ehc-AL-1", started: start, notify: map[string]bool{}, updates: map[string]int{}}
	// The workflow ran every half second.
	for at := start; at.Before(start.Add(time.Minute)); at = at.Add(500 * time.Millisecond) {
		h.wakes = append(h.wakes, wake{at: at, lastID: int64(len(h.wakes))})
	}
	r := &caseRun{ref: "AL-1", in: in}
	return r, st, h, start.Add(2 * time.Minute)
}

func noAdvice(string) *run { return nil }

func TestEveryDueAlarmMustFire(t *testing.T) {
	r, st, h, cutoff := alarmCase(t)
	missed, checked := missedAlarms(r, st, h, noAdvice, cutoff)
	// Reminders day 28, 35; escalations day 43 and 50 (closed on day 52);
	// the family's letter.
	if checked != 5 || len(missed) != 5 {
		t.Fatalf("checked %d, missed %d, want 5 and 5:\n%s", checked, len(missed), strings.Join(missed, "\n"))
	}
	for _, k := range []string{"AL-1/staff.deadline_approaching/decision_to_assess_due/lead14",
		"AL-1/staff.deadline_approaching/decision_to_assess_due/lead7",
		"AL-1/staff.deadline_missed/decision_to_assess_due/1", "AL-1/staff.deadline_missed/decision_to_assess_due/2",
		"AL-1/family.deadline_missed/decision_to_assess_due"} {
		h.notify[k] = true
	}
	if missed, _ := missedAlarms(r, st, h, noAdvice, cutoff); len(missed) != 0 {
		t.Errorf("every alarm fired, yet missed: %v", missed)
	}
}

// With nothing run from day 20 to day 45 the reminders and the first
// escalation are superseded by the second, but the family's letter is
// still owed.
func TestSupersededStaffAlarmsAreNotMissedButTheFamilyLetterIs(t *testing.T) {
	r, st, h, cutoff := alarmCase(t)
	var kept []wake
	for _, w := range h.wakes {
		if d := w.at.Sub(r.in.Clock.Start); d < 20*time.Second || d > 51*time.Second {
			kept = append(kept, w)
		}
	}
	h.wakes = kept
	h.notify["AL-1/staff.deadline_missed/decision_to_assess_due/2"] = true
	missed, _ := missedAlarms(r, st, h, noAdvice, cutoff)
	if len(missed) != 1 || !strings.Contains(missed[0], "family's letter") {
		t.Errorf("missed %v, want only the family's letter", missed)
	}
}

// A step dated after an alarm that reached the workflow before it could
// fire the alarm (the worker was down) leaves nothing to remind of.
func TestAlarmOvertakenByItsStepIsNotMissed(t *testing.T) {
	r, st, h, cutoff := alarmCase(t)
	st.Deadlines[0].MetOn = st.Deadlines[0].Due.AddDays(-6) // decided on day 36
	st.Stage, st.ClosedOn = assessment.StageAssessing, statute.Date{}
	h.notify["AL-1/staff.deadline_approaching/decision_to_assess_due/lead14"] = true
	// Down from day 34.5 to 37; the decision arrived meanwhile.
	var kept []wake
	for _, w := range h.wakes {
		if d := w.at.Sub(r.in.Clock.Start); d < 34500*time.Millisecond || d >= 37*time.Second {
			kept = append(kept, w)
		}
	}
	h.wakes = kept
	missed, _ := missedAlarms(r, st, h, noAdvice, cutoff)
	if len(missed) != 1 {
		t.Fatalf("missed %v, want day 35's reminder (no step reached the case)", missed)
	}
	for _, w := range h.wakes {
		if w.at.Sub(r.in.Clock.Start) >= 37*time.Second {
			h.seen = append(h.seen, arrival{assessment.UpdateDecideAssess, w.lastID})
			break
		}
	}
	if missed, _ := missedAlarms(r, st, h, noAdvice, cutoff); len(missed) != 0 {
		t.Errorf("missed %v, want none: the decision reached the case first", missed)
	}
}
