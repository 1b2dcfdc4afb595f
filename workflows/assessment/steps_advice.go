package assessment

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/deadline"
)

func (a *assessment) checkRequestAdvice(ctx workflow.Context, in RequestAdviceInput) error {
	if err := a.at("request advice", StageAssessing); err != nil {
		return err
	}
	if _, err := statute.ParseAdviceKind(string(in.Kind)); err != nil {
		return err
	}
	if err := activities.CheckEmail(in.Provider.Email); err != nil {
		return fmt.Errorf("the adviser's email: %w", err)
	}
	if in.EscalationEmail != "" {
		if err := activities.CheckEmail(in.EscalationEmail); err != nil {
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
	a.tellFamily(ctx, activities.FamilyAdviceRequested, id, activities.Facts{AdviceKind: in.Kind, AdviceID: id, Due: due})
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
	if err := a.open(); err != nil {
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
	if err := a.at("record advice as not needed", StageAssessing); err != nil {
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

func (a *assessment) checkRecordComments(ctx workflow.Context, in RecordCommentsInput) error {
	if err := a.at("record the family's comments", StageDraftServed); err != nil {
		return err
	}
	if !a.CommentsOn.IsZero() {
		return fmt.Errorf("the family's comments were already recorded on %s", a.CommentsOn)
	}
	if err := a.checkNewSchool(in.RequestedSchool.Name, in.RequestedSchool.Email != ""); err != nil {
		return err
	}
	return dated(ctx, a, in.On, a.DraftServed, "the draft plan was served")
}

func (a *assessment) recordComments(ctx workflow.Context, in RecordCommentsInput) {
	a.CommentsOn = in.On
	detail := "no school requested"
	if in.RequestedSchool.Name != "" {
		detail = "school requested"
	}
	// reg 13(1)(a): comments after the 15 days are still taken, but shown late.
	if end := statute.CommentsEnd(a.DraftServed); in.On.After(end) {
		a.CommentsLate = in.On.DaysSince(end)
		detail += fmt.Sprintf("; %s after the period ended", days(a.CommentsLate))
	}
	a.step(ctx, StepRecord{Step: UpdateRecordComments, On: in.On, Detail: detail})
	if in.RequestedSchool.Name != "" {
		a.consult(in.RequestedSchool, in.On, RequestedByFamily)
	}
}

// checkNewSchool allows no school at all; a named school must not already be
// consulted.
func (a *assessment) checkNewSchool(name string, hasEmail bool) error {
	if strings.TrimSpace(name) == "" {
		if hasEmail {
			return fmt.Errorf("a school's name is required with its email")
		}
		return nil
	}
	if c := a.consultation(name); c != nil {
		return fmt.Errorf("%s is already being consulted (since %s)", name, c.Sent)
	}
	return nil
}

func (a *assessment) consultation(school string) *ConsultationState {
	for _, c := range a.Consults {
		if strings.EqualFold(c.School, school) {
			return c
		}
	}
	return nil
}

func (a *assessment) consult(school Contact, on statute.Date, by string) {
	due := statute.ConsultDueFrom(on, a.Policy.ConsultDays)
	a.Consults = append(a.Consults, &ConsultationState{School: school.Name, RequestedBy: by, Sent: on, Due: due})
	suffix := school.Name
	if a.ConsultsNumbered {
		suffix = strconv.Itoa(len(a.Consults))
	}
	a.Deadlines = append(a.Deadlines, &deadline.Deadline{Key: string(statute.ConsultationDue) + "/" + suffix,
		Name: statute.ConsultationDue, Due: due, Chase: deadline.ChaseConsult, School: school.Name})
}

// consultNumberChange guards consultations known by their number, not the
// school's name, in deadline keys, register events and letter keys: the
// school is the child's likely placement, kept in the people record only.
const consultNumberChange = "consultation-by-number"

// consultDetail is what the register says of a consultation: the school's
// name, or (consultNumberChange) only its number.
func (a *assessment) consultDetail(c *ConsultationState) string {
	if !a.ConsultsNumbered {
		return c.School
	}
	return fmt.Sprintf("consultation %d", slices.Index(a.Consults, c)+1)
}

// consultDeadline is the deadline of the consultation with the school.
func (a *assessment) consultDeadline(c *ConsultationState) *deadline.Deadline {
	for _, d := range a.Deadlines {
		if d.Name == statute.ConsultationDue && d.School == c.School {
			return d
		}
	}
	return nil
}

func (a *assessment) checkConsultSchool(ctx workflow.Context, in ConsultSchoolInput) error {
	if err := a.at("consult a school", StageDraftServed); err != nil {
		return err
	}
	if err := required(in.School.Name, "the school's name"); err != nil {
		return err
	}
	if err := a.checkNewSchool(in.School.Name, true); err != nil {
		return err
	}
	return dated(ctx, a, in.On, a.DraftServed, "the draft plan was served")
}

func (a *assessment) consultSchool(ctx workflow.Context, in ConsultSchoolInput) {
	a.consult(in.School, in.On, RequestedByLA)
	a.step(ctx, StepRecord{Step: UpdateConsultSchool, On: in.On, Detail: a.consultDetail(a.Consults[len(a.Consults)-1])})
}

func (a *assessment) checkRecordConsultation(ctx workflow.Context, in RecordConsultationInput) error {
	if err := a.at("record a school's answer", StageDraftServed); err != nil {
		return err
	}
	c := a.consultation(in.School)
	if c == nil {
		return fmt.Errorf("%q has not been consulted on case %s", in.School, a.In.CaseRef)
	}
	if !c.Answered.IsZero() {
		return fmt.Errorf("%s's answer was already recorded on %s", c.School, c.Answered)
	}
	return dated(ctx, a, in.On, c.Sent, c.School+" was consulted")
}

func (a *assessment) recordConsultation(ctx workflow.Context, in RecordConsultationInput) {
	c := a.consultation(in.School)
	c.Answered, c.Agrees = in.On, in.Agrees
	a.consultDeadline(c).MetOn = in.On
	answer := "declines"
	if in.Agrees {
		answer = "agrees"
	}
	a.step(ctx, StepRecord{Step: UpdateRecordConsultation, On: in.On, Detail: a.consultDetail(c) + " " + answer})
}

func (a *assessment) checkRecordException(ctx workflow.Context, in RecordExceptionInput) error {
	if err := a.open(); err != nil {
		return err
	}
	g, err := statute.ParseExceptionGround(string(in.Ground))
	if err != nil {
		return err
	}
	d, err := a.limit(in.Deadline, in.AdviceID, "an exception")
	if err != nil {
		return err
	}
	if !g.AppliesTo(in.Deadline) {
		return fmt.Errorf("the ground %s does not apply to the %s limit (see reg 5(4), 8(2), 10(4), 13(3))", g, in.Deadline.Title())
	}
	if s := d.State(a.asOf(ctx)); s.Status == StatusMet || s.Status == StatusNotApplicable {
		return fmt.Errorf("the %s limit is %s: an exception cannot apply", d.Name.Title(), strings.ReplaceAll(s.Status, "_", " "))
	}
	if err := dated(ctx, a, in.From, a.In.Received, "Day 1"); err != nil {
		return fmt.Errorf("exception start: %w", err)
	}
	if !in.To.IsZero() && in.To.Before(in.From) {
		return fmt.Errorf("the exception ends on %s, before it starts on %s", in.To, in.From)
	}
	return dated(ctx, a, in.On, a.In.Received, "Day 1")
}

func (a *assessment) recordException(ctx workflow.Context, in RecordExceptionInput) {
	rec := ExceptionRecord{RecordExceptionInput: in, Regulation: in.Ground.Regulation(in.Deadline)}
	a.Exceptions = append(a.Exceptions, rec)
	d, _ := a.limit(in.Deadline, in.AdviceID, "")
	d.Exception = rec.Regulation
	a.step(ctx, StepRecord{Step: UpdateRecordException, On: in.On, Detail: rec.Regulation + " " + string(in.Deadline)})
}
