package assessment

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/deadline"
)

// A case on a compressed clock (a statutory week in 10 seconds) runs its
// timetable in real seconds: the status's today moves on a week every 10 s,
// the caseworker is reminded 14 and 7 days before the 6-week decision is due,
// and the escalation for the missed decision (due Day 1 + 42 days, alarm at
// 09:00 the day after) fires after about 61 seconds of workflow time.
func TestCompressedClock(t *testing.T) {
	h := newHarness(t, "2026-01-05")
	h.in.Clock = Clock{Start: h.start, WeekSeconds: 10}
	day1 := h.in.Received

	type seen struct {
		today     statute.Date
		missed    int
		reminders int
		overdue   bool
	}
	snapshots := map[time.Duration]*seen{}
	look := func(after time.Duration) {
		s := &seen{}
		snapshots[after] = s
		h.env.RegisterDelayedCallback(func() {
			st := h.status()
			*s = seen{today: st.Today, missed: len(h.rec.Find(letters.StaffDeadlineMissed)),
				reminders: len(h.rec.Find(letters.StaffDeadlineApproaching)), overdue: st.Overdue}
		}, after)
	}
	for _, after := range []time.Duration{5 * time.Second, 10 * time.Second, 20 * time.Second, 30 * time.Second, 39 * time.Second,
		41 * time.Second, 50 * time.Second, 60 * time.Second, 61 * time.Second, 62 * time.Second} {
		look(after)
	}
	// Close the case at 70 s, in week 7, so the run ends.
	var withdrawErr error
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(UpdateWithdraw, "", &testsuite.TestUpdateCallback{
			OnReject:   func(err error) { withdrawErr = err },
			OnAccept:   func() {},
			OnComplete: func(_ any, err error) { withdrawErr = err },
		}, WithdrawInput{On: day1.AddDays(49), Reason: "demonstration over"})
	}, 70*time.Second)
	res := h.run()
	if withdrawErr != nil {
		t.Fatalf("withdraw in week 7: %v", withdrawErr)
	}
	if res.Stage != StageWithdrawn || res.ClosedOn != day1.AddDays(49) {
		t.Errorf("result %+v", res)
	}

	for after, wantToday := range map[time.Duration]statute.Date{
		5 * time.Second: day1.AddDays(3), 10 * time.Second: day1.AddDays(7),
		20 * time.Second: day1.AddDays(14), 30 * time.Second: day1.AddDays(21), 60 * time.Second: day1.AddDays(42),
	} {
		if got := snapshots[after].today; got != wantToday {
			t.Errorf("status today after %s = %s, want %s", after, got, wantToday)
		}
	}
	// Reminders at 09:00 on Day 1 + 28 (39.94 s) and + 35 (49.94 s).
	if r := snapshots[39*time.Second].reminders; r != 0 {
		t.Errorf("%d reminders after 39 s, want 0", r)
	}
	if r := snapshots[41*time.Second].reminders; r != 1 {
		t.Errorf("%d reminders after 41 s, want 1", r)
	}
	if r := snapshots[50*time.Second].reminders; r != 2 {
		t.Errorf("%d reminders after 50 s, want 2", r)
	}
	// The escalation: 09:00 on Day 1 + 43 is 1031 statutory hours after
	// 10:00 on Day 1, 61.37 real seconds.
	// By 61 s the due date has passed (the status says overdue, as it does
	// from midnight), but the escalation waits for 09:00.
	if s := snapshots[61*time.Second]; s.missed != 0 || !s.overdue || s.today != day1.AddDays(43) {
		t.Errorf("after 61 s: today %s, %d escalations, overdue %v; want %s, none yet, overdue", s.today, s.missed, s.overdue, day1.AddDays(43))
	}
	if s := snapshots[62*time.Second]; s.missed != 1 || !s.overdue {
		t.Errorf("after 62 s: %d escalations, overdue %v; want the 6-week escalation", s.missed, s.overdue)
	}
	for _, m := range h.rec.Find(letters.StaffDeadlineMissed) {
		if m.On != day1.AddDays(43) {
			t.Errorf("escalation dated %s, want %s (statutory)", m.On, day1.AddDays(43))
		}
	}
	assertLines(t, sorted(h.rec.Lines()), []string{
		"2026-01-05 family.request_received family",
		"2026-01-05 partner.request_received school,health_body,social_care",
		"2026-02-02 staff.deadline_approaching caseworker,manager",
		"2026-02-09 staff.deadline_approaching caseworker,manager",
		"2026-02-17 family.deadline_missed family",
		"2026-02-17 staff.deadline_missed caseworker,manager",
		"2026-02-23 family.withdrawn family",
	})
}

// A compressed clock must have a week of at least one second, and a start.
func TestStartRejectsBadClock(t *testing.T) {
	for name, tc := range map[string]struct {
		clock Clock
		want  string
	}{
		"no week":    {Clock{Start: date("2026-01-05").At(10)}, "a compressed statutory clock needs a week of 1 to 604800 seconds, not 0"},
		"negative":   {Clock{Start: date("2026-01-05").At(10), WeekSeconds: -5}, "not -5"},
		"too slow":   {Clock{Start: date("2026-01-05").At(10), WeekSeconds: 604801}, "not 604801"},
		"no start":   {Clock{WeekSeconds: 10}, "a compressed statutory clock needs the instant it starts"},
		"week is ok": {Clock{Start: date("2026-01-05").At(10), WeekSeconds: 1}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, "2026-01-05")
			h.in.Clock = tc.clock
			if tc.want == "" {
				h.env.RegisterDelayedCallback(func() {
					h.env.UpdateWorkflow(UpdateWithdraw, "", &testsuite.TestUpdateCallback{
						OnReject: func(err error) { t.Error(err) }, OnAccept: func() {}, OnComplete: func(any, error) {},
					}, WithdrawInput{On: date("2026-01-05"), Reason: "test"})
				}, time.Minute) // after the case's first record: a step never overtakes it
			}
			h.env.ExecuteWorkflow(AssessmentWorkflowName, h.in)
			err := h.env.GetWorkflowError()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// A configuration's policy is the workflow's, and the workflow keeps no
// slice the configuration holds.
func TestPolicyOf(t *testing.T) {
	leads := []int{14, 7}
	p := PolicyOf(leads, 7, 15)
	want := Policy{Schedule: deadline.Schedule{ReminderLeads: []int{14, 7}, EscalationEvery: 7}, ConsultDays: 15}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("PolicyOf() = %+v, want %+v", p, want)
	}
	p.ReminderLeads[0] = 99
	if leads[0] != 14 {
		t.Error("PolicyOf() shares its ReminderLeads with its caller")
	}
}
