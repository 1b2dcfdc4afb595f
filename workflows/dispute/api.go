// Package dispute runs a family's disagreement with a decision that closed
// their case without a plan, a refusal to assess (CFA s.51(2)(a)) or a
// decision not to issue one (s.51(2)(b)), as a durable workflow of its own:
// their time to go to mediation and appeal (reg 33; HESC Rules r.20),
// mediation and its certificate (reg 34-39), the appeal and the authority's
// response, and a tribunal order to assess or to make a plan with its limits
// (reg 44(2)(b)-(c), reg 45 when unopposed), each on the shared deadline
// engine. It ends quietly when the time to appeal passes with no appeal.
// Disagreement over a plan in force is the plan's own (workflows/plan).
package dispute

import (
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/deadline"
)

// Names shared with the CLI, the worker and the assessment that starts it.
const (
	WorkflowName = "Dispute"
	StatusQuery  = "status"
)

// Update names: the plan's for the same steps, so the CLI sends the same
// step to whichever process holds the case's open disagreement.
const (
	UpdateMediation     = "record-mediation"
	UpdateMediationHeld = "record-mediation-held"
	UpdateCertificate   = "record-mediation-certificate"
	UpdateAppeal        = "record-appeal"
	UpdateResponse      = "record-appeal-response"
	UpdateAppealEnded   = "record-appeal-decided"
	UpdateOrder         = "record-order"
	UpdateOrderStep     = "record-order-step"
	UpdateAgreement     = "record-mediation-agreement"
)

// WorkflowID is the disagreement's ID: "ehc-REF-dispute", nothing personal.
func WorkflowID(caseRef string) string { return "ehc-" + caseRef + "-dispute" }

// Stage is where a disagreement stands.
type Stage string

const (
	StageOpen         Stage = "dispute_open"          // the family may still go to mediation and appeal
	StageAppealed     Stage = "dispute_appealed"      // an appeal is before the tribunal
	StageOrdered      Stage = "dispute_order"         // a tribunal order's limits are running
	StageRightsLapsed Stage = "dispute_rights_lapsed" // the time to appeal passed with no appeal
	StageDismissed    Stage = "dispute_dismissed"     // the appeal was dismissed or withdrawn
	StageComplied     Stage = "dispute_complied"      // every limit of the order met
)

// Closed reports whether the disagreement is over.
func (s Stage) Closed() bool {
	return s == StageRightsLapsed || s == StageDismissed || s == StageComplied
}

// Contact is a person the disagreement's letters go to.
type Contact struct {
	Name  string `json:"name,omitzero"`
	Email string `json:"email,omitzero"`
}

// Policy is how the authority chases the limits, and the working days it
// gives itself to respond to an appeal unless the tribunal's directions
// say otherwise (HESC Rules r.21).
type Policy struct {
	Schedule            deadline.Schedule `json:"schedule"`
	ResponseWorkingDays int               `json:"response_working_days,omitzero"`
}

// DefaultResponseWorkingDays is the tribunal's usual time for the
// authority's response to an appeal: 30 working days from its notice.
const DefaultResponseWorkingDays = 30

// MaxResponseWorkingDays bounds the policy's response time.
const MaxResponseWorkingDays = 120

func (p Policy) normalise() Policy {
	p.Schedule = p.Schedule.Normalise()
	if p.ResponseWorkingDays == 0 {
		p.ResponseWorkingDays = DefaultResponseWorkingDays
	}
	return p
}

// DisputeInput starts a disagreement: the case, the decision the family may
// dispute and the day of its notice, and who hears of each limit.
type DisputeInput struct {
	CaseRef         string             `json:"case_ref"`
	Decision        statute.Appealable `json:"decision"` // refusal_to_assess or no_plan
	Notice          statute.Date       `json:"notice"`
	Caseworker      string             `json:"caseworker"`
	CaseworkerEmail string             `json:"caseworker_email"`
	Manager         Contact            `json:"manager,omitzero"`
	Family          Contact            `json:"family"`
	Policy          Policy             `json:"policy"`
	Clock           deadline.Clock     `json:"clock,omitzero"`
}

