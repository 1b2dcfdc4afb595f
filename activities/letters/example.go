package letters

import "github.com/ehc-send/ehc/statute"

// Example is a letter of the template with every fact a template could
// use, for a fictional case (EHC-2026-0042, Day 1 Monday 26 January 2026):
// what the tests of the catalogue and of the adapters that send letters
// render.
func Example(tpl Template) Notification {
	const caseRef = "EHC-2026-0042"
	day1 := statute.NewDate(2026, 1, 26)
	tt := statute.Compute(day1, statute.Steps{DraftServed: statute.NewDate(2026, 4, 20)})
	review := statute.Review(statute.NewDate(2026, 2, 16), statute.NewDate(2026, 3, 2))
	transfer := statute.PhaseTransfers(statute.NewDate(2015, 4, 1))[1]
	reassess := statute.Reassess(statute.NewDate(2026, 2, 9), statute.NewDate(2026, 2, 23))
	return Notification{
		Envelope: Envelope{
			Key:      caseRef + "/" + string(tpl) + "/1",
			CaseRef:  caseRef,
			Template: tpl,
			On:       statute.NewDate(2026, 3, 2),
			To:       []Recipient{{Role: RoleFamily, Name: "Alice Parent", Email: "family@example.org"}},
			Cc:       []Recipient{{Role: RoleCaseworker, Name: "Carol Caseworker", Email: "carol@la.example.gov.uk"}},
		},
		Facts: Facts{
			Timetable:   &tt,
			Deadline:    statute.FinalPlanDue,
			Due:         tt.FinalPlanDue,
			DaysOverdue: 3,
			DaysLeft:    5,
			AdviceKind:  statute.AdviceKindPsychological,
			AdviceID:    "adv-1",
			Reason:      "The evidence shows the school can meet the needs from its own resources.",
			CommentsEnd: tt.DraftCommentsEnd,
			School:      "Riverside Primary School",
			Plan: &PlanFacts{NextReviewDue: statute.NewDate(2027, 2, 15), Review: &review, Outcome: OutcomeMaintain,
				Transfer: &transfer, CeasesOn: statute.NewDate(2026, 5, 2), Reassessment: &reassess},
			Limits: []LimitFact{
				{What: "decision whether to assess", Regulation: "reg 5(1)", Due: tt.DecisionToAssessDue, MetOn: tt.DecisionToAssessDue.AddDays(-2)},
				{What: "psychological advice", Regulation: "reg 8(1)", Due: day1.AddWeeks(12), MetOn: day1.AddWeeks(13), DaysLate: 7},
				{What: "decision whether to issue a plan", Regulation: "reg 10(1)", Due: tt.DecisionNotToIssueDue, DaysOverdue: 4},
				{What: "final EHC plan", Regulation: "reg 13(2)", Due: tt.FinalPlanDue},
			},
		},
	}
}
