package commands

import (
	"flag"
	"strings"

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
