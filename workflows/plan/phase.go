package plan

import (
	"errors"
	"fmt"
	"slices"

	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
)

// Phase transfers (reg 2(1), 18): the plan reviewed and amended, naming the
// new setting, by 15 February of the year of the move (31 March for the
// move to post-16). The review of the cycle in which the transfer falls is
// the transfer review: it is due by TransferLeadDays before that date, so
// the amendment's 12 weeks fit.

// transferWindowMonths is how long before the amend-by date a review counts
// as the transfer's: from the start of the autumn term before a February
// deadline.
const transferWindowMonths = 6

// nextPhase finds the child's next standard transfer whose amend-by date
// is not before after: one already past was settled in the plan as made.
func (p *plan) nextPhase(after statute.Date) {
	p.Phase = nil
	for on := after; ; {
		t, err := statute.NextPhaseTransfer(p.In.ChildDOB, on)
		if err != nil {
			return // past the move to post-16: later transfers are recorded (reg 18(2))
		}
		if !t.AmendBy.Before(after) {
			p.Phase = newPhase(t, false)
			return
		}
		on = statute.NewDate(t.TransferYear, 9, 1)
	}
}

// newPhase watches transfer t, keyed by its amend-by date: two moves of
// one kind in a year (post-16 to post-16) are two transfers.
func newPhase(t statute.PhaseTransfer, local bool) *Phase {
	return &Phase{PhaseTransfer: t, Local: local, Key: fmt.Sprintf("%s-%s", t.AmendBy, t.Transfer)}
}

func phaseKey(ph *Phase) string {
	return fmt.Sprintf("%s/%s", statute.PhaseTransferAmendBy, phaseSubject(ph))
}

// phaseSubject names a transfer in its keys.
func phaseSubject(ph *Phase) string {
	if ph.Key != "" {
		return ph.Key
	}
	return fmt.Sprintf("%d-%s", ph.TransferYear, ph.Transfer) // a transfer watched before keys named the amend-by date
}

// openPhase looks at the transfer ahead when cycle r begins. Once r's
// review would fall in the transfer's window, the amend-by limit is watched
// and the family told (once); and until a review has been held in the
// window, r's review is the transfer's, brought forward to TransferLeadDays
// before the amend-by date so the amendment's 12 weeks fit.
func (p *plan) openPhase(ctx workflow.Context, r *Review) {
	ph := p.Phase
	if ph == nil || !ph.AmendedOn.IsZero() {
		return
	}
	window := statute.MonthsBefore(ph.AmendBy, transferWindowMonths)
	if reviewBy(r).Before(window) {
		return
	}
	if heldInWindow := p.CycleFrom.Equal(p.LastReview) && !p.CycleFrom.Before(window); !heldInWindow {
		r.ForTransfer = true
		if by := ph.AmendBy.AddDays(-p.Policy.TransferLeadDays); by.Before(reviewBy(r)) && by.After(p.CycleFrom) {
			if p.noticed {
				p.aim(ctx, r, by) // the authority's aim: the law's 12 months stand
			} else {
				r.Due = by
			}
		}
	}
	if ph.Opened {
		return
	}
	ph.Opened = true
	p.addDeadline(ctx, phaseKey(ph), statute.PhaseTransferAmendBy, ph.AmendBy)
	f := p.planFacts()
	f.Transfer = &ph.PhaseTransfer
	if p.noticed {
		f.ReviewTarget = r.Target // planFacts read the current review's: r may be the next
	} else {
		f.NextReviewDue = r.Due
	}
	if !reviewBy(r).Before(ph.AmendBy) {
		f.NextReviewDue, f.ReviewTarget = statute.Date{}, statute.Date{} // a plan made too late for a review first: the letter promises none
	}
	p.tellFamily(ctx, letters.FamilyPhaseTransfer, phaseSubject(ph), letters.Facts{Plan: f})
}

// nameSetting records the setting an amended or new plan names; naming
// one while a phase transfer is watched meets reg 18's limit.
func (p *plan) nameSetting(setting string, on statute.Date) {
	if setting == "" {
		return
	}
	p.NamedSetting = setting
	if ph := p.Phase; ph != nil && ph.Opened && ph.AmendedOn.IsZero() {
		ph.AmendedOn = on
		p.meet(phaseKey(ph), on)
	}
}

func (p *plan) checkRecordPhaseTransfer(ctx workflow.Context, in PhaseTransferInput) error {
	if !slices.Contains(statute.LocalTransfers, in.Kind) {
		return fmt.Errorf("kind %q is not one a caseworker records (%v): the standard transfers are known from the date of birth", in.Kind, statute.LocalTransfers)
	}
	if in.Moves.IsZero() {
		return errors.New("the day the child moves (--moves) is required")
	}
	if !in.Moves.After(in.On) {
		return fmt.Errorf("the move on %s must be after the day it is recorded (%s)", in.Moves, in.On)
	}
	if _, err := statute.LocalTransfer(in.Kind, in.Moves); err != nil {
		return err
	}
	if ph := p.Phase; ph != nil && ph.Opened && ph.AmendedOn.IsZero() && ph.Local {
		return fmt.Errorf("the transfer %s is already being watched (amend by %s): issue its amended plan first", ph.Transfer.Title(), ph.AmendBy)
	}
	return p.dated(ctx, in.On, p.In.PlanMade, "the plan was made")
}

// recordPhaseTransfer takes a transfer of the child's own settings in
// place of the standard one ahead (reg 18(1)-(2)), opening it at once if
// the current cycle's review falls in its window.
func (p *plan) recordPhaseTransfer(ctx workflow.Context, in PhaseTransferInput) {
	t, _ := statute.LocalTransfer(in.Kind, in.Moves) // checked
	if ph := p.Phase; ph != nil && ph.Opened {
		p.close(phaseKey(ph))
		p.replaced = ph
	}
	p.Phase = newPhase(t, true)
	p.step(ctx, UpdateRecordPhaseTransfer, in.On)
	if r := p.current(); r.HeldOn.IsZero() && p.noticed {
		r.ForTransfer = false
		p.aim(ctx, r, p.baseTarget(p.CycleFrom)) // the replaced transfer's aim goes
		p.openPhase(ctx, r)                      // and this one's may bring the review forward
	} else if r.HeldOn.IsZero() {
		p.openPhase(ctx, r) // may bring the review forward: its limit follows
		if d := p.Deadlines.Find(cycleKey(statute.ReviewDue, r.Cycle)); d != nil && d.Due != r.Due {
			p.setReviewDue(ctx, r.Due)
		}
	}
}
