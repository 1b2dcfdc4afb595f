// Package assessment runs each EHC needs assessment as a durable workflow:
// the statutory stages, a timer for every deadline (workflows/deadline),
// and a child workflow for every advice request.
package assessment

import (
	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register/sen2"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/deadline"
	"github.com/ehc-send/ehc/workflows/dispute"
	"github.com/ehc-send/ehc/workflows/plan"
)

// BulkPriority is the task priority of cases started in bulk (an import, a
// load test). When the task queue is backed up Temporal's matching serves
// priority 3 (the default, every caseworker's case) before 5, so ten
// thousand starts do not hold up a step on a case already running. A
// case's later tasks keep its priority. It needs the server's priority
// matcher: on Temporal 1.29 the dynamic config matching.useNewMatcher=true
// (make run, the tests and make bench start their dev servers with it).
var BulkPriority = temporal.Priority{PriorityKey: 5}

// Names shared with the CLI and the worker.
const (
	AssessmentWorkflowName    = "Assessment"
	AdviceRequestWorkflowName = "AdviceRequest"
	StatusQuery               = "status"
	AdviceReceivedSignal      = "advice-received"
)

// Update names: one per caseworker step.
const (
	UpdateDecideAssess       = "decide-assess"
	UpdateRequestAdvice      = "request-advice"
	UpdateRecordAdvice       = "record-advice"
	UpdateAdviceNotNeeded    = "advice-not-needed"
	UpdateDecideIssue        = "decide-issue"
	UpdateServeDraft         = "serve-draft"
	UpdateRecordComments     = "record-comments"
	UpdateConsultSchool      = "consult-school"
	UpdateRecordConsultation = "record-consultation"
	UpdateIssueFinalPlan     = "issue-final-plan"
	UpdateRecordException    = "record-exception"
	UpdateWithdraw           = "withdraw"
	UpdateExpect             = "expect"
)

// WorkflowID is the assessment's ID: the case reference and nothing personal.
func WorkflowID(caseRef string) string { return "ehc-" + caseRef }

// Stage is where a case stands.
type Stage string

const (
	StageRequested       Stage = "requested"         // awaiting the decision whether to assess
	StageAssessing       Stage = "assessing"         // advice being gathered
	StageDrafting        Stage = "drafting"          // decided to issue; draft being written
	StageDraftServed     Stage = "draft_served"      // family's 15 days; school consultations
	StageFinalPlanIssued Stage = "final_plan_issued" // closed: plan issued (reg 13(2))
	StageNotAssessed     Stage = "not_assessed"      // closed: refusal to assess (reg 5(3))
	StageNoPlan          Stage = "no_plan"           // closed: decision not to issue (reg 10(3))
	StageWithdrawn       Stage = "withdrawn"         // closed: request withdrawn
)

// Closed reports whether no further step can be taken.
func (s Stage) Closed() bool {
	switch s {
	case StageFinalPlanIssued, StageNotAssessed, StageNoPlan, StageWithdrawn:
		return true
	}
	return false
}

// Title is where a case stands in plain English, for messages and screens
// people read; the Stage value itself is the key scripts and filters use.
func (s Stage) Title() string {
	switch s {
	case StageRequested:
		return "deciding whether to assess"
	case StageAssessing:
		return "gathering advice"
	case StageDrafting:
		return "drafting the plan"
	case StageDraftServed:
		return "draft plan served"
	case StageFinalPlanIssued:
		return "final plan issued"
	case StageNotAssessed:
		return "decided not to assess"
	case StageNoPlan:
		return "decided not to issue a plan"
	case StageWithdrawn:
		return "request withdrawn"
	}
	return string(s)
}

// Stages lists every stage, for validating CLI filters.
var Stages = []Stage{StageRequested, StageAssessing, StageDrafting, StageDraftServed,
	StageFinalPlanIssued, StageNotAssessed, StageNoPlan, StageWithdrawn}

// Requester is who asked for the assessment (s.36(1)).
type Requester string

// Who asked for a school to be consulted.
const (
	RequestedByFamily = "family"
	RequestedByLA     = "la"
)

