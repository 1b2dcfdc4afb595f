package register_test

import (
	"strings"
	"testing"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// The directory's limits are the workflow's, so a provider it holds is
// never refused when a case asks it for advice.
func TestProviderBoundsAreTheWorkflows(t *testing.T) {
	if register.MaxOrganisation != assessment.MaxProviderName {
		t.Errorf("MaxOrganisation %d, assessment.MaxProviderName %d", register.MaxOrganisation, assessment.MaxProviderName)
	}
	if register.MaxEmailForTest != letters.MaxEmail {
		t.Errorf("the register's email limit %d, letters.MaxEmail %d", register.MaxEmailForTest, letters.MaxEmail)
	}
}

func TestProviderImportBounds(t *testing.T) {
	const header = "kind,organisation,email,escalation_email,default\n"
	for _, c := range []struct{ name, row, want string }{
		{"long organisation", "medical," + strings.Repeat("x", 10000) + ",paeds@nhs.example.org,,\n",
			"line 2: organisation is 10000 characters; the limit is 200; nothing was imported"},
		{"a@b", "medical,Paediatrics,a@b,,\n",
			`line 2: email "a@b" has no real domain: want a dot in the domain and a top-level domain of 2 or more letters, like name@example.org; nothing was imported`},
		{"long email", "medical,Paediatrics," + strings.Repeat("e", 300) + "@example.org,,\n",
			"line 2: email is 312 characters; the limit is 254; nothing was imported"},
		{"escalation a@b", "medical,Paediatrics,paeds@nhs.example.org,lead@nhs,\n",
			`line 2: escalation_email "lead@nhs" has no real domain: want a dot in the domain and a top-level domain of 2 or more letters, like name@example.org; nothing was imported`},
		{"C1 control", "medical,Paeds\u0085service,paeds@nhs.example.org,,\n",
			`line 2: organisation "Paeds\u0085service" has a control character; nothing was imported`},
		{"within bounds", "medical," + strings.Repeat("x", 200) + ",paeds@nhs.example.org,,\n", ""},
	} {
		_, err := register.ReadProvidersForTest(strings.NewReader(header + c.row))
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}

// FuzzProviderBounds: the directory takes a provider exactly when the
// workflow would take its name and address, so what the CSV import lets
// in, request-advice never refuses.
func FuzzProviderBounds(f *testing.F) {
	f.Add("Community paediatrics", "paeds@nhs.example.org")
	f.Add(strings.Repeat("x", 10000), "a@b")
	f.Add("EP\nservice", "ep@la.example.gov.uk")
	f.Add("EP\u2028service", "ep@xn--p1ai.xn--p1ai")
	f.Fuzz(func(t *testing.T, organisation, email string) {
		p := register.Provider{Kind: "medical", Organisation: organisation, Email: email}
		err := register.NormaliseProvider(&p)
		org, addr := strings.TrimSpace(organisation), strings.TrimSpace(email)
		want := org != "" && assessment.CheckProviderName("the adviser's name", org) == nil && letters.CheckEmail(addr) == nil
		if (err == nil) != want {
			t.Errorf("organisation %q, email %q: the directory says %v; the workflow would accept: %v", organisation, email, err, want)
		}
	})
}
