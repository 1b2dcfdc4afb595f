package statute

// Reassessment (reg 24-27) and a plan that comes in from another authority
// (reg 15): limits of the plan's life that start from a request or a move
// rather than from the plan's date.

// Limits a plan in force may also be held to.
const (
	ReassessDecisionDue  Deadline = "reassess_decision_due"   // reg 25: 15 days from the request
	ReassessFinalPlanDue Deadline = "reassess_final_plan_due" // reg 27: 14 weeks from the decision
	TransferInNoticeDue  Deadline = "transfer_in_notice_due"  // reg 15: the family told within 6 weeks
)

const (
	reassessDecisionDays  = 15 // reg 25
	reassessFinalWeeks    = 14 // reg 27
	transferInNoticeWeeks = 6  // reg 15
	transferInReviewMonth = 3  // reg 15: the first review no sooner than 3 months after the move
)

// Reassessment is the timetable of a request to reassess; decided is the
// zero Date until the authority has told the family whether it will.
type Reassessment struct {
	Requested    Date `json:"requested"`
	DecisionDue  Date `json:"decision_due"`            // reg 25
	Decided      Date `json:"decided,omitzero"`        // the family told
	FinalPlanDue Date `json:"final_plan_due,omitzero"` // reg 27, when the authority reassesses
}

// Reassess is the reassessment's timetable from its request and decision.
func Reassess(requested, decided Date) Reassessment {
	r := Reassessment{Requested: requested, DecisionDue: requested.AddDays(reassessDecisionDays)}
	if !decided.IsZero() {
		r.Decided, r.FinalPlanDue = decided, decided.AddWeeks(reassessFinalWeeks)
	}
	return r
}

// TransferIn is the new authority's timetable for a plan transferred to it
// on received, whose last review was lastReview (reg 15): the family told
// within 6 weeks whether it will reassess and when it will review, and the
// review due by the later of the usual 12 months and 3 months after the move.
type TransferIn struct {
	Received  Date `json:"received"`
	NoticeDue Date `json:"notice_due"`
	ReviewDue Date `json:"review_due"`
}

// TransferInTimetable is the new authority's limits for a plan received on
// received whose 12-month period runs from lastReview.
func TransferInTimetable(received, lastReview Date) TransferIn {
	due := ReviewDueAfter(lastReview, AnnualReviewMonths)
	if later := ReviewDueAfter(received, transferInReviewMonth); later.After(due) {
		due = later
	}
	return TransferIn{Received: received, NoticeDue: received.AddWeeks(transferInNoticeWeeks), ReviewDue: due}
}
