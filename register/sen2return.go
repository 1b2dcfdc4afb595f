package register

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ehc-send/ehc/register/sen2"
	"github.com/ehc-send/ehc/statute"
)

// SEN2Failure is one item a record cannot give the DfE's return.
type SEN2Failure = sen2.Failure

// SEN2Source is who makes the return: the authority's code and the
// software's name and release, for its header.
type SEN2Source struct {
	LA, Software, Release string
	Now                   time.Time
}

// sen2Row is everything the register holds of one reference for the
// return: its case (the assessment), its plan, its people and its
// disagreements.
type sen2Row struct {
	ref                            string
	hasCase                        bool
	day1, toAssessOn, toIssueOn    *time.Time
	finalOn, closedOn              *time.Time
	assess, issue                  *bool
	requester, stage               string
	exception                      bool
	hasPeople                      bool
	name                           string
	dob                            *time.Time
	people                         sen2.Person
	plan                           sen2.Plan
	hasPlan                        bool
	planMade, transferredIn        *time.Time
	lastReview, planEnded          *time.Time
	planStage, ceaseCode           string
	reviewHeld, reviewDecided      *time.Time
	reviewOutcome                  string
	transferDue, transferDone      *time.Time
	refusalMediated, refusalAppeal bool // over the refusal to assess
	noPlanMediated, noPlanAppeal   bool // over the decision not to issue
	orderedPlanOn                  *time.Time
	contentsMediated, contentsAppl bool // over the plan's contents
}

// SEN2Return builds the person-level return for calendar year (collected
// the January after): every case the year touched (a request received, a
// decision made, work still open at its end) and every plan active on the
// reference date or ceased in the year. It reads case_people, so it needs
// a role that may. Besides the return it gives what the register itself
// cannot supply; Validate gives the rest.
func (s *Store) SEN2Return(ctx context.Context, year int, src SEN2Source) (sen2.Return, []SEN2Failure, error) {
	if year < 2023 || year > src.Now.Year() {
		return sen2.Return{}, nil, fmt.Errorf("year %d: the person-level return began with 2023's; want 2023 to this year", year)
	}
	from, to, refDate := statute.NewDate(year, 1, 1), statute.NewDate(year, 12, 31), sen2.ReferenceDate(year)
	rows, err := s.Pool.Query(ctx, sen2SQL, dateArg(from), dateArg(to), dateArg(refDate))
	if err != nil {
		return sen2.Return{}, nil, fmt.Errorf("reading the register for SEN2 %d: %w", year, err)
	}
	recs, err := pgx.CollectRows(rows, scanSEN2Row)
	if err != nil {
		return sen2.Return{}, nil, fmt.Errorf("reading the register for SEN2 %d: %w", year, err)
	}
	ret := sen2.Return{Header: sen2.Header{Collection: "SEN2", Year: year + 1, ReferenceDate: refDate.String(), SourceLevel: "L",
		LEA: src.LA, SoftwareCode: src.Software, Release: src.Release, SerialNo: 1, DateTime: src.Now.UTC().Format("2006-01-02T15:04:05")}}
	var fails []SEN2Failure
	for _, r := range recs {
		p, f := r.person(from, to, refDate)
		ret.Persons = append(ret.Persons, p)
		fails = append(fails, f...)
	}
	return ret, fails, nil
}

