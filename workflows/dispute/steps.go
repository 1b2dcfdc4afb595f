package dispute

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/bounds"
)

// Every step is a validated Update: its check runs in the validator, so a
// refused step leaves no trace in history, and its handler cannot fail.

func (d *dispute) listen(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, StatusQuery, func() (Status, error) { return d.status(ctx), nil }); err != nil {
		return err
	}
	return errors.Join(
		on(ctx, d, UpdateMediation, d.checkMediation, d.mediation),
		on(ctx, d, UpdateMediationHeld, d.checkMediationHeld, d.mediationHeld),
		on(ctx, d, UpdateCertificate, d.checkCertificate, d.certificate),
		on(ctx, d, UpdateAppeal, d.checkAppeal, d.appeal),
		on(ctx, d, UpdateResponse, d.checkResponse, d.response),
		on(ctx, d, UpdateAppealEnded, d.checkAppealEnded, d.appealEnded),
		on(ctx, d, UpdateOrder, d.checkOrder, d.order),
		on(ctx, d, UpdateOrderStep, d.checkOrderStep, d.orderStep),
		on(ctx, d, UpdateAgreement, d.checkAgreement, d.agreement),
	)
}

func on[T any](ctx workflow.Context, d *dispute, name string, check func(workflow.Context, T) error, apply func(workflow.Context, T)) error {
	return workflow.SetUpdateHandlerWithOptions(ctx, name,
		func(ctx workflow.Context, in T) (Status, error) {
			apply(ctx, in)
			d.flush(ctx)
			d.changed++
			return d.status(ctx), nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in T) error {
			if !d.ready {
				return fmt.Errorf("the disagreement on case %s is still being set up: try again in a few seconds", d.In.CaseRef)
			}
			if d.Stage.Closed() {
				return fmt.Errorf("the disagreement on case %s ended on %s (%s): no further steps can be recorded", d.In.CaseRef, d.EndedOn, d.Stage)
			}
			return check(ctx, in)
		}})
}

// dated rejects a missing date, a future one, and one before notBefore.
func (d *dispute) dated(ctx workflow.Context, on, notBefore statute.Date, after string) error {
	return bounds.Dated(on, d.today(ctx), notBefore, after)
}

func key(name statute.Deadline, on statute.Date) string { return fmt.Sprintf("%s/%s", name, on) }

func (d *dispute) checkMediation(ctx workflow.Context, in MediationInput) error {
	switch {
	case d.Stage != StageOpen:
		return fmt.Errorf("the disagreement is %s: mediation comes before an appeal", d.Stage)
	case !d.Mediation.AnsweredOn.IsZero():
		return fmt.Errorf("the family already said on %s whether they want mediation", d.Mediation.AnsweredOn)
	case in.On.After(d.Rights.AppealBy):
		return fmt.Errorf("the family's time to go to mediation and appeal over the %s ended on %s (reg 33; HESC Rules r.20)", d.In.Decision.Title(), d.Rights.AppealBy)
	}
	if _, err := statute.MediationCertificateBy(in.On); err != nil {
		return err
	}
	return d.dated(ctx, in.On, d.In.Notice, "the decision's notice")
}

// mediation records the family's answer to the mediation adviser (reg
// 33): they want mediation, held within 30 days (reg 37), or not, and
// their certificate is due within 3 working days (reg 34).
func (d *dispute) mediation(ctx workflow.Context, in MediationInput) {
	d.Mediation.AnsweredOn, d.Mediation.Wants = in.On, in.Wants
	if in.Wants {
		d.watch(ctx, key(statute.MediationHeldBy, in.On), statute.MediationHeldBy, statute.MediationHeldBy30(in.On))
	} else {
		by, _ := statute.MediationCertificateBy(in.On) // checked
		d.watch(ctx, key(statute.MediationCertificateDue, in.On), statute.MediationCertificateDue, by)
	}
	d.step(UpdateMediation, in.On)
}

