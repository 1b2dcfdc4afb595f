// Package deadline is the one engine every statutory process keeps its
// limits with: a deadline, its fixed sequence of alarms (reminders before,
// escalations after), who is chased, the statutory clock, and the one
// scheme that keys each letter an alarm sends. It knows no process: the
// assessment, its advice requests and every later process decide what an
// alarm says and to whom; this package decides when.
package deadline

import (
	"time"

	"github.com/ehc-send/ehc/statute"
)

// Chase says who hears about a deadline before and after it falls due.
type Chase int

const (
	ChaseLA      Chase = iota // reminders and weekly escalations to staff; the family told once when missed
	ChaseAdvice               // the family told once that late advice holds their case up
	ChaseConsult              // staff told when a school has not answered, then weekly
	ChaseAdviser              // the adviser reminded and chased weekly, staff copied (an advice request)
	ChaseStaff                // the authority's own target: reminders and weekly escalations to staff, never the family
)

// Deadline is one due date being watched. Its alarms form a fixed sequence
// (reminders, then escalations) and Fired counts how many are used, so the
// next alarm is a pure function of state: nothing is ranged over a map, and
// the state carries over a continue-as-new as it is.
type Deadline struct {
	Key        string // unique within its workflow; part of every letter key
	Name       statute.Deadline
	Due        statute.Date
	MetOn      statute.Date
	Closed     bool   // no longer applies: the case closed or went another way
	Exception  string // the regulation cited, when an exception is recorded
	ExpectedBy statute.Date
	Chase      Chase
	Fired      int
	FamilyTold bool // the family has had the letter that this limit was missed
	AdviceID   string
	School     string
}

// AlarmKind is what an alarm is.
type AlarmKind int

const (
	AlarmNone AlarmKind = iota
	AlarmReminder
	AlarmMissed // the day after the due date: the date passed with the step not done
	AlarmStillMissed
)

// Alarm is one moment in a deadline's sequence.
type Alarm struct {
	Kind AlarmKind
	Date statute.Date
	Lead int // days before due, for reminders
	N    int // escalation count, 1 for the first
}

// At is the instant the alarm fires: AlarmHour on its date, in London.
func (al Alarm) At() time.Time { return al.Date.At(AlarmHour) }

// dueBy reports whether the alarm's moment is not after now.
func (al Alarm) dueBy(now time.Time) bool { return !al.At().After(now) }

// AlarmAt returns the i-th alarm of d under s, or AlarmNone when the
// sequence has ended.
func (d *Deadline) AlarmAt(i int, s Schedule) Alarm {
	leads := d.Leads(s)
	if i < len(leads) {
		return Alarm{Kind: AlarmReminder, Date: d.Due.AddDays(-leads[i]), Lead: leads[i]}
	}
	k := i - len(leads)
	if k > 0 && d.Chase == ChaseAdvice {
		return Alarm{} // the family is told once
	}
	kind := AlarmMissed
	if k > 0 {
		kind = AlarmStillMissed
	}
	return Alarm{Kind: kind, Date: d.Due.AddDays(1 + k*s.EscalationEvery), N: k + 1}
}

// Leads are the days before the due date that d's reminders go.
func (d *Deadline) Leads(s Schedule) []int {
	if d.Chase == ChaseLA || d.Chase == ChaseAdviser || d.Chase == ChaseStaff {
		return s.ReminderLeads
	}
	return nil
}

// SkipPassed marks as used every alarm whose moment is not after now,
// without sending it, and reports whether there was any: for a case (or an
// advice request) entered after the fact, whose past alarms are not news.
func (d *Deadline) SkipPassed(s Schedule, now time.Time) bool {
	skipped := false
	for al := d.AlarmAt(d.Fired, s); al.Kind != AlarmNone && al.dueBy(now); al = d.AlarmAt(d.Fired, s) {
		d.Fired++
		skipped = true
	}
	return skipped
}

// MissedAlarmPassed reports whether the moment of the alarm that tells the
// family a limit was missed has passed by now.
func (d *Deadline) MissedAlarmPassed(s Schedule, now time.Time) bool {
	al := d.AlarmAt(len(d.Leads(s)), s)
	return al.Kind == AlarmMissed && al.dueBy(now)
}

// FamilyOwed reports whether firing al owes the family their letter that
// the limit was missed: the first escalation carries it, and if that one
// was superseded (the worker was down, or the case woke late) the next
// escalation does. Superseding may drop staff alarms, never this letter.
func (d *Deadline) FamilyOwed(al Alarm) bool {
	return d.Chase == ChaseLA && !d.FamilyTold && (al.Kind == AlarmMissed || al.Kind == AlarmStillMissed)
}

// Open reports whether the deadline still needs watching.
func (d *Deadline) Open() bool { return !d.Closed && d.MetOn.IsZero() }

// Next returns the alarm to fire next, skipping any that a later alarm due
// by now supersedes (a back-dated step must not send stale reminders).
func (d *Deadline) Next(s Schedule, now time.Time) (Alarm, bool) {
	if !d.Open() {
		return Alarm{}, false
	}
	for {
		a := d.AlarmAt(d.Fired, s)
		if a.Kind == AlarmNone {
			return Alarm{}, false
		}
		b := d.AlarmAt(d.Fired+1, s)
		if b.Kind != AlarmNone && b.dueBy(now) {
			d.Fired++
			continue
		}
		return a, true
	}
}

// SkipPassedReminders marks as used the reminders whose moments are not
// after now, without sending them: a limit that starts today (a report
// due 14 days after a meeting recorded at noon) has no news in a reminder
// dated this morning. Escalations are left to fire: a limit that starts
// already missed (a step recorded late) still tells the family.
func (d *Deadline) SkipPassedReminders(s Schedule, now time.Time) {
	for al := d.AlarmAt(d.Fired, s); al.Kind == AlarmReminder && al.dueBy(now); al = d.AlarmAt(d.Fired, s) {
		d.Fired++
	}
}
