package main

import (
	"fmt"
	"time"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// A path is one way a case goes, as a caseworker's script of steps dated
// in statutory days from Day 1 (week 20 ends on day 140), and the stage it
// must end in. The scripts follow ehc demo's, which follow the Code of
// Practice's timetable (reg 13(2)).
type path struct {
	name  string
	share int // cases of this path in every 200
	end   assessment.Stage
	steps []step
	// entered: the case is entered after the fact with the real CLI
	// (ehc start --history) on the real clock, then withdrawn with it.
	entered bool
}

type step struct {
	day    int
	update string
	input  func(on, day1 statute.Date) any
}

var (
	ep     = assessment.Contact{Name: "Educational Psychology Service", Email: "ep@la.example.gov.uk"}
	paeds  = assessment.Contact{Name: "Community Paediatrics", Email: "paediatrics@nhs.example.org"}
	elm    = assessment.Contact{Name: "Elm Academy", Email: "office@elm.example.org"}
	oak    = assessment.Contact{Name: "Oak Primary", Email: "office@oak.example.org"}
	reason = "the family's evidence shows needs met from the setting's own resources"
)

func decideAssess(day int, assess bool) step {
	return step{day, assessment.UpdateDecideAssess, func(on, _ statute.Date) any {
		in := assessment.DecideAssessInput{On: on, Assess: assess}
		if !assess {
			in.Reason = reason // reg 5(3): the family is told why
		}
		return in
	}}
}

func requestAdvice(day int, kind statute.AdviceKind, p assessment.Contact) step {
	return step{day, assessment.UpdateRequestAdvice, func(on, _ statute.Date) any {
		return assessment.RequestAdviceInput{On: on, Kind: kind, Provider: p, EscalationEmail: "lead." + p.Email}
	}}
}

func recordAdvice(day int, kind statute.AdviceKind) step {
	return step{day, assessment.UpdateRecordAdvice, func(on, _ statute.Date) any {
		return assessment.RecordAdviceInput{On: on, Kind: kind}
	}}
}

// notNeeded: reg 6(4), advice already obtained and agreed sufficient.
func notNeeded(day int, kinds ...statute.AdviceKind) []step {
	var s []step
	for _, k := range kinds {
		s = append(s, step{day, assessment.UpdateAdviceNotNeeded, func(on, _ statute.Date) any {
			return assessment.AdviceNotNeededInput{On: on, Kind: k, Reason: "last term's advice is enough; all agree"}
		}})
	}
	return s
}

func decideIssue(day int, issue bool) step {
	return step{day, assessment.UpdateDecideIssue, func(on, _ statute.Date) any {
		in := assessment.DecideIssueInput{On: on, Issue: issue}
		if !issue {
			in.Reason = reason // reg 10(3)
		}
		return in
	}}
}

func serveDraft(day int) step {
	return step{day, assessment.UpdateServeDraft, func(on, _ statute.Date) any { return assessment.ServeDraftInput{On: on} }}
}

func recordComments(day int, school assessment.Contact) step {
	return step{day, assessment.UpdateRecordComments, func(on, _ statute.Date) any {
		return assessment.RecordCommentsInput{On: on, RequestedSchool: school}
	}}
}

func consultSchool(day int, school assessment.Contact) step {
	return step{day, assessment.UpdateConsultSchool, func(on, _ statute.Date) any {
		return assessment.ConsultSchoolInput{On: on, School: school}
	}}
}

func schoolAgrees(day int, school string) step {
	return step{day, assessment.UpdateRecordConsultation, func(on, _ statute.Date) any {
		return assessment.RecordConsultationInput{On: on, School: school, Agrees: true}
	}}
}

func issueFinalPlan(day int, school string) step {
	return step{day, assessment.UpdateIssueFinalPlan, func(on, _ statute.Date) any {
		return assessment.IssueFinalPlanInput{On: on, School: school}
	}}
}

func withdraw(day int) step {
	return step{day, assessment.UpdateWithdraw, func(on, _ statute.Date) any {
		return assessment.WithdrawInput{On: on, Reason: "the family moved out of the area"}
	}}
}

func join(parts ...[]step) []step {
	var all []step
	for _, p := range parts {
		all = append(all, p...)
	}
	return all
}

var (
	kPsych  = statute.AdviceKindPsychological
	kMed    = statute.AdviceKindMedical
	kEdu    = statute.AdviceKindEducational
	kFamily = statute.AdviceKindFamilyViews
	kSocial = statute.AdviceKindSocialCare
)

// paths: the shares add up to 200.
var paths = []path{
	{name: "on-time", share: 40, end: assessment.StageFinalPlanIssued, steps: join(
		[]step{decideAssess(14, true), requestAdvice(14, kPsych, ep), requestAdvice(14, kMed, paeds),
			recordAdvice(45, kMed), recordAdvice(52, kPsych)},
		notNeeded(53, kFamily, kEdu, kSocial),
		[]step{decideIssue(77, true), serveDraft(84), recordComments(91, elm), schoolAgrees(100, elm.Name), issueFinalPlan(119, elm.Name)})},
	// Advice two weeks late (due day 63): the family told it holds the case up.
	{name: "late-advice", share: 30, end: assessment.StageFinalPlanIssued, steps: join(
		[]step{decideAssess(21, true), requestAdvice(21, kPsych, ep), requestAdvice(21, kEdu, oak),
			recordAdvice(56, kEdu), recordAdvice(77, kPsych)},
		notNeeded(78, kFamily, kMed, kSocial),
		[]step{decideIssue(84, true), serveDraft(91), consultSchool(92, oak), recordComments(98, assessment.Contact{}),
			schoolAgrees(104, oak.Name), issueFinalPlan(126, oak.Name)})},
	// The decision late (due day 42) and the 20-week limit missed: alarms
	// and escalations fire, an exception is recorded (reg 13(3)(c)) and a
	// new date given.
	{name: "late-plan", share: 30, end: assessment.StageFinalPlanIssued, steps: join(
		[]step{decideAssess(49, true), requestAdvice(49, kPsych, ep), requestAdvice(49, kMed, paeds),
			recordAdvice(84, kMed), recordAdvice(91, kPsych)},
		notNeeded(92, kFamily, kEdu, kSocial),
		[]step{decideIssue(105, true), serveDraft(126), consultSchool(127, oak), recordComments(137, assessment.Contact{}),
			schoolAgrees(140, oak.Name),
			{143, assessment.UpdateRecordException, func(on, day1 statute.Date) any {
				return assessment.RecordExceptionInput{On: on, Ground: statute.ExceptionPersonal, Deadline: statute.FinalPlanDue,
					From: day1.AddDays(133), Note: "the family asked to move the meeting about the draft"}
			}},
			{143, assessment.UpdateExpect, func(on, day1 statute.Date) any {
				return assessment.ExpectInput{On: on, Deadline: statute.FinalPlanDue, By: day1.AddDays(161)}
			}},
			issueFinalPlan(161, oak.Name)})},
	// Refused in week 5 (reg 5(3)).
	{name: "refused", share: 25, end: assessment.StageNotAssessed, steps: []step{decideAssess(35, false)}},
	{name: "no-plan", share: 20, end: assessment.StageNoPlan, steps: join(
		[]step{decideAssess(14, true), requestAdvice(14, kPsych, ep), recordAdvice(50, kPsych)},
		notNeeded(51, kFamily, kEdu, kMed, kSocial),
		[]step{decideIssue(70, false)})},
	{name: "withdrawn", share: 20, end: assessment.StageWithdrawn, steps: []step{
		decideAssess(14, true), requestAdvice(14, kPsych, ep), requestAdvice(15, kMed, paeds), withdraw(40)}},
	// Withdrawn the moment advice is requested: the adviser's letter is
	// still owed.
	{name: "withdrawn-at-advice", share: 15, end: assessment.StageWithdrawn, steps: []step{
		decideAssess(10, true), requestAdvice(10, kPsych, ep), withdraw(10)}},
	{name: "entered-late", share: 20, end: assessment.StageWithdrawn, entered: true},
}

// enteredHistory is an entered-late case's history file for ehc start
// --history: a request received 200 days ago (so the 20-week limit has
// passed unmet), the decision a week late, advice asked and received.
func enteredHistory(day1 statute.Date) string {
	d := func(n int) string { return day1.AddDays(n).String() }
	return fmt.Sprintf(`# entered after the fact by the chaos test
decide-assess --assess --on %s
request-advice --kind psychological --provider-name %q --provider-email %s --on %s
record-advice --kind psychological --on %s
`, d(49), ep.Name, ep.Email, d(50), d(100))
}

// enteredDay1 is Day 1 of an entered-late case started at t.
func enteredDay1(t time.Time) statute.Date { return statute.DateOf(t).AddDays(-200) }

// lastDay is the day of a path's last step.
func (p path) lastDay() int {
	if len(p.steps) == 0 {
		return 0
	}
	return p.steps[len(p.steps)-1].day
}

// owes is the letters a path's case owes its family, partners and advisers
// whatever happens, by template, as the workflows send them for each step
// (workflows/steps*.go): reminders and escalations are judged as alarms.
func (p path) owes() map[letters.Template]int {
	n := map[letters.Template]int{letters.FamilyRequestReceived: 1}
	if p.entered {
		n[letters.FamilyWithdrawn]++ // partners heard at the time (reg 4(2))
		return n
	}
	n[letters.PartnerRequestReceived]++ // reg 4(2)
	for _, s := range p.steps {
		switch in := s.input(statute.Date{}, statute.Date{}).(type) {
		case assessment.DecideAssessInput:
			if in.Assess {
				n[letters.FamilyDecisionToAssess]++
			} else {
				n[letters.FamilyRefusalToAssess]++
				n[letters.PartnerRefusalToAssess]++ // reg 5(2)
			}
		case assessment.RequestAdviceInput:
			n[letters.FamilyAdviceRequested]++
			n[letters.AdviserRequest]++ // reg 8(1)
		case assessment.DecideIssueInput:
			if in.Issue {
				n[letters.FamilyDecisionToIssue]++
			} else {
				n[letters.FamilyDecisionNotToIssue]++
				n[letters.PartnerDecisionNotToIssue]++ // reg 10(3)
			}
		case assessment.ServeDraftInput:
			n[letters.FamilyDraftServed]++
		case assessment.IssueFinalPlanInput:
			n[letters.FamilyFinalPlan]++
		case assessment.WithdrawInput:
			n[letters.FamilyWithdrawn]++
		}
	}
	return n
}