func (d *dispute) checkMediationHeld(ctx workflow.Context, in OnInput) error {
	if m := d.Mediation; d.Stage != StageOpen || !m.Wants || !m.HeldOn.IsZero() || !m.Certificate.IsZero() {
		return errors.New("no mediation is awaited: the family's wish for it comes first (record-mediation --wants)")
	}
	if _, err := statute.MediationCertificateBy(in.On); err != nil {
		return err
	}
	return d.dated(ctx, in.On, d.Mediation.AnsweredOn, "the family asked for mediation")
}

// mediationHeld records mediation held (reg 37): the certificate is due
// within 3 working days (reg 39).
func (d *dispute) mediationHeld(ctx workflow.Context, in OnInput) {
	d.Mediation.HeldOn = in.On
	d.meet(key(statute.MediationHeldBy, d.Mediation.AnsweredOn), in.On)
	by, _ := statute.MediationCertificateBy(in.On) // checked
	d.watch(ctx, key(statute.MediationCertificateDue, in.On), statute.MediationCertificateDue, by)
	d.step(UpdateMediationHeld, in.On)
}

func (d *dispute) checkCertificate(ctx workflow.Context, in OnInput) error {
	m := d.Mediation
	if m.AnsweredOn.IsZero() || !m.Certificate.IsZero() {
		return errors.New("no mediation certificate is awaited")
	}
	if !m.HeldOn.IsZero() {
		return d.dated(ctx, in.On, m.HeldOn, "the mediation")
	}
	return d.dated(ctx, in.On, m.AnsweredOn, "the family's answer to the mediation adviser") // mediation wanted and not held: the certificate still comes
}

// certificate records the certificate issued: the family may appeal within
// a month of it if that is later than 2 months from the notice (r.20(1)(c)).
func (d *dispute) certificate(ctx workflow.Context, in OnInput) {
	m := &d.Mediation
	m.Certificate = in.On
	from := m.AnsweredOn
	if !m.HeldOn.IsZero() {
		from = m.HeldOn
	}
	d.meet(key(statute.MediationCertificateDue, from), in.On)
	d.close(key(statute.MediationHeldBy, m.AnsweredOn)) // wanted and not held: it will not be now
	d.Rights = statute.RightsAfter(d.In.Notice, in.On)
	d.Rights.Decision = d.In.Decision
	d.step(UpdateCertificate, in.On)
}

func (d *dispute) checkAppeal(ctx workflow.Context, in AppealInput) error {
	if d.Stage != StageOpen {
		return fmt.Errorf("an appeal was already recorded on %s", d.AppealedOn)
	}
	if !in.RespondBy.IsZero() && !in.RespondBy.After(in.On) {
		return fmt.Errorf("the response date %s (--respond-by) must be after the appeal (%s)", in.RespondBy, in.On)
	}
	if in.RespondBy.IsZero() {
		if _, err := statute.AddWorkingDays(in.On, d.Policy.ResponseWorkingDays); err != nil {
			return err
		}
	}
	return d.dated(ctx, in.On, d.In.Notice, "the decision's notice")
}

// appeal records the family's appeal lodged: the authority's response is
// due by the tribunal's date, or the policy's working days from it.
func (d *dispute) appeal(ctx workflow.Context, in AppealInput) {
	d.Stage, d.AppealedOn, d.RespondBy = StageAppealed, in.On, in.RespondBy
	if d.RespondBy.IsZero() {
		d.RespondBy, _ = statute.AddWorkingDays(in.On, d.Policy.ResponseWorkingDays) // checked
	}
	for _, dl := range d.Deadlines {
		if dl.Name == statute.MediationHeldBy || dl.Name == statute.MediationCertificateDue {
			d.close(dl.Key) // the appeal is lodged: mediation's limits are past
		}
	}
	d.watch(ctx, key(statute.AppealResponseDue, in.On), statute.AppealResponseDue, d.RespondBy)
	d.step(UpdateAppeal, in.On)
}

func (d *dispute) checkResponse(ctx workflow.Context, in OnInput) error {
	if d.AppealedOn.IsZero() || !d.RespondedOn.IsZero() {
		return errors.New("no appeal is awaiting the authority's response (record-appeal)")
	}
	return d.dated(ctx, in.On, d.AppealedOn, "the appeal")
}