// The references the year touched, with all the register holds of each.
const sen2SQL = `with refs as (
		select case_ref as ref from cases where day1 <= $2 and (closed_on is null or closed_on >= $1)
		union select plan_ref from plans where plan_made <= $3 and (ended_on is null or ended_on >= $1)
		union select case_ref from case_disputes where plan_issued_on <= $3)
	select refs.ref, c.case_ref is not null, c.day1, c.decided_to_assess_on, c.decided_to_issue_on, c.final_plan_on, c.closed_on,
		c.assess, c.issue, coalesce(c.requester, ''), coalesce(c.stage, ''), coalesce(c.has_exception, false),
		pp.case_ref is not null, coalesce(pp.child_name, ''), pp.child_dob, coalesce(pp.upn, ''), coalesce(pp.uln, ''),
		coalesce(pp.upn_unknown, ''), coalesce(pp.sex, ''), coalesce(pp.ethnicity, ''), coalesce(pp.postcode, ''), pp.sen2_plan,
		pl.plan_ref is not null, pl.plan_made, pl.transferred_in, pl.last_review, pl.ended_on, coalesce(pl.stage, ''),
		coalesce((select detail->>'cease_reason' from plan_events e where e.plan_ref = refs.ref and e.name = 'cease-plan'
			order by e.id desc limit 1), ''),
		rv.held_on, rv.decided_on, coalesce(rv.outcome, ''), tr.amend_by, tr.amended_on,
		coalesce(d.decision = 'refusal_to_assess' and d.mediation_held is not null, false),
		coalesce(d.decision = 'refusal_to_assess' and d.appealed_on is not null, false),
		coalesce(d.decision = 'no_plan' and d.mediation_held is not null, false),
		coalesce(d.decision = 'no_plan' and d.appealed_on is not null, false), d.plan_issued_on,
		coalesce(pd.mediated, false), coalesce(pd.appealed, false)
	from refs
	left join cases c on c.case_ref = refs.ref
	left join case_people pp on pp.case_ref = refs.ref
	left join plans pl on pl.plan_ref = refs.ref
	left join lateral (select held.held_on, dec.decided_on, dec.outcome
		from (select held_on from plan_reviews r where r.plan_ref = refs.ref and r.held_on <= $2 order by r.cycle desc limit 1) held
		full join (select decided_on, outcome from plan_reviews r where r.plan_ref = refs.ref and r.decided_on <= $2
			order by r.cycle desc limit 1) dec on true) rv on true
	left join lateral (select amend_by, amended_on from plan_transfers x where x.plan_ref = refs.ref and not x.replaced
		and x.amend_by >= $1 order by x.amend_by limit 1) tr on true
	left join case_disputes d on d.case_ref = refs.ref
	left join lateral (select bool_or(mediation_held is not null) as mediated, bool_or(appealed_on is not null) as appealed
		from plan_disputes q where q.plan_ref = refs.ref and q.decision = 'plan_contents') pd on true
	order by refs.ref`

func scanSEN2Row(row pgx.CollectableRow) (sen2Row, error) {
	var r sen2Row
	var plan []byte
	err := row.Scan(&r.ref, &r.hasCase, &r.day1, &r.toAssessOn, &r.toIssueOn, &r.finalOn, &r.closedOn, &r.assess, &r.issue,
		&r.requester, &r.stage, &r.exception, &r.hasPeople, &r.name, &r.dob, &r.people.UPN, &r.people.ULN, &r.people.UPNUnknown,
		&r.people.Sex, &r.people.Ethnicity, &r.people.PostCode, &plan, &r.hasPlan, &r.planMade, &r.transferredIn, &r.lastReview,
		&r.planEnded, &r.planStage, &r.ceaseCode, &r.reviewHeld, &r.reviewDecided, &r.reviewOutcome, &r.transferDue, &r.transferDone,
		&r.refusalMediated, &r.refusalAppeal, &r.noPlanMediated, &r.noPlanAppeal, &r.orderedPlanOn, &r.contentsMediated, &r.contentsAppl)
	if err == nil && plan != nil {
		err = json.Unmarshal(plan, &r.plan)
	}
	return r, err
}

// asOf is the row as it stood at the end of the year: a decision, a plan
// or a review after it is the next return's, and the work still open in
// this one. Only the plan's end is kept as it is, to judge the reference
// date.
func (r sen2Row) asOf(to statute.Date) sen2Row {
	for _, t := range []**time.Time{&r.toAssessOn, &r.toIssueOn, &r.finalOn, &r.closedOn, &r.orderedPlanOn,
		&r.planMade, &r.transferredIn, &r.lastReview, &r.reviewHeld, &r.reviewDecided, &r.transferDone} {
		if *t != nil && statute.DateOf(**t).After(to) {
			*t = nil
		}
	}
	if r.reviewDecided == nil {
		r.reviewOutcome = ""
	}
	return r
}

