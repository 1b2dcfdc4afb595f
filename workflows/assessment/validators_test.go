package assessment

import (
	"reflect"
	"strings"
	"testing"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
)

// vStep is one caseworker step in a validator scenario: accepted when want
// is empty, otherwise rejected with a message containing want.
type vStep struct {
	on   string
	name string
	arg  any
	want string
}

func vOK(on, name string, arg any) vStep { return vStep{on: on, name: name, arg: arg} }

// vWaive records that reg 6(4) spares one kind of advice.
func vWaive(on string, k statute.AdviceKind) vStep {
	return vOK(on, UpdateAdviceNotNeeded, AdviceNotNeededInput{On: date(on), Kind: k, Reason: "advice from last year's review is enough; all agree"})
}
func vNo(on, name string, arg any, want string) vStep {
	return vStep{on: on, name: name, arg: arg, want: want}
}

// vScenario walks one case through steps, then closes it with close and, in
// the same callback (the workflow ends as soon as its notifications settle,
// so a later callback would never run), sends each of closed, all of which
// must be rejected.
type vScenario struct {
	name   string
	day1   string
	steps  []vStep
	close  vStep // dated the day it is sent
	closed []vStep
	stage  Stage
	sent   map[letters.Template]int // notifications expected after the run
}

var (
	vPaeds = Contact{Name: "Community paediatrics", Email: "paeds@nhs.example.org"}
	vEps   = Contact{Name: "EP service", Email: "ep@la.example.gov.uk"}
	vElm   = Contact{Name: "Elm Academy", Email: "office@elm.example.org"}
	vBirch = Contact{Name: "Birch School", Email: "office@birch.example.org"}
)

func vExc(on, from, to string, g statute.ExceptionGround, d statute.Deadline, id string) RecordExceptionInput {
	in := RecordExceptionInput{Ground: g, Deadline: d, AdviceID: id}
	for _, p := range []struct {
		s string
		d *statute.Date
	}{{on, &in.On}, {from, &in.From}, {to, &in.To}} {
		if p.s != "" {
			*p.d = date(p.s)
		}
	}
	return in
}

const (
	// Day 1 2026-01-05 throughout: 6 weeks 2026-02-16, 16 weeks 2026-04-27,
	// 20 weeks 2026-05-25.
	vDay1          = "2026-01-05"
	vNotRequested  = "case EHC-0001 is at stage \"deciding whether to assess\"; this step needs "
	vNotAssessing  = "case EHC-0001 is at stage \"gathering advice\"; this step needs "
	vNotDrafting   = "case EHC-0001 is at stage \"drafting the plan\"; this step needs "
	vNotDraftServd = "case EHC-0001 is at stage \"draft plan served\"; this step needs "
	vKinds         = `reg 6(1) kinds are family_views, educational, sensory_teacher, medical, psychological, social_care, preparing_adulthood, other`
	vGrounds       = `one of school_closure, personal, away_from_area, missed_appointment`
	vNotExcusable  = `it applies to decision_to_assess_due, decision_not_to_issue_due, final_plan_due or advice_due`
	vRegsCited     = "(see reg 5(4), 8(2), 10(4), 13(3))"
	vWithdrawnMsg  = "case EHC-0001 is closed (request withdrawn on 2026-01-12): no further steps can be recorded"
	vFinalIssued   = "case EHC-0001 is closed: the final plan was already issued on 2026-04-02"
)