// response records the authority's response to the appeal sent.
func (d *dispute) response(ctx workflow.Context, in OnInput) {
	d.RespondedOn = in.On
	d.meet(key(statute.AppealResponseDue, d.AppealedOn), in.On)
	d.step(UpdateResponse, in.On)
}

func (d *dispute) checkAppealEnded(ctx workflow.Context, in AppealEndedInput) error {
	if d.Stage != StageAppealed {
		return errors.New("no appeal is before the tribunal (record-appeal; an order is recorded with record-order)")
	}
	return d.dated(ctx, in.On, d.AppealedOn, "the appeal")
}

// appealEnded records the appeal dismissed or withdrawn: the decision
// stands and the disagreement ends.
func (d *dispute) appealEnded(ctx workflow.Context, in AppealEndedInput) {
	d.step(UpdateAppealEnded, in.On)
	d.end(StageDismissed, in.On)
}

func (d *dispute) checkAgreement(ctx workflow.Context, in AgreementInput) error {
	switch {
	case in.Agreed != statute.OrderAssess && in.Agreed != statute.OrderMakePlan && in.Agreed != statute.OrderAgreedAction:
		return fmt.Errorf("agreed %q: a mediation agreement here is to assess, to make a plan, or another action (assess, make-plan, agreed-action)", in.Agreed)
	case in.Agreed == statute.OrderAssess && d.In.Decision != statute.AppealRefusalToAssess:
		return errors.New("an agreement to assess follows a refusal to assess; this case was assessed and refused a plan (make-plan)")
	case d.Stage != StageOpen || d.Mediation.HeldOn.IsZero():
		return errors.New("no mediation has been held that could reach an agreement (record-mediation-held)")
	}
	return d.dated(ctx, in.On, d.Mediation.HeldOn, "the mediation")
}

// agreement records what mediation agreed (reg 42): to assess or to make a
// plan, with the limits the tribunal would have set (reg 44), or another
// action within 2 weeks. Its steps are an order's.
func (d *dispute) agreement(ctx workflow.Context, in AgreementInput) {
	d.Stage, d.Order = StageOrdered, &Order{Kind: in.Agreed, Made: in.On, Agreement: true}
	d.watchOrder(ctx, in.Agreed, in.On)
	d.step(UpdateAgreement, in.On)
}

func (d *dispute) checkOrder(ctx workflow.Context, in OrderInput) error {
	switch {
	case in.Kind != statute.OrderAssess && in.Kind != statute.OrderMakePlan:
		return fmt.Errorf("order %q: after a refusal the tribunal orders an assessment or a plan (assess, make-plan); orders to amend or name a school act on a plan in force", in.Kind)
	case in.Kind == statute.OrderAssess && d.In.Decision != statute.AppealRefusalToAssess:
		return errors.New("an order to assess follows a refusal to assess; this case was assessed and refused a plan (make-plan)")
	case d.Stage != StageAppealed:
		return errors.New("no appeal is before the tribunal: record the appeal first (record-appeal)")
	case in.Made.IsZero():
		return errors.New("the date of the order (--made) is required")
	case in.Made.Before(d.AppealedOn) || in.Made.After(in.On):
		return fmt.Errorf("the order of %s must fall between the appeal (%s) and the day it is recorded (%s)", in.Made, d.AppealedOn, in.On)
	}
	return d.dated(ctx, in.On, d.AppealedOn, "the appeal")
}

// order records the tribunal's order, or the authority not opposing the
// appeal (reg 45: the limits run from the day it told the tribunal), and
// starts its limits (reg 44(2)(b)-(c)). Missing one is a breach of the
// order: chased as every limit is, and the family told once if missed.
func (d *dispute) order(ctx workflow.Context, in OrderInput) {
	d.Stage, d.Order = StageOrdered, &Order{Kind: in.Kind, Made: in.Made, Unopposed: in.Unopposed}
	d.close(key(statute.AppealResponseDue, d.AppealedOn)) // the tribunal has decided
	d.watchOrder(ctx, in.Kind, in.Made)
	d.step(UpdateOrder, in.On)
}

