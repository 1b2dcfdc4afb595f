package statute

import (
	"fmt"
	"strings"
)

// AdviceKind is one of the kinds of advice the LA must seek (reg 6(1)).
type AdviceKind string

const (
	AdviceKindFamilyViews        AdviceKind = "family_views"        // reg 6(1)(a)
	AdviceKindEducational        AdviceKind = "educational"         // reg 6(1)(b)
	AdviceKindSensoryTeacher     AdviceKind = "sensory_teacher"     // reg 6(1)(b), 6(2)-(3): hearing/vision
	AdviceKindMedical            AdviceKind = "medical"             // reg 6(1)(c)
	AdviceKindPsychological      AdviceKind = "psychological"       // reg 6(1)(d)
	AdviceKindSocialCare         AdviceKind = "social_care"         // reg 6(1)(e)
	AdviceKindOther              AdviceKind = "other"               // reg 6(1)(f), (h)
	AdviceKindPreparingAdulthood AdviceKind = "preparing_adulthood" // reg 6(1)(g): year 9 and above
)

// AdviceKinds lists every kind in the order reg 6(1) gives them.
var AdviceKinds = []AdviceKind{
	AdviceKindFamilyViews, AdviceKindEducational, AdviceKindSensoryTeacher,
	AdviceKindMedical, AdviceKindPsychological, AdviceKindSocialCare,
	AdviceKindPreparingAdulthood, AdviceKindOther,
}

// ParseAdviceKind accepts a kind's name and names them all when it does not.
func ParseAdviceKind(s string) (AdviceKind, error) {
	for _, k := range AdviceKinds {
		if string(k) == s {
			return k, nil
		}
	}
	names := make([]string, len(AdviceKinds))
	for i, k := range AdviceKinds {
		names[i] = string(k)
	}
	return "", fmt.Errorf("unknown advice kind %q: reg 6(1) kinds are %s", s, strings.Join(names, ", "))
}

// Title is the kind in plain English.
func (k AdviceKind) Title() string {
	switch k {
	case AdviceKindFamilyViews:
		return "your views and your child's views"
	case AdviceKindEducational:
		return "educational advice"
	case AdviceKindSensoryTeacher:
		return "advice from a specialist teacher of hearing or vision impairment"
	case AdviceKindMedical:
		return "medical advice"
	case AdviceKindPsychological:
		return "psychological advice"
	case AdviceKindSocialCare:
		return "social care advice"
	case AdviceKindPreparingAdulthood:
		return "preparing-for-adulthood advice"
	case AdviceKindOther:
		return "other advice"
	}
	return string(k)
}
