package caserecord

import "github.com/ehc-send/ehc/statute"

// DisputeSnapshot is a case's disagreement over a refusal to assess or a
// decision not to issue (the case_disputes table) after one of its events:
// dates, stages and flags, no personal data.
type DisputeSnapshot struct {
	Seq            int          `json:"seq"`
	FirstRun       string       `json:"first_run"`
	Stage          string       `json:"stage"`
	Decision       string       `json:"decision"`
	Notice         statute.Date `json:"notice"`
	MediationFrom  statute.Date `json:"mediation_from,omitzero"`
	WantsMediation bool         `json:"wants_mediation,omitzero"`
	MediationHeld  statute.Date `json:"mediation_held,omitzero"`
	Certificate    statute.Date `json:"certificate,omitzero"`
	AppealedOn     statute.Date `json:"appealed_on,omitzero"`
	RespondBy      statute.Date `json:"respond_by,omitzero"`
	RespondedOn    statute.Date `json:"responded_on,omitzero"`
	OrderKind      string       `json:"order_kind,omitzero"`
	OrderMade      statute.Date `json:"order_made,omitzero"`
	Unopposed      bool         `json:"unopposed,omitzero"`
	Agreement      bool         `json:"agreement,omitzero"`     // agreed at mediation (reg 42), not ordered
	OrderOnTime    bool         `json:"order_on_time,omitzero"` // complied with, every one of its limits met by its date
	OrderDue       statute.Date `json:"order_due,omitzero"`     // the order's last limit (its final plan, or the plan's)
	OrderMetOn     statute.Date `json:"order_met_on,omitzero"`  // the day nothing more was owed on it
	PlanIssuedOn   statute.Date `json:"plan_issued_on,omitzero"`
	EndedOn        statute.Date `json:"ended_on,omitzero"`
	NextDeadline   statute.Date `json:"next_deadline,omitzero"`
	Overdue        bool         `json:"overdue"`
}
