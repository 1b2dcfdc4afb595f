package plan

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
)

// Disagreement over a decision on the plan (reg 32-45): mediation, the
// family's appeal and a tribunal order that acts on the plan, each limit on
// the deadline engine. The decision disputed is the plan's last appealable
// one (Rights); one disagreement at a time.

// Dispute is a disagreement in progress and how far it has gone.
type Dispute struct {
	Decision       statute.Appealable `json:"decision"`
	Notice         statute.Date       `json:"notice"`
	MediationFrom  statute.Date       `json:"mediation_from,omitzero"` // the family said whether they want mediation
	WantsMediation bool               `json:"wants_mediation,omitzero"`
	MediationHeld  statute.Date       `json:"mediation_held,omitzero"`
	Certificate    statute.Date       `json:"certificate,omitzero"`
	AppealedOn     statute.Date       `json:"appealed_on,omitzero"`
	RespondBy      statute.Date       `json:"respond_by,omitzero"`   // the authority's response to the appeal (HESC Rules r.21)
	RespondedOn    statute.Date       `json:"responded_on,omitzero"` // sent
	Order          statute.Order      `json:"order,omitzero"`
	OrderMade      statute.Date       `json:"order_made,omitzero"`
	Unopposed      bool               `json:"unopposed,omitzero"` // reg 45: the authority did not oppose the appeal
	OrderMetOn     statute.Date       `json:"order_met_on,omitzero"`
}

// The inputs of disagreement's steps.
type (
	MediationInput struct {
		On    statute.Date `json:"on"`
		Wants bool         `json:"wants"` // the family want mediation (reg 37); else a certificate (reg 34)
	}
	AppealInput struct {
		On        statute.Date `json:"on"`
		RespondBy statute.Date `json:"respond_by,omitzero"` // from the tribunal's directions; else the policy's working days
	}
	AppealEndedInput struct {
		On        statute.Date `json:"on"`
		Withdrawn bool         `json:"withdrawn,omitzero"` // the family withdrew it; else the tribunal dismissed it
	}
	OrderInput struct {
		On        statute.Date  `json:"on"`
		Kind      statute.Order `json:"kind"` // amend or name-school: the orders that act on a plan in force
		Made      statute.Date  `json:"made"`
		Unopposed bool          `json:"unopposed,omitzero"` // reg 45: Made is the day the authority told the tribunal
	}
)

func orderKey(name statute.Deadline, made statute.Date) string {
	return fmt.Sprintf("%s/%s", name, made)
}

// dispute is the disagreement in progress, begun from the last appealable
// decision if none is.
func (p *plan) dispute() *Dispute {
	if p.Disagreement == nil && p.Rights != nil {
		p.Disagreement = &Dispute{Decision: p.Rights.Decision, Notice: p.Rights.Notice}
	}
	return p.Disagreement
}

func (p *plan) checkMediation(ctx workflow.Context, in MediationInput) error {
	if p.Rights == nil {
		return errors.New("no decision on this plan has been notified that the family could take to mediation")
	}
	if d := p.Disagreement; d != nil && !d.MediationFrom.IsZero() {
		return fmt.Errorf("the family already said on %s whether they want mediation", d.MediationFrom)
	}
	if r := p.Rights; in.On.After(r.AppealBy) {
		return fmt.Errorf("the family's time to go to mediation and appeal over the %s ended on %s (reg 33; HESC Rules r.20)", r.Decision.Title(), r.AppealBy)
	}
	if !in.Wants {
		if _, err := statute.MediationCertificateBy(in.On); err != nil {
			return err
		}
	}
	return p.dated(ctx, in.On, p.Rights.Notice, "the decision's notice")
}

