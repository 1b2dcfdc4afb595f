package commands

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// Every bound is refused before Temporal is dialled, naming the flag and
// the limit.
func TestBoundRefusals(t *testing.T) {
	env := stubDial(t)
	long := strings.Repeat("x", 10000)
	const single = ": it must be a single line without control characters"
	const domain = ": the domain needs a dot and a top-level domain of 2 or more letters, like name@example.org"
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{startArgs("child-name", long), "--child-name is 10000 characters; the limit is 200"},
		{startArgs("child-name", "Sam\nSmith"), "--child-name contains a line break (U+000A)" + single},
		{startArgs("family-name", long), "--family-name is 10000 characters; the limit is 200"},
		{startArgs("school-name", long), "--school-name is 10000 characters; the limit is 200"},
		{startArgs("caseworker", "cw\n42"), "--caseworker contains a line break (U+000A)" + single},
		{startArgs("caseworker", "cw\t42"), "--caseworker contains a tab (U+0009)" + single},
		{startArgs("caseworker", strings.Repeat("c", 10002)), "--caseworker is 10002 characters; the limit is 64"},
		{startArgs("child-dob", "1900-01-01"), "--child-dob 1900-01-01 makes the child 126 on Day 1 (2026-01-19); the age limit is 25"},
		{startArgs("child-dob", "2000-01-19"), "--child-dob 2000-01-19 makes the child 26 on Day 1 (2026-01-19); the age limit is 25"},
		{startArgs("family-email", "a@b"), `--family-email "a@b" is not an email address` + domain},
		{startArgs("school-email", "office@school.c"), `--school-email "office@school.c" is not an email address` + domain},
		{startArgs("caseworker-email", strings.Repeat("e", 10000)+"@example.org"), "--caseworker-email is 10012 characters; the limit is 254"},

		{[]string{"decide-assess", "EHC-1", "--refuse", "--reason", long}, "--reason is 10000 characters; the limit is 2000"},
		{[]string{"decide-assess", "EHC-1", "--assess", "--reason", "a\x1bb"}, "--reason contains a control character (U+001B): it may have line breaks but no other control characters"},
		{[]string{"decide-issue", "EHC-1", "--no-plan", "--reason", long}, "--reason is 10000 characters; the limit is 2000"},
		{[]string{"withdraw", "EHC-1", "--reason", long}, "--reason is 10000 characters; the limit is 2000"},
		{[]string{"advice-not-needed", "EHC-1", "--kind", "medical", "--reason", long}, "--reason is 10000 characters; the limit is 2000"},
		{[]string{"request-advice", "EHC-1", "--kind", "medical", "--provider-name", long, "--provider-email", "paeds@nhs.example.org"},
			"--provider-name is 10000 characters; the limit is 200"},
		{[]string{"request-advice", "EHC-1", "--kind", "medical", "--provider-name", "Paeds", "--provider-email", "paeds@nhs.example.org", "--note", long},
			"--note is 10000 characters; the limit is 2000"},
		{[]string{"request-advice", "EHC-1", "--kind", "medical", "--provider-name", "Paeds", "--provider-email", "a@b"},
			`--provider-email "a@b" is not an email address` + domain},
		{[]string{"record-advice", "EHC-1", "--id", "medical-1\nx"}, "--id contains a line break (U+000A)" + single},
		{[]string{"record-comments", "EHC-1", "--note", long}, "--note is 10000 characters; the limit is 2000"},
		{[]string{"record-comments", "EHC-1", "--school-name", long, "--school-email", "office@elm.example.org"}, "--school-name is 10000 characters; the limit is 200"},
		{[]string{"consult-school", "EHC-1", "--school-name", long, "--school-email", "office@elm.example.org"}, "--school-name is 10000 characters; the limit is 200"},
		{[]string{"record-consultation", "EHC-1", "--school", long, "--agrees"}, "--school is 10000 characters; the limit is 200"},
		{[]string{"record-consultation", "EHC-1", "--school", "Elm", "--agrees", "--note", long}, "--note is 10000 characters; the limit is 2000"},
		{[]string{"issue-final-plan", "EHC-1", "--school", "Elm\nAcademy"}, "--school contains a line break (U+000A)" + single},
		{[]string{"record-exception", "EHC-1", "--ground", "personal", "--deadline", "advice_due", "--advice-id", "adv\t1", "--from", "2026-02-20"},
			"--advice-id contains a tab (U+0009)" + single},
		{[]string{"record-exception", "EHC-1", "--ground", "personal", "--deadline", "final_plan_due", "--from", "2026-02-20", "--note", long},
			"--note is 10000 characters; the limit is 2000"},
		{[]string{"expect", "EHC-1", "--deadline", "advice_due", "--advice-id", strings.Repeat("a", 65), "--by", "2026-03-20"},
			"--advice-id is 65 characters; the limit is 64"},
		{[]string{"providers", "add", "--kind", "medical", "--organisation", long, "--email", "paeds@nhs.example.org"},
			"--organisation is 10000 characters; the limit is 200"},
		{[]string{"providers", "add", "--kind", "medical", "--organisation", "Paeds", "--email", "a@b"},
			`--email "a@b" is not an email address` + domain},
		{[]string{"list", "--caseworker", "cw\n42"}, "--caseworker contains a line break (U+000A)" + single},
		{[]string{"cases", "--caseworker", strings.Repeat("c", 10002)}, "--caseworker is 10002 characters; the limit is 64"},
	} {
		wantUsage(t, env, c.args, c.msg)
	}

	// Within bounds: a reason may have lines; a child may be 25 on Day 1.
	wantDialled(t, env, []string{"decide-assess", "EHC-1", "--refuse", "--reason", "first\nsecond"})
	wantDialled(t, env, startArgs("child-dob", "2000-01-20"))
	wantDialled(t, env, startArgs("caseworker", strings.Repeat("c", 64)))
}

