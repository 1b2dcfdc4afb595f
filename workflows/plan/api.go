// Package plan runs each EHC plan in force as a durable workflow, from the
// day the final plan is issued (or the day a plan made before the product
// was used is entered) until it ceases or goes to another authority: its
// annual reviews and amendments (CFA s.44; reg 18-22), its phase transfers
// (reg 18), a move to another authority (reg 15), reassessment (reg 24-27)
// and ceasing (CFA s.45, reg 29-31), each limit on the shared deadline
// engine. It continues as new after every review, so a plan held from age
// 2 to 25 keeps a small history.
package plan

import (
	"slices"

	"github.com/ehc-send/ehc/register/sen2"

	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/deadline"
)

// Names shared with the CLI, the worker and the assessment that starts it.
const (
	WorkflowName = "Plan"
	StatusQuery  = "status"
	// SettingUp is the error type of a step refused while the plan makes
	// its first record: the CLI tries again (the assessment's value too).
	SettingUp = "CaseSettingUp"
)

// Update names: one per caseworker step on a plan.
const (
	UpdateScheduleReview      = "schedule-review"
	UpdateHoldReview          = "hold-review"
	UpdateRecordReviewReport  = "record-review-report"
	UpdateDecideReview        = "decide-review"
	UpdateIssueAmendedPlan    = "issue-amended-plan"
	UpdateDecideNotToAmend    = "decide-not-to-amend"
	UpdateRecordPhaseTransfer = "record-phase-transfer"
	UpdateRecordMove          = "record-move"
	UpdateSendPlan            = "send-plan"
	UpdateWithdrawMove        = "withdraw-move"
	UpdateTellAfterTransferIn = "tell-after-transfer-in"
	UpdateRequestReassessment = "request-reassessment"
	UpdateDecideReassess      = "decide-reassess"
	UpdateIssueReassessedPlan = "issue-reassessed-plan"
	UpdateCeasePlan           = "cease-plan"
	UpdateCeasingAppealed     = "record-ceasing-appeal"
	UpdateCeasingAppealEnded  = "ceasing-appeal-decided"
	UpdateRecordException     = "record-reassessment-exception"
	UpdateExpect              = "expect"
	UpdateMediation           = "record-mediation"
	UpdateMediationHeld       = "record-mediation-held"
	UpdateCertificate         = "record-mediation-certificate"
	UpdateAppeal              = "record-appeal"
	UpdateResponse            = "record-appeal-response"
	UpdateAppealEnded         = "record-appeal-decided"
	UpdateOrder               = "record-order"
	UpdateComplyOrder         = "issue-ordered-plan"
)

// WorkflowID is the plan's ID: the case reference and nothing personal.
// The assessment that made the plan is "ehc-REF"; its plan "ehc-REF-plan".
func WorkflowID(caseRef string) string { return "ehc-" + caseRef + "-plan" }

// Stage is where a plan stands.
type Stage string

const (
	StageInForce        Stage = "plan_in_force"    // maintained and reviewed
	StageCeasing        Stage = "plan_ceasing"     // a decision to cease: kept until the time to appeal ends
	StageCeased         Stage = "plan_ceased"      // closed: no longer maintained (CFA s.45)
	StageTransferredOut Stage = "plan_transferred" // closed: sent to the new authority (reg 15)
)

// Closed reports whether the plan has ended here.
func (s Stage) Closed() bool { return s == StageCeased || s == StageTransferredOut }

// Title is the stage in plain English.
func (s Stage) Title() string {
	switch s {
	case StageInForce:
		return "plan in force"
	case StageCeasing:
		return "decided to cease: kept until the time to appeal ends"
	case StageCeased:
		return "plan ceased"
	case StageTransferredOut:
		return "plan sent to the new authority"
	}
	return string(s)
}

// Stages lists every stage, for the CLI's filters.
var Stages = []Stage{StageInForce, StageCeasing, StageCeased, StageTransferredOut}

// Contact is a person or body the plan writes to.
type Contact struct {
	Name  string `json:"name,omitzero"`
	Email string `json:"email,omitzero"`
}

// Policy is how the authority runs its plans: how it chases limits, the
// review interval for a child under 5 and how early a transfer review is due.
type Policy struct {
	Schedule deadline.Schedule `json:"schedule"`
	// UnderFiveMonths is the review interval for a child under 5: every 3
	// to 6 months (guidance, CoP 9.178). Default 6.
	UnderFiveMonths int `json:"under_five_months,omitzero"`
	// TransferLeadDays is how long before a phase transfer's amend-by date
	// (reg 18(1)) its review is due at the latest, so the amendment's
	// 12 weeks fit before it. Default 84: the review in the autumn term.
	TransferLeadDays int `json:"transfer_lead_days,omitzero"`
	// HistoryBound is the history length, in events, after which the plan
	// continues as new at its next quiet moment even within a review cycle.
	HistoryBound int `json:"history_bound,omitzero"`
	// ResponseWorkingDays is the time the authority gives itself to respond
	// to a family's appeal unless the tribunal's directions say otherwise
	// (HESC Rules r.21). Default 30, as the disagreement over a refusal.
	ResponseWorkingDays int `json:"response_working_days,omitzero"`
}