// mediation records the family's answer to the mediation adviser: they
// want mediation, held within 30 days (reg 37), or not, and their
// certificate is due within 3 working days (reg 34).
func (p *plan) mediation(ctx workflow.Context, in MediationInput) {
	d := p.dispute()
	d.MediationFrom, d.WantsMediation = in.On, in.Wants
	if in.Wants {
		p.addDeadline(ctx, orderKey(statute.MediationHeldBy, in.On), statute.MediationHeldBy, statute.MediationHeldBy30(in.On))
	} else {
		by, _ := statute.MediationCertificateBy(in.On) // checked
		p.addDeadline(ctx, orderKey(statute.MediationCertificateDue, in.On), statute.MediationCertificateDue, by)
	}
	p.step(ctx, UpdateMediation, in.On)
}

func (p *plan) checkMediationHeld(ctx workflow.Context, in OnInput) error {
	d := p.Disagreement
	if d == nil || !d.WantsMediation || !d.MediationHeld.IsZero() {
		return errors.New("no mediation is awaited: the family's wish for it comes first (record-mediation --wants)")
	}
	if _, err := statute.MediationCertificateBy(in.On); err != nil {
		return err
	}
	return p.dated(ctx, in.On, d.MediationFrom, "the family asked for mediation")
}

// mediationHeld records mediation held (reg 37); its certificate is due
// within 3 working days (reg 39).
func (p *plan) mediationHeld(ctx workflow.Context, in OnInput) {
	d := p.Disagreement
	d.MediationHeld = in.On
	p.meet(orderKey(statute.MediationHeldBy, d.MediationFrom), in.On)
	by, _ := statute.MediationCertificateBy(in.On) // checked
	p.addDeadline(ctx, orderKey(statute.MediationCertificateDue, in.On), statute.MediationCertificateDue, by)
	p.step(ctx, UpdateMediationHeld, in.On)
}

func (p *plan) checkCertificate(ctx workflow.Context, in OnInput) error {
	d := p.Disagreement
	if d == nil || d.MediationFrom.IsZero() || !d.Certificate.IsZero() || (d.WantsMediation && d.MediationHeld.IsZero()) {
		return errors.New("no mediation certificate is awaited")
	}
	return p.dated(ctx, in.On, d.MediationFrom, "the family's answer to the mediation adviser")
}

// certificate records the mediation certificate issued: the family may
// appeal within a month of it if that is later (HESC r.20(1)(c)).
func (p *plan) certificate(ctx workflow.Context, in OnInput) {
	d := p.Disagreement
	d.Certificate = in.On
	from := d.MediationFrom
	if !d.MediationHeld.IsZero() {
		from = d.MediationHeld
	}
	p.meet(orderKey(statute.MediationCertificateDue, from), in.On)
	r := statute.RightsAfter(d.Notice, in.On)
	r.Decision = d.Decision
	p.Rights = &r
	p.step(ctx, UpdateCertificate, in.On)
}

func (p *plan) checkAppeal(ctx workflow.Context, in AppealInput) error {
	if p.Rights == nil {
		return errors.New("no decision on this plan has been notified that the family could appeal")
	}
	if d := p.Disagreement; d != nil && !d.AppealedOn.IsZero() {
		return fmt.Errorf("an appeal was already recorded on %s", d.AppealedOn)
	}
	if !in.RespondBy.IsZero() && !in.RespondBy.After(in.On) {
		return fmt.Errorf("the response date %s (--respond-by) must be after the appeal (%s)", in.RespondBy, in.On)
	}
	if in.RespondBy.IsZero() {
		if _, err := statute.AddWorkingDays(in.On, p.responseDays()); err != nil {
			return err
		}
	}
	return p.dated(ctx, in.On, p.Rights.Notice, "the decision's notice")
}

// responseDays is the policy's time for the authority's response; a policy
// carried from a run before the setting existed has none, so the default.
func (p *plan) responseDays() int {
	if p.Policy.ResponseWorkingDays > 0 {
		return p.Policy.ResponseWorkingDays
	}
	return DefaultResponseWorkingDays
}

