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
// it (parent, young_person, school, health, social_care, other).
func RequestSource(requester string) (string, error) {
	switch requester {
	case "parent", "young_person":
		return SourceFamily, nil
	case "school":
		return SourceSchool, nil
	case "health":
		return SourceHealth, nil
	case "social_care":
		return SourceSocialCare, nil
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

// CeaseReasons are the return's ceasing reasons, 1 to 9 (sen2.md).
var CeaseReasons = []string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}

// CheckLA checks an authority's three-digit code.
func CheckLA(code string) error {
	if !laCode.MatchString(code) {
		return fmt.Errorf("la %q is not an authority's three-digit code (e.g. 931)", code)
	}
	return nil
}

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

// Request outcomes (module 2, RequestOutcome), to check against the
// specification.
const (
	RequestAssess    = "A" // the decision to assess (reg 5)
	RequestNotAssess = "H" // the decision not to assess (reg 5(1))
	RequestWithdrawn = "W" // withdrawn or ended before the decision
)

// Assessment outcomes (module 3, AssessmentOutcome), to check against the
// specification.
const (
	AssessmentIssue    = "Y" // the decision to issue a plan (reg 10)
	AssessmentNotIssue = "N" // the decision not to issue (reg 10(1))
	AssessmentEnded    = "W" // withdrawn or ended before the decision
)

// Review outcomes (module 5a, ReviewOutcome): the annual review's decision
// (reg 20(10)), to check against the specification.
const (
	ReviewMaintain = "M" // keep the plan as it is
	ReviewAmend    = "A" // amend it
	ReviewCease    = "C" // cease it
)

// ReviewOutcome is the code for a review's decision as the plan records it.
func ReviewOutcome(outcome string) (string, error) {
	switch outcome {
	case "maintain":
		return ReviewMaintain, nil
	case "amend":
		return ReviewAmend, nil
	case "cease":
		return ReviewCease, nil
	}
	return "", fmt.Errorf("review outcome %q has no SEN2 code", outcome)
}