// person lays out one reference's record as the return's person, with
// what the register cannot give.
func (r sen2Row) person(from, to, refDate statute.Date) (sen2.PersonRecord, []SEN2Failure) {
	r = r.asOf(to)
	var fails []SEN2Failure
	fail := func(item, problem string) {
		fails = append(fails, SEN2Failure{CaseRef: r.ref, Item: item, Problem: problem})
	}
	p := sen2.PersonRecord{CaseRef: r.ref, PersonBirthDate: day(r.dob), Sex: r.people.Sex, Ethnicity: r.people.Ethnicity,
		PostCode: r.people.PostCode, UPN: r.people.UPN, ULN: r.people.ULN, UPNUnknown: r.people.UPNUnknown}
	if !r.hasPeople {
		fail("Person", "the people are not in the register (entered before it kept them, or erased): record them with ehc sen2-record --child-name --child-dob")
	}
	// The register keeps a name as typed: the last word is taken as the
	// surname (to check: a name typed surname first comes out wrong).
	if words := strings.Fields(r.name); len(words) > 1 {
		p.Forename, p.Surname = strings.Join(words[:len(words)-1], " "), words[len(words)-1]
	} else if len(words) == 1 {
		p.Surname = words[0]
	}
	withdrawn := r.stage == "withdrawn" && r.closedOn != nil
	var q sen2.Request
	yes := func(b bool) string { return sen2.Flag(b) }
	if r.hasCase {
		q.ReceivedDate = day(r.day1)
		if code, err := sen2.RequestSource(r.requester); err == nil {
			q.RequestSource = code
		} else {
			fail("RequestSource", err.Error())
		}
		switch {
		case r.toAssessOn != nil && r.assess != nil:
			q.RequestOutcomeDate, q.RequestOutcome = day(r.toAssessOn), map[bool]string{true: sen2.RequestAssess, false: sen2.RequestNotAssess}[*r.assess]
			q.RequestMediation, q.RequestTribunal = yes(r.refusalMediated), yes(r.refusalAppeal)
		case withdrawn:
			q.RequestOutcomeDate, q.RequestOutcome = day(r.closedOn), sen2.RequestWithdrawn
		}
	} else {
		q.Entered = true // entered without its assessment: its history before the product is not known
		q.ReceivedDate = sen2.DateItem(r.plan.RequestReceived)
		if q.ReceivedDate == "" {
			fail("ReceivedDate", "the plan was entered without its request: record the request's date with ehc sen2-record --request-received")
		}
		q.RequestOutcome = sen2.RequestAssess // a plan was made, so the request was agreed to; its date is not known
	}
	assessed := (r.toAssessOn != nil && r.assess != nil && *r.assess) || r.orderedPlanOn != nil || !r.hasCase
	if assessed {
		a := &sen2.Assessment{}
		switch {
		case r.orderedPlanOn != nil: // made under an order or agreement after a refusal or a decision not to issue
			a.AssessmentOutcomeDate, a.AssessmentOutcome = day(r.orderedPlanOn), sen2.AssessmentIssue
		case r.toIssueOn != nil && r.issue != nil && *r.issue && r.finalOn == nil && withdrawn: // no plan came of it
			a.AssessmentOutcomeDate, a.AssessmentOutcome = day(r.closedOn), sen2.AssessmentEnded
		case r.toIssueOn != nil && r.issue != nil:
			a.AssessmentOutcomeDate, a.AssessmentOutcome = day(r.toIssueOn), map[bool]string{true: sen2.AssessmentIssue, false: sen2.AssessmentNotIssue}[*r.issue]
		case !r.hasCase:
			a.AssessmentOutcome = sen2.AssessmentIssue
		case withdrawn:
			a.AssessmentOutcomeDate, a.AssessmentOutcome = day(r.closedOn), sen2.AssessmentEnded
		}
		if r.hasCase && a.AssessmentOutcome != "" {
			a.AssessmentMediation, a.AssessmentTribunal = yes(r.noPlanMediated), yes(r.noPlanAppeal)
			a.OtherMediation, a.OtherTribunal, a.Week20 = yes(r.contentsMediated), yes(r.contentsAppl), yes(r.exception)
		}
		if start := r.planStart(); start != nil && a.AssessmentOutcome == sen2.AssessmentIssue {
			a.NamedPlan = r.namedPlan(*start, to)
		}
		q.Assessment = a
	}
	if r.orderedPlanOn != nil && !r.hasPlan {
		fail("NamedPlan", fmt.Sprintf("the plan made under the tribunal order or mediation agreement on %s is not kept as a plan in force: enter it with ehc start-plan --case %s, so its reviews and its end are known", day(r.orderedPlanOn), r.ref))
	}
	if r.activeOn(refDate) {
		q.ActivePlans = r.activePlans(from, to, fail)
	}
	p.Requests = []sen2.Request{q}
	return p, fails
}

// planStart is the day the reference's plan was made, if it was: its
// final plan, one made under an order, or an entered plan's date.
func (r sen2Row) planStart() *time.Time {
	switch {
	case r.finalOn != nil:
		return r.finalOn
	case r.orderedPlanOn != nil:
		return r.orderedPlanOn
	}
	return r.planMade
}

