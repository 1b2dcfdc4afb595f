package commands

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/registertest"
)

// useTimeliness is an Env whose register is a fresh register holding
// registertest.Timeliness (the report figures by hand are in
// register/report_test.go), with today fixed at 15 April 2026. Each
// command connects and closes as it does against the real register.
func useTimeliness(t *testing.T) *Env {
	t.Helper()
	url := registertest.URL(t)
	st, err := register.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	registertest.Timeliness(t, st)
	st.Close()
	env := stubDial(t)
	env.OpenRegister = func(ctx context.Context, _ config.Config) (*register.Store, error) { return register.Connect(ctx, url) }
	env.Now = func() time.Time { return time.Date(2026, 4, 15, 12, 0, 0, 0, time.UTC) }
	env.Getenv = func(string) string { return "" }
	return env
}

// noRegister makes reaching the register fail the test: the command line
// must be checked first.
func noRegister(t *testing.T) *Env {
	t.Helper()
	env := stubDial(t)
	env.OpenRegister = func(context.Context, config.Config) (*register.Store, error) {
		t.Error("the register was opened for a command line that is wrong")
		return nil, errors.New("not reached")
	}
	return env
}

func TestCasesList(t *testing.T) {
	env := useTimeliness(t)
	code, out, errOut := runCmd(env, "cases")
	want := `CASE     STAGE                        CASEWORKER   DAY 1             NEXT DEADLINE     OVERDUE
EHC-O2   gathering advice             cw-2         Mon 3 Nov 2025    Mon 23 Feb 2026   Decision whether to issue a plan, 51 days
EHC-O1   draft plan served            cw-1         Mon 13 Oct 2025   Mon 2 Mar 2026    Final EHC plan, 44 days (exception recorded)
EHC-R7   gathering advice             cw-2         Mon 22 Dec 2025   Mon 9 Mar 2026    Advice (psychological-1), 37 days
EHC-R5   deciding whether to assess   cw-1         Mon 2 Feb 2026    Mon 16 Mar 2026   Decision whether to assess, 30 days
EHC-R1   gathering advice             cw-1         Mon 5 Jan 2026    Mon 27 Apr 2026   -
EHC-R4   gathering advice             cw-2         Mon 26 Jan 2026   Mon 27 Apr 2026   -
EHC-R8   deciding whether to assess   cw-1         Tue 31 Mar 2026   Tue 12 May 2026   -
EHC-R6   deciding whether to assess   cw-2         Mon 6 Apr 2026    Mon 18 May 2026   -
`
	if code != ExitOK || out != want || errOut != "" {
		t.Errorf("ehc cases: exit %d\n%s\nwant:\n%s\nstderr: %s", code, out, want, errOut)
	}

	code, out, _ = runCmd(env, "cases", "--overdue", "--caseworker", "cw-2", "--json")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); code != ExitOK || err != nil {
		t.Fatalf("--json: exit %d, %v\n%s", code, err, out)
	}
	if len(rows) != 2 || rows[0]["case_ref"] != "EHC-O2" || rows[0]["overdue_deadline"] != "decision_not_to_issue_due" ||
		rows[0]["days_overdue"] != 51.0 || rows[1]["overdue_deadline"] != "advice_due/psychological-1" || rows[1]["days_overdue"] != 37.0 {
		t.Errorf("--overdue --caseworker cw-2 --json: %v", rows)
	}

	if code, out, _ = runCmd(env, "cases", "--stage", "withdrawn", "--overdue"); code != ExitOK || out != "No cases match.\n" {
		t.Errorf("nothing matching: exit %d, %q", code, out)
	}
	if code, out, _ = runCmd(env, "cases", "--stage", "no_plan", "--json"); code != ExitOK || !strings.Contains(out, `"closed": true`) {
		t.Errorf("closed stage: exit %d\n%s", code, out)
	}
}

func TestCasesUsage(t *testing.T) {
	env := noRegister(t)
	wantUsage(t, env, []string{"cases", "--stage", "open"}, `unknown --stage "open": one of `+stageNames())
	wantUsage(t, env, []string{"cases", "extra"}, `unexpected argument "extra"`)
	wantUsage(t, env, []string{"cases", "--overdue=maybe"}, `invalid boolean value "maybe" for -overdue: parse error`)
}

// The register's own messages reach the user as they are.
func TestCasesRegisterUnreachable(t *testing.T) {
	env := stubDial(t)
	env.OpenRegister = func(ctx context.Context, cfg config.Config) (*register.Store, error) {
		return register.Connect(ctx, cfg.DatabaseURL) // as OpenRegister does
	}
	code, out, errOut := runCmd(env, "cases", "--database-url", "postgres://postgres@127.0.0.1:1/ehc?sslmode=disable")
	if code != ExitFailed || out != "" || !strings.HasPrefix(errOut, "ehc cases: cannot reach PostgreSQL at 127.0.0.1:1/ehc") {
		t.Errorf("unreachable: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCmd(env, "report", "--from", "2026-01-01", "--to", "2026-03-31", "--database-url", registertest.URL(t))
	if code != ExitFailed || !strings.Contains(errOut, "has no tables yet: run 'ehc migrate'") {
		t.Errorf("unmigrated: exit %d, stderr %q", code, errOut)
	}
}
