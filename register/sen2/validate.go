package sen2

import (
	"fmt"
	"slices"

	"github.com/ehc-send/ehc/statute"
)

// Failure is one item of a person's record the DfE's validation would
// refuse, named so the authority can put it right before sending.
type Failure struct {
	CaseRef string `json:"case_ref"`
	Item    string `json:"item"`    // the return's item, as the specification names it
	Problem string `json:"problem"` // what is wrong, in plain English
}

// Validate checks a return against the rules of the specification its
// data can break: an item the return must have, an item's code list, one
// date before another that must come after it, a plan naming no placement
// or meeting no need. The rules follow sen2.md's items and code lists (to
// check against the specification's validation rules, which this product
// could not read); year is the calendar year the return covers.
func Validate(r Return, year int) []Failure {
	var out []Failure
	for _, p := range r.Persons {
		v := validator{ref: p.CaseRef, year: year}
		v.person(p)
		for _, q := range p.Requests {
			v.request(q)
		}
		out = append(out, v.out...)
	}
	return out
}

type validator struct {
	ref  string
	year int
	out  []Failure
}

func (v *validator) fail(item, format string, a ...any) {
	v.out = append(v.out, Failure{v.ref, item, fmt.Sprintf(format, a...)})
}

func (v *validator) required(item, value string) bool {
	if value == "" {
		v.fail(item, "missing")
		return false
	}
	return true
}

func (v *validator) code(item, value string, codes []string) {
	if value != "" && !slices.Contains(codes, value) {
		v.fail(item, "%q is not one of the return's codes", value)
	}
}

// order fails when later is before earlier (both given).
func (v *validator) order(item, later, laterName, earlier, earlierName string) {
	if later != "" && earlier != "" && later < earlier { // YYYY-MM-DD sorts as dates do
		v.fail(item, "%s %s is before %s %s", laterName, later, earlierName, earlier)
	}
}

func (v *validator) person(p PersonRecord) {
	v.required("Surname", p.Surname)
	v.required("Forename", p.Forename)
	v.required("PersonBirthDate", p.PersonBirthDate)
	if p.UPN == "" && p.ULN == "" && p.UPNUnknown == "" {
		v.fail("UPN", "missing: give the UPN, the ULN, or why neither is known (UPNunknown)")
	}
	v.required("Sex", p.Sex)
	v.required("Ethnicity", p.Ethnicity)
	v.required("PostCode", p.PostCode)
	if err := (Person{UPN: p.UPN, ULN: p.ULN, UPNUnknown: p.UPNUnknown, Sex: p.Sex, Ethnicity: p.Ethnicity, PostCode: p.PostCode}).Check(); err != nil {
		v.fail("Person", "%v", err)
	}
	if len(p.Requests) == 0 {
		v.fail("Requests", "the person has no request: every person in the return has one")
	}
}

func (v *validator) request(q Request) {
	if !v.required("ReceivedDate", q.ReceivedDate) {
		return
	}
	// The year's own work must be complete; an older request's history, or
	// a plan entered without its assessment, gives what is known.
	inYear := q.ReceivedDate >= fmt.Sprintf("%d-01-01", v.year) && !q.Entered
	if inYear && v.year >= 2026 { // RequestSource is mandatory from the 2026 return
		v.required("RequestSource", q.RequestSource)
	}
	v.code("RequestSource", q.RequestSource, []string{SourceFamily, SourceSchool, SourceHealth, SourceSocialCare, SourceOther})
	v.code("RequestOutcome", q.RequestOutcome, []string{RequestAssess, RequestNotAssess, RequestWithdrawn})
	if inYear && (q.RequestOutcome == "") != (q.RequestOutcomeDate == "") { // an older request's history may be incomplete
		v.fail("RequestOutcome", "an outcome and its date go together")
	}
	v.order("RequestOutcomeDate", q.RequestOutcomeDate, "the request's outcome", q.ReceivedDate, "its receipt")
	if a := q.Assessment; a != nil {
		if q.RequestOutcome != RequestAssess && q.RequestTribunal != "1" && q.RequestMediation != "1" {
			v.fail("AssessmentOutcome", "an assessment of a request not agreed to (RequestOutcome %q) and not ordered or agreed after a disagreement", q.RequestOutcome)
		}
		v.assessment(*a, q, inYear, q.Entered)
	}
	if ap := q.ActivePlans; ap != nil {
		v.active(*ap, q)
	}
}

