package commands

import (
	"flag"
	"strings"
	"unicode/utf8"

	"github.com/ehc-send/ehc/register/sen2"
)

// sen2Flags are the child's details the DfE's SEN2 return asks for, as
// typed: each optional when the request is first recorded.
type sen2Flags struct {
	upn, uln, upnUnknown, sex, ethnicity, postcode string
}

func (f *sen2Flags) flags(fs *flag.FlagSet) {
	fs.StringVar(&f.upn, "upn", "", "the child's Unique Pupil Number, 13 characters (for SEN2)")
	fs.StringVar(&f.uln, "uln", "", "the young person's Unique Learner Number, 10 digits (for SEN2)")
	fs.StringVar(&f.upnUnknown, "upn-unknown", "", "why there is neither a UPN nor a ULN, UN1 to UN10 (for SEN2)")
	fs.StringVar(&f.sex, "sex", "", "M, F or U (for SEN2)")
	fs.StringVar(&f.ethnicity, "ethnicity", "", "the DfE's ethnicity code, e.g. WBRI (for SEN2)")
	fs.StringVar(&f.postcode, "postcode", "", "the child's home postcode (for SEN2)")
}

// person checks the details and gives them in the return's form: codes
// and postcode upper case, the postcode's space where it belongs.
func (f sen2Flags) person() (sen2.Person, error) {
	up := func(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
	p := sen2.Person{UPN: up(f.upn), ULN: strings.TrimSpace(f.uln), UPNUnknown: up(f.upnUnknown), Sex: up(f.sex),
		Ethnicity: up(f.ethnicity), PostCode: postcodeOf(f.postcode)}
	if err := p.Check(); err != nil {
		return sen2.Person{}, usagef("%s", strings.NewReplacer("upn-unknown ", "--upn-unknown ", "upn ", "--upn ", "uln ", "--uln ",
			"sex ", "--sex ", "ethnicity ", "--ethnicity ", "postcode ", "--postcode ").Replace(err.Error()))
	}
	return p, nil
}

// postcodeOf is a postcode as typed, upper case with one space before its
// last three characters.
func postcodeOf(s string) string {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if len(s) < 5 {
		return s
	}
	return s[:len(s)-3] + " " + s[len(s)-3:]
}

// sen2PlanFlags are what the return asks of a plan, as typed: its needs,
// placements and personal budget.
type sen2PlanFlags struct {
	needs, residential, requestReceived string
	ceaseReason, transferLA             string
	placements                          []string
	pb, oa, dp, wbp                     bool
}

func (f *sen2PlanFlags) flags(fs *flag.FlagSet) {
	fs.StringVar(&f.needs, "needs", "", "for SEN2: the plan's `needs`, primary first, comma-separated: "+strings.Join(sen2.SENTypes, ", "))
	fs.Func("placement", "for SEN2: a `placement` the plan names, e.g. urn=123456,rank=1[,unit][,resourced][,entry=D][,leaving=D], or setting=EHE; repeat for each", func(s string) error {
		f.placements = append(f.placements, s)
		return nil
	})
	fs.BoolVar(&f.pb, "personal-budget", false, "for SEN2: the family took up a personal budget")
	fs.BoolVar(&f.oa, "organised-arrangements", false, "for SEN2: the personal budget is held as organised arrangements")
	fs.BoolVar(&f.dp, "direct-payments", false, "for SEN2: the personal budget is paid as direct payments")
	fs.StringVar(&f.residential, "plan-res", "", "for SEN2: a residential placement, A up to 38 weeks or B 39 to 52")
	fs.BoolVar(&f.wbp, "work-based", false, "for SEN2: the plan includes work-based learning")
	fs.StringVar(&f.ceaseReason, "cease-reason", "", "for SEN2: the DfE's `reason` 1-9 the plan ceased, where the product's ground does not give it (6 no longer engaging, 7 left England, 8 deceased)")
	fs.StringVar(&f.transferLA, "transfer-la", "", "for SEN2: the three-digit `code` of the authority the plan was transferred in from")
	fs.StringVar(&f.requestReceived, "request-received", "", "for SEN2: the `date` the request that led to the plan was received, when the product did not assess it")
}

// plan checks the flags and gives the plan's SEN2 details.
func (f sen2PlanFlags) plan() (sen2.Plan, error) {
	if n := utf8.RuneCountInString(f.needs); n > sen2.MaxNeedsText {
		return sen2.Plan{}, usagef("--needs is %d characters: at most %d", n, sen2.MaxNeedsText)
	}
	if len(f.placements) > sen2.MaxPlacements {
		return sen2.Plan{}, usagef("%d placements: at most %d", len(f.placements), sen2.MaxPlacements)
	}
	p := sen2.Plan{Needs: sen2.ParseNeeds(f.needs), PersonalBudget: f.pb, OrganisedArrangements: f.oa, DirectPayments: f.dp,
		Residential: strings.ToUpper(strings.TrimSpace(f.residential)), WorkBased: f.wbp,
		CeaseReason: strings.TrimSpace(f.ceaseReason), TransferLA: strings.TrimSpace(f.transferLA)}
	if f.requestReceived != "" {
		d, err := parseDateFlag("request-received", f.requestReceived)
		if err != nil {
			return sen2.Plan{}, err
		}
		p.RequestReceived = d
	}
	for _, s := range f.placements {
		pl, err := sen2.ParsePlacement(s)
		if err != nil {
			return sen2.Plan{}, usagef("--%v", err)
		}
		p.Placements = append(p.Placements, pl)
	}
	if err := p.Check(); err != nil {
		return sen2.Plan{}, usagef("%s", strings.NewReplacer("need ", "--needs ", "plan-res ", "--plan-res ", "placement ", "--placement ",
			"cease-reason ", "--cease-reason ", "transfer-la ", "--transfer-la ").Replace(err.Error()))
	}
	return p, nil
}
