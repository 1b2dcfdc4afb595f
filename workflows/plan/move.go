package plan

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
)

// Transfers between authorities (reg 15). Out: the plan sent to the new
// authority within 15 working days of learning of the move. In: the family
// told within 6 weeks whether the plan will be reassessed and when it will
// be reviewed, the review due by the later of the usual 12 months and
// 3 months after the move.

func (p *plan) checkRecordMove(ctx workflow.Context, in OnInput) error {
	if p.Move != nil {
		return fmt.Errorf("a move was already recorded on %s (the plan is due at the new authority by %s)", p.Move.Aware, p.Move.PlanSentBy)
	}
	if _, err := statute.TransferTimetable(in.On); err != nil {
		return err
	}
	return p.dated(ctx, in.On, p.In.PlanMade, "the plan was made")
}

// recordMove records the day the authority learnt of the family's move.
func (p *plan) recordMove(ctx workflow.Context, in OnInput) {
	tt, _ := statute.TransferTimetable(in.On) // checked
	p.Move = &Move{Aware: in.On, PlanSentBy: tt.PlanSentBy, Key: fmt.Sprintf("%s/%s", statute.TransferPlanSentBy, in.On)}
	p.addDeadline(ctx, moveKey(p.Move), statute.TransferPlanSentBy, tt.PlanSentBy)
	p.step(ctx, UpdateRecordMove, in.On)
}

// moveKey keys a move's limit by the day the authority learnt of it, so a
// move withdrawn and a later one are two.
func moveKey(m *Move) string {
	if m.Key != "" {
		return m.Key
	}
	return string(statute.TransferPlanSentBy) // a move recorded before moves could be withdrawn
}

func (p *plan) checkWithdrawMove(ctx workflow.Context, in ReasonInput) error {
	if p.Move == nil {
		return errors.New("no move is recorded: there is nothing to withdraw")
	}
	if err := checkText("reason", in.Reason, MaxReason, true); err != nil {
		return err
	}
	return p.dated(ctx, in.On, p.Move.Aware, "the day the authority learnt of the move")
}

// withdrawMove records that the family are not moving after all: the
// plan stays here and its 15 working days are no longer chased.
func (p *plan) withdrawMove(ctx workflow.Context, in ReasonInput) {
	p.close(moveKey(p.Move))
	p.Move = nil
	p.step(ctx, UpdateWithdrawMove, in.On)
}

func (p *plan) checkSendPlan(ctx workflow.Context, in SendPlanInput) error {
	if p.Move == nil {
		return errors.New("no move is recorded: record the day the authority learnt of it first (record-move)")
	}
	if err := checkText("authority", in.Authority, MaxSetting, true); err != nil {
		return err
	}
	return p.dated(ctx, in.On, p.Move.Aware, "the day the authority learnt of the move")
}

// sendPlan records the plan sent to the new authority (reg 15(2)): the
// family is told, and the plan ends here.
func (p *plan) sendPlan(ctx workflow.Context, in SendPlanInput) {
	p.Move.SentOn, p.Move.Authority = in.On, in.Authority
	p.meet(moveKey(p.Move), in.On)
	p.step(ctx, UpdateSendPlan, in.On)
	p.tellFamily(ctx, letters.FamilyPlanTransferred, "1", letters.Facts{})
	p.end(StageTransferredOut, in.On)
}

// transferIn starts the new authority's limits for a plan received from
// another: the 6-week notice, and the first review's later due date.
func (p *plan) transferIn(ctx workflow.Context) {
	last := p.In.PlanMade
	if !p.LastReview.IsZero() {
		last = p.LastReview
	}
	tt := statute.TransferInTimetable(p.In.TransferredIn, last)
	p.addDeadline(ctx, string(statute.TransferInNoticeDue), statute.TransferInNoticeDue, tt.NoticeDue)
	if tt.ReviewDue.After(p.current().Due) {
		p.setReviewDue(ctx, tt.ReviewDue)
	}
}

func (p *plan) checkTellAfterTransferIn(ctx workflow.Context, in TransferInNoticeInput) error {
	d := p.Deadlines.Find(string(statute.TransferInNoticeDue))
	switch {
	case p.In.TransferredIn.IsZero():
		return errors.New("this plan was not received from another authority (start-plan --transferred-in)")
	case d == nil || !d.Open():
		return errors.New("the family have already been told whether the plan will be reassessed")
	case in.Reassess && p.Reassessment != nil && p.Reassessment.IssuedOn.IsZero() && !p.Reassessment.Refused:
		return errors.New("a reassessment is already in progress")
	}
	return p.dated(ctx, in.On, p.In.TransferredIn, "the plan was received")
}

// tellAfterTransferIn records the family told whether the new authority
// will reassess and when it will review (reg 15); reassessing starts the
// reassessment's 14 weeks from that decision (reg 27).
func (p *plan) tellAfterTransferIn(ctx workflow.Context, in TransferInNoticeInput) {
	p.meet(string(statute.TransferInNoticeDue), in.On)
	f := p.planFacts()
	if in.Reassess {
		p.Reassessment = p.newReassessment(statute.Reassess(in.On, in.On), "authority")
		p.addDeadline(ctx, reassessKey(statute.ReassessFinalPlanDue, p.Reassessment), statute.ReassessFinalPlanDue, p.Reassessment.FinalPlanDue)
		f.Reassessment = &p.Reassessment.Reassessment
	}
	p.step(ctx, UpdateTellAfterTransferIn, in.On)
	p.tellFamily(ctx, letters.FamilyPlanReceived, "1", letters.Facts{Plan: f})
}
