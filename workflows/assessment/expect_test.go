package assessment

import (
	"reflect"
	"strings"
	"testing"

	"github.com/ehc-send/ehc/statute"
)

// An expected date is refused for a limit already met, for the wrong limit,
// and before the day it is recorded; a refusal changes nothing.
func TestExpectRejects(t *testing.T) {
	h := newHarness(t, "2026-01-05")
	h.step("2026-01-20", UpdateDecideAssess, DecideAssessInput{On: date("2026-01-20"), Assess: true})
	cases := []struct {
		in   ExpectInput
		want string
	}{
		{ExpectInput{On: date("2026-01-21"), Deadline: statute.DecisionToAssessDue, By: date("2026-02-01")},
			"the decision whether to assess limit is met: there is nothing left to expect"},
		{ExpectInput{On: date("2026-01-21"), Deadline: statute.DraftCommentsEnd, By: date("2026-02-01")},
			`an expected date cannot apply to "draft_comments_end"`},
		{ExpectInput{On: date("2026-01-21"), Deadline: statute.AdviceDue, By: date("2026-02-01")},
			"an expected date to the advice limit must name the advice request"},
		{ExpectInput{On: date("2026-01-21"), Deadline: statute.FinalPlanDue, By: date("2026-01-20")},
			`the expected date "2026-01-20" must be on or after 2026-01-21, the day it is recorded`},
		{ExpectInput{On: date("2026-01-22"), Deadline: statute.FinalPlanDue, By: date("2026-06-01")},
			"date 2026-01-22 is in the future (today is 2026-01-21)"},
	}
	var got []*rejection
	for _, c := range cases {
		got = append(got, h.reject("2026-01-21", UpdateExpect, c.in))
	}
	h.step("2026-01-22", UpdateWithdraw, WithdrawInput{On: date("2026-01-22"), Reason: "test over"})
	h.run()
	for i, c := range cases {
		r := got[i]
		if r.err == nil || !strings.Contains(r.err.Error(), c.want) {
			t.Errorf("expect %+v: got %v, want %q", c.in, r.err, c.want)
		}
		if !reflect.DeepEqual(r.before, r.after) {
			t.Errorf("expect %+v changed the case", c.in)
		}
	}
}

// NextAlarm tells a narrator the same schedule the workflow keeps: 14 and 7
// days before, the day after, then weekly.
func TestNextAlarmFollowsTheWorkflowsSchedule(t *testing.T) {
	s := DeadlineState{Deadline: statute.FinalPlanDue, Due: date("2026-05-25"), Status: StatusPending}
	var got []string
	at := date("2026-05-01").At(0)
	for range 5 {
		next, ok := NextAlarm(s, Policy{}, at)
		if !ok {
			t.Fatal("no next alarm")
		}
		got = append(got, statute.DateOf(next).String())
		at = next
	}
	if want := "2026-05-11 2026-05-18 2026-05-26 2026-06-02 2026-06-09"; strings.Join(got, " ") != want {
		t.Errorf("alarms %v; want %s", got, want)
	}
	s.Status = StatusMet
	if _, ok := NextAlarm(s, Policy{}, at); ok {
		t.Error("a met deadline still has alarms")
	}
}