// FuzzStartFlags runs start's flag checks on fuzzed values. It never
// panics, refuses only with a usage error (nothing sent), and what it
// accepts is within the workflow's bounds: the caseworker ID fits a
// Temporal search attribute and a table row, names are single lines
// within their limits, the child is 0 to 25 on Day 1, and the family's
// address has a real domain.
func FuzzStartFlags(f *testing.F) {
	f.Add("cw42", "Sam Smith", "2015-06-01", "alex@example.org")
	f.Add("cw\n42", "Sam Smith", "2015-06-01", "alex@example.org")
	f.Add(strings.Repeat("c", 10002), strings.Repeat("x", 10000), "1900-01-01", "a@b")
	f.Fuzz(func(t *testing.T, caseworker, childName, childDOB, familyEmail string) {
		env := stubDial(t)
		flags := startFlags{
			caseRef: "EHC-2026-0042", received: "2026-01-19",
			childName: childName, childDOB: childDOB,
			familyName: "Alex Smith", familyEmail: familyEmail, requester: "parent",
			schoolName: "Hill Primary", schoolEmail: "senco@hill.example.sch.uk",
			caseworker: caseworker, caseworkerEmail: "cw42@council.example.gov.uk",
		}
		in, err := flags.input(env)
		if err != nil {
			var ue *usageError
			if !errors.As(err, &ue) {
				t.Fatalf("refused with %T, not a usage error: %v", err, err)
			}
			return
		}
		if len(in.Caseworker) > assessment.SearchAttributeMaxBytes {
			t.Errorf("caseworker ID of %d bytes accepted: a search attribute takes %d", len(in.Caseworker), assessment.SearchAttributeMaxBytes)
		}
		for what, v := range map[string]string{"caseworker": in.Caseworker, "child-name": in.Child.Name} {
			if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || (r >= 0x7f && r < 0xa0) || r == '\u2028' || r == '\u2029' }) || !utf8.ValidString(v) {
				t.Errorf("--%s %q accepted", what, v)
			}
		}
		if n := utf8.RuneCountInString(in.Caseworker); n > assessment.MaxCaseworker {
			t.Errorf("caseworker ID of %d characters accepted", n)
		}
		if n := utf8.RuneCountInString(in.Child.Name); n > assessment.MaxName {
			t.Errorf("child's name of %d characters accepted", n)
		}
		// The caseworker's cell keeps the row one line, as ehc list prints it.
		var buf bytes.Buffer
		tw := cli.NewTable(&buf)
		fmt.Fprintf(tw, "%s\t%s\t%s\n", in.CaseRef, in.Caseworker, "running")
		if err := tw.Flush(); err != nil {
			t.Fatal(err)
		}
		if lines := strings.Count(buf.String(), "\n"); lines != 1 {
			t.Errorf("caseworker ID %q makes a table row of %d lines", in.Caseworker, lines)
		}
		if age := assessment.ChildAge(in.Child.DateOfBirth, in.Received); age < 0 || age > assessment.MaxChildAge {
			t.Errorf("date of birth %s accepted: the child is %d on Day 1", in.Child.DateOfBirth, age)
		}
		if err := letters.CheckEmail(in.Family.Email); err != nil {
			t.Errorf("family email %q accepted: %v", in.Family.Email, err)
		}
	})
}

