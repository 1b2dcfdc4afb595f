package sen2

import (
	"encoding/xml"
	"time"

	"github.com/ehc-send/ehc/statute"
)

// Return is the person-level return as XML, laid out as sen2.md gives the
// specification's structure: a header, then each person with their
// requests, each request's assessment and named plan, and the active plan
// with its placements and needs (to check against the specification).
// Dates are YYYY-MM-DD; indicators are 0 or 1.
type Return struct {
	XMLName xml.Name       `xml:"Message"`
	Header  Header         `xml:"Header"`
	Persons []PersonRecord `xml:"Persons>Person"`
}

// Header is module 0: which collection, and who sent it.
type Header struct {
	Collection    string `xml:"CollectionDetails>Collection"`    // SEN2
	Year          int    `xml:"CollectionDetails>Year"`          // the January it is collected in
	ReferenceDate string `xml:"CollectionDetails>ReferenceDate"` // the census day in that January
	SourceLevel   string `xml:"Source>SourceLevel"`              // L: a local authority
	LEA           string `xml:"Source>LEA"`                      // the authority's three-digit code
	SoftwareCode  string `xml:"Source>SoftwareCode"`
	Release       string `xml:"Source>Release"`
	SerialNo      int    `xml:"Source>SerialNo"`
	DateTime      string `xml:"Source>DateTime"`
}

// PersonRecord is module 1 with its requests. CaseRef is the product's, for the
// checks' messages; it is not part of the return.
type PersonRecord struct {
	CaseRef         string    `xml:"-"`
	Surname         string    `xml:"Surname,omitempty"`
	Forename        string    `xml:"Forename,omitempty"`
	PersonBirthDate string    `xml:"PersonBirthDate,omitempty"`
	Sex             string    `xml:"Sex,omitempty"`
	Ethnicity       string    `xml:"Ethnicity,omitempty"`
	PostCode        string    `xml:"PostCode,omitempty"`
	UPN             string    `xml:"UPN,omitempty"`
	ULN             string    `xml:"UniqueLearnerNumber,omitempty"`
	UPNUnknown      string    `xml:"UPNunknown,omitempty"`
	Requests        []Request `xml:"Requests"`
}

// Request is module 2: a request for an assessment and what came of it.
type Request struct {
	// Entered marks a plan entered without its assessment: what came before
	// the product (the request's source, the decisions' dates, Week20) is
	// not known, and the DfE's 20-week figure was the authority's then.
	// It is not part of the return.
	Entered            bool         `xml:"-"`
	ReceivedDate       string       `xml:"ReceivedDate,omitempty"`
	RequestSource      string       `xml:"RequestSource,omitempty"`
	RYA                string       `xml:"RYA,omitempty"`
	RequestOutcomeDate string       `xml:"RequestOutcomeDate,omitempty"`
	RequestOutcome     string       `xml:"RequestOutcome,omitempty"`
	RequestMediation   string       `xml:"RequestMediation,omitempty"`
	RequestTribunal    string       `xml:"RequestTribunal,omitempty"`
	Exported           string       `xml:"Exported,omitempty"`
	Assessment         *Assessment  `xml:"Assessment,omitempty"`
	ActivePlans        *ActivePlans `xml:"ActivePlans,omitempty"`
}

// Assessment is module 3, with the plan it led to (4a).
type Assessment struct {
	AssessmentOutcome     string     `xml:"AssessmentOutcome,omitempty"`
	AssessmentOutcomeDate string     `xml:"AssessmentOutcomeDate,omitempty"`
	AssessmentMediation   string     `xml:"AssessmentMediation,omitempty"`
	AssessmentTribunal    string     `xml:"AssessmentTribunal,omitempty"`
	OtherMediation        string     `xml:"OtherMediation,omitempty"`
	OtherTribunal         string     `xml:"OtherTribunal,omitempty"`
	Week20                string     `xml:"Week20,omitempty"`
	NamedPlan             *NamedPlan `xml:"NamedPlan,omitempty"`
}

// NamedPlan is module 4a, with the placements it names (4b).
type NamedPlan struct {
	StartDate   string       `xml:"StartDate,omitempty"`
	PlanRes     string       `xml:"PlanRes,omitempty"`
	PlanWBP     string       `xml:"PlanWBP,omitempty"`
	PB          string       `xml:"PB,omitempty"`
	OA          string       `xml:"OA,omitempty"`
	DP          string       `xml:"DP,omitempty"`
	CeaseDate   string       `xml:"CeaseDate,omitempty"`
	CeaseReason string       `xml:"CeaseReason,omitempty"`
	PlanDetail  []PlanDetail `xml:"PlanDetail"`
}

// PlanDetail is module 4b: one placement the plan names.
type PlanDetail struct {
	URN                         string `xml:"URN,omitempty"`
	UKPRN                       string `xml:"UKPRN,omitempty"`
	SENSetting                  string `xml:"SENsetting,omitempty"`
	SENSettingOther             string `xml:"SENsettingOther,omitempty"`
	PlacementRank               int    `xml:"PlacementRank"`
	SENUnitIndicator            string `xml:"SENunitIndicator"`
	ResourcedProvisionIndicator string `xml:"ResourcedProvisionIndicator"`
}

// ActivePlans is module 5a: a plan active on the reference date, with
// where the child is (5b) and their needs (5c).
type ActivePlans struct {
	TransferLA             string            `xml:"TransferLA,omitempty"`
	ReviewMeeting          string            `xml:"ReviewMeeting,omitempty"`
	ReviewOutcome          string            `xml:"ReviewOutcome,omitempty"`
	ReviewDraft            string            `xml:"ReviewDraft,omitempty"`
	PhaseTransferDueDate   string            `xml:"PhaseTransferDueDate,omitempty"`
	PhaseTransferFinalDate string            `xml:"PhaseTransferFinalDate,omitempty"`
	LastReview             string            `xml:"LastReview,omitempty"`
	PlacementDetail        []PlacementDetail `xml:"PlacementDetail"`
	SENNeed                []SENNeed         `xml:"SENneed"`
}

// PlacementDetail is module 5b.
type PlacementDetail struct {
	PlanDetail
	EntryDate   string `xml:"EntryDate,omitempty"`
	LeavingDate string `xml:"LeavingDate,omitempty"`
	Res         string `xml:"Res,omitempty"`
	WBP         string `xml:"WBP,omitempty"`
}

// SENNeed is module 5c: one need and its rank (1: primary).
type SENNeed struct {
	SENType     string `xml:"SENtype"`
	SENTypeRank int    `xml:"SENtypeRank"`
}

// ReferenceDate is the census day of the January collection after year:
// its third Thursday (16 January 2025; to check against the
// specification each year).
func ReferenceDate(year int) statute.Date {
	d := statute.NewDate(year+1, time.January, 1)
	for d.Weekday() != time.Thursday {
		d = d.AddDays(1)
	}
	return d.AddWeeks(2)
}

// Flag is an indicator as the return writes it.
func Flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// DateItem is a date as the return writes it: empty when not known.
func DateItem(d statute.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}
