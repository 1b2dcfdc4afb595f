package commands

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/registertest"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// useProviderDirectory points env's register at a fresh register
// for t, and returns the register for the test's own use. Each command
// connects afresh and closes its connection, as it does against the real
// register.
func useProviderDirectory(t *testing.T, env *Env) *register.Store {
	t.Helper()
	url := registertest.URL(t)
	st, err := register.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	env.OpenRegister = func(ctx context.Context, _ config.Config) (*register.Store, error) {
		return register.Connect(ctx, url)
	}
	return st
}

// failRegister makes the register unreachable.
func failRegister(env *Env, err error) {
	env.OpenRegister = func(context.Context, config.Config) (*register.Store, error) { return nil, err }
}

func countProviders(t *testing.T, st *register.Store) int {
	t.Helper()
	var n int
	if err := st.Pool.QueryRow(context.Background(), "select count(*) from advice_providers").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func wantProvidersOut(t *testing.T, env *Env, args []string, want string) {
	t.Helper()
	code, out, errOut := runCmd(env, args...)
	if code != ExitOK || out != want || errOut != "" {
		t.Errorf("ehc %s: exit %d\nstdout:\n%s\nstderr:\n%s\nwant stdout:\n%s", strings.Join(args, " "), code, out, errOut, want)
	}
}

func TestProvidersAddAndList(t *testing.T) {
	env := stubDial(t)
	st := useProviderDirectory(t, env)

	wantProvidersOut(t, env, []string{"providers", "add", "--kind", "psychological", "--organisation", "EP service",
		"--email", "ep@la.example.gov.uk", "--escalation-email", "ep-lead@la.example.gov.uk", "--default"},
		"Added psychological provider EP service <ep@la.example.gov.uk>, escalating to <ep-lead@la.example.gov.uk>; it is the default for psychological advice.\n")
	wantProvidersOut(t, env, []string{"providers", "add", "--kind", "psychological", "--organisation", "Locum EPs", "--email", "locum@example.org"},
		"Added psychological provider Locum EPs <locum@example.org>.\n")
	wantProvidersOut(t, env, []string{"providers", "add", "--kind", "medical", "--organisation", "Paediatrics", "--email", "paeds@nhs.example.org", "--default"},
		"Added medical provider Paediatrics <paeds@nhs.example.org>; it is the default for medical advice.\n")

	code, out, errOut := runCmd(env, "providers", "add", "--kind", "psychological", "--organisation", "EP service", "--email", "other@example.org")
	if code != ExitFailed || out != "" || errOut != "ehc providers: a psychological provider named \"EP service\" already exists\n" {
		t.Errorf("duplicate: exit %d, stdout %q, stderr %q", code, out, errOut)
	}

	wantProvidersOut(t, env, []string{"providers", "list"}, ""+
		"KIND            ORGANISATION   EMAIL                   ESCALATION                  DEFAULT\n"+
		"medical         Paediatrics    paeds@nhs.example.org   -                           default\n"+
		"psychological   EP service     ep@la.example.gov.uk    ep-lead@la.example.gov.uk   default\n"+
		"psychological   Locum EPs      locum@example.org       -\n")
	wantProvidersOut(t, env, []string{"providers", "list", "--kind", "medical"}, ""+
		"KIND      ORGANISATION   EMAIL                   ESCALATION   DEFAULT\n"+
		"medical   Paediatrics    paeds@nhs.example.org   -            default\n")
	wantProvidersOut(t, env, []string{"providers", "list", "--kind", "social_care"},
		"No social_care providers in the directory: add one with 'ehc providers add' or 'ehc providers import FILE.csv'.\n")

	code, out, errOut = runCmd(env, "providers", "list", "--json")
	var ps []register.Provider
	if err := json.Unmarshal([]byte(out), &ps); code != ExitOK || err != nil || len(ps) != 3 {
		t.Fatalf("list --json: exit %d, %v\n%s%s", code, err, out, errOut)
	}
	if p := ps[1]; p.Kind != statute.AdviceKindPsychological || p.Organisation != "EP service" || !p.Default ||
		p.EscalationEmail != "ep-lead@la.example.gov.uk" || p.ID == 0 {
		t.Errorf("list --json: %+v", p)
	}
	if !strings.Contains(out, `"escalation_email": "ep-lead@la.example.gov.uk"`) || !strings.Contains(out, `"default": true`) {
		t.Errorf("list --json is not snake_case:\n%s", out)
	}
	if code, out, _ := runCmd(env, "providers", "list", "--kind", "social_care", "--json"); code != ExitOK || out != "[]\n" {
		t.Errorf("empty list --json: exit %d, %q", code, out)
	}
	if n := countProviders(t, st); n != 3 {
		t.Errorf("%d providers in the register", n)
	}
}

func TestProvidersUsage(t *testing.T) {
	env := stubDial(t)
	failRegister(env, errors.New("the register was opened"))
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"providers"}, "missing subcommand: ehc providers add|list|import"},
		{[]string{"providers", "remove"}, `unknown subcommand "remove": ehc providers add|list|import`},
		{[]string{"providers", "add", "--organisation", "EP", "--email", "ep@example.org"}, "--kind is required: one of " + adviceKindsList()},
		{[]string{"providers", "add", "--kind", "ep", "--organisation", "EP", "--email", "ep@example.org"}, `--kind: unknown advice kind "ep": reg 6(1) kinds are ` + adviceKindsList()},
		{[]string{"providers", "add", "--kind", "psychological", "--email", "ep@example.org"}, "--organisation is required"},
		{[]string{"providers", "add", "--kind", "psychological", "--organisation", "EP"}, "--email is required"},
		{[]string{"providers", "add", "--kind", "psychological", "--organisation", "EP", "--email", "ep"}, `--email "ep" is not an email address`},
		{[]string{"providers", "add", "--kind", "psychological", "--organisation", "EP", "--email", "ep@example.org", "--escalation-email", "x"}, `--escalation-email "x" is not an email address`},
		{[]string{"providers", "add", "--kind", "psychological", "--organisation", "EP", "--email", "ep@example.org", "extra"}, `unexpected argument "extra"`},
		{[]string{"providers", "list", "--kind", "doctor"}, `--kind: unknown advice kind "doctor": reg 6(1) kinds are ` + adviceKindsList()},
		{[]string{"providers", "list", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"providers", "import"}, "missing file: ehc providers import FILE.csv"},
		{[]string{"providers", "import", "a.csv", "b.csv"}, `unexpected argument "b.csv"`},
	} {
		wantUsage(t, env, c.args, c.msg)
	}

	for _, args := range [][]string{{"help", "providers"}, {"providers", "--help"}} {
		code, out, errOut := runCmd(env, args...)
		if code != ExitOK || !strings.Contains(out+errOut, "ehc providers import FILE.csv") || !strings.Contains(out+errOut, "kind,organisation,email,escalation_email,default") {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	code, out, errOut := runCmd(env, "providers", "add", "-h")
	if code != ExitOK || out != "" || !strings.Contains(errOut, "Usage: ehc providers add --kind K") || !strings.Contains(errOut, "-escalation-email") {
		t.Errorf("providers add -h: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}

	// An unreachable register is the register's error, not a usage error.
	code, _, errOut = runCmd(env, "providers", "list")
	if code != ExitFailed || errOut != "ehc providers: the register was opened\n" {
		t.Errorf("unreachable: exit %d, %q", code, errOut)
	}
}

func TestProvidersImport(t *testing.T) {
	env := stubDial(t)
	st := useProviderDirectory(t, env)
	dir := t.TempDir()
	good := filepath.Join(dir, "providers.csv")
	if err := os.WriteFile(good, []byte(`kind,organisation,email,escalation_email,default
psychological,EP service,ep@la.example.gov.uk,ep-lead@la.example.gov.uk,yes
medical,Paediatrics,paeds@nhs.example.org,,yes
medical,Community nursing,nursing@nhs.example.org,,
`), 0o600); err != nil {
		t.Fatal(err)
	}
	wantProvidersOut(t, env, []string{"providers", "import", good}, "imported 3 providers\n")
	// Again, with the file after a flag: the same rows, updated in place.
	wantProvidersOut(t, env, []string{"providers", "import", "--database-url", "postgres://ignored@127.0.0.1/x", good}, "imported 3 providers\n")
	if n := countProviders(t, st); n != 3 {
		t.Errorf("%d providers after importing twice, want 3", n)
	}

	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte(`kind,organisation,email,escalation_email,default
social_care,Children's social care,csc@la.example.gov.uk,,yes
doctor,GP,gp@nhs.example.org,,
`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCmd(env, "providers", "import", bad)
	want := "ehc providers: " + bad + `: line 3: unknown advice kind "doctor": reg 6(1) kinds are ` + adviceKindsList() + "; nothing was imported\n"
	if code != ExitFailed || out != "" || errOut != want {
		t.Errorf("bad file: exit %d, stdout %q\nstderr %s\nwant   %s", code, out, errOut, want)
	}
	if n := countProviders(t, st); n != 3 {
		t.Errorf("%d providers after a bad file, want 3", n)
	}
	code, _, errOut = runCmd(env, "providers", "import", filepath.Join(dir, "missing.csv"))
	if code != ExitFailed || !strings.Contains(errOut, "cannot read the providers file") {
		t.Errorf("missing file: exit %d, %q", code, errOut)
	}
	one := filepath.Join(dir, "one.csv")
	if err := os.WriteFile(one, []byte("kind,organisation,email,escalation_email,default\nother,OT service,ot@example.org,,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	wantProvidersOut(t, env, []string{"providers", "import", one}, "imported 1 provider\n")
}

// request-advice with no provider named asks the directory's default, and
// one named for the case takes the directory's escalation contact.
func TestRequestAdviceFromProviderDirectory(t *testing.T) {
	fc := &fakeClient{status: assessing()}
	env := useFake(t, fc)
	st := useProviderDirectory(t, env)
	ctx := context.Background()
	for _, p := range []register.Provider{
		{Kind: statute.AdviceKindPsychological, Organisation: "EP service", Email: "ep@la.example.gov.uk", EscalationEmail: "ep-lead@la.example.gov.uk", Default: true},
		{Kind: statute.AdviceKindMedical, Organisation: "Paediatrics", Email: "paeds@nhs.example.org", EscalationEmail: "cd@nhs.example.org"},
	} {
		if _, err := st.AddProvider(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	next := "\nNext deadline: Advice (adv-1), Tue 7 Apr 2026 (reg 8(1)).\n"
	for _, c := range []struct {
		args []string
		in   assessment.RequestAdviceInput
		out  string
	}{
		{[]string{"--kind", "psychological"},
			assessment.RequestAdviceInput{On: mar10, Kind: statute.AdviceKindPsychological,
				Provider: assessment.Contact{Name: "EP service", Email: "ep@la.example.gov.uk"}, EscalationEmail: "ep-lead@la.example.gov.uk"},
			"psychological advice requested from EP service <ep@la.example.gov.uk>, the directory's default, due by Tue 21 Apr 2026."},
		{[]string{"--kind", "psychological", "--escalation-email", "head@la.example.gov.uk", "--note", "urgent"},
			assessment.RequestAdviceInput{On: mar10, Kind: statute.AdviceKindPsychological,
				Provider: assessment.Contact{Name: "EP service", Email: "ep@la.example.gov.uk"}, EscalationEmail: "head@la.example.gov.uk", Note: "urgent"},
			"psychological advice requested from EP service <ep@la.example.gov.uk>, the directory's default, due by Tue 21 Apr 2026."},
		// Named for the case: the directory's escalation contact for it.
		{[]string{"--kind", "medical", "--provider-name", "Paediatrics", "--provider-email", "dr.khan@nhs.example.org"},
			assessment.RequestAdviceInput{On: mar10, Kind: statute.AdviceKindMedical,
				Provider: assessment.Contact{Name: "Paediatrics", Email: "dr.khan@nhs.example.org"}, EscalationEmail: "cd@nhs.example.org"},
			"medical advice requested, due by Tue 21 Apr 2026."},
		// Named for the case and not in the directory: no escalation contact.
		{[]string{"--kind", "psychological", "--provider-name", "Private EP", "--provider-email", "private@example.org"},
			assessment.RequestAdviceInput{On: mar10, Kind: statute.AdviceKindPsychological,
				Provider: assessment.Contact{Name: "Private EP", Email: "private@example.org"}},
			"psychological advice requested, due by Tue 21 Apr 2026."},
	} {
		fc.updates = nil
		args := append([]string{"request-advice", "EHC-1"}, c.args...)
		code, out, errOut := runCmd(env, args...)
		if code != ExitOK || errOut != "" {
			t.Errorf("%v: exit %d, stderr %s", c.args, code, errOut)
			continue
		}
		if len(fc.updates) != 1 || fc.updates[0].UpdateName != assessment.UpdateRequestAdvice {
			t.Fatalf("%v: updates %+v", c.args, fc.updates)
		}
		if got := fc.updates[0].Args; len(got) != 1 || !reflect.DeepEqual(got[0], c.in) {
			t.Errorf("%v: sent %#v\nwant %#v", c.args, got, c.in)
		}
		if want := "Case EHC-1, Tue 10 Mar 2026: " + c.out + next; out != want {
			t.Errorf("%v: stdout\n%s\nwant\n%s", c.args, out, want)
		}
	}

	// No default of the kind: refused before Temporal is dialled.
	fc.updates, fc.cfg = nil, config.Config{}
	code, _, errOut := runCmd(env, "request-advice", "EHC-1", "--kind", "social_care")
	if code != ExitFailed || len(fc.updates) != 0 || fc.cfg.TaskQueue != "" ||
		!strings.Contains(errOut, "ehc request-advice: the advice-provider directory has no default social_care provider: add one with 'ehc providers add --kind social_care") {
		t.Errorf("no default: exit %d, %d updates, stderr %s", code, len(fc.updates), errOut)
	}
}

func TestRequestAdviceRegisterUnreachable(t *testing.T) {
	fc := &fakeClient{status: assessing()}
	env := useFake(t, fc)
	failRegister(env, errors.New("cannot reach PostgreSQL at 127.0.0.1:5432/ehc: refused"))

	// With no provider named the step cannot go on.
	code, _, errOut := runCmd(env, "request-advice", "EHC-1", "--kind", "psychological")
	if code != ExitFailed || len(fc.updates) != 0 ||
		errOut != "ehc request-advice: no provider named, and the provider directory cannot be read: cannot reach PostgreSQL at 127.0.0.1:5432/ehc: refused\n" {
		t.Errorf("no provider: exit %d, %d updates, stderr %q", code, len(fc.updates), errOut)
	}

	// With one named it goes on, without an escalation contact, and says so.
	code, _, errOut = runCmd(env, "request-advice", "EHC-1", "--kind", "psychological", "--provider-name", "EP service", "--provider-email", "ep@example.org")
	if code != ExitOK || len(fc.updates) != 1 || !strings.Contains(errOut, "no escalation contact copied: the provider directory cannot be read") {
		t.Fatalf("named provider: exit %d, %d updates, stderr %q", code, len(fc.updates), errOut)
	}
	want := assessment.RequestAdviceInput{On: mar10, Kind: statute.AdviceKindPsychological, Provider: assessment.Contact{Name: "EP service", Email: "ep@example.org"}}
	if got := fc.updates[0].Args[0]; !reflect.DeepEqual(got, want) {
		t.Errorf("sent %#v", got)
	}

	// With the escalation contact given too, the register is not asked.
	fc.updates = nil
	code, _, errOut = runCmd(env, "request-advice", "EHC-1", "--kind", "psychological", "--provider-name", "EP service", "--provider-email", "ep@example.org", "--escalation-email", "lead@example.org")
	if code != ExitOK || errOut != "" || len(fc.updates) != 1 || fc.updates[0].Args[0].(assessment.RequestAdviceInput).EscalationEmail != "lead@example.org" {
		t.Errorf("all given: exit %d, stderr %q, %+v", code, errOut, fc.updates)
	}
}
