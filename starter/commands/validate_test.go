package commands

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runCmd runs ehc args with env, as the shell would, and returns what it
// printed.
func runCmd(env *Env, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = Run(context.Background(), env.writingTo(&out, &errOut), args)
	return code, out.String(), errOut.String()
}

// wantUsage asserts a usage error: exit 2, the message on stderr, nothing
// sent to Temporal (stubDial would have made it exit 1).
func wantUsage(t *testing.T, env *Env, args []string, msg string) {
	t.Helper()
	code, out, errOut := runCmd(env, args...)
	want := "ehc " + args[0] + ": " + msg + "\nRun 'ehc help " + args[0] + "' for usage.\n"
	if code != ExitUsage || errOut != want || out != "" {
		t.Errorf("ehc %s\nexit %d, stderr:\n%s\nwant exit 2, stderr:\n%s", strings.Join(args, " "), code, errOut, want)
	}
}

// wantDialled asserts the command line passed every local check.
func wantDialled(t *testing.T, env *Env, args []string) {
	t.Helper()
	code, _, errOut := runCmd(env, args...)
	// start asks the register whether the reference is free before it
	// dials: reaching either means the command line passed its checks.
	if code != ExitFailed || !strings.Contains(errOut, errDialled.Error()) && !strings.Contains(errOut, errNoRegister.Error()) {
		t.Errorf("ehc %s: exit %d, stderr %q; want it to reach Temporal", strings.Join(args, " "), code, errOut)
	}
}

// startArgs is a valid start with flag name replaced by value, or removed
// when value is "-".
func startArgs(name, value string) []string {
	flags := [][2]string{
		{"case", "EHC-2026-0042"},
		{"received", "2026-01-19"},
		{"child-name", "Sam Smith"},
		{"child-dob", "2015-06-01"},
		{"family-name", "Alex Smith"},
		{"family-email", "alex@example.org"},
		{"requester", "parent"},
		{"school-name", "Hill Primary"},
		{"school-email", "senco@hill.example.sch.uk"},
		{"caseworker", "cw42"},
		{"caseworker-email", "cw42@council.example.gov.uk"},
	}
	args := []string{"start"}
	found := false
	for _, f := range flags {
		if f[0] == name {
			found = true
			if value == "-" {
				continue
			}
			f[1] = value
		}
		args = append(args, "--"+f[0], f[1])
	}
	if !found && name != "" {
		args = append(args, "--"+name, value)
	}
	return args
}