// watchOrder chases an order's limits. One already past when the order is
// recorded late is not called missed at once: what was done by then is
// recorded next, so its first escalation (to staff, and to the family once)
// waits for the week's next, and a limit met meanwhile has no letter.
func (d *dispute) watchOrder(ctx workflow.Context, kind statute.Order, made statute.Date) {
	limits, _ := statute.OrderTimetable(kind, made) // checked
	for _, l := range limits {
		k := key(l.Deadline, made)
		d.watch(ctx, k, l.Deadline, l.Due)
		if dl := d.Deadlines.Find(k); d.today(ctx).After(l.Due) {
			dl.SkipPassed(d.Policy.Schedule, d.now(ctx))
		}
	}
}

// OrderSteps are the steps each order takes, in the order they come, and
// the limit each meets.
var OrderSteps = map[statute.Order][]OrderStep{
	statute.OrderAssess: {
		{StepNotified, statute.OrderNotifyDue},
		{StepIssueDecided, statute.OrderNoPlanDecisionDue},
		{StepNoPlanDecided, statute.OrderNoPlanDecisionDue},
		{StepFinalPlan, statute.OrderFinalPlanDue},
	},
	statute.OrderMakePlan: {
		{StepDraft, statute.OrderDraftDue},
		{StepFinalPlan, statute.OrderFinalPlanDue},
	},
	statute.OrderAgreedAction: {{StepAction, statute.MediationActionDue}},
}

// OrderStep is one step complying with an order, and the limit it meets.
type OrderStep struct {
	Step  string
	Limit statute.Deadline
}

func (d *dispute) orderStepOf(name string) (OrderStep, []OrderStep, bool) {
	steps := OrderSteps[d.Order.Kind]
	for _, s := range steps {
		if s.Step == name {
			return s, steps, true
		}
	}
	return OrderStep{}, steps, false
}

func (d *dispute) checkOrderStep(ctx workflow.Context, in OrderStepInput) error {
	o := d.Order
	if d.Stage != StageOrdered || o == nil {
		return errors.New("no tribunal order is recorded (record-order)")
	}
	st, steps, ok := d.orderStepOf(in.Step)
	if !ok {
		names := make([]string, len(steps))
		for i, s := range steps {
			names[i] = s.Step
		}
		return fmt.Errorf("step %q is not one the order to %s takes (%v)", in.Step, o.Kind, names)
	}
	if dl := d.Deadlines.Find(key(st.Limit, o.Made)); dl == nil || !dl.Open() {
		return fmt.Errorf("the %s is already done or no longer owed", st.Limit.Title())
	}
	if first := steps[0]; st.Limit != first.Limit && d.Deadlines.Find(key(first.Limit, o.Made)).Open() {
		return fmt.Errorf("the %s comes first (record-order-step --step %s)", first.Limit.Title(), first.Step)
	}
	return d.dated(ctx, in.On, o.Made, "the order")
}

// orderStep records one thing the order required, done. After an ordered
// assessment, a decision not to issue ends what the order asks; a final
// plan is the decision to issue, on that day at the latest. Once nothing
// more is owed, the order is complied with.
func (d *dispute) orderStep(ctx workflow.Context, in OrderStepInput) {
	o := d.Order
	st, _, _ := d.orderStepOf(in.Step) // checked
	d.meet(key(st.Limit, o.Made), in.On)
	switch in.Step {
	case StepNoPlanDecided:
		d.close(key(statute.OrderFinalPlanDue, o.Made))
	case StepFinalPlan:
		d.meet(key(statute.OrderNoPlanDecisionDue, o.Made), in.On)
	}
	d.step(UpdateOrderStep+"/"+in.Step, in.On)
	limits, _ := statute.OrderTimetable(o.Kind, o.Made)
	for _, l := range limits { // the order's own limits: mediation's and the response's are not what it asks
		if dl := d.Deadlines.Find(key(l.Deadline, o.Made)); dl != nil && dl.Open() {
			return
		}
	}
	o.OnTime = true
	for _, l := range limits {
		if dl := d.Deadlines.Find(key(l.Deadline, o.Made)); dl != nil && dl.MetOn.After(dl.Due) {
			o.OnTime = false
		}
	}
	d.step("order-complied", in.On)
	d.end(StageComplied, in.On)
}
