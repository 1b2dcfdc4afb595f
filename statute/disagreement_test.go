package statute

import "testing"

// Each date rule of disagreement, by its regulation.
func TestDisagreementDates(t *testing.T) {
	d := func(s string) Date {
		v, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cert, err := MediationCertificateBy(d("2026-04-02"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		rule string
		got  Date
		want string
	}{
		{"reg 33: the mediation adviser within 2 months of the notice", RightsAfter(d("2026-03-09"), Date{}).MediationAdvice, "2026-05-09"},
		{"r.20(1)(c): appeal within 2 months of the notice", RightsAfter(d("2026-03-09"), Date{}).AppealBy, "2026-05-09"},
		{"r.20(1)(c): or 1 month from a later certificate", RightsAfter(d("2026-03-09"), d("2026-04-20")).AppealBy, "2026-05-20"},
		{"r.20(1)(c): a certificate that ends sooner changes nothing", RightsAfter(d("2026-03-09"), d("2026-03-20")).AppealBy, "2026-05-09"},
		{"r.20(1)(c): 2 months from 31 December end on 28 February", RightsAfter(d("2026-12-31"), Date{}).AppealBy, "2027-02-28"},
		{"reg 34: 3 working days, Good Friday and Easter Monday left out", cert, "2026-04-09"},
		{"reg 37: mediation within 30 days", MediationHeldBy30(d("2026-04-20")), "2026-05-20"},
		{"reg 42: an agreed action within 2 weeks", AgreementActionBy(d("2026-05-20")), "2026-06-03"},
	} {
		if c.got.String() != c.want {
			t.Errorf("%s: %s, want %s", c.rule, c.got, c.want)
		}
	}
	if _, err := MediationCertificateBy(d("2035-01-02")); err == nil {
		t.Error("a certificate in a year whose bank holidays are not held was given a date")
	}
	if _, err := OrderTimetable("reinstate", d("2026-03-02")); err == nil {
		t.Error("an unknown order has a timetable")
	}
}
