package deadline

import (
	"slices"
	"sort"
	"time"
)

// Schedule is how an authority chases its limits: the days before a due
// date that reminders go, and how often escalations repeat while a limit is
// missed. It comes from configuration when a process starts.
type Schedule struct {
	ReminderLeads   []int `json:"reminder_leads_days"`   // days before a due date; default 14, 7
	EscalationEvery int   `json:"escalation_every_days"` // repeat while missed; default 7
}

// Normalise fills the defaults and orders the leads earliest alarm first.
func (s Schedule) Normalise() Schedule {
	if s.ReminderLeads == nil {
		s.ReminderLeads = []int{14, 7}
	}
	leads := slices.Clone(s.ReminderLeads)
	sort.Sort(sort.Reverse(sort.IntSlice(leads)))
	s.ReminderLeads = leads
	if s.EscalationEvery <= 0 {
		s.EscalationEvery = 7
	}
	return s
}

// Set is the deadlines one workflow watches, in the order they were added.
type Set []*Deadline

// Find returns the deadline with key, or nil.
func (set Set) Find(key string) *Deadline {
	for _, d := range set {
		if d.Key == key {
			return d
		}
	}
	return nil
}

// FireDue calls fire for every alarm due by now, oldest first, one per
// deadline a round, until none is due; each is counted fired before fire
// is called.
func (set Set) FireDue(s Schedule, now time.Time, fire func(*Deadline, Alarm)) {
	type due struct {
		al Alarm
		d  *Deadline
	}
	for {
		var firing []due
		for _, d := range set {
			if al, ok := d.Next(s, now); ok && al.dueBy(now) {
				firing = append(firing, due{al, d})
			}
		}
		if len(firing) == 0 {
			return
		}
		sort.SliceStable(firing, func(i, j int) bool { return firing[i].al.Date.Before(firing[j].al.Date) })
		for _, f := range firing {
			f.d.Fired++
			fire(f.d, f.al)
		}
	}
}

// Next is the earliest alarm not yet due, first in the set's order on ties.
func (set Set) Next(s Schedule, now time.Time) (Alarm, *Deadline, bool) {
	var best Alarm
	var bestD *Deadline
	for _, d := range set {
		if al, ok := d.Next(s, now); ok && (bestD == nil || al.Date.Before(best.Date)) {
			best, bestD = al, d
		}
	}
	return best, bestD, bestD != nil
}

// NextAfter is the moment of the first alarm after t that d (its due date
// and chase; what has fired is ignored) has under s: the schedule the
// workflows keep, for a caller narrating a case (ehc demo).
func NextAfter(d Deadline, s Schedule, t time.Time) (time.Time, bool) {
	s = s.Normalise()
	for i := 0; ; i++ {
		al := d.AlarmAt(i, s)
		if al.Kind == AlarmNone {
			return time.Time{}, false
		}
		if at := al.At(); at.After(t) {
			return at, true
		}
	}
}