func TestStartValidation(t *testing.T) {
	env := stubDial(t)
	cases := []struct{ flag, value, msg string }{
		{"case", "-", "--case is required"},
		{"case", "a", `case reference "a" must be 2-40 letters, digits or hyphens, starting with a letter or digit`},
		{"case", "EHC 42", `case reference "EHC 42" must be 2-40 letters, digits or hyphens, starting with a letter or digit`},
		{"case", "EHC_42", `case reference "EHC_42" must be 2-40 letters, digits or hyphens, starting with a letter or digit`},
		{"case", "-EHC42", `case reference "-EHC42" must be 2-40 letters, digits or hyphens, starting with a letter or digit`},
		{"case", strings.Repeat("A", 41), `case reference "` + strings.Repeat("A", 41) + `" must be 2-40 letters, digits or hyphens, starting with a letter or digit`},
		{"received", "-", "--received is required (YYYY-MM-DD)"},
		{"received", "2026-02-30", `--received: "2026-02-30" is not a date in the form YYYY-MM-DD`},
		{"received", "19/01/2026", `--received: "19/01/2026" is not a date in the form YYYY-MM-DD`},
		{"received", "2026-03-11", "--received 2026-03-11 is in the future (today in London is 2026-03-10)"},
		{"child-name", "-", "--child-name is required"},
		{"child-name", "  ", "--child-name is required"},
		{"child-dob", "-", "--child-dob is required (YYYY-MM-DD)"},
		{"child-dob", "1 June 2015", `--child-dob: "1 June 2015" is not a date in the form YYYY-MM-DD`},
		{"child-dob", "2026-04-01", "--child-dob 2026-04-01 is in the future (today in London is 2026-03-10)"},
		{"child-dob", "2026-02-01", "--child-dob 2026-02-01 is after the request was received (--received 2026-01-19)"},
		{"family-name", "-", "--family-name is required"},
		{"family-email", "-", "--family-email is required"},
		{"family-email", "alex", `--family-email "alex" is not an email address`},
		{"family-email", "Alex <alex@example.org>", `--family-email "Alex <alex@example.org>" is not an email address`},
		{"requester", "-", "--requester is required: one of parent, young_person, school, health, social_care, other"},
		{"requester", "mum", `unknown --requester "mum": one of parent, young_person, school, health, social_care, other`},
		{"school-name", "-", "--school-name is required"},
		{"school-email", "-", "--school-email is required"},
		{"school-email", "hill.example.sch.uk", `--school-email "hill.example.sch.uk" is not an email address`},
		{"caseworker", "-", "--caseworker is required"},
		{"caseworker-email", "-", "--caseworker-email is required"},
		{"caseworker-email", "cw42@", `--caseworker-email "cw42@" is not an email address`},
		{"manager-email", "manager", `--manager-email "manager" is not an email address`},
		{"address", "localhost", `-address: "localhost" has no port; want host:port, e.g. 127.0.0.1:7233`},
		{"child-nmae", "Sam", "flag provided but not defined: -child-nmae"},
	}
	for _, c := range cases {
		wantUsage(t, env, startArgs(c.flag, c.value), c.msg)
	}
	wantUsage(t, env, append(startArgs("", ""), "extra"), `unexpected argument "extra"`)

	wantDialled(t, env, startArgs("", ""))
	wantDialled(t, env, startArgs("received", "2026-03-10")) // today is not the future
	wantDialled(t, env, startArgs("manager-email", "send.manager@council.example.gov.uk"))
	wantDialled(t, env, startArgs("requester", "young_person"))
}