// watchResponse watches the authority's response to the appeal lodged on
// on (HESC Rules r.21), and ends mediation's limits: the appeal is lodged.
func (p *plan) watchResponse(ctx workflow.Context, d *Dispute, on, respondBy statute.Date) {
	d.RespondBy = respondBy
	if d.RespondBy.IsZero() {
		d.RespondBy, _ = statute.AddWorkingDays(on, p.responseDays()) // checked
	}
	for _, dl := range p.Deadlines {
		if dl.Name == statute.MediationHeldBy || dl.Name == statute.MediationCertificateDue {
			p.close(dl.Key)
		}
	}
	dl := p.addDeadline(ctx, orderKey(statute.AppealResponseDue, on), statute.AppealResponseDue, d.RespondBy)
	if p.today(ctx).After(d.RespondBy) {
		dl.SkipPassed(p.Policy.Schedule, p.now(ctx)) // recorded late: the response is recorded next, before anyone is told it was missed
	}
}

// appeal records the family's appeal lodged with the tribunal; an appeal
// against ceasing keeps the plan until it is decided. The authority's
// response is due by the tribunal's date, or the policy's working days
// from the appeal (HESC Rules r.21), chased as every limit is.
func (p *plan) appeal(ctx workflow.Context, in AppealInput) {
	d := p.dispute()
	d.AppealedOn = in.On
	if p.Stage == StageCeasing && p.Ceasing.AppealedOn.IsZero() {
		p.Ceasing.AppealedOn = in.On
	}
	if p.responds {
		p.watchResponse(ctx, d, in.On, in.RespondBy)
	}
	p.step(ctx, UpdateAppeal, in.On)
}

func (p *plan) checkResponse(ctx workflow.Context, in OnInput) error {
	d := p.Disagreement
	if d == nil || d.AppealedOn.IsZero() || !d.RespondedOn.IsZero() || !d.OrderMade.IsZero() {
		return errors.New("no appeal over this plan is awaiting the authority's response (record-appeal)")
	}
	return p.dated(ctx, in.On, d.AppealedOn, "the appeal")
}

// response records the authority's response to the appeal sent.
func (p *plan) response(ctx workflow.Context, in OnInput) {
	d := p.Disagreement
	d.RespondedOn = in.On
	p.meet(orderKey(statute.AppealResponseDue, d.AppealedOn), in.On)
	p.step(ctx, UpdateResponse, in.On)
}

func (p *plan) checkAppealEnded(ctx workflow.Context, in AppealEndedInput) error {
	d := p.Disagreement
	switch {
	case d == nil || d.AppealedOn.IsZero() || !d.OrderMade.IsZero():
		return errors.New("no appeal over this plan is before the tribunal (record-appeal; an order is recorded with record-order)")
	case d.Decision == statute.AppealCease && p.Stage == StageCeasing:
		return errors.New("an appeal against ceasing ends with ceasing-appeal-decided, which says whether the plan is kept")
	}
	return p.dated(ctx, in.On, d.AppealedOn, "the appeal")
}

// appealEnded records the appeal dismissed or withdrawn: the decision
// stands, the response is no longer owed, and the disagreement over it
// ends (its rights with it, as a refusal's disagreement ends).
func (p *plan) appealEnded(ctx workflow.Context, in AppealEndedInput) {
	d := p.Disagreement
	p.close(orderKey(statute.AppealResponseDue, d.AppealedOn))
	p.Disagreement, p.Rights = nil, nil
	p.step(ctx, UpdateAppealEnded, in.On)
}

