package deadline

import "github.com/ehc-send/ehc/statute"

// State is a due date and how it stands, as a status query reports it.
type State struct {
	Key         string           `json:"key"` // unique within the case
	Deadline    statute.Deadline `json:"deadline"`
	Regulation  string           `json:"regulation"`
	Due         statute.Date     `json:"due"`
	Status      string           `json:"status"` // met, met_late, pending, missed, not_applicable
	MetOn       statute.Date     `json:"met_on,omitzero"`
	DaysOverdue int              `json:"days_overdue,omitzero"`
	Exception   string           `json:"exception,omitzero"`   // regulation cited, when one is recorded
	ExpectedBy  statute.Date     `json:"expected_by,omitzero"` // when the LA now expects to complete it
}

// Deadline statuses.
const (
	StatusMet           = "met"
	StatusMetLate       = "met_late"
	StatusPending       = "pending"
	StatusMissed        = "missed"
	StatusNotApplicable = "not_applicable"
)

// State reports d as of asOf, the case's today or closing date.
func (d *Deadline) State(asOf statute.Date) State {
	s := State{Key: d.Key, Deadline: d.Name, Regulation: d.Name.Regulation(), Due: d.Due,
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
