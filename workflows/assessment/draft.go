package assessment

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/deadline"
)

// The draft plan (reg 13(1)): serving it, the family's 15 days to comment,
// and the schools consulted on naming them (CFA s.39(3)).

func (a *assessment) checkServeDraft(ctx workflow.Context, in ServeDraftInput) error {
	if err := a.at(UpdateServeDraft); err != nil {
		return err
	}
	return dated(ctx, a, in.On, a.StageOn, "the decision to issue")
}

func (a *assessment) serveDraft(ctx workflow.Context, in ServeDraftInput) {
	a.Stage, a.StageOn, a.DraftServed = StageDraftServed, in.On, in.On
	a.step(ctx, StepRecord{Step: UpdateServeDraft, On: in.On})
	a.tellFamily(ctx, letters.FamilyDraftServed, "1", letters.Facts{CommentsEnd: statute.CommentsEnd(in.On), Due: a.Deadlines.Find(string(statute.FinalPlanDue)).Due})
}

func (a *assessment) checkRecordComments(ctx workflow.Context, in RecordCommentsInput) error {
	if err := a.at(UpdateRecordComments); err != nil {
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
		detail += fmt.Sprintf("; %s after the period ended", deadline.Days(a.CommentsLate))
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
	if err := a.at(UpdateConsultSchool); err != nil {
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
	if err := a.at(UpdateRecordConsultation); err != nil {
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
