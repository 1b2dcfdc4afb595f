package registertest

import (
	"context"
	"testing"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/statute"
)

// TimelinessToday is the day the Timeliness cases are judged on; the
// period the report tests use is Q1 2026: TimelinessFrom to TimelinessTo.
const (
	TimelinessToday = "2026-04-15"
	TimelinessFrom  = "2026-01-01"
	TimelinessTo    = "2026-03-31"
)

// fixture is one hand-made case; empty dates are steps not taken.
type fixture struct {
	ref, stage, caseworker, day1 string
	assessOn                     string
	assess                       bool
	issueOn                      string
	issue                        bool
	servedOn, planOn, closedOn   string
	next                         string // next deadline, as the workflow would store it
	exception, storedOverdue     bool
	advice                       []advice
}

type advice struct{ id, kind, provider, requested, received string }

// timeliness is the data set the report and list tests state their figures
// from (see register/report_test.go and register/cases_test.go). Refs: P
// plans issued, N no plan, W withdrawn, R requests in or near the period,
// O overdue after the decision to assess.
var timeliness = []fixture{
	{ref: "EHC-P1", stage: "final_plan_issued", caseworker: "cw-1", day1: "2025-09-01", assessOn: "2025-10-06", assess: true, issueOn: "2025-12-08", issue: true, servedOn: "2025-12-22", planOn: "2026-01-12", closedOn: "2026-01-12"},
	{ref: "EHC-P2", stage: "final_plan_issued", caseworker: "cw-2", day1: "2025-09-08", assessOn: "2025-10-13", assess: true, issueOn: "2025-12-15", issue: true, servedOn: "2026-01-05", planOn: "2026-01-26", closedOn: "2026-01-26"},
	{ref: "EHC-P3", stage: "final_plan_issued", caseworker: "cw-1", day1: "2025-08-04", assessOn: "2025-09-10", assess: true, issueOn: "2025-11-17", issue: true, servedOn: "2026-01-05", planOn: "2026-02-02", closedOn: "2026-02-02"},
	{ref: "EHC-P4", stage: "final_plan_issued", caseworker: "cw-2", day1: "2025-07-07", assessOn: "2025-08-18", assess: true, issueOn: "2025-10-27", issue: true, servedOn: "2026-01-26", planOn: "2026-03-02", closedOn: "2026-03-02", exception: true},
	{ref: "EHC-P5", stage: "final_plan_issued", caseworker: "cw-1", day1: "2025-06-02", assessOn: "2025-07-07", assess: true, issueOn: "2025-09-15", issue: true, servedOn: "2025-11-24", planOn: "2025-12-15", closedOn: "2025-12-15"},
	{ref: "EHC-P6", stage: "final_plan_issued", caseworker: "cw-2", day1: "2025-11-10", assessOn: "2025-12-15", assess: true, issueOn: "2026-02-16", issue: true, servedOn: "2026-03-09", planOn: "2026-04-06", closedOn: "2026-04-06"},
	{ref: "EHC-N1", stage: "no_plan", caseworker: "cw-1", day1: "2025-10-06", assessOn: "2025-11-10", assess: true, issueOn: "2026-01-19", closedOn: "2026-01-19",
		advice: []advice{{"educational-1", "educational", "Hill School", "2025-11-10", "2025-12-15"}}},
	{ref: "EHC-N2", stage: "no_plan", caseworker: "cw-2", day1: "2025-09-15", assessOn: "2025-10-20", assess: true, issueOn: "2026-02-09", closedOn: "2026-02-09"},
	{ref: "EHC-W1", stage: "withdrawn", caseworker: "cw-1", day1: "2025-10-27", assessOn: "2025-12-01", assess: true, closedOn: "2026-01-05",
		advice: []advice{{"medical-1", "medical", "Paediatrics", "2025-12-01", ""}}},
	{ref: "EHC-R1", stage: "assessing", caseworker: "cw-1", day1: "2026-01-05", assessOn: "2026-02-09", assess: true, next: "2026-04-27", storedOverdue: true,
		advice: []advice{{"psychological-1", "psychological", "EP Service", "2026-02-09", "2026-03-16"}, {"medical-1", "medical", "Paediatrics", "2026-02-09", "2026-03-20"}}},
	{ref: "EHC-R2", stage: "not_assessed", caseworker: "cw-2", day1: "2026-01-12", assessOn: "2026-03-02", closedOn: "2026-03-02"},
	{ref: "EHC-R3", stage: "not_assessed", caseworker: "cw-1", day1: "2026-01-19", assessOn: "2026-02-20", closedOn: "2026-02-20"},
	{ref: "EHC-R4", stage: "assessing", caseworker: "cw-2", day1: "2026-01-26", assessOn: "2026-03-16", assess: true, next: "2026-04-27",
		advice: []advice{{"psychological-1", "psychological", "EP Service", "2026-03-16", ""}, {"medical-1", "medical", "Community Paediatrics", "2026-03-16", "2026-04-01"}}},
	{ref: "EHC-R5", stage: "requested", caseworker: "cw-1", day1: "2026-02-02", next: "2026-03-16"},
	{ref: "EHC-R6", stage: "requested", caseworker: "cw-2", day1: "2026-04-06", next: "2026-05-18"},
	{ref: "EHC-R7", stage: "assessing", caseworker: "cw-2", day1: "2025-12-22", assessOn: "2026-01-26", assess: true, next: "2026-03-09",
		advice: []advice{{"psychological-1", "psychological", "Locum EP", "2026-01-26", ""}, {"social_care-1", "social_care", "Children's Services", "2026-01-26", "2026-03-12"}}},
	{ref: "EHC-R8", stage: "requested", caseworker: "cw-1", day1: "2026-03-31", next: "2026-05-12"},
	{ref: "EHC-O1", stage: "draft_served", caseworker: "cw-1", day1: "2025-10-13", assessOn: "2025-11-17", assess: true, issueOn: "2026-01-26", issue: true, servedOn: "2026-02-16", next: "2026-03-02", exception: true},
	{ref: "EHC-O2", stage: "assessing", caseworker: "cw-2", day1: "2025-11-03", assessOn: "2025-12-08", assess: true, next: "2026-02-23"},
}

