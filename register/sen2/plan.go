package sen2

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ehc-send/ehc/statute"
)

// Plan is what the return asks about a child's plan that its limits do
// not: the needs it meets (module 5c), the placements it names (4b, 5b)
// and how its provision is paid for (4a). The needs are health details,
// so Plan is special-category data, kept with the child's other details.
type Plan struct {
	// Needs are SENtype codes ranked by the order given: the primary need
	// first (SENtypeRank 1), then any secondary.
	Needs      []string    `json:"needs,omitempty"`
	Placements []Placement `json:"placements,omitempty"`
	// PB: a personal budget taken up (reg 4-6 of the Personal Budgets
	// Regulations 2014); OA and DP: how it is held.
	PersonalBudget        bool `json:"pb,omitzero"`
	OrganisedArrangements bool `json:"oa,omitzero"`
	DirectPayments        bool `json:"dp,omitzero"`
	// Residential is PlanRes: A up to 38 weeks, B 39 to 52 (from 2026).
	Residential string `json:"res,omitzero"`
	WorkBased   bool   `json:"wbp,omitzero"` // PlanWBP: work-based learning
	// CeaseReason is the DfE's reason a plan ceased (CeaseReason, 1-9),
	// where the product's own ground does not give it (6 no longer engaging,
	// 7 left England, 8 deceased) or the plan ended before it was used.
	CeaseReason string `json:"cease_reason,omitzero"`
	// TransferLA is the three-digit code of the authority a plan was
	// transferred in from (reg 15): the product records only the date.
	TransferLA string `json:"transfer_la,omitzero"`
	// RequestReceived is the request's date for a plan entered without
	// its assessment: module 2's ReceivedDate, which nothing else holds.
	RequestReceived statute.Date `json:"request_received,omitzero"`
}

// IsZero reports whether nothing of the plan's is recorded.
func (p Plan) IsZero() bool {
	return len(p.Needs) == 0 && len(p.Placements) == 0 && !p.PersonalBudget && !p.OrganisedArrangements &&
		!p.DirectPayments && p.Residential == "" && !p.WorkBased && p.RequestReceived.IsZero() && p.CeaseReason == "" && p.TransferLA == ""
}

// Placement is one setting a plan names (4b) and the child attends (5b).
// It is named by exactly one of URN, UKPRN or Setting.
type Placement struct {
	URN          string       `json:"urn,omitzero"`   // the establishment's URN (GIAS), 6 digits
	UKPRN        string       `json:"ukprn,omitzero"` // a provider's UKPRN, 8 digits starting 1
	Setting      string       `json:"setting,omitzero"`
	SettingOther string       `json:"setting_other,omitzero"` // what OTH means, in a few words
	Rank         int          `json:"rank"`                   // 1: the main placement
	Unit         bool         `json:"unit,omitzero"`          // SENunitIndicator
	Resourced    bool         `json:"resourced,omitzero"`     // ResourcedProvisionIndicator
	Entry        statute.Date `json:"entry,omitzero"`
	Leaving      statute.Date `json:"leaving,omitzero"`
}