// Bounds and defaults of the policy.
const (
	DefaultUnderFiveMonths  = 6
	DefaultTransferLeadDays = 84
	DefaultHistoryBound     = 2000
	MaxHistoryBound         = 20000
	// DefaultResponseWorkingDays and MaxResponseWorkingDays as
	// workflows/dispute has them.
	DefaultResponseWorkingDays = 30
	MaxResponseWorkingDays     = 120
)

func (p Policy) normalise() Policy {
	p.Schedule = p.Schedule.Normalise()
	if p.UnderFiveMonths == 0 {
		p.UnderFiveMonths = DefaultUnderFiveMonths
	}
	if p.TransferLeadDays == 0 {
		p.TransferLeadDays = DefaultTransferLeadDays
	}
	if p.HistoryBound == 0 {
		p.HistoryBound = DefaultHistoryBound
	}
	if p.ResponseWorkingDays == 0 {
		p.ResponseWorkingDays = DefaultResponseWorkingDays
	}
	return p
}

// PlanInput starts a plan: from the assessment that issued it, or entered
// for a plan made before the product was used, with its last review and
// the steps of any review in progress.
type PlanInput struct {
	CaseRef         string       `json:"case_ref"`
	Caseworker      string       `json:"caseworker"`
	CaseworkerEmail string       `json:"caseworker_email"`
	Manager         Contact      `json:"manager,omitzero"`
	Family          Contact      `json:"family"`
	ChildDOB        statute.Date `json:"child_dob"`
	PlanMade        statute.Date `json:"plan_made"`
	NamedSetting    string       `json:"named_setting,omitzero"`
	// FromAssessment is set by the assessment that issued the plan: the
	// family has just had the final plan, so nothing is entered late.
	FromAssessment bool `json:"from_assessment,omitzero"`
	// For a plan entered after the fact.
	LastReview    statute.Date `json:"last_review,omitzero"`
	TransferredIn statute.Date `json:"transferred_in,omitzero"` // received from another authority (reg 15)
	Review        *PastReview  `json:"review,omitzero"`         // a review in progress when it was entered
	// Child is who the entered plan is for, as the DfE's SEN2 return asks:
	// kept in the register's people table on the plan's first event (a plan
	// its assessment made has its people there already).
	Child *Child `json:"child,omitzero"`
	// TellFamily is set by ehc import --tell-families and ehc start-plan
	// --tell-family: one letter to the family now, with the plan's real
	// dates. Without it the family is sent nothing about the past.
	TellFamily bool `json:"tell_family,omitzero"`

	Policy    Policy         `json:"policy"`
	Clock     deadline.Clock `json:"clock,omitzero"`
	Continued *State         `json:"continued,omitzero"` // set only by the plan itself
}

// Child is an entered plan's child: special-category data, kept in the
// workflow's encrypted input and the register's people table only.
type Child struct {
	Name string      `json:"name,omitzero"`
	SEN2 sen2.Person `json:"sen2,omitzero"`
	Plan sen2.Plan   `json:"plan,omitzero"`
}

// PastReview is how far a review in progress had gone when its plan was
// entered: each date the step was taken, zero when it has not been.
type PastReview struct {
	Meeting         statute.Date `json:"meeting,omitzero"`   // the meeting arranged for
	NoticeOn        statute.Date `json:"notice_on,omitzero"` // its notice and advice sent
	HeldOn          statute.Date `json:"held_on,omitzero"`
	ReportOn        statute.Date `json:"report_on,omitzero"`
	DecidedOn       statute.Date `json:"decided_on,omitzero"`
	Outcome         string       `json:"outcome,omitzero"` // maintain or amend (cease is its own step)
	AmendmentNotice statute.Date `json:"amendment_notice,omitzero"`
}

