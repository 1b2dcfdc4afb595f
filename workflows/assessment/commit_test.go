package assessment

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/commit"
)

// activityCounts counts the activities a run starts, by type.
func activityCounts(h *harness) func() map[string]int {
	var mu sync.Mutex
	n := map[string]int{}
	h.env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
		mu.Lock()
		defer mu.Unlock()
		if info.Attempt == 1 {
			n[info.ActivityType.Name]++
		}
	})
	return func() map[string]int {
		mu.Lock()
		defer mu.Unlock()
		return n
	}
}

// A refused request has three moments: the request (its record awaited, its
// letters a step of their own), two reminders and the refusal. Each is one
// activity where it was two or three (a record, and a Notify a letter).
func TestOneActivityPerStep(t *testing.T) {
	h := newHarness(t, "2026-01-05")
	counts := activityCounts(h)
	h.step("2026-02-10", UpdateDecideAssess, DecideAssessInput{On: date("2026-02-10"), Reason: "needs met from the school's own resources"})
	h.run()
	got := counts()
	want := map[string]int{
		"RecordEvent": 1, // the case's row first: nothing may refer to it before
		// the request's letters; two reminders (record and letter each); the refusal (record and two letters)
		"CommitStep": 4,
	}
	if len(got) != len(want) || got["RecordEvent"] != want["RecordEvent"] || got["CommitStep"] != want["CommitStep"] {
		t.Errorf("activities started: %v; want %v", got, want)
	}
	// Nothing the register or the family is owed was dropped by batching.
	assertLines(t, sorted(h.rec.Lines()), []string{
		"2026-01-05 family.request_received family",
		"2026-01-05 partner.request_received school,health_body,social_care",
		"2026-02-02 staff.deadline_approaching caseworker,manager",
		"2026-02-09 staff.deadline_approaching caseworker,manager",
		"2026-02-10 family.refusal_to_assess family",
		"2026-02-10 partner.refusal_to_assess school,health_body",
	})
	var kinds []string
	for _, e := range h.reg.events {
		if e.Kind != caserecord.KindNotification {
			kinds = append(kinds, e.Kind+" "+e.Name)
		}
	}
	sort.Strings(kinds)
	if strings.Join(kinds, "|") != "reminder decision_to_assess_due|reminder decision_to_assess_due|step decide-assess|step request-received" {
		t.Errorf("register events: %q", kinds)
	}
	if s := h.reg.last().Case; s.Stage != string(StageNotAssessed) {
		t.Errorf("the register's projection ends at %q; want %q", s.Stage, StageNotAssessed)
	}
}

// mixed refuses one address for good, as a mail service that rejects an
// address does, and cannot reach another (either may be empty).
type mixed struct {
	*recorder
	refused, down string
}

