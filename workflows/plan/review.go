package plan

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/deadline"
)

// The annual review (CFA s.44(1); reg 18-22): due within each period of
// 12 months starting with the day the plan was made, then the day it was
// last reviewed; the meeting's notice 2 weeks before it, its report 2 weeks
// after, the decision 4 weeks after with any proposed amendments, and the
// final amended plan 8 weeks after the amendment notice.

// startCycle begins review cycle n, whose period starts with from.
func (p *plan) startCycle(ctx workflow.Context, from statute.Date, n int) {
	if ph := p.Phase; ph != nil && !ph.AmendedOn.IsZero() {
		p.nextPhase(statute.NewDate(ph.TransferYear, 9, 1)) // the transfer is made: the one after it
	}
	p.Cycle, p.CycleFrom = n, from
	r := &Review{Cycle: n}
	p.Reviews = append(p.Reviews, r)
	if !p.noticed { // as plans begun before noticeChange ran: the target was the limit
		r.Due = statute.ReviewDueAfter(from, p.interval(from))
		p.openPhase(ctx, r)
		p.addDeadline(ctx, cycleKey(statute.ReviewDue, n), statute.ReviewDue, r.Due)
		return
	}
	r.Due, r.Target = statute.ReviewDueAfter(from, statute.AnnualReviewMonths), p.baseTarget(from)
	p.addDeadline(ctx, cycleKey(statute.ReviewDue, n), statute.ReviewDue, r.Due)
	p.openPhase(ctx, r)
	p.aim(ctx, r, r.Target)
}

// baseTarget is the authority's target for a review whose period starts
// with from: an under-5's shorter interval (CoP 9.178), or none.
func (p *plan) baseTarget(from statute.Date) statute.Date {
	if m := p.interval(from); m < statute.AnnualReviewMonths {
		return statute.ReviewDueAfter(from, m)
	}
	return statute.Date{}
}

// aim sets review r's target, the authority's own date before the law's
// limit, watched for the staff only: missing it breaches nothing the family
// could be told of. A target set today is never already past; one not
// before the limit is none.
func (p *plan) aim(ctx workflow.Context, r *Review, target statute.Date) {
	if !p.noticed {
		return
	}
	if today := p.today(ctx); !p.entering && !target.IsZero() && target.Before(today) {
		target = today
	}
	if !target.Before(r.Due) {
		target = statute.Date{}
	}
	r.Target = target
	key := cycleKey(statute.ReviewTarget, r.Cycle)
	switch d := p.Deadlines.Find(key); {
	case d == nil:
		if !target.IsZero() {
			p.watch(ctx, key, statute.ReviewTarget, target, deadline.ChaseStaff)
		}
	case !d.MetOn.IsZero():
	case target.IsZero():
		d.Closed = true
	case d.Closed || d.Due != target:
		d.Closed, d.Due, d.Fired = false, target, 0
		if !p.entering {
			d.SkipPassedReminders(p.Policy.Schedule, p.now(ctx))
		}
	}
}

// reviewBy is the day review r is aimed at: its target, or the law's limit.
func reviewBy(r *Review) statute.Date {
	if !r.Target.IsZero() {
		return r.Target
	}
	return r.Due
}

// interval is the months a review period starting with from lasts: 12
// (CFA s.44(1)), or the authority's shorter interval while the child is
// under 5 (CoP 9.178).
func (p *plan) interval(from statute.Date) int {
	fifth := statute.ReviewDueAfter(p.In.ChildDOB, 60).AddDays(1)
	if from.Before(fifth) {
		return p.Policy.UnderFiveMonths
	}
	return statute.AnnualReviewMonths
}

// current is the review of the cycle now running.
func (p *plan) current() *Review { return p.review(p.Cycle) }

func (p *plan) review(cycle int) *Review {
	for _, r := range p.Reviews {
		if r.Cycle == cycle {
			return r
		}
	}
	return nil
}

// latest is the newest review for which ok holds.
func (p *plan) latest(ok func(*Review) bool) *Review {
	for i := len(p.Reviews) - 1; i >= 0; i-- {
		if ok(p.Reviews[i]) {
			return p.Reviews[i]
		}
	}
	return nil
}