var vScenarios = []vScenario{
	{
		name: "requested",
		day1: vDay1,
		steps: []vStep{
			// Dates (today is 2026-01-12).
			vNo("2026-01-12", UpdateDecideAssess, DecideAssessInput{On: date("2026-01-13"), Assess: true},
				"date 2026-01-13 is in the future (today is 2026-01-12)"),
			vNo("2026-01-12", UpdateDecideAssess, DecideAssessInput{On: date("2026-01-04"), Assess: true},
				"date 2026-01-04 is before Day 1 (2026-01-05), the day the request was received"),
			vNo("2026-01-12", UpdateDecideAssess, DecideAssessInput{Assess: true},
				"the date the step took effect is required"),
			vNo("2026-01-12", UpdateWithdraw, WithdrawInput{On: date("2026-01-13"), Reason: "family withdrew"},
				"date 2026-01-13 is in the future (today is 2026-01-12)"),
			vNo("2026-01-12", UpdateRecordException, vExc("2026-01-12", "2026-01-13", "", statute.ExceptionPersonal, statute.DecisionToAssessDue, ""),
				"exception start: date 2026-01-13 is in the future (today is 2026-01-12)"),
			vNo("2026-01-12", UpdateRecordException, vExc("", "2026-01-06", "", statute.ExceptionPersonal, statute.DecisionToAssessDue, ""),
				"the date the step took effect is required"),
			// Reasons the family must be given.
			vNo("2026-01-12", UpdateDecideAssess, DecideAssessInput{On: date("2026-01-12")},
				"a reason for refusing to assess (the family must be told it: reg 5(3)) is required"),
			vNo("2026-01-12", UpdateWithdraw, WithdrawInput{On: date("2026-01-12")},
				"a reason for the withdrawal is required"),
			// Steps out of order.
			vNo("2026-01-12", UpdateDecideIssue, DecideIssueInput{On: date("2026-01-12"), Issue: true},
				"cannot decide whether to issue a plan: "+vNotRequested+`"gathering advice"`),
			vNo("2026-01-12", UpdateRequestAdvice, RequestAdviceInput{On: date("2026-01-12"), Kind: statute.AdviceKindMedical, Provider: vPaeds},
				"cannot request advice: "+vNotRequested+`"gathering advice"`),
			vNo("2026-01-12", UpdateServeDraft, ServeDraftInput{On: date("2026-01-12")},
				"cannot serve the draft plan: "+vNotRequested+`"drafting the plan"`),
			vNo("2026-01-12", UpdateRecordComments, RecordCommentsInput{On: date("2026-01-12")},
				"cannot record the family's comments: "+vNotRequested+`"draft plan served"`),
			vNo("2026-01-12", UpdateConsultSchool, ConsultSchoolInput{On: date("2026-01-12"), School: vElm},
				"cannot consult a school: "+vNotRequested+`"draft plan served"`),
			vNo("2026-01-12", UpdateRecordConsultation, RecordConsultationInput{On: date("2026-01-12"), School: "Elm Academy", Agrees: true},
				"cannot record a school's answer: "+vNotRequested+`"draft plan served"`),
			vNo("2026-01-12", UpdateIssueFinalPlan, IssueFinalPlanInput{On: date("2026-01-12")},
				"cannot issue the final plan: "+vNotRequested+`"draft plan served"`),
			vNo("2026-01-12", UpdateRecordAdvice, RecordAdviceInput{On: date("2026-01-12"), ID: "medical-1"},
				`case EHC-0001 has no advice request "medical-1" (requests: )`),
		},
		close: vOK("2026-01-12", UpdateWithdraw, WithdrawInput{On: date("2026-01-12"), Reason: "the family withdrew the request"}),
		closed: []vStep{
			vNo("2026-01-12", UpdateDecideAssess, DecideAssessInput{On: date("2026-01-12"), Assess: true}, vWithdrawnMsg),
			vNo("2026-01-12", UpdateWithdraw, WithdrawInput{On: date("2026-01-12"), Reason: "again"}, vWithdrawnMsg),
			vNo("2026-01-12", UpdateRequestAdvice, RequestAdviceInput{On: date("2026-01-12"), Kind: statute.AdviceKindMedical, Provider: vPaeds}, vWithdrawnMsg),
			vNo("2026-01-12", UpdateRecordAdvice, RecordAdviceInput{On: date("2026-01-12"), Kind: statute.AdviceKindMedical}, vWithdrawnMsg),
			vNo("2026-01-12", UpdateRecordException, vExc("2026-01-12", "2026-01-06", "", statute.ExceptionPersonal, statute.DecisionToAssessDue, ""), vWithdrawnMsg),
			vNo("2026-01-12", UpdateIssueFinalPlan, IssueFinalPlanInput{On: date("2026-01-12")}, vWithdrawnMsg),
		},
		stage: StageWithdrawn,
		sent: map[letters.Template]int{
			letters.FamilyRequestReceived: 1, letters.FamilyDecisionToAssess: 0, letters.FamilyRefusalToAssess: 0,
			letters.FamilyDecisionToIssue: 0, letters.FamilyAdviceRequested: 0, letters.AdviserRequest: 0,
			letters.FamilyDraftServed: 0, letters.FamilyFinalPlan: 0, letters.FamilyWithdrawn: 1,
		},
	},
	{
		name:  "refused",
		day1:  vDay1,
		close: vOK("2026-01-12", UpdateDecideAssess, DecideAssessInput{On: date("2026-01-12"), Reason: "needs met from the school's resources"}),
		closed: []vStep{
			vNo("2026-01-12", UpdateDecideAssess, DecideAssessInput{On: date("2026-01-12"), Assess: true},
				"case EHC-0001 is closed (decided not to assess on 2026-01-12): no further steps can be recorded"),
			vNo("2026-01-12", UpdateWithdraw, WithdrawInput{On: date("2026-01-12"), Reason: "family withdrew"},
				"case EHC-0001 is closed (decided not to assess on 2026-01-12): no further steps can be recorded"),
		},
		stage: StageNotAssessed,
		sent: map[letters.Template]int{
			letters.FamilyRefusalToAssess: 1, letters.FamilyDecisionToAssess: 0, letters.FamilyWithdrawn: 0,
		},
	},
	{
		name: "assessing",
		day1: vDay1,
		steps: []vStep{
			vOK("2026-01-26", UpdateDecideAssess, DecideAssessInput{On: date("2026-01-26"), Assess: true}),
			vNo("2026-01-26", UpdateDecideAssess, DecideAssessInput{On: date("2026-01-26"), Assess: true},
				"cannot decide whether to assess: "+vNotAssessing+`"deciding whether to assess"`),
			vNo("2026-01-26", UpdateServeDraft, ServeDraftInput{On: date("2026-01-26")},
				"cannot serve the draft plan: "+vNotAssessing+`"drafting the plan"`),
			vNo("2026-01-26", UpdateIssueFinalPlan, IssueFinalPlanInput{On: date("2026-01-26")},
				"cannot issue the final plan: "+vNotAssessing+`"draft plan served"`),
			vNo("2026-01-26", UpdateDecideIssue, DecideIssueInput{On: date("2026-01-19"), Issue: true},
				"date 2026-01-19 is before the decision to assess on 2026-01-26"),
			vNo("2026-01-26", UpdateDecideIssue, DecideIssueInput{On: date("2026-01-26")},
				"a reason for not issuing a plan (the family must be told it: reg 10(3)) is required"),
			vNo("2026-01-26", UpdateDecideIssue, DecideIssueInput{On: date("2026-01-26"), Reason: "   "},
				"a reason for not issuing a plan (the family must be told it: reg 10(3)) is required"),
			// reg 6(1)(a)-(e) sought, or reg 6(4) recorded for the kind.
			vNo("2026-01-26", UpdateDecideIssue, DecideIssueInput{On: date("2026-01-26"), Issue: true},
				"the assessment has not sought family_views, educational, medical, psychological, social_care advice (reg 6(1)): request it (ehc request-advice), or record why reg 6(4) applies (ehc advice-not-needed --kind KIND --reason TEXT)"),
			vNo("2026-01-26", UpdateAdviceNotNeeded, AdviceNotNeededInput{On: date("2026-01-26"), Kind: statute.AdviceKindMedical},
				"a reason reg 6(4) applies (which advice was already obtained, and that the LA, its author and the family agree it is enough) is required"),
			vNo("2026-01-26", UpdateAdviceNotNeeded, AdviceNotNeededInput{On: date("2026-01-26"), Kind: statute.AdviceKindOther, Reason: "x"},
				"only the kinds reg 6(1)(a)-(e) requires (family_views, educational, medical, psychological, social_care) need a reg 6(4) reason; other is sought only where it applies"),
			vWaive("2026-01-26", statute.AdviceKindMedical),
			vNo("2026-01-26", UpdateAdviceNotNeeded, AdviceNotNeededInput{On: date("2026-01-26"), Kind: statute.AdviceKindMedical, Reason: "x"},
				"medical advice was already recorded as not needed on 2026-01-26"),
			vNo("2026-01-26", UpdateDecideIssue, DecideIssueInput{On: date("2026-01-26"), Issue: true},
				"the assessment has not sought family_views, educational, psychological, social_care advice (reg 6(1)): request it (ehc request-advice), or record why reg 6(4) applies (ehc advice-not-needed --kind KIND --reason TEXT)"),
			// Requesting advice.
			vNo("2026-01-26", UpdateRequestAdvice, RequestAdviceInput{On: date("2026-01-26"), Kind: "dental", Provider: vPaeds},
				`unknown advice kind "dental": `+vKinds),
			vNo("2026-01-26", UpdateRequestAdvice, RequestAdviceInput{On: date("2026-01-26"), Kind: statute.AdviceKindMedical, Provider: Contact{Name: vPaeds.Name}},
				"the adviser's email: no email address"),
			vNo("2026-01-26", UpdateRequestAdvice, RequestAdviceInput{On: date("2026-01-26"), Kind: statute.AdviceKindMedical, Provider: Contact{Name: vPaeds.Name, Email: "paeds at nhs"}},
				`the adviser's email: email address "***" is not a bare address`),
			vNo("2026-01-26", UpdateRequestAdvice, RequestAdviceInput{On: date("2026-01-25"), Kind: statute.AdviceKindMedical, Provider: vPaeds},
				"date 2026-01-25 is before the decision to assess on 2026-01-26"),
			vOK("2026-01-26", UpdateRequestAdvice, RequestAdviceInput{On: date("2026-01-26"), Kind: statute.AdviceKindMedical, Provider: vPaeds}),
			vOK("2026-01-26", UpdateRequestAdvice, RequestAdviceInput{On: date("2026-01-26"), Kind: statute.AdviceKindPsychological, Provider: vEps}),
			vOK("2026-01-27", UpdateRequestAdvice, RequestAdviceInput{On: date("2026-01-27"), Kind: statute.AdviceKindMedical, Provider: vPaeds}),
			// Recording advice.
			vNo("2026-01-28", UpdateRecordAdvice, RecordAdviceInput{On: date("2026-01-28"), ID: "medical-9"},
				`case EHC-0001 has no advice request "medical-9" (requests: medical-1, psychological-1, medical-2)`),
			vNo("2026-01-28", UpdateRecordAdvice, RecordAdviceInput{On: date("2026-01-28"), Kind: statute.AdviceKindSocialCare},
				"case EHC-0001 has no social_care request awaiting an answer"),
			vNo("2026-01-28", UpdateRecordAdvice, RecordAdviceInput{On: date("2026-01-28"), Kind: statute.AdviceKindMedical},
				"2 medical requests are awaited (medical-1, medical-2): name one by its ID"),
			vNo("2026-01-28", UpdateRecordAdvice, RecordAdviceInput{On: date("2026-01-28"), Kind: "dental"},
				`unknown advice kind "dental": `+vKinds),
			vNo("2026-01-28", UpdateRecordAdvice, RecordAdviceInput{On: date("2026-01-25"), ID: "psychological-1"},
				"date 2026-01-25 is before advice psychological-1 was requested on 2026-01-26"),
			vNo("2026-01-28", UpdateRecordAdvice, RecordAdviceInput{On: date("2026-01-26"), ID: "medical-2"},
				"date 2026-01-26 is before advice medical-2 was requested on 2026-01-27"),
			vOK("2026-01-28", UpdateRecordAdvice, RecordAdviceInput{On: date("2026-01-28"), ID: "psychological-1"}),
			vNo("2026-01-29", UpdateRecordAdvice, RecordAdviceInput{On: date("2026-01-29"), ID: "psychological-1"},
				"advice psychological-1 was already recorded as received on 2026-01-28"),
			vNo("2026-01-29", UpdateRecordAdvice, RecordAdviceInput{On: date("2026-01-29"), Kind: statute.AdviceKindPsychological},
				"case EHC-0001 has no psychological request awaiting an answer"),
			// Exceptions.
			vNo("2026-01-29", UpdateRecordException, vExc("2026-01-29", "2026-01-20", "", "flood", statute.FinalPlanDue, ""),
				`unknown exception ground "flood": `+vGrounds),
			vNo("2026-01-29", UpdateRecordException, vExc("2026-01-29", "2026-01-20", "", statute.ExceptionMissedAppointment, statute.FinalPlanDue, ""),
				"the ground missed_appointment does not apply to the final EHC plan limit "+vRegsCited),
			vNo("2026-01-29", UpdateRecordException, vExc("2026-01-29", "2026-01-20", "", statute.ExceptionPersonal, statute.FinalPlanDue, "medical-1"),
				"an advice request (medical-1) can only be named for the advice_due limit"),
			vNo("2026-01-29", UpdateRecordException, vExc("2026-01-29", "2026-01-20", "", statute.ExceptionSchoolClosure, statute.AdviceDue, "medical-1"),
				"the ground school_closure does not apply to the advice limit "+vRegsCited),
			vNo("2026-01-29", UpdateRecordException, vExc("2026-01-29", "2026-01-20", "", statute.ExceptionPersonal, statute.DraftCommentsEnd, ""),
				`an exception cannot apply to "draft_comments_end": `+vNotExcusable),
			vNo("2026-01-29", UpdateRecordException, vExc("2026-01-29", "2026-01-20", "", statute.ExceptionPersonal, statute.ConsultationDue, ""),
				`an exception cannot apply to "consultation_due": `+vNotExcusable),
			vNo("2026-01-29", UpdateRecordException, vExc("2026-01-29", "2026-01-20", "", statute.ExceptionPersonal, statute.AdviceDue, ""),
				"an exception to the advice limit must name the advice request"),
			vNo("2026-01-29", UpdateRecordException, vExc("2026-01-29", "2026-01-20", "", statute.ExceptionPersonal, statute.AdviceDue, "medical-9"),
				`case EHC-0001 has no advice request "medical-9" (requests: medical-1, psychological-1, medical-2)`),
			vNo("2026-01-29", UpdateRecordException, vExc("2026-01-29", "2026-01-20", "", statute.ExceptionPersonal, statute.DecisionToAssessDue, ""),
				"the decision whether to assess limit is met: an exception cannot apply"),
			vNo("2026-01-29", UpdateRecordException, vExc("2026-01-29", "2026-01-20", "", statute.ExceptionPersonal, statute.AdviceDue, "psychological-1"),
				"the advice limit is met: an exception cannot apply"),
			vNo("2026-01-29", UpdateRecordException, vExc("2026-01-29", "2026-01-20", "2026-01-10", statute.ExceptionPersonal, statute.FinalPlanDue, ""),
				"the exception ends on 2026-01-10, before it starts on 2026-01-20"),
			vNo("2026-01-29", UpdateRecordException, vExc("2026-01-29", "2026-01-04", "", statute.ExceptionAwayFromArea, statute.FinalPlanDue, ""),
				"exception start: date 2026-01-04 is before Day 1 (2026-01-05), the day the request was received"),
			vNo("2026-01-29", UpdateRecordException, vExc("2026-01-30", "2026-01-20", "", statute.ExceptionAwayFromArea, statute.FinalPlanDue, ""),
				"date 2026-01-30 is in the future (today is 2026-01-29)"),
			// The validator does not over-reject: this one applies.
			vOK("2026-01-29", UpdateRecordException, vExc("2026-01-29", "2026-01-28", "", statute.ExceptionMissedAppointment, statute.AdviceDue, "medical-1")),
		},
		close: vOK("2026-01-29", UpdateWithdraw, WithdrawInput{On: date("2026-01-29"), Reason: "the family moved to another area"}),
		closed: []vStep{
			vNo("2026-01-29", UpdateRecordAdvice, RecordAdviceInput{On: date("2026-01-29"), ID: "medical-1"},
				"case EHC-0001 is closed (request withdrawn on 2026-01-29): no further steps can be recorded"),
			vNo("2026-01-29", UpdateRecordException, vExc("2026-01-29", "2026-01-28", "", statute.ExceptionPersonal, statute.AdviceDue, "medical-2"),
				"case EHC-0001 is closed (request withdrawn on 2026-01-29): no further steps can be recorded"),
		},
		stage: StageWithdrawn,
		sent: map[letters.Template]int{
			letters.FamilyDecisionToAssess: 1, letters.FamilyAdviceRequested: 3, letters.AdviserRequest: 3,
			letters.FamilyDecisionToIssue: 0, letters.FamilyDecisionNotToIssue: 0, letters.FamilyDraftServed: 0,
			letters.FamilyFinalPlan: 0, letters.FamilyWithdrawn: 1,
		},
	},
	{
		name: "draft and final plan",
		day1: vDay1,
		steps: []vStep{
			vOK("2026-01-26", UpdateDecideAssess, DecideAssessInput{On: date("2026-01-26"), Assess: true}),
			vWaive("2026-01-26", statute.AdviceKindFamilyViews), vWaive("2026-01-26", statute.AdviceKindEducational),
			vWaive("2026-01-26", statute.AdviceKindMedical), vWaive("2026-01-26", statute.AdviceKindPsychological),
			vWaive("2026-01-26", statute.AdviceKindSocialCare),
			vOK("2026-03-16", UpdateDecideIssue, DecideIssueInput{On: date("2026-03-16"), Issue: true}),
			vNo("2026-03-16", UpdateIssueFinalPlan, IssueFinalPlanInput{On: date("2026-03-16")},
				"cannot issue the final plan: "+vNotDrafting+`"draft plan served"`),
			vNo("2026-03-16", UpdateRecordComments, RecordCommentsInput{On: date("2026-03-16")},
				"cannot record the family's comments: "+vNotDrafting+`"draft plan served"`),
			vNo("2026-03-16", UpdateConsultSchool, ConsultSchoolInput{On: date("2026-03-16"), School: vElm},
				"cannot consult a school: "+vNotDrafting+`"draft plan served"`),
			vNo("2026-03-16", UpdateDecideIssue, DecideIssueInput{On: date("2026-03-16"), Issue: true},
				"cannot decide whether to issue a plan: "+vNotDrafting+`"gathering advice"`),
			vNo("2026-03-16", UpdateServeDraft, ServeDraftInput{On: date("2026-03-13")},
				"date 2026-03-13 is before the decision to issue on 2026-03-16"),
			// Draft served 2026-03-23: the family's 15 days end 2026-04-06.
			vOK("2026-03-23", UpdateServeDraft, ServeDraftInput{On: date("2026-03-23")}),
			vNo("2026-03-23", UpdateServeDraft, ServeDraftInput{On: date("2026-03-23")},
				"cannot serve the draft plan: "+vNotDraftServd+`"drafting the plan"`),
			vNo("2026-03-23", UpdateRecordConsultation, RecordConsultationInput{On: date("2026-03-23"), School: "Birch School"},
				`"Birch School" has not been consulted on case EHC-0001`),
			vNo("2026-03-23", UpdateConsultSchool, ConsultSchoolInput{On: date("2026-03-23"), School: Contact{Email: vBirch.Email}},
				"the school's name is required"),
			vNo("2026-03-23", UpdateRecordComments, RecordCommentsInput{On: date("2026-03-23"), RequestedSchool: Contact{Email: vElm.Email}},
				"a school's name is required with its email"),
			vNo("2026-03-23", UpdateRecordComments, RecordCommentsInput{On: date("2026-03-20")},
				"date 2026-03-20 is before the draft plan was served on 2026-03-23"),
			vNo("2026-03-30", UpdateIssueFinalPlan, IssueFinalPlanInput{On: date("2026-03-22")},
				"date 2026-03-22 is before the draft plan was served on 2026-03-23"),
			vNo("2026-03-30", UpdateIssueFinalPlan, IssueFinalPlanInput{On: date("2026-03-30"), School: "Elm Academy"},
				"the family's 15 days to comment on the draft run until 2026-04-06 (reg 13(1)(a)): record their comments first, or issue the final plan after that date"),
			vOK("2026-03-30", UpdateRecordComments, RecordCommentsInput{On: date("2026-03-30"), RequestedSchool: vElm}),
			vNo("2026-03-31", UpdateIssueFinalPlan, IssueFinalPlanInput{On: date("2026-03-31"), School: "Oak Primary"},
				`the plan cannot name "Oak Primary": it was not consulted on the draft (CFA s.39(3)); consulted: Elm Academy. Consult it first (ehc consult-school, for the LA's own choice)`),
			vNo("2026-03-31", UpdateRecordComments, RecordCommentsInput{On: date("2026-03-31")},
				"the family's comments were already recorded on 2026-03-30"),
			vNo("2026-03-31", UpdateConsultSchool, ConsultSchoolInput{On: date("2026-03-31"), School: vElm},
				"Elm Academy is already being consulted (since 2026-03-30)"),
			vNo("2026-03-31", UpdateConsultSchool, ConsultSchoolInput{On: date("2026-03-31"), School: Contact{Name: "ELM ACADEMY", Email: vElm.Email}},
				"ELM ACADEMY is already being consulted (since 2026-03-30)"),
			vOK("2026-03-31", UpdateConsultSchool, ConsultSchoolInput{On: date("2026-03-31"), School: vBirch}),
			vNo("2026-03-31", UpdateRecordConsultation, RecordConsultationInput{On: date("2026-03-30"), School: "Birch School"},
				"date 2026-03-30 is before Birch School was consulted on 2026-03-31"),
			vOK("2026-04-01", UpdateRecordConsultation, RecordConsultationInput{On: date("2026-04-01"), School: "Elm Academy", Agrees: true}),
			vNo("2026-04-02", UpdateRecordConsultation, RecordConsultationInput{On: date("2026-04-02"), School: "Elm Academy", Agrees: true},
				"Elm Academy's answer was already recorded on 2026-04-01"),
			vNo("2026-04-02", UpdateRecordException, vExc("2026-04-02", "2026-03-01", "", statute.ExceptionPersonal, statute.DecisionNotToIssueDue, ""),
				"the decision whether to issue a plan limit is met: an exception cannot apply"),
		},
		// Within the 15 days (they end 2026-04-06), accepted because the
		// family's comments are recorded.
		close: vOK("2026-04-02", UpdateIssueFinalPlan, IssueFinalPlanInput{On: date("2026-04-02"), School: "Elm Academy"}),
		closed: []vStep{
			vNo("2026-04-02", UpdateIssueFinalPlan, IssueFinalPlanInput{On: date("2026-04-02"), School: "Elm Academy"}, vFinalIssued),
			vNo("2026-04-02", UpdateWithdraw, WithdrawInput{On: date("2026-04-02"), Reason: "family withdrew"}, vFinalIssued),
			vNo("2026-04-02", UpdateRecordConsultation, RecordConsultationInput{On: date("2026-04-02"), School: "Birch School"}, vFinalIssued),
			vNo("2026-04-02", UpdateRecordComments, RecordCommentsInput{On: date("2026-04-02")}, vFinalIssued),
			vNo("2026-04-02", UpdateServeDraft, ServeDraftInput{On: date("2026-04-02")}, vFinalIssued),
			vNo("2026-04-02", UpdateRecordException, vExc("2026-04-02", "2026-03-01", "", statute.ExceptionPersonal, statute.FinalPlanDue, ""), vFinalIssued),
		},
		stage: StageFinalPlanIssued,
		sent: map[letters.Template]int{
			letters.FamilyDecisionToAssess: 1, letters.FamilyDecisionToIssue: 1, letters.FamilyDraftServed: 1,
			letters.FamilyFinalPlan: 1, letters.FamilyWithdrawn: 0,
		},
	},
	{
		name: "family's 15 days",
		day1: vDay1,
		steps: []vStep{
			vOK("2026-01-26", UpdateDecideAssess, DecideAssessInput{On: date("2026-01-26"), Assess: true}),
			vWaive("2026-01-26", statute.AdviceKindFamilyViews), vWaive("2026-01-26", statute.AdviceKindEducational),
			vWaive("2026-01-26", statute.AdviceKindMedical), vWaive("2026-01-26", statute.AdviceKindPsychological),
			vWaive("2026-01-26", statute.AdviceKindSocialCare),
			vOK("2026-03-16", UpdateDecideIssue, DecideIssueInput{On: date("2026-03-16"), Issue: true}),
			vOK("2026-03-23", UpdateServeDraft, ServeDraftInput{On: date("2026-03-23")}),
			// 2026-04-06 is the 15th day beginning with 2026-03-23: still theirs.
			vNo("2026-04-06", UpdateIssueFinalPlan, IssueFinalPlanInput{On: date("2026-04-06")},
				"the family's 15 days to comment on the draft run until 2026-04-06 (reg 13(1)(a))"),
		},
		close: vOK("2026-04-07", UpdateIssueFinalPlan, IssueFinalPlanInput{On: date("2026-04-07")}),
		closed: []vStep{
			vNo("2026-04-07", UpdateIssueFinalPlan, IssueFinalPlanInput{On: date("2026-04-07")},
				"case EHC-0001 is closed: the final plan was already issued on 2026-04-07"),
		},
		stage: StageFinalPlanIssued,
		sent:  map[letters.Template]int{letters.FamilyDraftServed: 1, letters.FamilyFinalPlan: 1},
	},
}