func (m mixed) Deliver(ctx context.Context, msg letters.Message) (letters.Delivery, error) {
	for _, p := range msg.To {
		switch {
		case p.Email == "":
		case p.Email == m.refused:
			return letters.Delivery{}, temporal.NewNonRetryableApplicationError("the address does not exist", "Refused", nil)
		case p.Email == m.down:
			return letters.Delivery{}, errors.New("connection refused")
		}
	}
	return m.recorder.Deliver(ctx, msg)
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// A letter refused for good in a step whose other letters went is loud on
// the case for that letter alone: the others are not called lost.
func TestAStepsRefusedLetterAloneIsLost(t *testing.T) {
	h := newHarness(t, "2026-01-05")
	h.env.RegisterActivity(&activities.Activities{Transport: mixed{h.rec, h.in.HealthBody.Email, ""}, Register: h.reg, Logger: quiet})
	h.step("2026-02-10", UpdateDecideAssess, DecideAssessInput{On: date("2026-02-10"), Reason: "needs met from the school's own resources"})
	h.run()
	end := h.status()
	var lost []string
	for _, p := range end.DeliveryProblems {
		lost = append(lost, string(p.Template))
	}
	sort.Strings(lost)
	if strings.Join(lost, ",") != "partner.refusal_to_assess,partner.request_received" {
		t.Errorf("lost on the case: %v; want the two partner letters to the health body only", lost)
	}
	if got := h.rec.Find(letters.FamilyRefusalToAssess); len(got) != 1 {
		t.Errorf("the family's refusal letter went %d times; want once", len(got))
	}
	if got := h.rec.Find(letters.StaffDeliveryFailed); len(got) != 2 {
		t.Errorf("the caseworker was alerted %d times; want once for each lost letter", len(got))
	}
}

// A step whose letter to one address could not be sent in a day of
// retries names that letter alone as lost, with why: the step's record and
// its other letters went on the first attempt.
func TestAStepOutOfRetriesNamesItsUnsentLetters(t *testing.T) {
	h := newHarness(t, "2026-01-05")
	h.env.RegisterActivity(&activities.Activities{Transport: mixed{h.rec, "", h.in.HealthBody.Email}, Register: h.reg, Logger: quiet})
	h.step("2026-02-10", UpdateDecideAssess, DecideAssessInput{On: date("2026-02-10"), Reason: "needs met from the school's own resources"})
	h.run()
	end := h.status()
	var lost []string
	for _, p := range end.DeliveryProblems {
		lost = append(lost, string(p.Template)+": "+p.Error)
	}
	sort.Strings(lost)
	want := "partner.refusal_to_assess: it could not be sent after a day of retries|partner.request_received: it could not be sent after a day of retries"
	if strings.Join(lost, "|") != want {
		t.Errorf("lost on the case: %q; want %q", lost, want)
	}
	if got := h.rec.Find(letters.FamilyRefusalToAssess); len(got) != 1 {
		t.Errorf("the family's refusal letter went %d times; want once", len(got))
	}
}

// Steps that leave the next alarm where it was keep its timer: no timer is
// left behind to wake the case for nothing, and the alarms still fire.
func TestOneTimerForTheNextAlarm(t *testing.T) {
	h := newHarness(t, "2026-01-05")
	var mu sync.Mutex
	scheduled, fired, cancelled := 0, 0, 0
	h.env.SetOnTimerScheduledListener(func(string, time.Duration) { mu.Lock(); scheduled++; mu.Unlock() })
	h.env.SetOnTimerFiredListener(func(string) { mu.Lock(); fired++; mu.Unlock() })
	h.env.SetOnTimerCanceledListener(func(string) { mu.Lock(); cancelled++; mu.Unlock() })
	for _, on := range []string{"2026-01-07", "2026-01-08", "2026-01-09"} {
		h.step(on, UpdateRecordException, RecordExceptionInput{On: date(on), Ground: statute.ExceptionPersonal,
			Deadline: statute.DecisionToAssessDue, From: date(on)})
	}
	h.step("2026-02-10", UpdateDecideAssess, DecideAssessInput{On: date("2026-02-10"), Reason: "needs met from the school's own resources"})
	h.run()
	// The 14- and 7-day reminders, then the escalation the refusal forestalled.
	if scheduled != 3 || fired != 2 || cancelled != 0 {
		t.Errorf("timers: %d scheduled, %d fired, %d cancelled; want 3, 2, 0 (one a distinct alarm)", scheduled, fired, cancelled)
	}
	if got := len(h.rec.Find(letters.StaffDeadlineApproaching)); got != 2 {
		t.Errorf("%d reminders; want 2", got)
	}
}

// A step with one letter refused for good and another never sent shows
// both on the case when its retries run out, each with its own reason.
func TestAStepOutOfRetriesKeepsItsRefusedLetter(t *testing.T) {
	h := newHarness(t, "2026-01-05")
	h.env.RegisterActivity(&activities.Activities{Transport: mixed{h.rec, h.in.Family.Email, h.in.HealthBody.Email}, Register: h.reg, Logger: quiet})
	h.step("2026-02-10", UpdateDecideAssess, DecideAssessInput{On: date("2026-02-10"), Reason: "needs met from the school's own resources"})
	h.run()
	got := map[string]string{}
	for _, p := range h.status().DeliveryProblems {
		got[string(p.Template)] = p.Error
	}
	want := map[string]string{
		"family.refusal_to_assess":  "the address does not exist",
		"partner.refusal_to_assess": "it could not be sent after a day of retries",
	}
	for tmpl, reason := range want {
		if got[tmpl] != reason {
			t.Errorf("%s on the case as %q; want %q (all: %v)", tmpl, got[tmpl], reason, got)
		}
	}
}

// A step whose last attempt timed out calls lost only the letters its
// heartbeats did not say were sent.
func TestUnsentAtLastLeavesOutWhatWasSent(t *testing.T) {
	s := letters.Step{Letters: []letters.Notification{
		{Envelope: letters.Envelope{Key: "A"}}, {Envelope: letters.Envelope{Key: "B"}}, {Envelope: letters.Envelope{Key: "C"}}}}
	unsent := temporal.NewApplicationErrorWithOptions("1 not sent", letters.LettersUnsent,
		temporal.ApplicationErrorOptions{Details: []any{[]string{"B"}, []letters.LostLetter{{Key: "C", Reason: "refused"}}}})
	got := commit.UnsentAtLast(s, unsent)
	if len(got) != 2 || got[0] != (letters.LostLetter{Key: "C", Reason: "refused"}) || got[1].Key != "B" {
		t.Errorf("from LettersUnsent: %+v; want C refused, then B", got)
	}
	timedOut := temporal.NewTimeoutError(enumspb.TIMEOUT_TYPE_HEARTBEAT, nil, []string{"A"})
	if got := commit.UnsentAtLast(s, timedOut); len(got) != 2 || got[0].Key != "B" || got[1].Key != "C" {
		t.Errorf("after a timeout with A sent: %+v; want B and C", got)
	}
	if got := commit.UnsentAtLast(s, errors.New("the register is down")); len(got) != 3 {
		t.Errorf("with nothing known: %+v; want all three", got)
	}
}
