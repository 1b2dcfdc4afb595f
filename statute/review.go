package statute

import "time"

// The annual review and the amendment that may follow it (CFA s.44; SEND
// Regulations 2014 reg 18-22). None of these limits has an exception.

// Limits of the plan's life. The value is the key used in JSON, search
// attributes and notification keys, as for the assessment's.
const (
	ReviewDue            Deadline = "review_due"              // CFA s.44(1): within each 12 months
	ReviewNoticeBy       Deadline = "review_notice_by"        // reg 20(3)-(4), 21(3)-(4): 2 weeks before the meeting
	ReviewReportDue      Deadline = "review_report_due"       // reg 20(7), 21(7): 2 weeks after the meeting
	ReviewDecisionDue    Deadline = "review_decision_due"     // reg 20(10), 21(8): 4 weeks after the meeting
	AmendmentCommentsEnd Deadline = "amendment_comments_end"  // reg 22(2)(c): at least 15 days
	FinalAmendedPlanDue  Deadline = "final_amended_plan_due"  // reg 22(3): 8 weeks after the amendment notice
	PhaseTransferAmendBy Deadline = "phase_transfer_amend_by" // reg 18(1): 15 February, or 31 March for post-16
	TransferPlanSentBy   Deadline = "transfer_plan_sent_by"   // reg 15(2): 15 working days
	// ReviewTarget is not the law's: the authority's own earlier date for a
	// review (CoP 9.178's shorter interval for an under-5; a transfer review
	// in time for reg 18(1)). Missing it breaches nothing.
	ReviewTarget Deadline = "review_target"
)

// Periods of the review (reg 20-22).
const (
	reviewNoticeDays     = 14 // at least 2 weeks before the meeting
	reviewReportDays     = 14 // within 2 weeks of the meeting
	reviewDecisionDays   = 28 // within 4 weeks of the meeting
	amendmentCommentDays = 15 // at least 15 days, beginning with the notice
	finalAmendedWeeks    = 8  // within 8 weeks of the amendment notice
	transferWorkingDays  = 15 // reg 15(2)
)

// ReviewDueAfter is the last day of the period of months months starting
// with from (CFA s.44(1): 12; a shorter interval for a child under 5 is
// guidance, CoP 9.178). A period starting with 9 March 2026 ends on
// 8 March 2027; one starting with 29 February 2028 ends on 28 February 2029.
func ReviewDueAfter(from Date, months int) Date {
	y, m, d := from.t.Date()
	end := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
	// The corresponding day of the month months on, or its last day if it
	// has none (31 August + 6 months: the period ends on 28 February).
	if last := end.AddDate(0, 1, -1).Day(); d > last {
		return Date{end.AddDate(0, 0, last-1)}
	}
	return Date{end.AddDate(0, 0, d-1)}.AddDays(-1)
}

// AnnualReviewMonths is the statutory interval between reviews (CFA s.44(1)).
const AnnualReviewMonths = 12

// ReviewMeeting is the timetable a review meeting sets (reg 20, 21), and,
// once the LA has sent its amendment notice, the amendment's (reg 22).
type ReviewMeeting struct {
	Meeting              Date `json:"meeting"`
	NoticeBy             Date `json:"notice_by"`                       // reg 20(3)-(4): notice and advice out by then
	ReportDue            Date `json:"report_due"`                      // reg 20(7)
	DecisionDue          Date `json:"decision_due"`                    // reg 20(10): maintain, amend or cease
	AmendmentNotice      Date `json:"amendment_notice,omitzero"`       // when the proposed amendments were sent
	AmendmentCommentsEnd Date `json:"amendment_comments_end,omitzero"` // reg 22(2)(c)
	FinalAmendedPlanDue  Date `json:"final_amended_plan_due,omitzero"` // reg 22(3)
	AmendmentNoticeLate  bool `json:"amendment_notice_late,omitempty"` // sent after the 4-week decision
}

// Review is the review meeting's timetable; notice is the zero Date until
// the amendment notice has been sent.
func Review(meeting, notice Date) ReviewMeeting {
	r := ReviewMeeting{
		Meeting:     meeting,
		NoticeBy:    meeting.AddDays(-reviewNoticeDays),
		ReportDue:   meeting.AddDays(reviewReportDays),
		DecisionDue: meeting.AddDays(reviewDecisionDays),
	}
	if !notice.IsZero() {
		r.AmendmentNotice = notice
		r.AmendmentCommentsEnd = notice.AddDays(amendmentCommentDays - 1)
		r.FinalAmendedPlanDue = notice.AddWeeks(finalAmendedWeeks)
		r.AmendmentNoticeLate = notice.After(r.DecisionDue) // Devon CC [2022]: the amendments go with the decision
	}
	return r
}