// The inputs of the steps. On is the day the step took effect.
type (
	ScheduleReviewInput struct {
		On      statute.Date `json:"on"` // the notice and advice sent (reg 20(3)-(4))
		Meeting statute.Date `json:"meeting"`
	}
	OnInput struct {
		On statute.Date `json:"on"`
	}
	DecideReviewInput struct {
		On      statute.Date `json:"on"`
		Outcome string       `json:"outcome"` // maintain or amend; cease is UpdateCeasePlan
	}
	AmendedPlanInput struct {
		On      statute.Date `json:"on"`
		Setting string       `json:"setting,omitzero"` // the school or setting it names, if it names a new one
	}
	ReasonInput struct {
		On     statute.Date `json:"on"`
		Reason string       `json:"reason"`
	}
	PhaseTransferInput struct {
		On    statute.Date     `json:"on"`
		Kind  statute.Transfer `json:"kind"`
		Moves statute.Date     `json:"moves"` // the day the child moves
	}
	SendPlanInput struct {
		On        statute.Date `json:"on"`
		Authority string       `json:"authority"` // the new authority, by name
	}
	TransferInNoticeInput struct {
		On       statute.Date `json:"on"`
		Reassess bool         `json:"reassess"`
	}
	ReassessmentRequestInput struct {
		On   statute.Date `json:"on"`
		From string       `json:"from"` // family or school (reg 24)
	}
	DecideReassessInput struct {
		On       statute.Date `json:"on"`
		Reassess bool         `json:"reassess"`
		Reason   string       `json:"reason,omitzero"` // required to refuse
	}
	CeaseInput struct {
		On          statute.Date        `json:"on"`
		Ground      statute.CeaseGround `json:"ground"`
		ConsultedOn statute.Date        `json:"consulted_on"` // the family and the setting consulted (reg 31)
		Reason      string              `json:"reason"`
	}
	ExceptionInput struct {
		On       statute.Date            `json:"on"`
		Ground   statute.ExceptionGround `json:"ground"`
		Deadline statute.Deadline        `json:"deadline"` // reassess_decision_due or reassess_final_plan_due
	}
	ExpectInput struct {
		On       statute.Date     `json:"on"`
		Deadline statute.Deadline `json:"deadline"` // the limit, as status names it: review_due, final_amended_plan_due, ...
		By       statute.Date     `json:"by"`       // when the authority now expects to meet it
	}
	AppealDecidedInput struct {
		On     statute.Date `json:"on"`
		Upheld bool         `json:"upheld"` // the tribunal kept the plan; dismissed, it ceases (reg 44(2)(a))
	}
)

// Who may ask for a reassessment (reg 24).
const (
	FromFamily = "family"
	FromSchool = "school"
)

// Review is one annual review: the dates of its steps and the timetable
// they set.
type Review struct {
	Cycle       int                   `json:"cycle"`           // 1 for the plan's first review
	Due         statute.Date          `json:"due"`             // the law's: CFA s.44(1), or reg 15's for a plan transferred in
	Target      statute.Date          `json:"target,omitzero"` // the authority's earlier aim: an under-5's interval, a phase transfer's review
	Meeting     statute.Date          `json:"meeting,omitzero"`
	NoticeOn    statute.Date          `json:"notice_on,omitzero"`
	HeldOn      statute.Date          `json:"held_on,omitzero"`
	ReportOn    statute.Date          `json:"report_on,omitzero"`
	DecidedOn   statute.Date          `json:"decided_on,omitzero"`
	Outcome     string                `json:"outcome,omitzero"`
	FinalOn     statute.Date          `json:"final_on,omitzero"` // the amended plan, or the decision not to amend
	NotAmended  bool                  `json:"not_amended,omitzero"`
	ForTransfer bool                  `json:"for_transfer,omitzero"` // the phase transfer's review
	ReplacedOn  statute.Date          `json:"replaced_on,omitzero"`  // a reassessed plan took the place of what it still owed
	Timetable   statute.ReviewMeeting `json:"timetable,omitzero"`
}

// Done reports whether nothing more is owed on the review.
func (r *Review) Done() bool {
	return !r.ReplacedOn.IsZero() || !r.DecidedOn.IsZero() && (r.Outcome != OutcomeAmend || !r.FinalOn.IsZero())
}

// Review outcomes (reg 20(10)).
const (
	OutcomeMaintain = "maintain"
	OutcomeAmend    = "amend"
	OutcomeCease    = "cease"    // recorded by cease-plan after a review
	OutcomeReplaced = "replaced" // a reassessed plan was issued before the review's decision or amendment
)

// Phase is the plan's next phase transfer and how it stands.
type Phase struct {
	statute.PhaseTransfer
	Opened    bool         `json:"opened,omitzero"` // its review is in the current cycle
	AmendedOn statute.Date `json:"amended_on,omitzero"`
	Local     bool         `json:"local,omitzero"` // recorded for the child's own settings
	Key       string       `json:"key,omitzero"`   // its limit's key; empty in a plan begun before keys named the amend-by date
}

// Move is a move to another authority's area (reg 15).
type Move struct {
	Aware      statute.Date `json:"aware"`
	PlanSentBy statute.Date `json:"plan_sent_by"`
	SentOn     statute.Date `json:"sent_on,omitzero"`
	Authority  string       `json:"authority,omitzero"`
	Key        string       `json:"key,omitzero"` // its limit's key; empty for a move recorded before moves could be withdrawn
}