// TestValidatorsReject proves every rejection a caseworker can meet: the
// exact sentence they see, no change to the case, and nothing sent.
func TestValidatorsReject(t *testing.T) {
	for _, sc := range vScenarios {
		t.Run(sc.name, func(t *testing.T) {
			h := newHarness(t, sc.day1)
			type check struct {
				vStep
				r     *rejection
				later *CaseStatus // read once the update has been handled
			}
			var checks []check
			wantSteps := []string{"request-received"}
			for _, s := range sc.steps {
				if s.want == "" {
					h.step(s.on, s.name, s.arg)
					wantSteps = append(wantSteps, s.name)
					continue
				}
				checks = append(checks, check{vStep: s, r: h.reject(s.on, s.name, s.arg), later: h.snapshot(s.on)})
			}
			wantSteps = append(wantSteps, sc.close.name)

			// The close and the rejections after it go in one callback.
			var closedStatus *CaseStatus
			closedErrs := make([]error, len(sc.closed))
			h.at(sc.close.on, func() {
				h.env.UpdateWorkflow(sc.close.name, "", &testsuite.TestUpdateCallback{
					OnReject: func(err error) { t.Errorf("%s on %s rejected: %v", sc.close.name, sc.close.on, err) },
					OnAccept: func() {},
					OnComplete: func(v any, err error) {
						if err != nil {
							t.Errorf("%s on %s failed: %v", sc.close.name, sc.close.on, err)
							return
						}
						closedStatus = vDecodeStatus(t, v)
					},
				}, sc.close.arg)
				for i, s := range sc.closed {
					h.env.UpdateWorkflow(s.name, "", &testsuite.TestUpdateCallback{
						OnReject:   func(err error) { closedErrs[i] = err },
						OnAccept:   func() { t.Errorf("%s on %s (closed case) was accepted; want rejected", s.name, s.on) },
						OnComplete: func(any, error) {},
					}, s.arg)
				}
			})

			res := h.run()
			if res.Stage != sc.stage || res.ClosedOn != date(sc.close.on) {
				t.Errorf("result = %+v; want stage %s closed %s", res, sc.stage, sc.close.on)
			}
			for _, c := range checks {
				switch {
				case c.r.err == nil:
					t.Errorf("%s on %s %+v: not rejected; want %q", c.name, c.on, c.arg, c.want)
				case !strings.Contains(c.r.err.Error(), c.want):
					t.Errorf("%s on %s %+v:\n got: %v\nwant: %s", c.name, c.on, c.arg, c.r.err, c.want)
				}
				if !reflect.DeepEqual(c.r.before, c.r.after) || !reflect.DeepEqual(c.r.before, *c.later) {
					t.Errorf("%s on %s (%s): status changed:\nbefore %+v\nafter  %+v\nlater  %+v", c.name, c.on, c.want, c.r.before, c.r.after, *c.later)
				}
			}
			for i, s := range sc.closed {
				switch err := closedErrs[i]; {
				case err == nil:
					t.Errorf("%s on closed case: not rejected; want %q", s.name, s.want)
				case !strings.Contains(err.Error(), s.want):
					t.Errorf("%s on closed case:\n got: %v\nwant: %s", s.name, err, s.want)
				}
			}
			final := h.status()
			if closedStatus == nil {
				t.Fatalf("%s did not complete", sc.close.name)
			}
			if !reflect.DeepEqual(*closedStatus, final) {
				t.Errorf("status changed after the case closed:\n closed %+v\n  final %+v", *closedStatus, final)
			}
			var gotSteps []string
			for _, s := range final.Steps {
				gotSteps = append(gotSteps, s.Step)
			}
			if !reflect.DeepEqual(gotSteps, wantSteps) {
				t.Errorf("steps recorded:\n got %v\nwant %v", gotSteps, wantSteps)
			}
			for tmpl, n := range sc.sent {
				if got := len(h.rec.Find(tmpl)); got != n {
					t.Errorf("%s sent %d times; want %d", tmpl, got, n)
				}
			}
		})
	}
}