// nextReviewDue is the day the current cycle's review is due by.
func (p *plan) nextReviewDue() statute.Date {
	if r := p.current(); r != nil {
		return r.Due
	}
	return statute.Date{}
}

// setReviewDue moves the current review's limit (a transfer in, a phase
// transfer's review brought forward), its alarms counted afresh.
func (p *plan) setReviewDue(ctx workflow.Context, due statute.Date) {
	r := p.current()
	r.Due = due
	if d := p.Deadlines.Find(cycleKey(statute.ReviewDue, r.Cycle)); d != nil && d.Open() {
		d.Due, d.Fired = due, 0
		if !p.entering {
			d.SkipPassed(p.Policy.Schedule, p.now(ctx)) // reminders for a date already passed are not news
		}
	}
}

func (p *plan) checkScheduleReview(ctx workflow.Context, in ScheduleReviewInput) error {
	r := p.current()
	switch {
	case in.Meeting.IsZero():
		return errors.New("the meeting's date (--meeting) is required")
	case in.Meeting.Before(in.On):
		return fmt.Errorf("the meeting on %s is before the notice sent on %s: notice and advice go at least 2 weeks before it (reg 20(3)-(4))", in.Meeting, in.On)
	case in.Meeting.After(in.On.AddDays(366)):
		return fmt.Errorf("the meeting on %s is more than a year after the notice sent on %s", in.Meeting, in.On)
	case !r.HeldOn.IsZero():
		return fmt.Errorf("cycle %d's review was already held on %s", r.Cycle, r.HeldOn)
	}
	return p.dated(ctx, in.On, p.CycleFrom, "the start of the review period")
}

// scheduleReview records the meeting arranged and its notice and advice
// sent (reg 20(3)-(4), 21(3)-(4)); the family is invited to a meeting yet
// to come. A second one rearranges the meeting.
func (p *plan) scheduleReview(ctx workflow.Context, in ScheduleReviewInput) {
	r := p.current()
	r.Meeting, r.NoticeOn, r.Timetable = in.Meeting, in.On, statute.Review(in.Meeting, statute.Date{})
	key := cycleKey(statute.ReviewNoticeBy, r.Cycle)
	if d := p.Deadlines.Find(key); d != nil {
		d.Due, d.MetOn = r.Timetable.NoticeBy, in.On
	} else {
		p.addDeadline(ctx, key, statute.ReviewNoticeBy, r.Timetable.NoticeBy).MetOn = in.On
	}
	p.step(ctx, UpdateScheduleReview, in.On)
	if in.Meeting.After(p.today(ctx)) { // an invitation to a meeting already held would be false
		f := p.planFacts()
		f.Review = &r.Timetable
		p.tellFamily(ctx, letters.FamilyReviewMeeting, fmt.Sprintf("%d/%s", r.Cycle, in.Meeting), letters.Facts{Plan: f})
	}
}

func (p *plan) checkHoldReview(ctx workflow.Context, in OnInput) error {
	r := p.current()
	if !r.NoticeOn.IsZero() && in.On.Before(r.NoticeOn) {
		return fmt.Errorf("date %s is before the meeting's notice was sent on %s", in.On, r.NoticeOn)
	}
	// An amendment still owed does not hold up the next year's review
	// (CFA s.44(1) runs regardless); a decision owed does: it says what
	// the review is reviewing.
	if open := p.latest(func(r *Review) bool { return !r.HeldOn.IsZero() && r.DecidedOn.IsZero() && r.ReplacedOn.IsZero() }); open != nil {
		return fmt.Errorf("the review held on %s is not finished (%s): record that first", open.HeldOn, owed(open))
	}
	return p.dated(ctx, in.On, p.CycleFrom, "the start of the review period")
}