// FuzzStepFlags runs three steps' command lines with fuzzed free text
// against a fake Temporal. None panics; each either refuses with a usage
// error, sending nothing, or sends an input within the workflow's bounds.
func FuzzStepFlags(f *testing.F) {
	f.Add("meets s.36(8)", "Hill Primary", "a note\nover two lines")
	f.Add(strings.Repeat("r", 10000), strings.Repeat("n", 10000), strings.Repeat("x", 10000))
	f.Add("tab\there", "Elm\nAcademy", "esc\x1b[2J")
	f.Fuzz(func(t *testing.T, reason, name, note string) {
		steps := [][]string{
			{"decide-assess", "EHC-1", "--refuse", "--reason=" + reason},
			{"request-advice", "EHC-1", "--kind", "medical", "--provider-name=" + name, "--provider-email", "paeds@nhs.example.org",
				"--escalation-email", "lead@nhs.example.org", "--note=" + note},
			{"record-consultation", "EHC-1", "--school=" + name, "--agrees", "--note=" + note},
		}
		for _, args := range steps {
			fc := &fakeClient{status: assessing()}
			env := useFake(t, fc)
			// No register: with its escalation contact given, request-advice needs none.
			env.OpenRegister = func(context.Context, config.Config) (*register.Store, error) { return nil, errNoRegister }
			code, _, errOut := runCmd(env, args...)
			switch {
			case code == ExitUsage:
				if len(fc.updates) != 0 {
					t.Errorf("%s: refused, yet sent", args[0])
				}
				continue
			case code != ExitOK:
				t.Fatalf("%s: exit %d: %s", args[0], code, errOut)
			case len(fc.updates) != 1:
				t.Fatalf("%s: %d updates", args[0], len(fc.updates))
			}
			var err error
			switch in := fc.updates[0].Args[0].(type) {
			case assessment.DecideAssessInput:
				err = assessment.CheckReason("reason", in.Reason)
			case assessment.RequestAdviceInput:
				err = errors.Join(assessment.CheckProviderName("provider", in.Provider.Name), assessment.CheckNote("note", in.Note))
			case assessment.RecordConsultationInput:
				err = errors.Join(assessment.CheckSchoolName("school", in.School), assessment.CheckNote("note", in.Note))
			default:
				t.Fatalf("%s sent a %T", args[0], in)
			}
			if err != nil {
				t.Errorf("%s: sent out of bounds: %v", args[0], err)
			}
		}
	})
}
