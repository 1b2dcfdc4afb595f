package workflows

import (
	"sort"
	"time"

	"github.com/ehc-send/ehc/statute"
)

// chase says who hears about a deadline before and after it falls due.
type chase int

const (
	chaseLA      chase = iota // reminders and weekly escalations to staff; the family told once when missed
	chaseAdvice               // the family told once that late advice holds their case up
	chaseConsult              // staff told when a school has not answered, then weekly
	chaseAdviser              // the adviser reminded and chased weekly, staff copied (the advice child)
)

// deadline is one due date being watched. Its alarms form a fixed sequence
// (reminders, then escalations) and fired counts how many are used, so the
// next alarm is a pure function of state: nothing is ranged over a map.
type deadline struct {
	Key        string
	Name       statute.Deadline
	Due        statute.Date
	MetOn      statute.Date
	Closed     bool   // no longer applies: the case closed or went another way
	Exception  string // the regulation cited, when an exception is recorded
	ExpectedBy statute.Date
	Chase      chase
	Fired      int
	FamilyTold bool // the family has had the letter that this limit was missed
	AdviceID   string
	School     string
}

type alarmKind int

const (
	alarmNone alarmKind = iota
	alarmReminder
	alarmMissed // the day after the due date: the date passed with the step not done
	alarmStillMissed
)

type alarm struct {
	Kind alarmKind
	Date statute.Date
	Lead int // days before due, for reminders
	N    int // escalation count, 1 for the first
}

// alarmAt returns the i-th alarm of d under p, or alarmNone when the sequence
// has ended.
func (d *deadline) alarmAt(i int, p Policy) alarm {
	leads := d.leads(p)
	if i < len(leads) {
		return alarm{Kind: alarmReminder, Date: d.Due.AddDays(-leads[i]), Lead: leads[i]}
	}
	k := i - len(leads)
	if k > 0 && d.Chase == chaseAdvice {
		return alarm{} // the family is told once
	}
	kind := alarmMissed
	if k > 0 {
		kind = alarmStillMissed
	}
	return alarm{Kind: kind, Date: d.Due.AddDays(1 + k*p.EscalationEvery), N: k + 1}
}

func (d *deadline) leads(p Policy) []int {
	if d.Chase == chaseLA || d.Chase == chaseAdviser {
		return p.ReminderLeads
	}
	return nil
}

// skipPassed marks as used every alarm whose moment is not after now,
// without sending it, and reports whether there was any: for a case (or an
// advice request) entered after the fact, whose past alarms are not news.
func (d *deadline) skipPassed(p Policy, now time.Time) bool {
	skipped := false
	for al := d.alarmAt(d.Fired, p); al.Kind != alarmNone && !al.Date.At(alarmHour).After(now); al = d.alarmAt(d.Fired, p) {
		d.Fired++
		skipped = true
	}
	return skipped
}

// missedAlarmPassed reports whether the moment of the alarm that tells the
// family a limit was missed has passed by now.
func (d *deadline) missedAlarmPassed(p Policy, now time.Time) bool {
	al := d.alarmAt(len(d.leads(p)), p)
	return al.Kind == alarmMissed && !al.Date.At(alarmHour).After(now)
}

// familyOwed reports whether firing al owes the family their letter that
// the limit was missed: the first escalation carries it, and if that one
// was superseded (the worker was down, or the case woke late) the next
// escalation does. Superseding may drop staff alarms, never this letter.
func (d *deadline) familyOwed(al alarm) bool {
	return d.Chase == chaseLA && !d.FamilyTold && (al.Kind == alarmMissed || al.Kind == alarmStillMissed)
}

// open reports whether the deadline still needs watching.
func (d *deadline) open() bool { return !d.Closed && d.MetOn.IsZero() }

// next returns the alarm to fire next, skipping any that a later alarm due
// by now supersedes (a back-dated step must not send stale reminders).
func (d *deadline) next(p Policy, now time.Time) (alarm, bool) {
	if !d.open() {
		return alarm{}, false
	}
	for {
		a := d.alarmAt(d.Fired, p)
		if a.Kind == alarmNone {
			return alarm{}, false
		}
		b := d.alarmAt(d.Fired+1, p)
		if b.Kind != alarmNone && !b.Date.At(alarmHour).After(now) {
			d.Fired++
			continue
		}
		return a, true
	}
}

// state reports the deadline as of asOf, the case's today or closing date.
func (d *deadline) state(asOf statute.Date) DeadlineState {
	s := DeadlineState{Key: d.Key, Deadline: d.Name, Regulation: d.Name.Regulation(), Due: d.Due,
		MetOn: d.MetOn, Exception: d.Exception, ExpectedBy: d.ExpectedBy}
	switch {
	case !d.MetOn.IsZero() && d.MetOn.After(d.Due):
		s.Status, s.DaysOverdue = StatusMetLate, d.MetOn.DaysSince(d.Due)
	case !d.MetOn.IsZero():
		s.Status = StatusMet
	case asOf.After(d.Due):
		s.Status, s.DaysOverdue = StatusMissed, asOf.DaysSince(d.Due)
	case d.Closed:
		s.Status = StatusNotApplicable
	default:
		s.Status = StatusPending
	}
	return s
}

// normalise fills policy defaults and orders leads earliest alarm first.
func (p Policy) normalise() Policy {
	if p.ReminderLeads == nil {
		p.ReminderLeads = []int{14, 7}
	}
	leads := append([]int(nil), p.ReminderLeads...)
	sort.Sort(sort.Reverse(sort.IntSlice(leads)))
	p.ReminderLeads = leads
	if p.EscalationEvery <= 0 {
		p.EscalationEvery = 7
	}
	if p.ConsultDays <= 0 {
		p.ConsultDays = statute.ConsultationDays
	}
	return p
}

// NextAlarm is the first alarm after t of a deadline as the status query
// reports it, under policy p: the same schedule the workflows keep, for a
// caller that narrates a case (ehc demo). Advice is as its adviser is
// chased.
func NextAlarm(s DeadlineState, p Policy, t time.Time) (time.Time, bool) {
	if s.Status != StatusPending && s.Status != StatusMissed {
		return time.Time{}, false
	}
	d := &deadline{Name: s.Deadline, Due: s.Due, Chase: chaseLA}
	switch s.Deadline {
	case statute.AdviceDue:
		d.Chase = chaseAdviser
	case statute.ConsultationDue:
		d.Chase = chaseConsult
	}
	p = p.normalise()
	for i := 0; ; i++ {
		al := d.alarmAt(i, p)
		if al.Kind == alarmNone {
			return time.Time{}, false
		}
		if at := al.Date.At(alarmHour); at.After(t) {
			return at, true
		}
	}
}
