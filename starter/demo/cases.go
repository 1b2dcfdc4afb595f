package demo

import (
	"fmt"
	"time"

	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// demoStep is one step a demo case's caseworker takes, Day days after Day 1.
type demoStep struct {
	day    int
	update string
	input  func(on, day1 statute.Date) any
	say    func(on statute.Date, st assessment.CaseStatus) string
}

// demoCase is one fictional case and its script.
type demoCase struct {
	ref   string
	story string
	in    assessment.AssessmentInput // without Received, Policy or Clock
	steps []demoStep
}

// Fictional providers, schools and staff. Every address is in a domain
// reserved for examples.
var (
	demoManager = assessment.Contact{Name: "SEND manager", Email: "send.manager@la.example.gov.uk"}
	demoEP      = assessment.Contact{Name: "Educational Psychology Service", Email: "ep@la.example.gov.uk"}
	demoPaeds   = assessment.Contact{Name: "Community Paediatrics", Email: "paediatrics@nhs.example.org"}
	demoElm     = assessment.Contact{Name: "Elm Academy", Email: "office@elm.example.org"}
)

func decideAssess(day int) demoStep {
	return demoStep{day, assessment.UpdateDecideAssess,
		func(on, _ statute.Date) any { return assessment.DecideAssessInput{On: on, Assess: true} },
		func(on statute.Date, st assessment.CaseStatus) string {
			return "decided to assess (reg 5(1))" + lateness(on, st.DecisionToAssessDue) + "; the family is told"
		}}
}

func requestAdvice(day int, kind statute.AdviceKind, p assessment.Contact) demoStep {
	return demoStep{day, assessment.UpdateRequestAdvice,
		func(on, _ statute.Date) any {
			return assessment.RequestAdviceInput{On: on, Kind: kind, Provider: p, EscalationEmail: "lead." + p.Email}
		},
		func(on statute.Date, _ assessment.CaseStatus) string {
			return fmt.Sprintf("asked %s for %s, due %s (reg 8(1))", p.Name, kind.Title(), cli.LongDate(statute.AdviceDueFrom(on)))
		}}
}

func recordAdvice(day int, kind statute.AdviceKind) demoStep {
	return demoStep{day, assessment.UpdateRecordAdvice,
		func(on, _ statute.Date) any { return assessment.RecordAdviceInput{On: on, Kind: kind} },
		func(on statute.Date, st assessment.CaseStatus) string {
			for _, a := range st.Advice {
				if a.Kind == kind && a.Received == on {
					return fmt.Sprintf("%s received from %s%s", cli.Sentence(kind.Title()), a.Provider, lateness(on, a.Due))
				}
			}
			return cli.Sentence(kind.Title()) + " received"
		}}
}

// adviceNotNeeded records that reg 6(4) spares one reg 6(1)(a)-(e) kind.
func adviceNotNeeded(day int, kind statute.AdviceKind, why string) demoStep {
	return demoStep{day, assessment.UpdateAdviceNotNeeded,
		func(on, _ statute.Date) any { return assessment.AdviceNotNeededInput{On: on, Kind: kind, Reason: why} },
		func(statute.Date, assessment.CaseStatus) string {
			return fmt.Sprintf("%s not sought again: %s (reg 6(4))", kind.Title(), why)
		}}
}

// consultSchool consults the LA's own choice of school on the draft.
func consultSchool(day int, school assessment.Contact) demoStep {
	return demoStep{day, assessment.UpdateConsultSchool,
		func(on, _ statute.Date) any { return assessment.ConsultSchoolInput{On: on, School: school} },
		func(on statute.Date, _ assessment.CaseStatus) string {
			return school.Name + " consulted on the draft, the LA's own choice (CFA s.39(3))"
		}}
}

func schoolAgrees(day int, school string) demoStep {
	return demoStep{day, assessment.UpdateRecordConsultation,
		func(on, _ statute.Date) any {
			return assessment.RecordConsultationInput{On: on, School: school, Agrees: true}
		},
		func(statute.Date, assessment.CaseStatus) string { return school + " agrees to be named in the plan" }}
}

func decideIssue(day int) demoStep {
	return demoStep{day, assessment.UpdateDecideIssue,
		func(on, _ statute.Date) any { return assessment.DecideIssueInput{On: on, Issue: true} },
		func(on statute.Date, st assessment.CaseStatus) string {
			return "decided to issue a plan (reg 10)" + lateness(on, st.DecisionNotToIssueDue) + "; the draft is being written"
		}}
}

func serveDraft(day int) demoStep {
	return demoStep{day, assessment.UpdateServeDraft,
		func(on, _ statute.Date) any { return assessment.ServeDraftInput{On: on} },
		func(on statute.Date, st assessment.CaseStatus) string {
			s := fmt.Sprintf("draft plan served; the family may comment until %s (reg 13(1))", cli.LongDate(statute.CommentsEnd(on)))
			switch room := st.FinalPlanDue.DaysSince(statute.CommentsEnd(on)); {
			case room <= 0:
				s += ", the day the final plan is due: too late to issue it in time"
			case room < 7:
				s += fmt.Sprintf(", leaving %s to issue the final plan in time", cli.Days(room))
			}
			return s
		}}
}

func recordComments(day int, school assessment.Contact, meeting bool) demoStep {
	return demoStep{day, assessment.UpdateRecordComments,
		func(on, _ statute.Date) any {
			return assessment.RecordCommentsInput{On: on, RequestedSchool: school, WantsMeeting: meeting}
		},
		func(statute.Date, assessment.CaseStatus) string {
			s := "the family's comments on the draft recorded"
			if school.Name != "" {
				s += "; they ask for " + school.Name + ", which is consulted"
			}
			if meeting {
				s += "; they ask to meet an officer"
			}
			return s
		}}
}

func issueFinalPlan(day int, school string) demoStep {
	return demoStep{day, assessment.UpdateIssueFinalPlan,
		func(on, _ statute.Date) any { return assessment.IssueFinalPlanInput{On: on, School: school} },
		func(on statute.Date, st assessment.CaseStatus) string {
			s := "final EHC plan issued (reg 13(2))"
			if school != "" {
				s += ", naming " + school
			}
			if on.After(st.FinalPlanDue) {
				return s + fmt.Sprintf(": %s after the 20-week limit", cli.Days(on.DaysSince(st.FinalPlanDue)))
			}
			return s + ": within 20 weeks"
		}}
}

// lateness is ", N days late" when on is after due.
func lateness(on, due statute.Date) string {
	if !due.IsZero() && on.After(due) {
		return fmt.Sprintf(", %s late", cli.Days(on.DaysSince(due)))
	}
	return ""
}

// demoCases are the cases ehc demo runs. Days are statutory days from Day 1;
// week 20 ends on day 140.
var demoCases = []demoCase{
	{
		ref:   "DEMO-1",
		story: "every step on time: the final plan in week 17",
		in: assessment.AssessmentInput{
			Child:      assessment.Child{Name: "Amara Okafor", DateOfBirth: statute.NewDate(2017, time.March, 14)},
			Family:     assessment.Contact{Name: "Grace Okafor", Email: "grace.okafor@example.org"},
			Requester:  assessment.RequesterParent,
			School:     assessment.Contact{Name: "Oakfield Primary", Email: "senco@oakfield.example.org"},
			Caseworker: "cw-rahman", CaseworkerEmail: "rahman@la.example.gov.uk",
		},
		steps: []demoStep{
			decideAssess(14),
			requestAdvice(14, statute.AdviceKindPsychological, demoEP),
			requestAdvice(14, statute.AdviceKindMedical, demoPaeds),
			recordAdvice(45, statute.AdviceKindMedical),
			recordAdvice(52, statute.AdviceKindPsychological),
			adviceNotNeeded(53, statute.AdviceKindFamilyViews, "the family's views were given with the request"),
			adviceNotNeeded(53, statute.AdviceKindEducational, "the school's SEN support review of last month is enough"),
			adviceNotNeeded(53, statute.AdviceKindSocialCare, "social care know the family and have nothing to add"),
			decideIssue(77),
			serveDraft(84),
			recordComments(91, demoElm, false),
			schoolAgrees(100, demoElm.Name),
			issueFinalPlan(119, demoElm.Name),
		},
	},
	{
		ref:   "DEMO-2",
		story: "psychological advice two weeks late; the plan still on time",
		in: assessment.AssessmentInput{
			Child:      assessment.Child{Name: "Leo Fitzgerald", DateOfBirth: statute.NewDate(2015, time.September, 2)},
			Family:     assessment.Contact{Name: "Niamh Fitzgerald", Email: "niamh.fitzgerald@example.org"},
			Requester:  assessment.RequesterSchool,
			School:     assessment.Contact{Name: "Brookside Primary", Email: "office@brookside.example.org"},
			Caseworker: "cw-rahman", CaseworkerEmail: "rahman@la.example.gov.uk",
		},
		steps: []demoStep{
			decideAssess(21),
			requestAdvice(21, statute.AdviceKindPsychological, demoEP),
			requestAdvice(21, statute.AdviceKindEducational, assessment.Contact{Name: "Brookside Primary", Email: "office@brookside.example.org"}),
			recordAdvice(56, statute.AdviceKindEducational),
			recordAdvice(77, statute.AdviceKindPsychological), // due day 63: two weeks late
			adviceNotNeeded(78, statute.AdviceKindFamilyViews, "the family's views were given with the request"),
			adviceNotNeeded(78, statute.AdviceKindMedical, "the paediatric report of last term is enough"),
			adviceNotNeeded(78, statute.AdviceKindSocialCare, "social care know the family and have nothing to add"),
			decideIssue(84),
			serveDraft(91),
			consultSchool(92, assessment.Contact{Name: "Brookside Primary", Email: "office@brookside.example.org"}),
			recordComments(98, assessment.Contact{}, true),
			schoolAgrees(104, "Brookside Primary"),
			issueFinalPlan(126, "Brookside Primary"),
		},
	},
	{
		ref:   "DEMO-3",
		story: "the decision late and the 20-week limit missed: an exception recorded, a new date given, the plan in week 23",
		in: assessment.AssessmentInput{
			Child:      assessment.Child{Name: "Priya Shah", DateOfBirth: statute.NewDate(2012, time.November, 20)},
			Family:     assessment.Contact{Name: "Anil Shah", Email: "anil.shah@example.org"},
			Requester:  assessment.RequesterParent,
			School:     assessment.Contact{Name: "Hollins Park Academy", Email: "senco@hollinspark.example.org"},
			Caseworker: "cw-walker", CaseworkerEmail: "walker@la.example.gov.uk",
		},
		steps: []demoStep{
			decideAssess(49), // due day 42
			requestAdvice(49, statute.AdviceKindPsychological, demoEP),
			requestAdvice(49, statute.AdviceKindMedical, demoPaeds),
			recordAdvice(84, statute.AdviceKindMedical),
			recordAdvice(91, statute.AdviceKindPsychological),
			adviceNotNeeded(92, statute.AdviceKindFamilyViews, "the family's views were given with the request"),
			adviceNotNeeded(92, statute.AdviceKindEducational, "the school's SEN support review of last month is enough"),
			adviceNotNeeded(92, statute.AdviceKindSocialCare, "social care know the family and have nothing to add"),
			decideIssue(105),
			serveDraft(126),
			consultSchool(127, assessment.Contact{Name: "Hollins Park Academy", Email: "senco@hollinspark.example.org"}),
			recordComments(137, assessment.Contact{}, true),
			schoolAgrees(140, "Hollins Park Academy"),
			{143, assessment.UpdateRecordException,
				func(on, day1 statute.Date) any {
					return assessment.RecordExceptionInput{On: on, Ground: statute.ExceptionPersonal, Deadline: statute.FinalPlanDue,
						From: day1.AddDays(133), Note: "the family asked to move the meeting about the draft"}
				},
				func(statute.Date, assessment.CaseStatus) string {
					return "exception recorded: " + statute.ExceptionPersonal.Title() + " (" + statute.ExceptionPersonal.Regulation(statute.FinalPlanDue) +
						"); the clock does not stop, the case stays overdue"
				}},
			{143, assessment.UpdateExpect,
				func(on, day1 statute.Date) any {
					return assessment.ExpectInput{On: on, Deadline: statute.FinalPlanDue, By: day1.AddDays(161)}
				},
				func(_ statute.Date, st assessment.CaseStatus) string {
					return "final plan now expected by " + cli.LongDate(st.Day1.AddDays(161)) + "; the family is told the new date"
				}},
			issueFinalPlan(161, "Hollins Park Academy"), // the date expected
		},
	},
	{
		ref:   "DEMO-4",
		story: "the request refused in week 5",
		in: assessment.AssessmentInput{
			Child:      assessment.Child{Name: "Tom Hughes", DateOfBirth: statute.NewDate(2019, time.June, 5)},
			Family:     assessment.Contact{Name: "Beth Hughes", Email: "beth.hughes@example.org"},
			Requester:  assessment.RequesterParent,
			School:     assessment.Contact{Name: "Little Acorns Nursery", Email: "manager@littleacorns.example.org"},
			Caseworker: "cw-walker", CaseworkerEmail: "walker@la.example.gov.uk",
		},
		steps: []demoStep{
			{35, assessment.UpdateDecideAssess,
				func(on, _ statute.Date) any {
					return assessment.DecideAssessInput{On: on, Assess: false,
						Reason: "the setting's evidence shows needs met from its own resources (SEN support)"}
				},
				func(statute.Date, assessment.CaseStatus) string {
					return "refused to assess (reg 5(3)): the family is told why, and of their right to appeal and to mediation"
				}},
		},
	},
}
