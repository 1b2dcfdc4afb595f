package statute

// Deadline names one statutory limit. The value is the key used in JSON,
// search attributes and notification keys.
type Deadline string

const (
	DecisionToAssessDue   Deadline = "decision_to_assess_due"    // reg 5(1): 6 weeks from Day 1
	DecisionNotToIssueDue Deadline = "decision_not_to_issue_due" // reg 10(1): 16 weeks from Day 1
	FinalPlanDue          Deadline = "final_plan_due"            // reg 13(2): 20 weeks from Day 1
	AdviceDue             Deadline = "advice_due"                // reg 8(1): 6 weeks from the request
	DraftCommentsEnd      Deadline = "draft_comments_end"        // reg 13(1)(a): 15 days beginning with service
	ConsultationDue       Deadline = "consultation_due"          // CFA s.39(3); CoP 9.83: 15 days (guidance)
)

// Regulation is the provision a deadline comes from, as families and
// managers see it cited.
func (d Deadline) Regulation() string {
	switch d {
	case DecisionToAssessDue:
		return "reg 5(1)"
	case DecisionNotToIssueDue:
		return "reg 10(1)"
	case FinalPlanDue:
		return "reg 13(2)"
	case AdviceDue:
		return "reg 8(1)"
	case DraftCommentsEnd:
		return "reg 13(1)(a)"
	case ConsultationDue:
		return "CoP 9.83"
	case ReviewDue:
		return "CFA s.44(1)"
	case ReviewNoticeBy:
		return "reg 20(3)-(4)"
	case ReviewReportDue:
		return "reg 20(7)"
	case ReviewDecisionDue:
		return "reg 20(10)"
	case AmendmentCommentsEnd:
		return "reg 22(2)(c)"
	case FinalAmendedPlanDue:
		return "reg 22(3)"
	case PhaseTransferAmendBy:
		return "reg 18(1)"
	case TransferPlanSentBy:
		return "reg 15(2)"
	case ReviewTarget:
		return "the authority's policy (CoP 9.178, reg 18(1))"
	case ReassessDecisionDue:
		return "reg 25"
	case ReassessFinalPlanDue:
		return "reg 27"
	case TransferInNoticeDue:
		return "reg 15"
	case MediationCertificateDue:
		return "reg 34, 39"
	case MediationHeldBy:
		return "reg 37"
	case MediationActionDue:
		return "reg 42"
	case OrderNotifyDue, OrderNoPlanDecisionDue:
		return "reg 44(2)(b)"
	case OrderFinalPlanDue:
		return "reg 44(2)(b)-(c)"
	case OrderDraftDue:
		return "reg 44(2)(c)"
	case OrderAmendedPlanDue:
		return "reg 44(2)(e)-(f)"
	case AppealResponseDue:
		return "HESC Rules r.21"
	}
	return ""
}

// Title is the deadline in plain English.
func (d Deadline) Title() string {
	switch d {
	case DecisionToAssessDue:
		return "decision whether to assess"
	case DecisionNotToIssueDue:
		return "decision whether to issue a plan"
	case FinalPlanDue:
		return "final EHC plan"
	case AdviceDue:
		return "advice"
	case DraftCommentsEnd:
		return "end of the family's 15 days to comment on the draft plan"
	case ConsultationDue:
		return "school's answer to consultation"
	case ReviewDue:
		return "annual review of the EHC plan"
	case ReviewNoticeBy:
		return "notice of the review meeting, with the advice"
	case ReviewReportDue:
		return "review meeting's report"
	case ReviewDecisionDue:
		return "decision to keep, amend or cease the plan after its review"
	case AmendmentCommentsEnd:
		return "end of the family's 15 days to comment on the proposed amendments"
	case FinalAmendedPlanDue:
		return "final amended EHC plan"
	case PhaseTransferAmendBy:
		return "plan amended to name the setting for the phase transfer"
	case TransferPlanSentBy:
		return "plan sent to the new authority"
	case ReviewTarget:
		return "review by the authority's own earlier date"
	case ReassessDecisionDue:
		return "decision whether to reassess"
	case ReassessFinalPlanDue:
		return "final plan after the reassessment"
	case TransferInNoticeDue:
		return "family told whether the plan will be reassessed, and when reviewed"
	case MediationCertificateDue:
		return "mediation certificate"
	case MediationHeldBy:
		return "mediation held"
	case MediationActionDue:
		return "action agreed at mediation"
	case OrderNotifyDue:
		return "family told of the assessment the tribunal ordered"
	case OrderNoPlanDecisionDue:
		return "decision whether to issue a plan, after the tribunal's order"
	case OrderFinalPlanDue:
		return "final EHC plan the tribunal ordered"
	case OrderDraftDue:
		return "draft EHC plan the tribunal ordered"
	case OrderAmendedPlanDue:
		return "amended EHC plan the tribunal ordered"
	case AppealResponseDue:
		return "authority's response to the appeal"
	}
	return string(d)
}