const (
	RequesterParent      Requester = "parent"
	RequesterYoungPerson Requester = "young_person"
	RequesterSchool      Requester = "school"
	RequesterOther       Requester = "other"
	// Health and social care bring a child to the authority's attention
	// (CoP 9.16) rather than request in law; SEN2 counts them apart.
	RequesterHealth     Requester = "health"
	RequesterSocialCare Requester = "social_care"
)

// Contact is a person or body the case writes to.
type Contact struct {
	Name  string `json:"name,omitzero"`
	Email string `json:"email,omitzero"`
}

// Child is special-category data: it must never reach logs, search
// attributes or workflow IDs.
type Child struct {
	Name        string       `json:"name"`
	DateOfBirth statute.Date `json:"date_of_birth"`
	// SEN2 is what the DfE's return asks of the child that the limits do
	// not (UPN or ULN, sex, ethnicity, postcode), as far as it is known.
	SEN2 sen2.Person `json:"sen2,omitzero"`
}

// Policy is how the case is chased; it comes from config at start.
type Policy struct {
	deadline.Schedule     // reminders and escalations
	ConsultDays       int `json:"consultation_days"` // CoP 9.83 guidance; default 15
	// HistoryBound is the history length, in events, past which the case
	// continues as new at its next quiet moment; default HistoryBound. A
	// test sets it low to record a case that continues as new.
	HistoryBound int `json:"history_bound,omitzero"`
	// Plan is how the plan the case issues is kept (workflows/plan).
	Plan plan.Policy `json:"plan,omitzero"`
	// Dispute is how a disagreement with a refusal is kept (workflows/dispute).
	Dispute dispute.Policy `json:"dispute,omitzero"`
}

// Clock is a case's statutory clock (see deadline.Clock).
type Clock = deadline.Clock

// AssessmentInput starts one case.
type AssessmentInput struct {
	CaseRef         string       `json:"case_ref"`
	Received        statute.Date `json:"received"` // Day 1 (s.36(1))
	Child           Child        `json:"child"`
	Family          Contact      `json:"family"`
	Requester       Requester    `json:"requester"`
	School          Contact      `json:"school"`
	Caseworker      string       `json:"caseworker"`       // staff ID, shown in the UI
	CaseworkerEmail string       `json:"caseworker_email"` // where reminders go
	Manager         Contact      `json:"manager"`          // SEND manager, for escalations
	// The partners told of the request (reg 4(2)) and of a refusal or a
	// decision not to issue (reg 5(2), 10(3)); School is the third.
	HealthBody Contact `json:"health_body,omitzero"`
	SocialCare Contact `json:"social_care,omitzero"`
	Policy     Policy  `json:"policy"`
	// Clock is the statutory clock the case runs on: real time unless a
	// demonstration compressed it (ehc demo).
	Clock Clock `json:"clock,omitzero"`
	// History is the steps already taken when a case is entered after the
	// fact, oldest first: the case begins in its true state.
	History []PastStep `json:"history,omitempty"`
	// QuietEntry is set by ehc import unless told to write to families: a
	// case entered after the fact sends the family nothing about its past
	// (no acknowledgement, no letter for a limit already missed); the
	// staff's summary lists what is overdue.
	QuietEntry bool `json:"quiet_entry,omitzero"`
	// Continued is the case as the run before left it, when it continued
	// as new: set by the workflow, never by a caller.
	Continued *State `json:"continued,omitempty"`
}