func TestStepValidation(t *testing.T) {
	env := stubDial(t)
	cases := []struct {
		args []string
		msg  string
	}{
		// The case reference and --on, common to every step.
		{[]string{"decide-assess", "--assess", "--reason", "r"}, "missing case reference: give it first (ehc decide-assess REF ...) or as --case REF"},
		{[]string{"decide-assess", "EHC_1", "--assess", "--reason", "r"}, `case reference "EHC_1" must be 2-40 letters, digits or hyphens, starting with a letter or digit`},
		{[]string{"decide-assess", "EHC-1", "--case", "EHC-2", "--assess", "--reason", "r"}, `case reference given twice: "EHC-1" and --case "EHC-2"`},
		{[]string{"decide-assess", "EHC-1", "--assess", "--reason", "r", "EHC-2"}, `unexpected argument "EHC-2"`},
		{[]string{"decide-assess", "EHC-1", "--assess", "--reason", "r", "--on", "2026-3-1"}, `--on: "2026-3-1" is not a date in the form YYYY-MM-DD`},
		{[]string{"decide-assess", "EHC-1", "--assess", "--reason", "r", "--on", "2026-03-11"}, "--on 2026-03-11 is in the future (today in London is 2026-03-10)"},
		{[]string{"decide-assess", "EHC-1", "--assess", "--reason", "r", "--bogus"}, "flag provided but not defined: -bogus"},

		{[]string{"decide-assess", "EHC-1", "--reason", "r"}, "give exactly one of --assess or --refuse"},
		{[]string{"decide-assess", "EHC-1", "--assess", "--refuse", "--reason", "r"}, "give exactly one of --assess or --refuse"},
		{[]string{"decide-assess", "EHC-1", "--refuse"}, "--reason is required"},

		{[]string{"request-advice", "EHC-1", "--provider-name", "EP service", "--provider-email", "ep@example.org"}, "--kind is required: one of family_views, educational, sensory_teacher, medical, psychological, social_care, preparing_adulthood, other"},
		{[]string{"request-advice", "EHC-1", "--kind", "ep", "--provider-name", "EP service", "--provider-email", "ep@example.org"}, `--kind: unknown advice kind "ep": reg 6(1) kinds are family_views, educational, sensory_teacher, medical, psychological, social_care, preparing_adulthood, other`},
		{[]string{"request-advice", "EHC-1", "--kind", "psychological", "--provider-email", "ep@example.org"}, "--provider-email needs --provider-name: give both to name the adviser, or neither to ask the directory's default psychological provider"},
		{[]string{"request-advice", "EHC-1", "--kind", "psychological", "--provider-name", "EP service"}, "--provider-name needs --provider-email: give both to name the adviser, or neither to ask the directory's default psychological provider"},
		{[]string{"request-advice", "EHC-1", "--kind", "psychological", "--provider-name", "EP service", "--provider-email", "ep@example.org", "--escalation-email", "lead"}, `--escalation-email "lead" is not an email address`},
		{[]string{"request-advice", "EHC-1", "--kind", "psychological", "--provider-name", "EP service", "--provider-email", "ep"}, `--provider-email "ep" is not an email address`},

		{[]string{"record-advice", "EHC-1"}, "give exactly one of --id or --kind"},
		{[]string{"record-advice", "EHC-1", "--id", "adv-1", "--kind", "medical"}, "give exactly one of --id or --kind"},
		{[]string{"record-advice", "EHC-1", "--kind", "doctor"}, `--kind: unknown advice kind "doctor": reg 6(1) kinds are family_views, educational, sensory_teacher, medical, psychological, social_care, preparing_adulthood, other`},

		{[]string{"decide-issue", "EHC-1", "--reason", "r"}, "give exactly one of --issue or --no-plan"},
		{[]string{"decide-issue", "EHC-1", "--issue", "--no-plan", "--reason", "r"}, "give exactly one of --issue or --no-plan"},
		{[]string{"decide-issue", "EHC-1", "--no-plan"}, "--reason is required"},

		{[]string{"serve-draft", "EHC-1", "extra"}, `unexpected argument "extra"`},

		{[]string{"record-comments", "EHC-1", "--school-name", "Hill Primary"}, "--school-name needs --school-email: give both to name a requested school"},
		{[]string{"record-comments", "EHC-1", "--school-email", "senco@hill.example.sch.uk"}, "--school-email needs --school-name: give both to name a requested school"},
		{[]string{"record-comments", "EHC-1", "--school-name", "Hill Primary", "--school-email", "hill"}, `--school-email "hill" is not an email address`},

		{[]string{"consult-school", "EHC-1", "--school-email", "senco@hill.example.sch.uk"}, "--school-name is required"},
		{[]string{"consult-school", "EHC-1", "--school-name", "Hill Primary"}, "--school-email is required"},
		{[]string{"consult-school", "EHC-1", "--school-name", "Hill Primary", "--school-email", "senco"}, `--school-email "senco" is not an email address`},

		{[]string{"record-consultation", "EHC-1", "--agrees"}, "--school is required"},
		{[]string{"record-consultation", "EHC-1", "--school", "Hill Primary"}, "give exactly one of --agrees or --declines"},
		{[]string{"record-consultation", "EHC-1", "--school", "Hill Primary", "--agrees", "--declines"}, "give exactly one of --agrees or --declines"},

		{[]string{"issue-final-plan", "EHC-1", "--on", "tomorrow"}, `--on: "tomorrow" is not a date in the form YYYY-MM-DD`},

		{[]string{"record-exception", "EHC-1", "--deadline", "final_plan_due", "--from", "2026-03-01"}, "--ground is required: one of school_closure, personal, away_from_area, missed_appointment"},
		{[]string{"record-exception", "EHC-1", "--ground", "illness", "--deadline", "final_plan_due", "--from", "2026-03-01"}, `--ground: unknown exception ground "illness": one of school_closure, personal, away_from_area, missed_appointment`},
		{[]string{"record-exception", "EHC-1", "--ground", "personal", "--from", "2026-03-01"}, "--deadline is required: one of decision_to_assess_due, advice_due, decision_not_to_issue_due, final_plan_due"},
		{[]string{"record-exception", "EHC-1", "--ground", "personal", "--deadline", "draft_comments_end", "--from", "2026-03-01"}, `unknown --deadline "draft_comments_end": an exception can excuse decision_to_assess_due, advice_due, decision_not_to_issue_due, final_plan_due`},
		{[]string{"record-exception", "EHC-1", "--ground", "missed_appointment", "--deadline", "final_plan_due", "--from", "2026-03-01"}, "the ground missed_appointment (a missed appointment for an examination or test) cannot excuse final_plan_due (reg 13(2))"},
		{[]string{"record-exception", "EHC-1", "--ground", "school_closure", "--deadline", "advice_due", "--advice-id", "adv-1", "--from", "2026-03-01"}, "the ground school_closure (advice was needed from a school during its long holiday) cannot excuse advice_due (reg 8(1))"},
		{[]string{"record-exception", "EHC-1", "--ground", "personal", "--deadline", "advice_due", "--from", "2026-03-01"}, "--advice-id is required with --deadline advice_due: name the advice request, as ehc status shows it"},
		{[]string{"record-exception", "EHC-1", "--ground", "personal", "--deadline", "final_plan_due", "--advice-id", "adv-1", "--from", "2026-03-01"}, "--advice-id goes only with --deadline advice_due"},
		{[]string{"record-exception", "EHC-1", "--ground", "personal", "--deadline", "final_plan_due"}, "--from is required (YYYY-MM-DD)"},
		{[]string{"expect", "EHC-1", "--deadline", "final_plan_due"}, "--by is required (YYYY-MM-DD)"},
		{[]string{"expect", "EHC-1", "--deadline", "advice_due", "--by", "2026-03-20"}, "--advice-id is required with --deadline advice_due: name the advice request, as ehc status shows it"},
		{[]string{"expect", "EHC-1", "--deadline", "final_plan_due", "--on", "2026-03-09", "--by", "2026-03-01"}, "--by 2026-03-01 is before --on 2026-03-09"},
		{[]string{"record-exception", "EHC-1", "--ground", "personal", "--deadline", "final_plan_due", "--from", "01/03/2026"}, `--from: "01/03/2026" is not a date in the form YYYY-MM-DD`},
		{[]string{"record-exception", "EHC-1", "--ground", "personal", "--deadline", "final_plan_due", "--from", "2026-03-01", "--to", "2026-13-01"}, `--to: "2026-13-01" is not a date in the form YYYY-MM-DD`},
		{[]string{"record-exception", "EHC-1", "--ground", "personal", "--deadline", "final_plan_due", "--from", "2026-03-01", "--to", "2026-02-28"}, "--to 2026-02-28 is before --from 2026-03-01"},

		{[]string{"withdraw", "EHC-1"}, "--reason is required"},
		{[]string{"withdraw", "EHC-1", "--reason", " "}, "--reason is required"},

		{[]string{"status"}, "missing case reference: give it first (ehc status REF ...) or as --case REF"},
		{[]string{"status", "EHC 1"}, `case reference "EHC 1" must be 2-40 letters, digits or hyphens, starting with a letter or digit`},
		{[]string{"status", "EHC-1", "EHC-2"}, `unexpected argument "EHC-2"`},

		{[]string{"list", "--stage", "open"}, `unknown --stage "open": one of requested, assessing, drafting, draft_served, final_plan_issued, not_assessed, no_plan, withdrawn`},
		{[]string{"list", "extra"}, `unexpected argument "extra"`},

		{[]string{"timetable"}, "--received is required (YYYY-MM-DD)"},
		{[]string{"timetable", "--received", "2026-1-19"}, `--received: "2026-1-19" is not a date in the form YYYY-MM-DD`},
		{[]string{"timetable", "--received", "2026-01-19", "extra"}, `unexpected argument "extra"`},
		{[]string{"timetable", "--received", "2026-01-19", "--bogus"}, "flag provided but not defined: -bogus"},
	}
	for _, c := range cases {
		wantUsage(t, env, c.args, c.msg)
	}

	// Every step, well formed, gets as far as Temporal: REF first, after the
	// flags, or as --case.
	for _, args := range [][]string{
		{"decide-assess", "EHC-1", "--assess", "--reason", "meets the s.36(8) test"},
		{"decide-assess", "--refuse", "--reason", "r", "EHC-1"},
		{"decide-assess", "--case", "EHC-1", "--refuse", "--reason", "r", "--on", "2026-03-10"},
		{"decide-assess", "EHC-1", "--case=EHC-1", "--assess", "--reason", "r"},
		{"request-advice", "EHC-1", "--kind", "psychological", "--provider-name", "EP service", "--provider-email", "ep@example.org", "--note", "urgent"},
		{"record-advice", "EHC-1", "--id", "adv-1"},
		{"record-advice", "EHC-1", "--kind", "medical", "--on", "2026-03-01"},
		{"decide-issue", "EHC-1", "--issue", "--reason", "r"},
		{"decide-issue", "EHC-1", "--no-plan", "--reason", "r"},
		{"serve-draft", "EHC-1"},
		{"record-comments", "EHC-1"},
		{"record-comments", "EHC-1", "--school-name", "Hill Primary", "--school-email", "senco@hill.example.sch.uk", "--meeting", "--note", "n"},
		{"consult-school", "EHC-1", "--school-name", "Hill Primary", "--school-email", "senco@hill.example.sch.uk"},
		{"record-consultation", "EHC-1", "--school", "Hill Primary", "--declines", "--note", "full"},
		{"issue-final-plan", "EHC-1"},
		{"issue-final-plan", "EHC-1", "--school", "Hill Primary"},
		{"record-exception", "EHC-1", "--ground", "away_from_area", "--deadline", "decision_not_to_issue_due", "--from", "2026-02-01", "--to", "2026-03-05"},
		{"record-exception", "EHC-1", "--ground", "missed_appointment", "--deadline", "advice_due", "--advice-id", "adv-1", "--from", "2026-02-01"},
		{"withdraw", "EHC-1", "--reason", "family moved away"},
		{"status", "EHC-1", "--json"},
		{"status", "--case", "EHC-1"},
		{"list"},
		{"list", "--stage", "assessing", "--overdue", "--caseworker", "cw42", "--json"},
	} {
		wantDialled(t, env, args)
	}
}

func TestUsage(t *testing.T) {
	env := stubDial(t)
	code, out, errOut := runCmd(env)
	if code != ExitUsage || out != "" {
		t.Errorf("no args: exit %d, stdout %q", code, out)
	}
	for _, c := range commands {
		if !strings.Contains(errOut, "\n  "+c.name+" ") {
			t.Errorf("usage does not list %s:\n%s", c.name, errOut)
		}
	}
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		if code, out, _ := runCmd(env, args...); code != ExitOK || !strings.Contains(out, "record-exception") {
			t.Errorf("%v: exit %d, stdout:\n%s", args, code, out)
		}
	}
	for _, c := range commands {
		code, out, errOut := runCmd(env, "help", c.name)
		if code != ExitOK || !strings.Contains(out, "ehc "+c.name) {
			t.Errorf("help %s: exit %d\nstdout:\n%s\nstderr:\n%s", c.name, code, out, errOut)
		}
	}
	if code, _, errOut := runCmd(env, "frobnicate"); code != ExitUsage || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d, stderr %q", code, errOut)
	}
	if code, out, _ := runCmd(env, "status", "-h"); code != ExitOK || out != "" {
		t.Errorf("status -h: exit %d, stdout %q (usage belongs on stderr)", code, out)
	}
}
