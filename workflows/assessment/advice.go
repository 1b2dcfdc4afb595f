package assessment

import (
	"fmt"
	"slices"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/deadline"
)

// Gathering advice (reg 6-8): each request, its answer, and the kinds
// recorded as not needed because recent advice is enough (reg 6(4)).

func (a *assessment) checkRequestAdvice(ctx workflow.Context, in RequestAdviceInput) error {
	if err := a.at(UpdateRequestAdvice); err != nil {
		return err
	}
	if _, err := statute.ParseAdviceKind(string(in.Kind)); err != nil {
		return err
	}
	if err := letters.CheckEmail(in.Provider.Email); err != nil {
		return fmt.Errorf("the adviser's email: %w", err)
	}
	if in.EscalationEmail != "" {
		if err := letters.CheckEmail(in.EscalationEmail); err != nil {
			return fmt.Errorf("the adviser's escalation contact: %w", err)
		}
	}
	return dated(ctx, a, in.On, a.StageOn, "the decision to assess")
}

func (a *assessment) requestAdvice(ctx workflow.Context, in RequestAdviceInput) {
	n := 1
	for _, r := range a.Advice {
		if r.Kind == in.Kind {
			n++
		}
	}
	id := fmt.Sprintf("%s-%d", in.Kind, n)
	due := statute.AdviceDueFrom(in.On)
	r := &adviceRequest{AdviceState: AdviceState{ID: id, Kind: in.Kind, Provider: in.Provider.Name,
		Requested: in.On, Due: due}, Provider: in.Provider, EscalationEmail: in.EscalationEmail}
	a.Advice = append(a.Advice, r)
	a.Deadlines = append(a.Deadlines, &deadline.Deadline{Key: string(statute.AdviceDue) + "/" + id,
		Name: statute.AdviceDue, Due: due, Chase: deadline.ChaseAdvice, AdviceID: id})
	a.step(ctx, StepRecord{Step: UpdateRequestAdvice, On: in.On, Detail: id})
	if !a.entering && !a.dryRun {
		r.child = a.startAdvice(ctx, r, false)
	}
	a.tellFamily(ctx, letters.FamilyAdviceRequested, id, letters.Facts{AdviceKind: in.Kind, AdviceID: id, Due: due})
}

func (a *assessment) adviceByID(id string) *adviceRequest {
	for _, r := range a.Advice {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// findAdvice resolves the request a caseworker means: by ID, or the only
// one of a kind still awaited.
func (a *assessment) findAdvice(id string, kind statute.AdviceKind) (*adviceRequest, error) {
	if id != "" {
		if r := a.adviceByID(id); r != nil {
			return r, nil
		}
		var ids []string
		for _, r := range a.Advice {
			ids = append(ids, r.ID)
		}
		return nil, fmt.Errorf("case %s has no advice request %q (requests: %s)", a.In.CaseRef, id, strings.Join(ids, ", "))
	}
	if _, err := statute.ParseAdviceKind(string(kind)); err != nil {
		return nil, err
	}
	var awaited []*adviceRequest
	for _, r := range a.Advice {
		if r.Kind == kind && r.Received.IsZero() {
			awaited = append(awaited, r)
		}
	}
	switch len(awaited) {
	case 0:
		return nil, fmt.Errorf("case %s has no %s request awaiting an answer", a.In.CaseRef, kind)
	case 1:
		return awaited[0], nil
	}
	ids := make([]string, len(awaited))
	for i, r := range awaited {
		ids[i] = r.ID
	}
	return nil, fmt.Errorf("%d %s requests are awaited (%s): name one by its ID", len(awaited), kind, strings.Join(ids, ", "))
}

func (a *assessment) checkRecordAdvice(ctx workflow.Context, in RecordAdviceInput) error {
	if err := a.at(UpdateRecordAdvice); err != nil {
		return err
	}
	r, err := a.findAdvice(in.ID, in.Kind)
	if err != nil {
		return err
	}
	if !r.Received.IsZero() {
		return fmt.Errorf("advice %s was already recorded as received on %s", r.ID, r.Received)
	}
	return dated(ctx, a, in.On, r.Requested, "advice "+r.ID+" was requested")
}

func (a *assessment) recordAdvice(ctx workflow.Context, in RecordAdviceInput) {
	r, _ := a.findAdvice(in.ID, in.Kind)
	r.Received = in.On
	a.Deadlines.Find(string(statute.AdviceDue) + "/" + r.ID).MetOn = in.On
	a.step(ctx, StepRecord{Step: UpdateRecordAdvice, On: in.On, Detail: r.ID})
	if r.child != nil {
		a.signalAdvice(ctx, r, in.On)
	}
}

// startHeldAdvice starts the chaser for each advice request a history
// holds that is still awaited; its request letter went before the case was
// entered, so it sends none.
func (a *assessment) startHeldAdvice(ctx workflow.Context) {
	if a.Stage.Closed() {
		return
	}
	for _, r := range a.Advice {
		if r.child == nil && r.Received.IsZero() {
			r.child = a.startAdvice(ctx, r, true)
		}
	}
}

// adviceKindsToSeek are the kinds reg 6(1)(a)-(e) requires in every
// assessment; (f)-(h) depend on the child.
var adviceKindsToSeek = []statute.AdviceKind{
	statute.AdviceKindFamilyViews, statute.AdviceKindEducational, statute.AdviceKindMedical,
	statute.AdviceKindPsychological, statute.AdviceKindSocialCare,
}

// unsought lists the reg 6(1)(a)-(e) kinds neither requested nor recorded
// as not needed under reg 6(4).
func (a *assessment) unsought() []string {
	var out []string
	for _, k := range adviceKindsToSeek {
		sought := false
		for _, r := range a.Advice {
			sought = sought || r.Kind == k
		}
		for _, n := range a.NotNeeded {
			sought = sought || n.Kind == k
		}
		if !sought {
			out = append(out, string(k))
		}
	}
	return out
}

func (a *assessment) checkAdviceNotNeeded(ctx workflow.Context, in AdviceNotNeededInput) error {
	if err := a.at(UpdateAdviceNotNeeded); err != nil {
		return err
	}
	if !slices.Contains(adviceKindsToSeek, in.Kind) {
		if _, err := statute.ParseAdviceKind(string(in.Kind)); err != nil {
			return err
		}
		return fmt.Errorf("only the kinds reg 6(1)(a)-(e) requires (%s) need a reg 6(4) reason; %s is sought only where it applies", joinKinds(adviceKindsToSeek), in.Kind)
	}
	for _, r := range a.Advice {
		if r.Kind == in.Kind {
			return fmt.Errorf("%s advice was already requested (%s on %s): it cannot also be not needed", in.Kind, r.ID, r.Requested)
		}
	}
	for _, n := range a.NotNeeded {
		if n.Kind == in.Kind {
			return fmt.Errorf("%s advice was already recorded as not needed on %s", in.Kind, n.On)
		}
	}
	if err := required(in.Reason, "a reason reg 6(4) applies (which advice was already obtained, and that the LA, its author and the family agree it is enough)"); err != nil {
		return err
	}
	return dated(ctx, a, in.On, a.StageOn, "the decision to assess")
}

func (a *assessment) adviceNotNeeded(ctx workflow.Context, in AdviceNotNeededInput) {
	a.NotNeeded = append(a.NotNeeded, in)
	a.step(ctx, StepRecord{Step: UpdateAdviceNotNeeded, On: in.On, Detail: string(in.Kind) + " (reg 6(4))"})
}

func joinKinds(ks []statute.AdviceKind) string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return strings.Join(out, ", ")
}