func vDecodeStatus(t *testing.T, v any) *CaseStatus {
	t.Helper()
	switch s := v.(type) {
	case CaseStatus:
		return &s
	case *CaseStatus:
		return s
	case converter.EncodedValue:
		var out CaseStatus
		if err := s.Get(&out); err != nil {
			t.Fatalf("update result: %v", err)
		}
		return &out
	}
	t.Fatalf("update result of type %T", v)
	return nil
}

// TestStartRejectsInvalidInput: a case that cannot be run never starts, and
// every problem is reported at once.
func TestStartRejectsInvalidInput(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*AssessmentInput)
		wants []string
	}{
		{
			name: "four problems",
			edit: func(in *AssessmentInput) {
				in.CaseRef = "has space"
				in.Received = date("2026-01-06") // started on 2026-01-05
				in.Caseworker = "  "
				in.Family.Email = ""
				in.CaseworkerEmail = "jones at la"
			},
			wants: []string{
				`case reference "has space" must be 2-40 letters, digits or hyphens, starting with a letter or digit`,
				"the request cannot be received on 2026-01-06, which is in the future (today is 2026-01-05)",
				"a caseworker is required",
				"the family's email (they must be told their timetable): no email address",
				`the caseworker's email (reminders go there): email address "***" is not a bare address`,
			},
		},
		{
			name:  "no Day 1",
			edit:  func(in *AssessmentInput) { in.Received = statute.Date{} },
			wants: []string{"the date the request was received (Day 1) is required"},
		},
		{
			name:  "a history bound past Temporal's limits",
			edit:  func(in *AssessmentInput) { in.Policy.HistoryBound = 60000 },
			wants: []string{"the policy's history bound 60000 is outside 0 (the default, 2000) to 20000 events"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, "2026-01-05")
			tc.edit(&h.in)
			h.env.ExecuteWorkflow(AssessmentWorkflowName, h.in)
			if !h.env.IsWorkflowCompleted() {
				t.Fatal("workflow did not complete")
			}
			err := h.env.GetWorkflowError()
			if err == nil {
				t.Fatal("workflow started; want it refused")
			}
			for _, want := range tc.wants {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q\nlacks %q", err, want)
				}
			}
			if lines := h.rec.Lines(); len(lines) != 0 {
				t.Errorf("notifications sent: %v", lines)
			}
		})
	}
}
