package commands

import (
	"strings"
	"testing"
)

// The SEN2 details as typed: tidied into the return's form, or refused
// naming the flag.
func TestSEN2Flags(t *testing.T) {
	p, err := sen2Flags{sex: "f", ethnicity: "wbri", postcode: "sw1a1aa", uln: "1234567899"}.person()
	if err != nil || p.Sex != "F" || p.Ethnicity != "WBRI" || p.PostCode != "SW1A 1AA" || p.ULN != "1234567899" {
		t.Errorf("person %+v, %v; want F, WBRI, SW1A 1AA and the ULN", p, err)
	}
	for _, c := range []struct {
		f    sen2Flags
		want string
	}{
		{sen2Flags{sex: "female"}, `--sex "FEMALE" is not one of M, F, U`},
		{sen2Flags{upn: "A12"}, "--upn \"A12\" has 3 characters"},
		{sen2Flags{upn: "", uln: "1234567899", upnUnknown: "UN1"}, "--upn-unknown is the reason"},
		{sen2Flags{postcode: "not a postcode"}, "--postcode"},
	} {
		if _, err := c.f.person(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v; want %q", c.f, err, c.want)
		}
	}
}