// Step inputs. On is the date the step took effect (a London civil date).
type (
	DecideAssessInput struct {
		On     statute.Date `json:"on"`
		Assess bool         `json:"assess"`
		Reason string       `json:"reason"`
	}
	RequestAdviceInput struct {
		On       statute.Date       `json:"on"`
		Kind     statute.AdviceKind `json:"kind"`
		Provider Contact            `json:"provider"`
		// EscalationEmail is copied on overdue notices: the provider
		// directory's escalation contact for the adviser's organisation.
		EscalationEmail string `json:"escalation_email,omitzero"`
		Note            string `json:"note,omitzero"`
	}
	RecordAdviceInput struct {
		On statute.Date `json:"on"`
		// ID names the request (as in status); empty means the only
		// outstanding request of Kind.
		ID   string             `json:"id,omitzero"`
		Kind statute.AdviceKind `json:"kind,omitzero"`
	}
	// AdviceNotNeededInput records that advice of one reg 6(1)(a)-(e) kind
	// need not be sought because reg 6(4) applies: such advice was already
	// obtained and the LA, the adviser and the family are satisfied it is
	// sufficient. Reason says which advice and who agreed.
	AdviceNotNeededInput struct {
		On     statute.Date       `json:"on"`
		Kind   statute.AdviceKind `json:"kind"`
		Reason string             `json:"reason"`
	}
	DecideIssueInput struct {
		On     statute.Date `json:"on"`
		Issue  bool         `json:"issue"`
		Reason string       `json:"reason"`
	}
	ServeDraftInput struct {
		On statute.Date `json:"on"`
	}
	RecordCommentsInput struct {
		On              statute.Date `json:"on"`
		RequestedSchool Contact      `json:"requested_school,omitzero"` // consulted from On
		WantsMeeting    bool         `json:"wants_meeting"`
		Note            string       `json:"note,omitzero"`
	}
	ConsultSchoolInput struct {
		On     statute.Date `json:"on"`
		School Contact      `json:"school"`
	}
	RecordConsultationInput struct {
		On     statute.Date `json:"on"`
		School string       `json:"school"` // the consulted school's name
		Agrees bool         `json:"agrees"`
		Note   string       `json:"note,omitzero"`
	}
	IssueFinalPlanInput struct {
		On     statute.Date `json:"on"`
		School string       `json:"school,omitzero"` // placement named in the plan
	}
	RecordExceptionInput struct {
		On       statute.Date            `json:"on"`
		Ground   statute.ExceptionGround `json:"ground"`
		Deadline statute.Deadline        `json:"deadline"`           // the limit it excuses
		AdviceID string                  `json:"advice_id,omitzero"` // when Deadline is advice_due
		From     statute.Date            `json:"from"`
		To       statute.Date            `json:"to,omitzero"`
		Note     string                  `json:"note,omitzero"`
	}
	// ExpectInput records when the LA now expects to complete a step whose
	// limit is missed or at risk; the family is told it.
	ExpectInput struct {
		On       statute.Date     `json:"on"`
		Deadline statute.Deadline `json:"deadline"`
		AdviceID string           `json:"advice_id,omitzero"`
		By       statute.Date     `json:"by"`
	}
	WithdrawInput struct {
		On     statute.Date `json:"on"`
		Reason string       `json:"reason"`
	}
)

// DeadlineState is a due date and how it stands.
type DeadlineState = deadline.State

// Deadline statuses.
const (
	StatusMet           = deadline.StatusMet
	StatusMetLate       = deadline.StatusMetLate
	StatusPending       = deadline.StatusPending
	StatusMissed        = deadline.StatusMissed
	StatusNotApplicable = deadline.StatusNotApplicable
)

// AdviceState is one advice request as the case sees it.
type AdviceState struct {
	ID          string             `json:"id"`
	Kind        statute.AdviceKind `json:"kind"`
	Provider    string             `json:"provider"` // organisation or adviser name
	Requested   statute.Date       `json:"requested"`
	Due         statute.Date       `json:"due"`
	Received    statute.Date       `json:"received,omitzero"`
	Status      string             `json:"status"` // as DeadlineState.Status
	DaysOverdue int                `json:"days_overdue,omitzero"`
}

// ConsultationState is one school consultation.
type ConsultationState struct {
	School string `json:"school"`
	// RequestedBy is who asked for the school to be considered: the
	// family (reg 13(1)(b)) or the LA's own choice (CFA s.39(3)).
	RequestedBy string       `json:"requested_by,omitzero"`
	Sent        statute.Date `json:"sent"`
	Due         statute.Date `json:"due"`
	Answered    statute.Date `json:"answered,omitzero"`
	Agrees      bool         `json:"agrees,omitzero"`
}

// ExceptionRecord is an exception as recorded.
type ExceptionRecord struct {
	RecordExceptionInput
	Regulation string `json:"regulation"`
}

