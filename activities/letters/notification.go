// Package letters is every letter the product sends, with no I/O: the
// catalogue of templates in plain English, the facts each needs, rendering
// to text and HTML, the checks on an address, and the contract of the
// activities that send them (activity.go). The workflows import this, never
// the adapters in package activities, so they link no database or mail
// client.
package letters

import (
	"strings"

	"github.com/ehc-send/ehc/statute"
)

// Template names one notification in the catalogue.
type Template string

// To the family.
const (
	FamilyRequestReceived    Template = "family.request_received"
	FamilyDecisionToAssess   Template = "family.decision_to_assess"
	FamilyRefusalToAssess    Template = "family.refusal_to_assess" // reg 5(3)
	FamilyAdviceRequested    Template = "family.advice_requested"
	FamilyDecisionToIssue    Template = "family.decision_to_issue"
	FamilyDecisionNotToIssue Template = "family.decision_not_to_issue" // reg 10(3)
	FamilyDraftServed        Template = "family.draft_served"          // reg 13(1)
	FamilyFinalPlan          Template = "family.final_plan"            // reg 14
	FamilyWithdrawn          Template = "family.withdrawn"
	FamilyDeadlineMissed     Template = "family.deadline_missed"
	FamilyAdviceOverdue      Template = "family.advice_overdue"
)

// To the family, while the plan is in force (plancatalogue.go).
const (
	FamilyReviewMeeting   Template = "family.review_meeting"   // reg 20(3)-(4), 21(3)-(4)
	FamilyReviewDecision  Template = "family.review_decision"  // reg 20(10), 22(1)-(2)
	FamilyAmendedPlan     Template = "family.amended_plan"     // reg 22(3)
	FamilyPhaseTransfer   Template = "family.phase_transfer"   // reg 18
	FamilyPlanCeasing     Template = "family.plan_ceasing"     // CFA s.45, reg 31
	FamilyPlanTransferred Template = "family.plan_transferred" // reg 15
	FamilyPlanReceived    Template = "family.plan_received"    // reg 15: the new authority's 6-week notice
	FamilyReassessment    Template = "family.reassessment"     // reg 25: the decision whether to reassess
	FamilyPlanEntered     Template = "family.plan_entered"     // a plan imported with --tell-families: where it stands
)

// To advisers.
const (
	AdviserRequest  Template = "adviser.request" // reg 8(1)
	AdviserReminder Template = "adviser.reminder"
	AdviserOverdue  Template = "adviser.overdue"
)

// To the LA's partners: the health body, social care and the child's school.
const (
	PartnerRequestReceived    Template = "partner.request_received"      // reg 4(2)
	PartnerRefusalToAssess    Template = "partner.refusal_to_assess"     // reg 5(2)
	PartnerDecisionNotToIssue Template = "partner.decision_not_to_issue" // reg 10(3)
)

// To the caseworker and the SEND manager.
const (
	StaffDeadlineApproaching Template = "staff.deadline_approaching"
	StaffDeadlineMissed      Template = "staff.deadline_missed"
	StaffDeliveryFailed      Template = "staff.delivery_failed" // a notification did not arrive: contact them another way
	StaffCaseEntered         Template = "staff.case_entered"    // a case entered after the fact: what is already overdue
	StaffPlanEntered         Template = "staff.plan_entered"    // a plan entered after the fact: what is already overdue
)

// Role is whom a recipient is to the case.
type Role string

const (
	RoleFamily     Role = "family"
	RoleCaseworker Role = "caseworker"
	RoleManager    Role = "manager"
	RoleAdviser    Role = "adviser"
	RoleHealth     Role = "health_body" // the ICB's SEND contact
	RoleSocialCare Role = "social_care"
	RoleSchool     Role = "school" // the head of the child's school or setting
)

