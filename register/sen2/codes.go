package sen2

import "fmt"

// The return's codes the product can give from what it already records.
// Each follows ../shared/sen2.md, to check against the specification.

// Request sources (module 2, RequestSource, mandatory from 2026).
const (
	SourceFamily     = "1" // the young person or a parent
	SourceSchool     = "2" // a school or education setting
	SourceHealth     = "3"
	SourceSocialCare = "4"
	SourceOther      = "5"
)

// RequestSource is the code for who made a request, as ehc start records
// it (parent, young_person, school, other). A request from health or
// social care is recorded as "other" today, so it comes out as 5.
func RequestSource(requester string) (string, error) {
	switch requester {
	case "parent", "young_person":
		return SourceFamily, nil
	case "school":
		return SourceSchool, nil
	case "other":
		return SourceOther, nil
	}
	return "", fmt.Errorf("requester %q has no SEN2 request source", requester)
}

// Ceasing reasons (module 4a, CeaseReason).
const (
	CeaseMaximumAge      = "1"
	CeaseNeedsMet        = "2"
	CeaseHigherEducation = "3"
	CeaseEmployment      = "4"
	CeaseTransferredLA   = "5"
	CeaseOther           = "9"
)

// CeaseReason is the code for why a plan ended: the ground of a ceasing
// (CFA s.45, reg 29) or a transfer to another authority (reg 15). Custody
// has no code of its own: 9, other.
func CeaseReason(ground string, transferredOut bool) (string, error) {
	if transferredOut {
		return CeaseTransferredLA, nil
	}
	switch ground {
	case "age_25":
		return CeaseMaximumAge, nil
	case "no_longer_necessary":
		return CeaseNeedsMet, nil
	case "higher_education":
		return CeaseHigherEducation, nil
	case "employment":
		return CeaseEmployment, nil
	case "custody":
		return CeaseOther, nil
	}
	return "", fmt.Errorf("ceasing ground %q has no SEN2 ceasing reason", ground)
}