// holdReview records the meeting held: it meets the review's limit, starts
// the report's 2 weeks and the decision's 4, and begins the next cycle,
// whose 12 months start with the meeting.
func (p *plan) holdReview(ctx workflow.Context, in OnInput) {
	r := p.current()
	r.HeldOn, r.Timetable = in.On, statute.Review(in.On, statute.Date{})
	if r.Meeting.IsZero() {
		r.Meeting = in.On
	}
	p.meet(cycleKey(statute.ReviewDue, r.Cycle), in.On)
	p.meet(cycleKey(statute.ReviewTarget, r.Cycle), in.On)
	p.addDeadline(ctx, cycleKey(statute.ReviewReportDue, r.Cycle), statute.ReviewReportDue, r.Timetable.ReportDue)
	p.addDeadline(ctx, cycleKey(statute.ReviewDecisionDue, r.Cycle), statute.ReviewDecisionDue, r.Timetable.DecisionDue)
	p.LastReview = in.On
	p.step(ctx, UpdateHoldReview, in.On)
	p.startCycle(ctx, in.On, r.Cycle+1)
}

// heldAwaiting is the newest review held whose step what is still owed.
func (p *plan) heldAwaiting(what func(*Review) bool) *Review {
	return p.latest(func(r *Review) bool { return !r.HeldOn.IsZero() && what(r) })
}

func (p *plan) checkRecordReport(ctx workflow.Context, in OnInput) error {
	r := p.heldAwaiting(func(r *Review) bool { return r.ReportOn.IsZero() })
	if r == nil {
		return errors.New("no review meeting is awaiting its report: record the meeting held first (hold-review)")
	}
	return p.dated(ctx, in.On, r.HeldOn, "the review meeting")
}

// recordReport records the meeting's report sent (reg 20(7), 21(7)).
func (p *plan) recordReport(ctx workflow.Context, in OnInput) {
	r := p.heldAwaiting(func(r *Review) bool { return r.ReportOn.IsZero() })
	r.ReportOn = in.On
	p.meet(cycleKey(statute.ReviewReportDue, r.Cycle), in.On)
	p.step(ctx, UpdateRecordReviewReport, in.On)
}

func (p *plan) checkDecideReview(ctx workflow.Context, in DecideReviewInput) error {
	if in.Outcome != OutcomeMaintain && in.Outcome != OutcomeAmend {
		return fmt.Errorf("outcome %q is not maintain or amend (to cease the plan, use cease-plan: CFA s.45)", in.Outcome)
	}
	r := p.heldAwaiting(func(r *Review) bool { return r.DecidedOn.IsZero() })
	if r == nil {
		return errors.New("no review meeting is awaiting the authority's decision: record the meeting held first (hold-review)")
	}
	return p.dated(ctx, in.On, r.HeldOn, "the review meeting")
}

// decideReview records the decision after a review (reg 20(10)): to keep
// the plan as it is, or to amend it, the proposed amendments going with
// the notice (Devon CC [2022]), which starts the family's 15 days
// (reg 22(2)) and the 8 weeks for the final amended plan (reg 22(3)).
func (p *plan) decideReview(ctx workflow.Context, in DecideReviewInput) {
	r := p.heldAwaiting(func(r *Review) bool { return r.DecidedOn.IsZero() })
	r.DecidedOn, r.Outcome = in.On, in.Outcome
	p.meet(cycleKey(statute.ReviewDecisionDue, r.Cycle), in.On)
	f := p.planFacts()
	f.Outcome = in.Outcome
	if in.Outcome == OutcomeAmend {
		r.Timetable = statute.Review(r.HeldOn, p.noticeOn(ctx, in.On)) // the proposed amendments go with the letter sent now (reg 22(2))
		f.Review = &r.Timetable
		p.addDeadline(ctx, cycleKey(statute.FinalAmendedPlanDue, r.Cycle), statute.FinalAmendedPlanDue, r.Timetable.FinalAmendedPlanDue)
	}
	p.step(ctx, UpdateDecideReview, in.On)
	p.tellFamily(ctx, letters.FamilyReviewDecision, fmt.Sprint(r.Cycle), letters.Facts{Plan: f})
}

// amending is the newest review whose amendment is still owed.
func (p *plan) amending() *Review {
	return p.latest(func(r *Review) bool { return r.Outcome == OutcomeAmend && r.FinalOn.IsZero() })
}

