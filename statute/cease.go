package statute

import (
	"fmt"
	"strings"
)

// Ceasing a plan (CFA s.45, reg 29-31): only on a ground the law gives,
// after consulting the family and the setting, and with the plan kept
// until the time to appeal has passed (or an appeal is decided).

// CeaseGround is why an authority may stop maintaining a plan; the value
// is the key used in JSON and on the command line.
type CeaseGround string

const (
	CeaseNoLongerNecessary CeaseGround = "no_longer_necessary" // CFA s.45(1)(b)
	CeaseHigherEducation   CeaseGround = "higher_education"    // reg 29(1)(a): started higher education
	CeaseEmployment        CeaseGround = "employment"          // reg 29(1)(b): paid employment, not an apprenticeship (aged 18+)
	CeaseCustody           CeaseGround = "custody"             // reg 29(1)(c): detained, aged 18+
	CeaseAge25             CeaseGround = "age_25"              // CFA s.46: the end of the academic year of the 25th birthday
)

// CeaseGrounds lists every ground, in the order the CLI shows them.
var CeaseGrounds = []CeaseGround{CeaseNoLongerNecessary, CeaseHigherEducation, CeaseEmployment, CeaseCustody, CeaseAge25}

// Regulation cites the ground.
func (g CeaseGround) Regulation() string {
	switch g {
	case CeaseNoLongerNecessary:
		return "CFA s.45(1)(b)"
	case CeaseHigherEducation:
		return "reg 29(1)(a)"
	case CeaseEmployment:
		return "reg 29(1)(b)"
	case CeaseCustody:
		return "reg 29(1)(c)"
	case CeaseAge25:
		return "CFA s.46"
	}
	return ""
}

// Title is the ground in plain English, as the family's letter gives it.
func (g CeaseGround) Title() string {
	switch g {
	case CeaseNoLongerNecessary:
		return "the special educational provision in the plan is no longer needed"
	case CeaseHigherEducation:
		return "the young person has started higher education"
	case CeaseEmployment:
		return "the young person has started paid employment"
	case CeaseCustody:
		return "the young person is detained in custody"
	case CeaseAge25:
		return "the young person has reached the end of the academic year in which they turned 25"
	}
	return string(g)
}

// ParseCeaseGround accepts a ground's name, or names every ground.
func ParseCeaseGround(s string) (CeaseGround, error) {
	for _, g := range CeaseGrounds {
		if string(g) == s {
			return g, nil
		}
	}
	names := make([]string, len(CeaseGrounds))
	for i, g := range CeaseGrounds {
		names[i] = string(g)
	}
	return "", fmt.Errorf("the ground for ceasing %q is not one the law gives (CFA s.45, reg 29); use one of %s", s, strings.Join(names, ", "))
}

// CeasesOn is the first day a plan whose ceasing was notified on notice
// may end: the day after the family's time to appeal, "within 2 months
// after" the notice (HESC Rules r.20(1)(c)), ends: an appeal may be lodged
// on 9 May against a notice of 9 March, so the plan is kept until 10 May
// (reg 31(2)).
func CeasesOn(notice Date) Date { return MonthsBefore(notice, -2).AddDays(1) }
