// Package sen2 is the DfE's SEN2 person-level return as the product keeps
// it: the items a caseworker records about a child that the return needs
// and the product's limits do not, their code lists and their checks.
// The authority is the DfE's "Special educational needs person level
// survey: technical specification" (2025 guide, v1.4) and its validation
// rules; where this package follows ../shared/sen2.md rather than the
// specification itself, the item says "to check against the specification".
package sen2

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Person is module 1's items the product records with the child's other
// details (special-category data: the register's case_people and the
// workflow's encrypted input only).
type Person struct {
	UPN        string `json:"upn,omitzero"`         // Unique Pupil Number, 13 characters
	ULN        string `json:"uln,omitzero"`         // Unique Learner Number, 10 digits (post-16)
	UPNUnknown string `json:"upn_unknown,omitzero"` // why there is neither: UN1-UN10
	Sex        string `json:"sex,omitzero"`         // M, F or U
	Ethnicity  string `json:"ethnicity,omitzero"`   // the DfE's main ethnicity codes
	PostCode   string `json:"postcode,omitzero"`
}

// Sexes are the codes for Sex (to check against the specification).
var Sexes = []string{"M", "F", "U"}

// Ethnicities are the DfE's main ethnicity codes (to check against the
// specification, which also allows extended codes).
var Ethnicities = []string{
	"WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN", "AOTH",
	"BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
}

// UPNUnknownReasons are the reasons a child has no UPN (to check against
// the specification).
var UPNUnknownReasons = []string{"UN1", "UN2", "UN3", "UN4", "UN5", "UN6", "UN7", "UN8", "UN9", "UN10"}

// Check names every item of p that is not as the return needs it. An empty
// item passes: what is missing is the return's check (Validate), not the
// caseworker's when they first record a request.
func (p Person) Check() error {
	var errs []string
	if p.UPN != "" {
		if err := CheckUPN(p.UPN); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if p.ULN != "" {
		if err := CheckULN(p.ULN); err != nil {
			errs = append(errs, err.Error())
		}
	}
	for _, c := range []struct {
		item, v string
		codes   []string
	}{{"upn-unknown", p.UPNUnknown, UPNUnknownReasons}, {"sex", p.Sex, Sexes}, {"ethnicity", p.Ethnicity, Ethnicities}} {
		if c.v != "" && !slices.Contains(c.codes, c.v) {
			errs = append(errs, fmt.Sprintf("%s %q is not one of %s", c.item, c.v, strings.Join(c.codes, ", ")))
		}
	}
	if p.PostCode != "" && !postcode.MatchString(p.PostCode) {
		errs = append(errs, fmt.Sprintf("postcode %q is not a UK postcode (e.g. SW1A 1AA)", p.PostCode))
	}
	if p.UPNUnknown != "" && (p.UPN != "" || p.ULN != "") {
		errs = append(errs, "upn-unknown is the reason there is no UPN or ULN: give it only when neither is known")
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

// postcode is a UK postcode's form, upper case, with its space.
var postcode = regexp.MustCompile(`^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$`)

// upnCheckLetters index the UPN's check letter: A to Z without I, O and S.
const upnCheckLetters = "ABCDEFGHJKLMNPQRTUVWXYZ"

// CheckUPN checks a UPN's form and check letter: a check letter, 11
// digits, then a digit or (a temporary UPN) a letter; the check letter is
// the sum of characters 2-13 weighted 2 to 13, modulo 23 (a letter in
// position 13 counts as its place in upnCheckLetters).
func CheckUPN(upn string) error {
	if len(upn) != 13 {
		return fmt.Errorf("upn %q has %d characters, not 13", upn, len(upn))
	}
	sum := 0
	for i := 1; i < 13; i++ {
		c := upn[i]
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case i == 12 && strings.IndexByte(upnCheckLetters, c) >= 0:
			v = strings.IndexByte(upnCheckLetters, c)
		default:
			return fmt.Errorf("upn %q: character %d must be a digit%s", upn, i+1, map[bool]string{true: " or a check letter"}[i == 12])
		}
		sum += v * (i + 1)
	}
	if want := upnCheckLetters[sum%23]; upn[0] != want {
		return fmt.Errorf("upn %q: its check letter should be %c", upn, want)
	}
	return nil
}

// CheckULN checks a ULN's form and check digit: 10 digits, the first not
// 0, the tenth 10 minus the sum of the first nine weighted 10 down to 2,
// modulo 11 (to check against the specification).
func CheckULN(uln string) error {
	if len(uln) != 10 || strings.Trim(uln, "0123456789") != "" || uln[0] == '0' {
		return fmt.Errorf("uln %q is not 10 digits starting 1-9", uln)
	}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(uln[i]-'0') * (10 - i)
	}
	check := 10 - sum%11
	if check == 10 || int(uln[9]-'0') != check {
		return fmt.Errorf("uln %q: its check digit is wrong", uln)
	}
	return nil
}