// ConsultationDays is the guidance period for a school's answer (CoP 9.83);
// guidance, not law, so callers may substitute their own.
const ConsultationDays = 15

// Weeks from Day 1, and from an advice request.
const (
	decisionToAssessWeeks   = 6  // reg 5(1)
	decisionNotToIssueWeeks = 16 // reg 10(1)
	finalPlanWeeks          = 20 // reg 13(2)
	adviceWeeks             = 6  // reg 8(1)
	draftCommentDays        = 15 // reg 13(1)(a)
)

// Timetable is every date the needs assessment is held to, from Day 1 and
// the steps recorded so far. Dates for steps not yet taken are zero.
type Timetable struct {
	Day1                  Date          `json:"day1"`
	DecisionToAssessDue   Date          `json:"decision_to_assess_due"`
	DecisionNotToIssueDue Date          `json:"decision_not_to_issue_due"`
	FinalPlanDue          Date          `json:"final_plan_due"`
	DraftCommentsEnd      Date          `json:"draft_comments_end,omitzero"`
	Advice                []AdviceDate  `json:"advice,omitempty"`
	Consultations         []ConsultDate `json:"consultations,omitempty"`
}

// AdviceDate is one advice request and the date its adviser must answer by.
type AdviceDate struct {
	Kind      AdviceKind `json:"kind"`
	Requested Date       `json:"requested"`
	Due       Date       `json:"due"`
}

// ConsultDate is one school consultation and its guidance answer date.
type ConsultDate struct {
	School string `json:"school"`
	Sent   Date   `json:"sent"`
	Due    Date   `json:"due"`
}

// Steps are the dated steps the timetable depends on after Day 1.
type Steps struct {
	AdviceRequested []AdviceDate  // Kind and Requested set; Due is computed
	DraftServed     Date          // zero until served
	Consultations   []ConsultDate // School and Sent set; Due is computed
	ConsultDays     int           // 0 means ConsultationDays
}

// Compute returns the timetable for a request received on day1.
func Compute(day1 Date, s Steps) Timetable {
	t := Timetable{
		Day1:                  day1,
		DecisionToAssessDue:   day1.AddWeeks(decisionToAssessWeeks),
		DecisionNotToIssueDue: day1.AddWeeks(decisionNotToIssueWeeks),
		FinalPlanDue:          day1.AddWeeks(finalPlanWeeks),
	}
	if !s.DraftServed.IsZero() {
		t.DraftCommentsEnd = CommentsEnd(s.DraftServed)
	}
	for _, a := range s.AdviceRequested {
		t.Advice = append(t.Advice, AdviceDate{Kind: a.Kind, Requested: a.Requested, Due: AdviceDueFrom(a.Requested)})
	}
	for _, c := range s.Consultations {
		t.Consultations = append(t.Consultations, ConsultDate{School: c.School, Sent: c.Sent, Due: ConsultDueFrom(c.Sent, s.ConsultDays)})
	}
	return t
}

// AdviceDueFrom is the date an adviser asked on requested must answer by.
func AdviceDueFrom(requested Date) Date { return requested.AddWeeks(adviceWeeks) } // reg 8(1)

// CommentsEnd is the last of the 15 days beginning with the day the draft
// was served, the serving day counting as day 1.
func CommentsEnd(served Date) Date { return served.AddDays(draftCommentDays - 1) } // reg 13(1)(a)

// ConsultDueFrom is when a school consulted on sent should answer; days <= 0
// means the guidance default.
func ConsultDueFrom(sent Date, days int) Date { // CoP 9.83
	if days <= 0 {
		days = ConsultationDays
	}
	return sent.AddDays(days)
}

// Limit is one deadline and its date.
type Limit struct {
	Deadline Deadline
	Due      Date
}

// FromDay1 lists the limits that run from Day 1, in the order they fall.
func (t Timetable) FromDay1() []Limit {
	return []Limit{
		{DecisionToAssessDue, t.DecisionToAssessDue},
		{DecisionNotToIssueDue, t.DecisionNotToIssueDue},
		{FinalPlanDue, t.FinalPlanDue},
	}
}