// SENTypes are the codes for a need (SENtype; sen2.md, to check against
// the specification).
var SENTypes = []string{"SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "DS", "OTH"}

// Settings are the SENsetting codes for a placement with no URN or UKPRN
// (sen2.md, to check against the specification).
var Settings = []string{"OLA", "OPA", "EHE", "EYP", "OTH", "NEET", "NIEC", "NIEO"}

// Residentials are PlanRes's codes (sen2.md: from 2026).
var Residentials = []string{"A", "B"}

// Bounds of what a caseworker may record.
const (
	MaxPlacements    = 6
	MaxSettingOther  = 100
	MaxPlacementText = 200 // a placement as typed
	MaxNeedsText     = 100 // the needs as typed
	placementsPhrase = "urn=NNNNNN, ukprn=NNNNNNNN or setting=CODE"
)

var (
	laCode    = regexp.MustCompile(`^[0-9]{3}$`)
	urnForm   = regexp.MustCompile(`^[0-9]{6}$`)
	ukprnForm = regexp.MustCompile(`^1[0-9]{7}$`)
)

// Check names every item of p that is not as the return needs it. As with
// Person, an item not given passes: what must be there is Validate's.
func (p Plan) Check() error {
	var errs []string
	add := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	for i, n := range p.Needs {
		if !slices.Contains(SENTypes, n) {
			add("need %q is not one of %s", n, strings.Join(SENTypes, ", "))
		} else if slices.Index(p.Needs, n) != i {
			add("need %s is given twice", n)
		}
	}
	if p.Residential != "" && !slices.Contains(Residentials, p.Residential) {
		add("plan-res %q is not A (up to 38 weeks) or B (39 to 52)", p.Residential)
	}
	if p.CeaseReason != "" && !slices.Contains(CeaseReasons, p.CeaseReason) {
		add("cease-reason %q is not one of 1 to 9", p.CeaseReason)
	}
	if p.TransferLA != "" && !laCode.MatchString(p.TransferLA) {
		add("transfer-la %q is not an authority's three-digit code", p.TransferLA)
	}
	if (p.OrganisedArrangements || p.DirectPayments) && !p.PersonalBudget {
		add("organised arrangements and direct payments are how a personal budget is held: record the personal budget too")
	}
	if len(p.Placements) > MaxPlacements {
		add("%d placements: at most %d", len(p.Placements), MaxPlacements)
	}
	ranks := map[int]bool{}
	for i, pl := range p.Placements {
		if err := pl.Check(); err != nil {
			add("placement %d: %v", i+1, err)
		}
		if ranks[pl.Rank] {
			add("placement %d: rank %d is given twice", i+1, pl.Rank)
		}
		ranks[pl.Rank] = true
	}
	if len(p.Placements) > 0 && !ranks[1] {
		add("no placement has rank 1 (the main placement)")
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

// Check names what is wrong with one placement.
func (pl Placement) Check() error {
	var errs []string
	add := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	named := 0
	for _, v := range []string{pl.URN, pl.UKPRN, pl.Setting} {
		if v != "" {
			named++
		}
	}
	switch {
	case named != 1:
		add("give exactly one of %s", placementsPhrase)
	case pl.URN != "" && !urnForm.MatchString(pl.URN):
		add("urn %q is not 6 digits", pl.URN)
	case pl.UKPRN != "" && !ukprnForm.MatchString(pl.UKPRN):
		add("ukprn %q is not 8 digits starting 1", pl.UKPRN)
	case pl.Setting != "" && !slices.Contains(Settings, pl.Setting):
		add("setting %q is not one of %s", pl.Setting, strings.Join(Settings, ", "))
	}
	if pl.Setting == "OTH" && strings.TrimSpace(pl.SettingOther) == "" {
		add("setting OTH needs setting-other: what kind of setting, in a few words")
	}
	if n := utf8.RuneCountInString(pl.SettingOther); n > MaxSettingOther {
		add("setting-other is %d characters: at most %d", n, MaxSettingOther)
	}
	if pl.SettingOther != "" && pl.Setting != "OTH" {
		add("setting-other describes setting OTH only")
	}
	if pl.Rank < 1 || pl.Rank > MaxPlacements {
		add("rank %d: want 1 (the main placement) to %d", pl.Rank, MaxPlacements)
	}
	if !pl.Entry.IsZero() && !pl.Leaving.IsZero() && pl.Leaving.Before(pl.Entry) {
		add("leaving %s is before entry %s", pl.Leaving, pl.Entry)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

// ParsePlacement reads a placement as a caseworker types it: comma-
// separated key=value pairs and flags, e.g.
// "urn=123456,rank=1,unit,entry=2025-09-03" or "setting=EHE". Rank
// defaults to 1.
func ParsePlacement(s string) (Placement, error) {
	pl := Placement{Rank: 1}
	if strings.TrimSpace(s) == "" {
		return pl, fmt.Errorf("placement is empty: give %s", placementsPhrase)
	}
	if n := utf8.RuneCountInString(s); n > MaxPlacementText {
		return Placement{}, fmt.Errorf("placement is %d characters: at most %d", n, MaxPlacementText)
	}
	for _, part := range strings.Split(s, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		var err error
		switch k {
		case "urn":
			pl.URN = v
		case "ukprn":
			pl.UKPRN = v
		case "setting":
			pl.Setting = strings.ToUpper(v)
		case "setting-other":
			pl.SettingOther = v
		case "rank":
			if _, err = fmt.Sscanf(v, "%d", &pl.Rank); err != nil || fmt.Sprint(pl.Rank) != v {
				err = fmt.Errorf("rank %q is not a whole number", v)
			}
		case "unit", "resourced":
			var on bool
			switch strings.ToLower(v) {
			case "", "yes", "y", "true", "1":
				on = true
			case "no", "n", "false", "0":
			default:
				err = fmt.Errorf("%s=%q: give %s alone, or %s=yes or %s=no", k, v, k, k, k)
			}
			if k == "unit" {
				pl.Unit = on
			} else {
				pl.Resourced = on
			}
		case "entry", "leaving":
			var d statute.Date
			if d, err = statute.ParseDate(v); err != nil {
				err = fmt.Errorf("%s %q is not a date (YYYY-MM-DD)", k, v)
			} else if k == "entry" {
				pl.Entry = d
			} else {
				pl.Leaving = d
			}
		default:
			err = fmt.Errorf("%q is not urn, ukprn, setting, setting-other, rank, unit, resourced, entry or leaving", k)
		}
		if err != nil {
			return Placement{}, fmt.Errorf("placement %q: %w", s, err)
		}
	}
	if err := pl.Check(); err != nil {
		return Placement{}, fmt.Errorf("placement %q: %w", s, err)
	}
	return pl, nil
}

// ParseNeeds reads needs as typed: codes separated by commas, primary
// first ("ASD,SLCN").
func ParseNeeds(s string) []string {
	var out []string
	for _, n := range strings.Split(s, ",") {
		if n = strings.ToUpper(strings.TrimSpace(n)); n != "" {
			out = append(out, n)
		}
	}
	return out
}