// namedPlan is module 4a and 4b from the plan's register row and the
// details recorded with its people. A plan's end after the year is the
// next return's.
func (r sen2Row) namedPlan(start time.Time, to statute.Date) *sen2.NamedPlan {
	d := r.plan
	n := &sen2.NamedPlan{StartDate: day(&start), PlanRes: d.Residential, PB: sen2.Flag(d.PersonalBudget),
		OA: sen2.Flag(d.OrganisedArrangements), DP: sen2.Flag(d.DirectPayments), PlanWBP: sen2.Flag(d.WorkBased)}
	if r.planEnded != nil && !statute.DateOf(*r.planEnded).After(to) && (r.planStage == "plan_ceased" || r.planStage == "plan_transferred") {
		n.CeaseDate = day(r.planEnded)
		switch {
		case d.CeaseReason != "":
			n.CeaseReason = d.CeaseReason
		case r.planStage == "plan_transferred":
			n.CeaseReason = sen2.CeaseTransferredLA
		default:
			n.CeaseReason = r.ceaseCode
		}
	}
	for _, pl := range d.Placements {
		n.PlanDetail = append(n.PlanDetail, detailOf(pl))
	}
	return n
}

// activePlans is module 5a, 5b and 5c for a plan active on the reference
// date.
func (r sen2Row) activePlans(from, to statute.Date, fail func(item, problem string)) *sen2.ActivePlans {
	ap := &sen2.ActivePlans{ReviewMeeting: day(r.reviewHeld), PhaseTransferDueDate: day(r.transferDue), PhaseTransferFinalDate: day(r.transferDone)}
	if code, err := sen2.ReviewOutcome(r.reviewOutcome); err == nil {
		ap.ReviewOutcome = code
	} // "replaced" (a reassessment took the review's place) and none yet have no code
	ap.LastReview = day(r.reviewDecided)
	if ap.ReviewOutcome == sen2.ReviewAmend {
		ap.ReviewDraft = ap.LastReview // the proposed amendments (the draft amended plan) go with the decision to amend (reg 22(2); R (L, M, P) v Devon CC [2022])
	}
	if ap.LastReview == "" {
		ap.LastReview = day(r.lastReview) // an entered plan's last review, as recorded
	}
	if t := r.transferredIn; t != nil && !statute.DateOf(*t).Before(from) && !statute.DateOf(*t).After(to) {
		ap.TransferLA = r.plan.TransferLA
		if ap.TransferLA == "" {
			fail("TransferLA", "the plan came from another authority this year: record its code with ehc sen2-record --transfer-la")
		}
	}
	for _, pl := range r.plan.Placements {
		ap.PlacementDetail = append(ap.PlacementDetail, sen2.PlacementDetail{PlanDetail: detailOf(pl),
			EntryDate: sen2.DateItem(pl.Entry), LeavingDate: sen2.DateItem(pl.Leaving)})
	}
	for i, n := range r.plan.Needs {
		ap.SENNeed = append(ap.SENNeed, sen2.SENNeed{SENType: n, SENTypeRank: i + 1})
	}
	return ap
}

// activeOn reports whether the reference's plan is in force on day.
func (r sen2Row) activeOn(d statute.Date) bool {
	made := r.planStart()
	if made == nil || statute.DateOf(*made).After(d) {
		return false
	}
	return r.planEnded == nil || statute.DateOf(*r.planEnded).After(d)
}

func detailOf(pl sen2.Placement) sen2.PlanDetail {
	return sen2.PlanDetail{URN: pl.URN, UKPRN: pl.UKPRN, SENSetting: pl.Setting, SENSettingOther: pl.SettingOther,
		PlacementRank: pl.Rank, SENUnitIndicator: sen2.Flag(pl.Unit), ResourcedProvisionIndicator: sen2.Flag(pl.Resourced)}
}

// day is a register date as the return writes it.
func day(t *time.Time) string {
	if t == nil {
		return ""
	}
	return statute.DateOf(*t).String()
}

// SEN2Check judges the record for the return of year: the failures the
// register finds building it and the specification's checks on the result,
// ordered by case and item.
func (s *Store) SEN2Check(ctx context.Context, year int, src SEN2Source) (sen2.Return, []SEN2Failure, error) {
	ret, fails, err := s.SEN2Return(ctx, year, src)
	if err != nil {
		return ret, nil, err
	}
	fails = append(fails, sen2.Validate(ret, year)...)
	slices.SortStableFunc(fails, func(a, b SEN2Failure) int { return strings.Compare(a.CaseRef, b.CaseRef) })
	return ret, fails, nil
}