func (p *plan) checkOrder(ctx workflow.Context, in OrderInput) error {
	if in.Kind != statute.OrderAmend && in.Kind != statute.OrderNameSchool {
		return fmt.Errorf("order %q: a plan in force takes orders to amend its provision or to name a school (amend, name-school); an order to assess or to make a plan follows a refusal, recorded on the case", in.Kind)
	}
	d := p.Disagreement
	switch {
	case d == nil || d.AppealedOn.IsZero():
		return errors.New("no appeal is recorded: record the appeal first (record-appeal)")
	case !d.OrderMade.IsZero():
		return fmt.Errorf("an order of %s is already recorded", d.OrderMade)
	case in.Made.IsZero():
		return errors.New("the date of the order (--made) is required")
	case in.Made.Before(d.AppealedOn) || in.Made.After(in.On):
		return fmt.Errorf("the order of %s must fall between the appeal (%s) and the day it is recorded (%s)", in.Made, d.AppealedOn, in.On)
	}
	return p.dated(ctx, in.On, d.AppealedOn, "the appeal")
}

// order records the tribunal's order (or the authority's not opposing the
// appeal, reg 45): the amended plan within 5 weeks, or 2 when only the
// named school changes (reg 44(2)(e)-(f)). Missing it is a breach of the
// order: chased as every limit is, and the family told once if missed.
func (p *plan) order(ctx workflow.Context, in OrderInput) {
	d := p.Disagreement
	d.Order, d.OrderMade, d.Unopposed = in.Kind, in.Made, in.Unopposed
	p.close(orderKey(statute.AppealResponseDue, d.AppealedOn)) // decided, or conceded before the response (reg 45): no response is owed now
	limits, _ := statute.OrderTimetable(in.Kind, in.Made)      // checked
	for _, l := range limits {
		dl := p.addDeadline(ctx, orderKey(l.Deadline, in.Made), l.Deadline, l.Due)
		if p.noticed && p.today(ctx).After(l.Due) {
			dl.SkipPassed(p.Policy.Schedule, p.now(ctx)) // recorded late: what was done is recorded next, before anyone is told it was missed
		}
	}
	p.step(ctx, UpdateOrder, in.On)
}

func (p *plan) checkComplyOrder(ctx workflow.Context, in AmendedPlanInput) error {
	d := p.Disagreement
	if d == nil || d.OrderMade.IsZero() || !d.OrderMetOn.IsZero() {
		return errors.New("no tribunal order is awaiting its amended plan")
	}
	if d.Order == statute.OrderNameSchool {
		if err := checkText("setting", in.Setting, MaxSetting, true); err != nil {
			return fmt.Errorf("an order to name a school is met by the plan naming it: %w", err)
		}
	} else if err := checkText("setting", in.Setting, MaxSetting, false); err != nil {
		return err
	}
	return p.dated(ctx, in.On, d.OrderMade, "the order")
}

// complyOrder records the amended plan the order required, issued: the
// disagreement ends with it.
func (p *plan) complyOrder(ctx workflow.Context, in AmendedPlanInput) {
	d := p.Disagreement
	d.OrderMetOn = in.On
	p.meet(orderKey(statute.OrderAmendedPlanDue, d.OrderMade), in.On)
	p.nameSetting(in.Setting, in.On)
	p.step(ctx, UpdateComplyOrder, in.On)
	p.tellFamily(ctx, letters.FamilyAmendedPlan, "order/"+d.OrderMade.String(), letters.Facts{School: in.Setting, Plan: p.planFacts()})
	p.Rights = nil // an amended plan made as ordered is not a new decision to appeal
	if p.responds {
		p.Disagreement = nil // it ends with the order met: a later decision's disagreement starts afresh
	}
}

// orderDue is the open order limit's due date, for the UI.
func (p *plan) orderDue() statute.Date {
	if d := p.Disagreement; d != nil && !d.OrderMade.IsZero() && d.OrderMetOn.IsZero() {
		if dl := p.Deadlines.Find(orderKey(statute.OrderAmendedPlanDue, d.OrderMade)); dl != nil {
			return dl.Due
		}
	}
	return statute.Date{}
}

// orderOwed is the kind of order whose amended plan is owed, if one is.
func (p *plan) orderOwed() statute.Order {
	if d := p.Disagreement; d != nil && !d.OrderMade.IsZero() && d.OrderMetOn.IsZero() {
		return d.Order
	}
	return ""
}
