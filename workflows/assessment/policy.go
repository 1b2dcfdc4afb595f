package assessment

import (
	"slices"
	"time"

	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/deadline"
)

// PolicyOf is the policy a configuration sets (config's EHC_REMINDER_DAYS,
// EHC_ESCALATION_DAYS and EHC_CONSULT_DAYS); it keeps no slice of the
// caller's.
func PolicyOf(reminderLeads []int, escalationEvery, consultDays int) Policy {
	return Policy{
		Schedule:    deadline.Schedule{ReminderLeads: slices.Clone(reminderLeads), EscalationEvery: escalationEvery},
		ConsultDays: consultDays,
	}
}

// normalise fills policy defaults and orders leads earliest alarm first.
func (p Policy) normalise() Policy {
	p.Schedule = p.Schedule.Normalise()
	if p.ConsultDays <= 0 {
		p.ConsultDays = statute.ConsultationDays
	}
	if p.HistoryBound <= 0 {
		p.HistoryBound = HistoryBound
	}
	return p
}

// statutory reports whether a missed deadline makes the case overdue: the
// school consultation period is guidance, not law.
func statutory(d *deadline.Deadline) bool { return d.Name != statute.ConsultationDue }

// NextAlarm is the first alarm after t of a deadline as the status query
// reports it, under policy p: the same schedule the workflows keep, for a
// caller that narrates a case (ehc demo).
func NextAlarm(s DeadlineState, p Policy, t time.Time) (time.Time, bool) {
	if s.Status != StatusPending && s.Status != StatusMissed {
		return time.Time{}, false
	}
	d := deadline.Deadline{Name: s.Deadline, Due: s.Due, Chase: deadline.ChaseLA}
	switch s.Deadline {
	case statute.AdviceDue:
		d.Chase = deadline.ChaseAdviser // as its adviser is chased
	case statute.ConsultationDue:
		d.Chase = deadline.ChaseConsult
	}
	return deadline.NextAfter(d, p.Schedule, t)
}
