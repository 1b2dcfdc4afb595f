package sen2

import (
	"strings"
	"testing"
)

// upnWith is the UPN with body (12 characters) and its right check letter.
func upnWith(body string) string {
	sum := 0
	for i, c := range body {
		v := int(c - '0')
		if c > '9' {
			v = strings.IndexRune(upnCheckLetters, c)
		}
		sum += v * (i + 2)
	}
	return string(upnCheckLetters[sum%23]) + body
}

// Each item's check, by the rule it follows.
func TestPersonChecks(t *testing.T) {
	good := upnWith("801200001001")
	temp := upnWith("80120000100A")
	wrongLetter := string(upnCheckLetters[(strings.IndexByte(upnCheckLetters, good[0])+1)%23]) + good[1:]
	for _, c := range []struct {
		name string
		p    Person
		want string // in the error; "" for none
	}{
		{"a UPN with its check letter", Person{UPN: good}, ""},
		{"a temporary UPN, its last character a letter", Person{UPN: temp}, ""},
		{"a UPN whose check letter is wrong", Person{UPN: wrongLetter}, "check letter should be " + good[:1]},
		{"a UPN 12 characters long", Person{UPN: good[:12]}, "12 characters, not 13"},
		{"a UPN with a letter inside", Person{UPN: good[:5] + "X" + good[6:]}, "character 6 must be a digit"},
		{"a ULN with its check digit", Person{ULN: "1234567899"}, ""},
		{"a ULN whose check digit is wrong", Person{ULN: "1234567890"}, "check digit is wrong"},
		{"a ULN starting 0", Person{ULN: "0123456789"}, "not 10 digits starting 1-9"},
		{"sex and ethnicity from their lists", Person{Sex: "F", Ethnicity: "WBRI", PostCode: "SW1A 1AA"}, ""},
		{"a sex not in the list", Person{Sex: "Female"}, `sex "Female" is not one of M, F, U`},
		{"an ethnicity not in the list", Person{Ethnicity: "white"}, `ethnicity "white"`},
		{"a postcode without its space", Person{PostCode: "SW1A1AA"}, "not a UK postcode"},
		{"a reason for no UPN beside a UPN", Person{UPN: good, UPNUnknown: "UN2"}, "give it only when neither is known"},
		{"every problem at once", Person{Sex: "x", PostCode: "x"}, "; postcode"},
	} {
		err := c.p.Check()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v; want %q", c.name, err, c.want)
		}
	}
}
