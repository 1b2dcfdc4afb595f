package register_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/registertest"
	"github.com/ehc-send/ehc/statute"
)

const (
	psych   = statute.AdviceKindPsychological
	medical = statute.AdviceKindMedical
)

// providerRows is every row of the directory, as kind/organisation/email/
// escalation/default strings, in order.
func providerRows(t *testing.T, s *register.Store) []string {
	t.Helper()
	ps, err := s.ListProviders(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, p := range ps {
		row := string(p.Kind) + "|" + p.Organisation + "|" + p.Email + "|" + p.EscalationEmail
		if p.Default {
			row += "|default"
		}
		out = append(out, row)
	}
	return out
}

func providerCount(t *testing.T, s *register.Store) int {
	t.Helper()
	var n int
	if err := s.Pool.QueryRow(context.Background(), "select count(*) from advice_providers").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestProviderAddListDefault(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()

	if _, err := s.DefaultProvider(ctx, psych); !errors.Is(err, register.ErrNoProvider) ||
		!strings.Contains(err.Error(), "no default psychological provider") ||
		!strings.Contains(err.Error(), "ehc providers add --kind psychological") {
		t.Fatalf("empty directory: %v", err)
	}

	ep, err := s.AddProvider(ctx, register.Provider{Kind: psych, Organisation: " EP service ", Email: "ep@la.example.gov.uk",
		EscalationEmail: "ep-lead@la.example.gov.uk", Default: true})
	if err != nil {
		t.Fatal(err)
	}
	if ep.ID == 0 || ep.Organisation != "EP service" {
		t.Errorf("added %+v", ep)
	}
	got, err := s.DefaultProvider(ctx, psych)
	if err != nil || !reflect.DeepEqual(got, ep) {
		t.Errorf("default %+v, %v; want %+v", got, err, ep)
	}

	// A second default of the same kind replaces the first; another kind's
	// default is untouched.
	if _, err := s.AddProvider(ctx, register.Provider{Kind: medical, Organisation: "Paediatrics", Email: "paeds@nhs.example.org", Default: true}); err != nil {
		t.Fatal(err)
	}
	locum, err := s.AddProvider(ctx, register.Provider{Kind: psych, Organisation: "Locum EPs", Email: "locum@example.org", Default: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.DefaultProvider(ctx, psych); err != nil || got.ID != locum.ID {
		t.Errorf("default after switching: %+v, %v", got, err)
	}
	if _, err := s.AddProvider(ctx, register.Provider{Kind: psych, Organisation: "Associate EPs", Email: "assoc@example.org"}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"medical|Paediatrics|paeds@nhs.example.org||default",
		"psychological|Associate EPs|assoc@example.org|",
		"psychological|EP service|ep@la.example.gov.uk|ep-lead@la.example.gov.uk",
		"psychological|Locum EPs|locum@example.org||default",
	}
	if got := providerRows(t, s); !reflect.DeepEqual(got, want) {
		t.Errorf("list\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	only, err := s.ListProviders(ctx, medical)
	if err != nil || len(only) != 1 || only[0].Organisation != "Paediatrics" {
		t.Errorf("list medical: %+v, %v", only, err)
	}
	if _, err := s.ListProviders(ctx, "doctor"); err == nil || !strings.Contains(err.Error(), `unknown advice kind "doctor"`) {
		t.Errorf("list unknown kind: %v", err)
	}
	if none, err := s.ListProviders(ctx, statute.AdviceKindSocialCare); err != nil || none == nil || len(none) != 0 {
		t.Errorf("list of none: %#v, %v", none, err)
	}

	found, err := s.FindProvider(ctx, psych, "EP service")
	if err != nil || found.EscalationEmail != "ep-lead@la.example.gov.uk" {
		t.Errorf("find: %+v, %v", found, err)
	}
	if found, err := s.FindProvider(ctx, psych, " ep SERVICE "); err != nil || found.Organisation != "EP service" {
		t.Errorf("find but for case: %+v, %v", found, err)
	}
	if _, err := s.FindProvider(ctx, medical, "EP service"); !errors.Is(err, register.ErrNoProvider) {
		t.Errorf("find of another kind: %v", err)
	}

	// A duplicate is refused, and does not un-default the current default.
	_, err = s.AddProvider(ctx, register.Provider{Kind: psych, Organisation: "EP service", Email: "other@example.org", Default: true})
	if !errors.Is(err, register.ErrDuplicateProvider) || err.Error() != `a psychological provider named "EP service" already exists` {
		t.Errorf("duplicate: %v", err)
	}
	if got, err := s.DefaultProvider(ctx, psych); err != nil || got.ID != locum.ID {
		t.Errorf("default after refused duplicate: %+v, %v", got, err)
	}
	// The same organisation may give another kind of advice.
	if _, err := s.AddProvider(ctx, register.Provider{Kind: medical, Organisation: "EP service", Email: "ep@la.example.gov.uk"}); err != nil {
		t.Errorf("same organisation, other kind: %v", err)
	}
}

func TestProviderAddValidation(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()
	for _, c := range []struct {
		p    register.Provider
		want string
	}{
		{register.Provider{Kind: "ep", Organisation: "EP", Email: "ep@example.org"}, `unknown advice kind "ep": reg 6(1) kinds are family_views, educational`},
		{register.Provider{Kind: psych, Organisation: " ", Email: "ep@example.org"}, "organisation is missing"},
		{register.Provider{Kind: psych, Organisation: "EP", Email: ""}, "email is missing"},
		{register.Provider{Kind: psych, Organisation: "EP", Email: "EP <ep@example.org>"}, `email "EP <ep@example.org>" is not a bare email address`},
		{register.Provider{Kind: psych, Organisation: "EP", Email: "ep@example.org", EscalationEmail: "lead"}, `escalation_email "lead" is not a bare email address`},
	} {
		if _, err := s.AddProvider(ctx, c.p); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v; want %q", c.p, err, c.want)
		}
	}
	if n := providerCount(t, s); n != 0 {
		t.Errorf("%d rows written", n)
	}
}

// Writers making different providers the default at once leave one.
func TestProviderConcurrentDefaults(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.AddProvider(ctx, register.Provider{Kind: psych, Organisation: "EP " + string(rune('A'+i)),
				Email: "ep@example.org", Default: true})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	var n int
	if err := s.Pool.QueryRow(ctx, "select count(*) from advice_providers where is_default").Scan(&n); err != nil || n != 1 {
		t.Errorf("%d defaults, %v", n, err)
	}
}

const goodCSV = `kind,organisation,email,escalation_email,default
psychological,EP service,ep@la.example.gov.uk,ep-lead@la.example.gov.uk,yes
medical,"Paediatrics, City Hospital",paeds@nhs.example.org,,TRUE
medical,Community nursing,nursing@nhs.example.org,,
social_care,Children's social care,csc@la.example.gov.uk,,no
`

func TestProviderImport(t *testing.T) {
	s := registertest.Store(t)
	ctx := context.Background()
	// One provider is already there, the default of its kind.
	if _, err := s.AddProvider(ctx, register.Provider{Kind: psych, Organisation: "Locum EPs", Email: "locum@example.org", Default: true}); err != nil {
		t.Fatal(err)
	}
	n, err := s.ImportProviders(ctx, strings.NewReader("\ufeff"+goodCSV+",,,,\n"))
	if err != nil || n != 4 {
		t.Fatalf("import: %d, %v", n, err)
	}
	want := []string{
		"medical|Community nursing|nursing@nhs.example.org|",
		"medical|Paediatrics, City Hospital|paeds@nhs.example.org||default",
		"psychological|EP service|ep@la.example.gov.uk|ep-lead@la.example.gov.uk|default",
		"psychological|Locum EPs|locum@example.org|",
		"social_care|Children's social care|csc@la.example.gov.uk|",
	}
	if got := providerRows(t, s); !reflect.DeepEqual(got, want) {
		t.Errorf("after import\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// A corrected file, columns reordered, updates in place: new email,
	// escalation removed, the default moved within medical.
	corrected := `organisation,kind,default,email,escalation_email
EP service,psychological,yes,psychology@la.example.gov.uk,
Community nursing, medical ,yes,nursing@nhs.example.org,lead@nhs.example.org
"Paediatrics, City Hospital",medical,no,paeds@nhs.example.org,
`
	if n, err := s.ImportProviders(ctx, strings.NewReader(corrected)); err != nil || n != 3 {
		t.Fatalf("re-import: %d, %v", n, err)
	}
	want = []string{
		"medical|Community nursing|nursing@nhs.example.org|lead@nhs.example.org|default",
		"medical|Paediatrics, City Hospital|paeds@nhs.example.org|",
		"psychological|EP service|psychology@la.example.gov.uk||default",
		"psychological|Locum EPs|locum@example.org|",
		"social_care|Children's social care|csc@la.example.gov.uk|",
	}
	if got := providerRows(t, s); !reflect.DeepEqual(got, want) {
		t.Errorf("after re-import\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := providerCount(t, s); n != 5 {
		t.Errorf("%d rows after re-import, want 5", n)
	}

	// A header alone imports nothing, and is not an error.
	if n, err := s.ImportProviders(ctx, strings.NewReader("kind,organisation,email,escalation_email,default\n")); err != nil || n != 0 {
		t.Errorf("header only: %d, %v", n, err)
	}
}

func TestProviderImportBadRows(t *testing.T) {
	const header = "kind,organisation,email,escalation_email,default\n"
	const good = "medical,Paediatrics,paeds@nhs.example.org,,yes\n" // line 2
	cases := []struct {
		name, file, want string
	}{
		{"unknown kind", header + good + "ep,EP service,ep@example.org,,\n",
			`line 3: unknown advice kind "ep": reg 6(1) kinds are family_views, educational, sensory_teacher, medical, psychological, social_care, preparing_adulthood, other; nothing was imported`},
		{"bad email", header + good + "psychological,EP service,ep.example.org,,\n",
			`line 3: email "ep.example.org" is not a bare email address (like name@example.org); nothing was imported`},
		{"bad escalation email", header + good + "psychological,EP service,ep@example.org,lead@,\n",
			`line 3: escalation_email "lead@" is not a bare email address (like name@example.org); nothing was imported`},
		{"missing email", header + good + "psychological,EP service,,,\n",
			`line 3: email is missing; nothing was imported`},
		{"missing organisation", header + good + "psychological, ,ep@example.org,,\n",
			`line 3: organisation is missing; nothing was imported`},
		{"too few columns", header + good + "psychological,EP service,ep@example.org\n",
			`line 3: 3 columns, want 5 (kind,organisation,email,escalation_email,default); nothing was imported`},
		{"too many columns", header + good + "psychological,EP service,ep@example.org,,,extra\n",
			`line 3: 6 columns, want 5 (kind,organisation,email,escalation_email,default); nothing was imported`},
		{"bad default", header + good + "psychological,EP service,ep@example.org,,maybe\n",
			`line 3: default "maybe" must be true, false, yes, no or empty; nothing was imported`},
		{"duplicate in the file", header + good + "psychological,EP service,ep@example.org,,\npsychological,EP service,ep2@example.org,,\n",
			`line 4: the psychological provider "EP service" is already on line 3; nothing was imported`},
		{"two defaults", header + good + "psychological,EP service,ep@example.org,,\nmedical,Community nursing,nursing@nhs.example.org,,true\n",
			`line 4: "Community nursing" is a second default medical provider: line 2 makes "Paediatrics" the default, and a kind has one; nothing was imported`},
		{"quoted field over two lines", header + "psychological,\"EP\nservice\",ep@example.org,,\nmedical,X,x,,\n",
			"2 rows have problems; nothing was imported:\n" +
				`  line 2: organisation "EP\nservice" has a control character` + "\n" +
				`  line 4: email "x" is not a bare email address (like name@example.org)`},
		{"bad quoting", header + good + "psychological,EP \"service\",ep@example.org,,\n",
			`line 3: not valid CSV: bare " in non-quoted-field; nothing was imported`},
		{"several", header + "ep,A,a@example.org,,\n" + good + "psychological,,b@example.org,,\n",
			"2 rows have problems; nothing was imported:\n" +
				`  line 2: unknown advice kind "ep": reg 6(1) kinds are family_views, educational, sensory_teacher, medical, psychological, social_care, preparing_adulthood, other` + "\n" +
				"  line 4: organisation is missing"},
		{"empty file", "", "the file is empty: want a header line kind,organisation,email,escalation_email,default; nothing was imported"},
		{"wrong header", "kind,name,email\n" + good,
			`line 1: the header must be kind,organisation,email,escalation_email,default; missing organisation, escalation_email, default; unknown "name"; nothing was imported`},
		{"header twice", "kind,kind,organisation,email,escalation_email,default\n",
			`line 1: the header names column "kind" twice: want kind,organisation,email,escalation_email,default; nothing was imported`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := registertest.Store(t)
			ctx := context.Background()
			// What is already there must survive a bad file untouched.
			if _, err := s.AddProvider(ctx, register.Provider{Kind: medical, Organisation: "Community nursing", Email: "old@nhs.example.org", Default: true}); err != nil {
				t.Fatal(err)
			}
			before := providerRows(t, s)
			n, err := s.ImportProviders(ctx, strings.NewReader(c.file))
			if err == nil || err.Error() != c.want || n != 0 {
				t.Errorf("got %d, %v\nwant error %s", n, err, c.want)
			}
			if got := providerRows(t, s); !reflect.DeepEqual(got, before) || providerCount(t, s) != 1 {
				t.Errorf("a bad file wrote rows:\n%s", strings.Join(got, "\n"))
			}
		})
	}
}
