package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// alarmHour is the statutory hour alarms fire (workflows/clock.go).
const alarmHour = 9

// owed is one letter an alarm of a case owes, by its outbox key.
type owed struct {
	key  string
	date statute.Date
	real time.Time // the real moment it falls due
	// staff alarms may be superseded: a later alarm of the same deadline
	// due by the time the case woke replaces it. A family's letter never is.
	staff bool
	h     *run // the history that must hold it: the case's or its advice request's
}

// missedAlarms lists the alarms of one case that were due and never fired.
//
// Precisely: from the case's final status (its deadlines, due and met dates,
// and closing date) and the policy it was started with, each deadline's
// alarms are the workflows' fixed sequence: for the LA's limits a reminder
// per lead before the due date, then escalations from the day after it,
// every EscalationEvery days; for a consultation the escalations only; for
// advice the family's one letter the day after. An alarm dated D (9:00 on
// the case's statutory clock) is due when D is after the case was started
// (entered), the deadline was not met on or before D, the case was not
// closed on or before D, and its real moment passed more than grace before
// the tally. It fired when its letter's Notify (outbox key case/template/
// subject, as workflows/notify.go builds it) is in the case's history.
//
// A staff alarm that did not fire is not missed when the next alarm of the
// same deadline was itself due when the case's code next ran after the
// alarm's moment (and after its first register write, before which it runs
// nothing): the start of the first workflow task to complete after then,
// which is the workflow's now. The workflows then send the later alarm
// alone (deadline.next): the worker was down or the case blocked. Nor is
// any alarm missed whose deadline was met, or case closed, by a step (or,
// for an advice request, the advice or the case's cancel) that reached the
// workflow by the end of that task, though dated after the alarm: the
// workflow rightly does not remind of what is done.
//
// The family's letter that a limit was missed is owed once the first
// escalation is due, superseded or not, and for a case entered after the
// limit passed unmet, once it is entered.
func missedAlarms(r *caseRun, st assessment.CaseStatus, hist *run, advice func(id string) *run, cutoff time.Time) (missed []string, checked int) {
	clock := r.in.Clock
	realAt := func(d statute.Date) time.Time { return clock.RealAt(d.At(alarmHour)) }
	started := clock.At(hist.started) // statutory instant of entry
	policy := r.in.Policy
	closer := "" // the update that closed the case: the last it accepted
	if st.Stage.Closed() {
		for _, a := range hist.seen {
			if _, ok := hist.updates[a.name]; ok {
				closer = a.name
			}
		}
	}
	due := func(dl assessment.DeadlineState, o owed) bool {
		d := o.date
		return d.At(alarmHour).After(clock.At(o.h.started)) &&
			(dl.MetOn.IsZero() || dl.MetOn.After(d)) &&
			(st.ClosedOn.IsZero() || st.ClosedOn.After(d)) &&
			realAt(d).Before(cutoff)
	}
	for _, dl := range st.Deadlines {
		var seq []owed
		key := func(t letters.Template, subject string) string { return fmt.Sprintf("%s/%s/%s", r.ref, t, subject) }
		switch {
		case dl.Deadline == statute.AdviceDue:
			d := dl.Due.AddDays(1)
			seq = append(seq, owed{key(letters.FamilyAdviceOverdue, dl.Key), d, realAt(d), false, hist})
			// The adviser is chased by the advice request's own workflow:
			// reminders before the due date, then weekly (workflows/advice.go).
			id := strings.TrimPrefix(dl.Key, string(statute.AdviceDue)+"/")
			child := advice(id)
			if child == nil {
				// Advice received before the case was entered has no
				// workflow of its own; any other must.
				if dl.MetOn.IsZero() || dl.MetOn.At(alarmHour).After(started) {
					missed = append(missed, fmt.Sprintf("%s: no advice request workflow for %s", r.ref, id))
				}
				break
			}
			var chase []owed
			for _, lead := range policy.ReminderLeads {
				d := dl.Due.AddDays(-lead)
				chase = append(chase, owed{key(letters.AdviserReminder, fmt.Sprintf("%s/lead%d", id, lead)), d, realAt(d), true, child})
			}
			for n := 1; n <= 60; n++ {
				d := dl.Due.AddDays(1 + (n-1)*policy.EscalationEvery)
				if realAt(d).After(cutoff) {
					break
				}
				chase = append(chase, owed{key(letters.AdviserOverdue, fmt.Sprintf("%s/%d", id, n)), d, realAt(d), true, child})
			}
			m, c := check(dl, chase, due, closer)
			missed, checked = append(missed, m...), checked+c
		default:
			if dl.Deadline != statute.ConsultationDue {
				for _, lead := range policy.ReminderLeads {
					d := dl.Due.AddDays(-lead)
					seq = append(seq, owed{key(letters.StaffDeadlineApproaching, fmt.Sprintf("%s/lead%d", dl.Key, lead)), d, realAt(d), true, hist})
				}
			}
			for n := 1; ; n++ {
				d := dl.Due.AddDays(1 + (n-1)*policy.EscalationEvery)
				if realAt(d).After(cutoff) || n > 60 {
					break
				}
				seq = append(seq, owed{key(letters.StaffDeadlineMissed, fmt.Sprintf("%s/%d", dl.Key, n)), d, realAt(d), true, hist})
			}
			// The family's letter rides on the first escalation (or on
			// entry, when that has passed: the case is open on the day it is
			// entered, whatever is done later that day).
			first, open := dl.Due.AddDays(1), st.ClosedOn.IsZero() || st.ClosedOn.After(dl.Due.AddDays(1))
			if entered := statute.DateOf(started); first.Before(entered) {
				first, open = entered, st.ClosedOn.IsZero() || !st.ClosedOn.Before(entered)
			}
			if dl.Deadline != statute.ConsultationDue && (dl.MetOn.IsZero() || dl.MetOn.After(first)) && open &&
				realAt(dl.Due.AddDays(1)).Before(cutoff) {
				k := key(letters.FamilyDeadlineMissed, dl.Key)
				checked++
				if _, ok := hist.notify[k]; !ok {
					missed = append(missed, fmt.Sprintf("%s: the family's letter that %s (due %s) was missed", r.ref, dl.Key, dl.Due))
				}
			}
		}
		m, c := check(dl, seq, due, closer)
		missed, checked = append(missed, m...), checked+c
	}
	return missed, checked
}