// Reassessment is a request to reassess and how it stands (reg 24-27).
type Reassessment struct {
	statute.Reassessment
	From     string       `json:"from"`
	Refused  bool         `json:"refused,omitzero"`
	IssuedOn statute.Date `json:"issued_on,omitzero"`
	Key      string       `json:"key,omitzero"` // its limits' key; empty in a plan begun before requests were numbered
}

// Exception is an exception to a reassessment's limit, as recorded.
type Exception struct {
	Deadline   statute.Deadline        `json:"deadline"`
	Ground     statute.ExceptionGround `json:"ground"`
	Regulation string                  `json:"regulation"`
	On         statute.Date            `json:"on"`
}

// Ceasing is a decision to cease the plan (CFA s.45, reg 29-31).
type Ceasing struct {
	DecidedOn   statute.Date        `json:"decided_on"`
	Ground      statute.CeaseGround `json:"ground"`
	ConsultedOn statute.Date        `json:"consulted_on"`
	NoticeOn    statute.Date        `json:"notice_on,omitzero"`   // the family's notice, which the time to appeal runs from
	CeasesOn    statute.Date        `json:"ceases_on"`            // the day after the time to appeal ends
	AppealedOn  statute.Date        `json:"appealed_on,omitzero"` // an appeal lodged: the plan is kept until it is decided
}

// StepRecord is one step taken on the plan, in order.
type StepRecord struct {
	Step string       `json:"step"`
	On   statute.Date `json:"on"`
}

// DeliveryProblem is a letter that failed for good.
type DeliveryProblem struct {
	Key      string       `json:"key"`
	Template string       `json:"template"`
	To       string       `json:"to"`
	On       statute.Date `json:"on"`
	Error    string       `json:"error"`
}

// PlanStatus is the plan as the status query and every step's answer
// report it. Nothing in it is shown in search attributes but dates,
// stages and flags.
type PlanStatus struct {
	CaseRef       string            `json:"case_ref"`
	Stage         Stage             `json:"stage"`
	Today         statute.Date      `json:"today"`
	Caseworker    string            `json:"caseworker"`
	PlanMade      statute.Date      `json:"plan_made"`
	NamedSetting  string            `json:"named_setting,omitzero"`
	YearGroup     string            `json:"year_group"` // "Reception", "Year 6", "early years", "post-19"
	SchoolPhase   string            `json:"phase"`      // early years, primary, secondary, post-16, post-19
	LastReview    statute.Date      `json:"last_review,omitzero"`
	NextReviewDue statute.Date      `json:"next_review_due,omitzero"`
	ReviewTarget  statute.Date      `json:"review_target,omitzero"` // the authority's earlier aim for it, if any
	ReviewOverdue bool              `json:"review_overdue"`
	Review        *Review           `json:"review,omitzero"` // the review in progress, or the last one
	Phase         *Phase            `json:"phase_transfer,omitzero"`
	Move          *Move             `json:"move,omitzero"`
	Reassessment  *Reassessment     `json:"reassessment,omitzero"`
	Exceptions    []Exception       `json:"exceptions,omitzero"` // to the reassessment's limits
	Ceasing       *Ceasing          `json:"ceasing,omitzero"`
	Rights        *statute.Rights   `json:"rights,omitzero"` // after the last appealable decision (CFA s.51(2))
	Disagreement  *Dispute          `json:"disagreement,omitzero"`
	OrderDue      statute.Date      `json:"order_due,omitzero"` // a tribunal order's amended plan, while it is owed
	EndedOn       statute.Date      `json:"ended_on,omitzero"`
	NextDeadline  statute.Date      `json:"next_deadline,omitzero"`
	Overdue       bool              `json:"overdue"`
	Deadlines     []deadline.State  `json:"deadlines"`
	Problems      []DeliveryProblem `json:"delivery_problems,omitzero"`
	Steps         []StepRecord      `json:"steps"`
	Runs          int               `json:"runs"` // runs before this one (continued as new)
	Settled       bool              `json:"settled"`
}

// PlanResult is how the plan ended.
type PlanResult struct {
	CaseRef string       `json:"case_ref"`
	Stage   Stage        `json:"stage"`
	EndedOn statute.Date `json:"ended_on"`
}

// PolicyOf is the policy a configuration sets; it keeps no slice of the
// caller's.
func PolicyOf(reminderLeads []int, escalationEvery, underFiveMonths, transferLeadDays, responseWorkingDays int) Policy {
	return Policy{
		Schedule:        deadline.Schedule{ReminderLeads: slices.Clone(reminderLeads), EscalationEvery: escalationEvery},
		UnderFiveMonths: underFiveMonths, TransferLeadDays: transferLeadDays, ResponseWorkingDays: responseWorkingDays,
	}
}