func (p *plan) checkIssueAmendedPlan(ctx workflow.Context, in AmendedPlanInput) error {
	r := p.amending()
	if r == nil {
		return errors.New("no amendment is in progress: a review's decision to amend comes first (decide-review --outcome amend)")
	}
	if end := r.Timetable.AmendmentCommentsEnd; !in.On.After(end) { // the 15th day is still theirs
		return fmt.Errorf("the family have until %s to comment on the proposed amendments and ask for a school (reg 22(2)(c)): the final amended plan cannot be issued on %s", end, in.On)
	}
	if err := checkText("setting", in.Setting, MaxSetting, false); err != nil {
		return err
	}
	return p.dated(ctx, in.On, r.DecidedOn, "the amendment notice")
}

// issueAmendedPlan records the final amended plan issued (reg 22(3)); one
// naming the setting for a phase transfer meets reg 18's limit too. It is
// the plan as amended: an earlier review's amendment still owed is in it.
func (p *plan) issueAmendedPlan(ctx workflow.Context, in AmendedPlanInput) {
	r := p.amending()
	for _, o := range p.Reviews {
		if o.Outcome == OutcomeAmend && o.FinalOn.IsZero() && o.ReplacedOn.IsZero() {
			o.FinalOn = in.On
			p.meet(cycleKey(statute.FinalAmendedPlanDue, o.Cycle), in.On)
		}
	}
	p.nameSetting(in.Setting, in.On)
	p.step(ctx, UpdateIssueAmendedPlan, in.On)
	p.appealable(ctx, statute.AppealPlanContents, in.On)
	p.tellFamily(ctx, letters.FamilyAmendedPlan, fmt.Sprint(r.Cycle), letters.Facts{School: in.Setting, Plan: p.planFacts()})
}

func (p *plan) checkDecideNotToAmend(ctx workflow.Context, in ReasonInput) error {
	r := p.amending()
	if r == nil {
		return errors.New("no amendment is in progress: there is nothing to decide not to amend")
	}
	if err := checkText("reason", in.Reason, MaxReason, true); err != nil {
		return err
	}
	return p.dated(ctx, in.On, r.DecidedOn, "the amendment notice")
}

// decideNotToAmend records the decision, after the family's comments, not
// to amend after all, with their rights (reg 22(4)).
func (p *plan) decideNotToAmend(ctx workflow.Context, in ReasonInput) {
	r := p.amending()
	r.FinalOn, r.NotAmended = in.On, true
	p.meet(cycleKey(statute.FinalAmendedPlanDue, r.Cycle), in.On)
	p.step(ctx, UpdateDecideNotToAmend, in.On)
	p.appealable(ctx, statute.AppealNotToAmend, in.On)
	p.tellFamily(ctx, letters.FamilyAmendedPlan, fmt.Sprint(r.Cycle), letters.Facts{Reason: in.Reason, Plan: p.planFacts()})
}

// owed says what a review still needs, for a refusal.
func owed(r *Review) string {
	switch {
	case r.DecidedOn.IsZero():
		return "the decision to keep or amend the plan (decide-review)"
	case r.Outcome == OutcomeAmend && r.FinalOn.IsZero():
		return "the final amended plan (issue-amended-plan) or a decision not to amend (decide-not-to-amend)"
	}
	return "nothing"
}

// applyPast takes an entered plan's review in progress as it stood: its
// steps applied as they were taken, with no letters.
func (p *plan) applyPast(ctx workflow.Context, r PastReview) {
	if !r.NoticeOn.IsZero() {
		p.scheduleReview(ctx, ScheduleReviewInput{On: r.NoticeOn, Meeting: r.Meeting})
	}
	if r.HeldOn.IsZero() {
		return
	}
	p.holdReview(ctx, OnInput{On: r.HeldOn})
	if !r.ReportOn.IsZero() {
		p.recordReport(ctx, OnInput{On: r.ReportOn})
	}
	if !r.DecidedOn.IsZero() {
		p.decideReview(ctx, DecideReviewInput{On: r.DecidedOn, Outcome: r.Outcome})
	}
}