// StepRecord is one step taken, in order.
type StepRecord struct {
	Step   string       `json:"step"` // the update name
	On     statute.Date `json:"on"`
	Detail string       `json:"detail,omitzero"` // no personal data
	// Decision is what a decide-assess or decide-issue step decided (to
	// assess, to issue), carried typed so nothing parses Detail for it.
	Decision *bool `json:"decision,omitempty"`
}

// CaseStatus is what the status query returns.
type CaseStatus struct {
	CaseRef               string                 `json:"case_ref"`
	Stage                 Stage                  `json:"stage"`
	Caseworker            string                 `json:"caseworker"`
	Requester             Requester              `json:"requester"`
	Day1                  statute.Date           `json:"day1"`
	Today                 statute.Date           `json:"today"`
	ClosedOn              statute.Date           `json:"closed_on,omitzero"` // the date the closing step took effect
	Settled               bool                   `json:"settled"`            // the first record and letters are out: steps are taken
	DecisionToAssessDue   statute.Date           `json:"decision_to_assess_due"`
	DecisionNotToIssueDue statute.Date           `json:"decision_not_to_issue_due"`
	FinalPlanDue          statute.Date           `json:"final_plan_due"`
	DraftCommentsEnd      statute.Date           `json:"draft_comments_end,omitzero"`
	CommentsOn            statute.Date           `json:"comments_on,omitzero"`
	CommentsLateDays      int                    `json:"comments_late_days,omitzero"` // days after the reg 13(1)(a) period ended
	NamedSchool           string                 `json:"named_school,omitzero"`       // the school the final plan names
	NextDeadline          statute.Date           `json:"next_deadline,omitzero"`
	Overdue               bool                   `json:"overdue"`
	Deadlines             []DeadlineState        `json:"deadlines"`
	Advice                []AdviceState          `json:"advice"`
	Consultations         []ConsultationState    `json:"consultations"`
	Exceptions            []ExceptionRecord      `json:"exceptions"`
	AdviceNotNeeded       []AdviceNotNeededInput `json:"advice_not_needed,omitempty"` // reg 6(4)
	DeliveryProblems      []DeliveryProblem      `json:"delivery_problems,omitempty"`
	Steps                 []StepRecord           `json:"steps"`
	// Rights is the family's time to go to mediation and appeal after the
	// decision the case closed with, if it is appealable (CFA s.51): read it
	// against today (Rights.Open), since a closed case's clock stopped.
	Rights *statute.Rights `json:"rights,omitempty"`
}

// DeliveryProblem is a notification that failed for good after its
// retries: someone must reach its recipients another way.
type DeliveryProblem struct {
	Key      string           `json:"key"`
	Template letters.Template `json:"template"`
	To       letters.Roles    `json:"to"`
	On       statute.Date     `json:"on"`
	Error    string           `json:"error"`
}

// AssessmentResult is the case's outcome.
type AssessmentResult struct {
	CaseRef                string       `json:"case_ref"`
	Stage                  Stage        `json:"stage"`
	ClosedOn               statute.Date `json:"closed_on"`
	FinalPlanWithin20Weeks bool         `json:"final_plan_within_20_weeks"`
}

// AdviceRequestInput starts the child workflow chasing one advice request.
type AdviceRequestInput struct {
	CaseRef    string             `json:"case_ref"`
	ID         string             `json:"id"`
	Kind       statute.AdviceKind `json:"kind"`
	Provider   Contact            `json:"provider"`
	Escalation Contact            `json:"escalation,omitzero"` // the provider's escalation contact, copied when overdue
	Requested  statute.Date       `json:"requested"`
	Caseworker Contact            `json:"caseworker"`
	Manager    Contact            `json:"manager"`
	Policy     Policy             `json:"policy"`
	Clock      Clock              `json:"clock,omitzero"`   // the case's statutory clock
	Entered    bool               `json:"entered,omitzero"` // requested before the case was entered
}

// AdviceReceived is the signal a parent sends its advice child.
type AdviceReceived struct {
	On statute.Date `json:"on"`
}

// AdviceResult is how an advice request ended.
type AdviceResult struct {
	ID       string       `json:"id"`
	Received statute.Date `json:"received,omitzero"` // zero if the case closed first
	DaysLate int          `json:"days_late"`
}