// wakeAfter is when the case's code first ran at or after t, and after its
// first register write.
func (r *run) wakeAfter(t time.Time) (wake, bool) {
	if t.Before(r.firstWrite) {
		t = r.firstWrite
	}
	for _, w := range r.wakes {
		if !w.at.Before(t) {
			return w, true
		}
	}
	return wake{}, false
}

// saw reports whether one of names had reached the workflow by the end of
// wake w.
func (r *run) saw(w wake, names []string) bool {
	for _, a := range r.seen {
		if a.id <= w.lastID && slices.Contains(names, a.name) {
			return true
		}
	}
	return false
}

// meets is what ends a deadline's alarms when it reaches the workflow: the
// step that meets it, the advice arriving (in an advice request), and the
// case closing (its closing step; a cancel request for an advice request).
func meets(key string, child bool, closer string) []string {
	if child {
		return []string{assessment.AdviceReceivedSignal, "cancel"}
	}
	names := []string{closer}
	switch {
	case key == string(statute.DecisionToAssessDue):
		names = append(names, assessment.UpdateDecideAssess)
	case key == string(statute.DecisionNotToIssueDue):
		names = append(names, assessment.UpdateDecideIssue)
	case key == string(statute.FinalPlanDue):
		names = append(names, assessment.UpdateIssueFinalPlan)
	case strings.HasPrefix(key, string(statute.AdviceDue)+"/"):
		names = append(names, assessment.UpdateRecordAdvice)
	case strings.HasPrefix(key, string(statute.ConsultationDue)+"/"):
		names = append(names, assessment.UpdateRecordConsultation)
	}
	return names
}

// check is the alarms of one deadline's sequence that were due and are in
// no history, less those superseded (see missedAlarms).
func check(dl assessment.DeadlineState, seq []owed, due func(assessment.DeadlineState, owed) bool, closer string) (missed []string, checked int) {
	for i, o := range seq {
		if !due(dl, o) {
			continue
		}
		checked++
		if _, ok := o.h.notify[o.key]; ok {
			continue
		}
		w, woke := o.h.wakeAfter(o.real)
		if woke && o.h.saw(w, meets(dl.Key, o.h.parent != "", closer)) {
			continue // met (or closed) before the workflow could fire it
		}
		if o.staff && i+1 < len(seq) && woke && !seq[i+1].real.After(w.at) {
			continue // superseded while nothing could run it
		}
		ran := "never ran after it"
		if woke {
			ran = "ran at " + w.at.Format("15:04:05.0")
		}
		missed = append(missed, fmt.Sprintf("%s: alarm %s due %s (real %s) never fired; the workflow %s", o.h.id, o.key, o.date, o.real.Format("15:04:05.0"), ran))
	}
	return missed, checked
}
