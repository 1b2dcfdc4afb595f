// Package caserecord is the contract between the workflows and the case
// register: the events a case leaves, the projection each carries and the
// personal data kept apart. It holds no database code, so the workflows
// that write these records never link PostgreSQL's driver.
package caserecord

import (
	"github.com/ehc-send/ehc/register/sen2"
	"github.com/ehc-send/ehc/statute"
)

// Event kinds in case_events.
const (
	KindStep           = "step"
	KindReminder       = "reminder"
	KindEscalation     = "escalation"
	KindNotification   = "notification"
	KindDeliveryFailed = "delivery_failed" // a notification lost for good after its retries
)

// Event is one thing that happened to a case, with the case as it stood
// afterwards. The workflow derives Key from itself and the step, so writing
// the same event twice is a no-op.
type Event struct {
	Key         string         `json:"key"`
	CaseRef     string         `json:"case_ref"`
	Kind        string         `json:"kind"`
	Name        string         `json:"name"` // the step, deadline or template
	EffectiveOn statute.Date   `json:"effective_on"`
	Detail      map[string]any `json:"detail,omitempty"` // no personal data
	Case        Snapshot       `json:"case"`
	// Seq is the event's place in the case when it carries no snapshot: a
	// step's events share one, on the last (see Store.RecordStep).
	Seq    int     `json:"seq,omitempty"`
	People *People `json:"people,omitzero"` // on the first event only
	// Plan, on a plan in force's events, is the plan as it now stands: the
	// event goes to plan_events and the plan's rows, not the case's.
	Plan *PlanSnapshot `json:"plan,omitempty"`
	// Dispute, on a case's disagreement's events, is it as it now stands:
	// the event goes to case_events and the case_disputes row.
	Dispute *DisputeSnapshot `json:"dispute,omitempty"`
}

// Place is the event's place in the case's own sequence (zero for a
// notification's event, which has none).
func (e Event) Place() int {
	if e.Case.Seq > 0 {
		return e.Case.Seq
	}
	return e.Seq
}

// Snapshot is the case's projection after the event. Seq orders snapshots so
// that a late retry of an older event never overwrites a newer state.
type Snapshot struct {
	Seq                   int          `json:"seq"`
	FirstRun              string       `json:"first_run,omitzero"`    // the workflow run that owns the case's row
	NamedSchool           string       `json:"named_school,omitzero"` // kept in case_people: the child's placement
	Stage                 string       `json:"stage"`
	Requester             string       `json:"requester"`
	Caseworker            string       `json:"caseworker"`
	Day1                  statute.Date `json:"day1"`
	DecisionToAssessDue   statute.Date `json:"decision_to_assess_due"`
	DecisionNotToIssueDue statute.Date `json:"decision_not_to_issue_due"`
	FinalPlanDue          statute.Date `json:"final_plan_due"`
	DraftCommentsEnd      statute.Date `json:"draft_comments_end,omitzero"`
	DecidedToAssessOn     statute.Date `json:"decided_to_assess_on,omitzero"`
	Assess                *bool        `json:"assess,omitempty"`
	DecidedToIssueOn      statute.Date `json:"decided_to_issue_on,omitzero"`
	Issue                 *bool        `json:"issue,omitempty"`
	DraftServedOn         statute.Date `json:"draft_served_on,omitzero"`
	FinalPlanOn           statute.Date `json:"final_plan_on,omitzero"`
	ClosedOn              statute.Date `json:"closed_on,omitzero"`
	NextDeadline          statute.Date `json:"next_deadline,omitzero"`
	Overdue               bool         `json:"overdue"`
	ExceptionRegs         []string     `json:"exception_regs,omitempty"`
	HasException          bool         `json:"has_exception"` // to a 6/16/20-week limit: SEN2 reports it apart
	Advice                []Advice     `json:"advice,omitempty"`
}

// Advice is one advice request as the register keeps it.
type Advice struct {
	ID           string             `json:"id"`
	Kind         statute.AdviceKind `json:"kind"`
	Provider     string             `json:"provider"`
	RequestedOn  statute.Date       `json:"requested_on"`
	DueOn        statute.Date       `json:"due_on"`
	ReceivedOn   statute.Date       `json:"received_on,omitzero"`
	HasException bool               `json:"has_exception"`
}

// People is the case's personal data, kept in its own table.
type People struct {
	ChildName   string       `json:"child_name"`
	ChildDOB    statute.Date `json:"child_dob,omitzero"`
	FamilyName  string       `json:"family_name,omitempty"`
	FamilyEmail string       `json:"family_email,omitempty"`
	SchoolName  string       `json:"school_name,omitempty"`
	SchoolEmail string       `json:"school_email,omitempty"`
	SEN2        sen2.Person  `json:"sen2,omitzero"`      // the DfE return's person items
	Plan        sen2.Plan    `json:"sen2_plan,omitzero"` // and its plan's, for a plan entered without its assessment
}