// Timeliness records the hand-made cases in s through Record, as the
// workflow would: one event each, carrying the case as it now stands. The
// stored overdue flag is false everywhere except on EHC-R1, which is not
// overdue: the list must judge from the dates, not the flag.
func Timeliness(t testing.TB, s *register.Store) {
	t.Helper()
	date := func(v string) statute.Date {
		if v == "" {
			return statute.Date{}
		}
		d, err := statute.ParseDate(v)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, f := range timeliness {
		tt := statute.Compute(date(f.day1), statute.Steps{})
		c := caserecord.Snapshot{Seq: 1, Stage: f.stage, Requester: "parent", Caseworker: f.caseworker, Day1: tt.Day1,
			DecisionToAssessDue: tt.DecisionToAssessDue, DecisionNotToIssueDue: tt.DecisionNotToIssueDue,
			FinalPlanDue: tt.FinalPlanDue, DecidedToAssessOn: date(f.assessOn), DecidedToIssueOn: date(f.issueOn),
			DraftServedOn: date(f.servedOn), FinalPlanOn: date(f.planOn), ClosedOn: date(f.closedOn),
			NextDeadline: date(f.next), Overdue: f.storedOverdue, HasException: f.exception}
		if f.assessOn != "" {
			c.Assess = &f.assess
		}
		if f.issueOn != "" {
			c.Issue = &f.issue
		}
		if f.exception {
			c.ExceptionRegs = []string{statute.ExceptionPersonal.Regulation(statute.FinalPlanDue)} // reg 13(3)(c), as the workflow records it
		}
		for _, a := range f.advice {
			req := date(a.requested)
			c.Advice = append(c.Advice, caserecord.Advice{ID: a.id, Kind: statute.AdviceKind(a.kind), Provider: a.provider,
				RequestedOn: req, DueOn: statute.AdviceDueFrom(req), ReceivedOn: date(a.received)})
		}
		e := caserecord.Event{Key: f.ref + "/fixture", CaseRef: f.ref, Kind: caserecord.KindStep, Name: "fixture",
			EffectiveOn: tt.Day1, Case: c}
		if _, err := s.Record(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
}