// Recipient is one addressee.
type Recipient struct {
	Role  Role   `json:"role"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

// Facts are what a template may say. Nothing here names the child.
type Facts struct {
	Timetable   *statute.Timetable `json:"timetable,omitempty"`
	Deadline    statute.Deadline   `json:"deadline,omitempty"`
	Due         statute.Date       `json:"due,omitempty"`
	DaysOverdue int                `json:"days_overdue,omitempty"`
	DaysLeft    int                `json:"days_left,omitempty"`
	Exception   string             `json:"exception,omitempty"` // e.g. "reg 13(3)(c): exceptional personal circumstances"
	AdviceKind  statute.AdviceKind `json:"advice_kind,omitempty"`
	AdviceID    string             `json:"advice_id,omitempty"`
	Reason      string             `json:"reason,omitempty"`
	CommentsEnd statute.Date       `json:"comments_end,omitempty"`
	School      string             `json:"school,omitempty"`
	ExpectedBy  statute.Date       `json:"expected_by,omitzero"` // when the LA now expects to complete a missed step
	// MetOn is when a missed limit was met at last, for the family's notice
	// that went only afterwards (nothing ran when it was due).
	MetOn    statute.Date `json:"met_on,omitzero"`
	Notice   Template     `json:"notice,omitempty"`    // staff.delivery_failed: the notification that did not arrive
	NoticeTo Roles        `json:"notice_to,omitempty"` // staff.delivery_failed: whom it did not reach
	// Limits is where each limit stood when a case was entered after the
	// fact: the acknowledgement then says what was done and when, in the
	// past tense, and the staff summary what is overdue.
	Limits []LimitFact `json:"limits,omitempty"`
	// FamilyTold says, in the staff summary of a case or plan entered,
	// whether the family was written to about where it stands (an import
	// without --tell-families writes nothing about the past).
	FamilyTold bool `json:"family_told,omitzero"`
	// Plan is what a letter about a plan in force says of it.
	Plan *PlanFacts `json:"plan,omitempty"`
}

// PlanFacts are the dates and outcome a letter about a plan in force gives.
type PlanFacts struct {
	NextReviewDue statute.Date           `json:"next_review_due,omitzero"` // the law's latest date (CFA s.44(1))
	ReviewTarget  statute.Date           `json:"review_target,omitzero"`   // the authority's earlier aim, if any
	Review        *statute.ReviewMeeting `json:"review,omitempty"`
	Outcome       string                 `json:"outcome,omitempty"` // maintain, amend or cease (ReviewOutcome)
	Transfer      *statute.PhaseTransfer `json:"transfer,omitempty"`
	CeasesOn      statute.Date           `json:"ceases_on,omitzero"`     // the earliest day a ceasing plan ends
	Reassessment  *statute.Reassessment  `json:"reassessment,omitempty"` // a reassessment decided on (reg 25, 27)
}

// Review outcomes (reg 20(10)): what the authority decides after a review.
const (
	OutcomeMaintain = "maintain"
	OutcomeAmend    = "amend"
	OutcomeCease    = "cease"
)

// LimitFact is one limit as it stood on the day a case was entered.
type LimitFact struct {
	What        string       `json:"what"` // plain English: "decision whether to assess", "psychological advice"
	Regulation  string       `json:"regulation"`
	Due         statute.Date `json:"due"`
	MetOn       statute.Date `json:"met_on,omitzero"`
	DaysLate    int          `json:"days_late,omitzero"`    // met, this many days after Due
	DaysOverdue int          `json:"days_overdue,omitzero"` // not met, and Due has passed
}

// Roles are recipients named by their role alone, as an alert names them:
// "family", "family and adviser".
type Roles []Role

func (rs Roles) String() string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	switch len(out) {
	case 0:
		return ""
	case 1:
		return out[0]
	}
	return strings.Join(out[:len(out)-1], ", ") + " and " + out[len(out)-1]
}

// Envelope is what a notification and the message rendered from it share:
// which notification it is, for which case and date, and for whom. Key is
// unique for the case, template, subject and occurrence, so a retried or
// replayed activity can recognise a message already sent.
type Envelope struct {
	Key      string       `json:"key"`
	CaseRef  string       `json:"case_ref"`
	Template Template     `json:"template"`
	On       statute.Date `json:"on"` // the statutory date it is sent on
	To       []Recipient  `json:"to"`
	Cc       []Recipient  `json:"cc,omitempty"`
	// Caseworker is told if the notification cannot be delivered. It is
	// usually not a recipient (a letter to the family goes to the family
	// only); the outbox keeps it with the notification for that purpose.
	Caseworker Recipient `json:"caseworker,omitzero"`
}

// Notification is one message the workflow has decided to send.
type Notification struct {
	Envelope
	Facts Facts `json:"facts"`
}