// The inputs of the steps: the same shapes as the plan's.
type (
	OnInput struct {
		On statute.Date `json:"on"`
	}
	MediationInput struct {
		On    statute.Date `json:"on"`
		Wants bool         `json:"wants"` // the family want mediation (reg 37); else a certificate (reg 34)
	}
	AppealInput struct {
		On        statute.Date `json:"on"`
		RespondBy statute.Date `json:"respond_by,omitzero"` // from the tribunal's directions; else the policy's
	}
	AppealEndedInput struct {
		On        statute.Date `json:"on"`
		Withdrawn bool         `json:"withdrawn,omitzero"` // withdrawn by the family, not dismissed
	}
	OrderInput struct {
		On        statute.Date  `json:"on"`
		Kind      statute.Order `json:"kind"` // assess or make-plan: the orders that follow a refusal
		Made      statute.Date  `json:"made"`
		Unopposed bool          `json:"unopposed,omitzero"` // reg 45: Made is the day the authority told the tribunal
	}
	AgreementInput struct {
		On     statute.Date  `json:"on"`
		Agreed statute.Order `json:"agreed"` // assess or make-plan (the reg 44 limits, as if ordered), or agreed-action
	}
	OrderStepInput struct {
		On   statute.Date `json:"on"`
		Step string       `json:"step"` // one of OrderSteps' for the order's kind
	}
)

// The steps that comply with an order (reg 44(2)(b)-(c)).
const (
	StepNotified      = "notified"             // the family told the authority will assess (2 weeks)
	StepIssueDecided  = "decided-to-issue"     // the decision to issue a plan, after the ordered assessment
	StepNoPlanDecided = "decided-not-to-issue" // the decision not to, within 10 weeks
	StepDraft         = "draft"                // the draft plan (5 weeks, an order to make a plan)
	StepFinalPlan     = "final-plan"           // the final plan (14 weeks, or 11)
	StepAction        = "action"               // a mediation agreement's other action (2 weeks, reg 42)
)

// Status is the disagreement as the status query and every step's answer
// report it. Nothing personal: the family's contact stays in the input.
type Status struct {
	CaseRef      string             `json:"case_ref"`
	Stage        Stage              `json:"stage"`
	Today        statute.Date       `json:"today"`
	Decision     statute.Appealable `json:"decision"`
	Rights       statute.Rights     `json:"rights"`
	Mediation    Mediation          `json:"mediation,omitzero"`
	AppealedOn   statute.Date       `json:"appealed_on,omitzero"`
	RespondBy    statute.Date       `json:"respond_by,omitzero"`
	RespondedOn  statute.Date       `json:"responded_on,omitzero"`
	Order        *Order             `json:"order,omitzero"`
	EndedOn      statute.Date       `json:"ended_on,omitzero"`
	NextDeadline statute.Date       `json:"next_deadline,omitzero"`
	Overdue      bool               `json:"overdue"`
	Deadlines    []deadline.State   `json:"deadlines"`
	Problems     []string           `json:"delivery_problems,omitzero"`
	Steps        []Step             `json:"steps"`
}

// Mediation is how far mediation has gone (reg 33-39).
type Mediation struct {
	AnsweredOn  statute.Date `json:"answered_on,omitzero"` // the family told the adviser whether they want it
	Wants       bool         `json:"wants,omitzero"`
	HeldOn      statute.Date `json:"held_on,omitzero"`
	Certificate statute.Date `json:"certificate,omitzero"`
}

// Order is a tribunal order (or an appeal not opposed, reg 45) and its limits.
type Order struct {
	Kind      statute.Order `json:"kind"`
	Made      statute.Date  `json:"made"`
	Unopposed bool          `json:"unopposed,omitzero"`
	Agreement bool          `json:"agreement,omitzero"` // agreed at mediation (reg 42), not ordered
	OnTime    bool          `json:"on_time,omitzero"`   // complied with, every limit met by its date
}

// Step is one step taken, in order.
type Step struct {
	Step string       `json:"step"`
	On   statute.Date `json:"on"`
}

// Result is how the disagreement ended.
type Result struct {
	CaseRef string       `json:"case_ref"`
	Stage   Stage        `json:"stage"`
	EndedOn statute.Date `json:"ended_on"`
}