func (v *validator) assessment(a Assessment, q Request, inYear, entered bool) {
	v.code("AssessmentOutcome", a.AssessmentOutcome, []string{AssessmentIssue, AssessmentNotIssue, AssessmentEnded})
	if inYear && (a.AssessmentOutcome == "") != (a.AssessmentOutcomeDate == "") {
		v.fail("AssessmentOutcome", "an outcome and its date go together")
	}
	v.order("AssessmentOutcomeDate", a.AssessmentOutcomeDate, "the assessment's outcome", q.RequestOutcomeDate, "the decision to assess")
	if !entered && (inYear || a.AssessmentOutcomeDate >= fmt.Sprintf("%d-01-01", v.year)) && a.AssessmentOutcome != "" && a.Week20 == "" {
		v.fail("Week20", "missing: whether an exception to the 20 weeks applied (reg 13(3))")
	}
	p := a.NamedPlan
	switch {
	case p == nil: // none made, or one still being drafted
		return
	case a.AssessmentOutcome != AssessmentIssue:
		v.fail("NamedPlan", "a plan under an assessment whose outcome is %q, not to issue", a.AssessmentOutcome)
	}
	if !v.required("StartDate", p.StartDate) {
		return
	}
	v.order("StartDate", p.StartDate, "the plan's start", q.ReceivedDate, "the request's receipt")
	v.order("StartDate", p.StartDate, "the plan's start", a.AssessmentOutcomeDate, "the decision to issue")
	v.code("PlanRes", p.PlanRes, Residentials)
	v.code("CeaseReason", p.CeaseReason, CeaseReasons)
	if p.CeaseDate != "" {
		v.order("CeaseDate", p.CeaseDate, "the plan's ceasing", p.StartDate, "its start")
		if p.CeaseReason == "" {
			v.fail("CeaseReason", "missing for a plan that ceased: record it with ehc sen2-record --cease-reason 1-9")
		}
	}
	if len(p.PlanDetail) == 0 {
		v.fail("PlanDetail", "the plan names no placement: record it with ehc sen2-record --placement")
	}
	for _, d := range p.PlanDetail {
		v.placement("PlanDetail", d)
	}
}

func (v *validator) placement(module string, d PlanDetail) {
	pl := Placement{URN: d.URN, UKPRN: d.UKPRN, Setting: d.SENSetting, SettingOther: d.SENSettingOther, Rank: d.PlacementRank}
	if err := pl.Check(); err != nil {
		v.fail(module, "placement %d: %v", d.PlacementRank, err)
	}
}

func (v *validator) active(ap ActivePlans, q Request) {
	start := ""
	if a := q.Assessment; a != nil && a.NamedPlan != nil {
		start = a.NamedPlan.StartDate
	}
	if start == "" { // a plan active on the reference date was made, so it has a start
		v.fail("NamedPlan", "an active plan with no named plan: record when the plan was made")
	}
	if len(ap.SENNeed) == 0 {
		v.fail("SENtype", "missing: the plan's primary need (record it with ehc sen2-record --needs)")
	}
	for i, n := range ap.SENNeed {
		v.code("SENtype", n.SENType, SENTypes)
		if n.SENTypeRank != i+1 {
			v.fail("SENtypeRank", "need %s has rank %d; ranks run 1, 2, ... in order", n.SENType, n.SENTypeRank)
		}
	}
	if len(ap.PlacementDetail) == 0 {
		v.fail("PlacementDetail", "the active plan has no placement: record it with ehc sen2-record --placement")
	}
	for _, d := range ap.PlacementDetail {
		v.placement("PlacementDetail", d.PlanDetail)
		v.order("LeavingDate", d.LeavingDate, "leaving", d.EntryDate, "entry")
	}
	v.code("ReviewOutcome", ap.ReviewOutcome, []string{ReviewMaintain, ReviewAmend, ReviewCease})
	v.order("ReviewMeeting", ap.ReviewMeeting, "the review meeting", start, "the plan's start")
	v.order("LastReview", ap.LastReview, "the review decision", ap.ReviewMeeting, "its meeting")
	v.order("ReviewDraft", ap.ReviewDraft, "the draft amended plan", ap.ReviewMeeting, "its review meeting")
	v.order("PhaseTransferFinalDate", ap.PhaseTransferFinalDate, "the phase transfer's final plan", start, "the plan's start")
}

// Timeliness is the 20-week figure the DfE computes from a return: the
// plans issued in year after an assessment where no mediation or tribunal
// took place over the request or the assessment, within 20 weeks of the
// request (reg 13(2)), both including and excluding the cases where an
// exception applied (Week20). sen2.md, "How the DfE measures timeliness".
type Timeliness struct {
	Issued, Within20Weeks                         int
	IssuedExclExceptions, WithinExclExceptions    int
	LeftOutForDisagreement, LeftOutWithoutRequest int
}

// DfETimeliness computes Timeliness from r for calendar year.
func DfETimeliness(r Return, year int) Timeliness {
	var t Timeliness
	for _, p := range r.Persons {
		for _, q := range p.Requests {
			a := q.Assessment
			if a == nil || a.NamedPlan == nil || a.AssessmentOutcome != AssessmentIssue || q.Entered {
				continue // an entered plan's timeliness was the authority's before the product, or another's
			}
			start, err := statute.ParseDate(a.NamedPlan.StartDate)
			if err != nil || start.Time().Year() != year {
				continue
			}
			if q.RequestMediation == "1" || q.RequestTribunal == "1" || a.AssessmentMediation == "1" || a.AssessmentTribunal == "1" {
				t.LeftOutForDisagreement++
				continue
			}
			received, err := statute.ParseDate(q.ReceivedDate)
			if err != nil {
				t.LeftOutWithoutRequest++
				continue
			}
			onTime := !start.After(received.AddWeeks(20))
			t.Issued++
			if onTime {
				t.Within20Weeks++
			}
			if a.Week20 != "1" {
				t.IssuedExclExceptions++
				if onTime {
					t.WithinExclExceptions++
				}
			}
		}
	}
	return t
}
