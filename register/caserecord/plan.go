package caserecord

import "github.com/ehc-send/ehc/statute"

// PlanSnapshot is a plan in force as the register keeps it (the plans and
// plan_reviews tables) after one of its events: dates, stages and flags,
// no personal data. Seq orders snapshots as a case's do.
type PlanSnapshot struct {
	Seq           int            `json:"seq"`
	FirstRun      string         `json:"first_run"`
	Stage         string         `json:"stage"`
	Caseworker    string         `json:"caseworker"`
	PlanMade      statute.Date   `json:"plan_made"`
	TransferredIn statute.Date   `json:"transferred_in,omitzero"`
	LastReview    statute.Date   `json:"last_review,omitzero"`
	NextReviewDue statute.Date   `json:"next_review_due,omitzero"`
	NextDeadline  statute.Date   `json:"next_deadline,omitzero"`
	Overdue       bool           `json:"overdue"`
	CeasesOn      statute.Date   `json:"ceases_on,omitzero"`
	EndedOn       statute.Date   `json:"ended_on,omitzero"`
	Reviews       []PlanReview   `json:"reviews,omitempty"`   // those the plan still carries
	Transfers     []PlanTransfer `json:"transfers,omitempty"` // the phase transfer watched now, and one just replaced
	Dispute       *PlanDispute   `json:"dispute,omitempty"`   // a disagreement over a decision on the plan
}

// PlanDispute is a disagreement over one decision (reg 32-45).
type PlanDispute struct {
	Decision       string       `json:"decision"`
	Notice         statute.Date `json:"notice"`
	MediationFrom  statute.Date `json:"mediation_from,omitzero"`
	WantsMediation bool         `json:"wants_mediation,omitzero"`
	MediationHeld  statute.Date `json:"mediation_held,omitzero"`
	Certificate    statute.Date `json:"certificate,omitzero"`
	AppealedOn     statute.Date `json:"appealed_on,omitzero"`
	OrderKind      string       `json:"order_kind,omitzero"`
	OrderMade      statute.Date `json:"order_made,omitzero"`
	Unopposed      bool         `json:"unopposed,omitzero"`
	OrderDue       statute.Date `json:"order_due,omitzero"`
	OrderMetOn     statute.Date `json:"order_met_on,omitzero"`
}

// PlanTransfer is a phase transfer the plan is held to (reg 18).
type PlanTransfer struct {
	Transfer  string       `json:"transfer"`
	Year      int          `json:"year"`
	AmendBy   statute.Date `json:"amend_by"`
	AmendedOn statute.Date `json:"amended_on,omitzero"`
	Replaced  bool         `json:"replaced,omitzero"`
}

// PlanReview is one annual review's dates (CFA s.44; reg 20-22).
type PlanReview struct {
	Cycle       int          `json:"cycle"`
	Due         statute.Date `json:"due"`
	Meeting     statute.Date `json:"meeting,omitzero"`
	NoticeOn    statute.Date `json:"notice_on,omitzero"`
	HeldOn      statute.Date `json:"held_on,omitzero"`
	ReportOn    statute.Date `json:"report_on,omitzero"`
	DecidedOn   statute.Date `json:"decided_on,omitzero"`
	Outcome     string       `json:"outcome,omitzero"`
	FinalDue    statute.Date `json:"final_due,omitzero"`
	FinalOn     statute.Date `json:"final_on,omitzero"`
	NotAmended  bool         `json:"not_amended,omitzero"`
	ForTransfer bool         `json:"for_transfer,omitzero"`
}
