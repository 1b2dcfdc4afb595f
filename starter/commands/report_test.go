package commands

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

// The figures are registertest.Timeliness's for Q1 2026, worked out by hand
// in register/report_test.go; here, how a manager sees them.
func TestReportPlain(t *testing.T) {
	env := useTimeliness(t)
	code, out, errOut := runCmd(env, "report", "--from", "2026-01-01", "--to", "2026-03-31")
	if code != ExitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{
		"EHC needs assessments, Thu 1 Jan 2026 to Tue 31 Mar 2026\nCases overdue are as at Wed 15 Apr 2026.\n",
		"  Requests received (Day 1 in the period)   6\n",
		"  Decisions made       5\n  Within 6 weeks       3 of 5   60.0%\n  Refusals to assess   2\n",
		"  Decisions made    2\n  Within 16 weeks   1 of 2   50.0%\n",
		"  Plans issued                                      4\n" +
			"  Within 20 weeks, including exception cases        2 of 4   50.0%\n" +
			"  Within 20 weeks, excluding exception cases        2 of 3   66.7%\n" +
			"  Weeks from Day 1 to final plan, median            23.0\n" +
			"  Weeks from Day 1 to final plan, 90th percentile   31.6\n",
		"  KIND            REQUESTED   RECEIVED   WITHIN 6 WEEKS   STILL IN TIME   WITHIN 6 WEEKS %\n" +
			"  Medical         2           2          2                0               100.0%\n" +
			"  Psychological   3           1          1                1               50.0%\n" +
			"  Social care     1           1          0                0               0.0%\n" +
			"  All advice      6           4          3                1               60.0%\n",
		"  Locum EP                1           0          0                0               0.0%\n",
		"EHC plans in force: annual reviews (CFA s.44(1)), amendments (reg 22) and phase transfers (reg 18)\n",
		"  EARLIEST LIMIT MISSED              CASES   MEDIAN DAYS OVERDUE   LONGEST\n" +
			"  Decision whether to assess         1       30                    30\n" +
			"  Decision whether to issue a plan   1       51                    51\n" +
			"  Final EHC plan                     1       44                    44\n" +
			"  Advice                             1       37                    37\n" +
			"  All overdue cases                  4       37                    51\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks:\n%s\nin:\n%s", want, out)
		}
	}
	if strings.Contains(out, "NaN") || strings.Contains(out, "\t") {
		t.Errorf("report has NaN or a tab:\n%s", out)
	}
}

// With nothing in the period, a percentage is "-", never 0% or NaN.
func TestReportEmptyPeriodPlain(t *testing.T) {
	env := useTimeliness(t)
	_, out, _ := runCmd(env, "report", "--from", "2020-01-01", "--to", "2020-12-31")
	for _, want := range []string{
		"  Within 20 weeks, including exception cases        0 of 0   -\n",
		"  Weeks from Day 1 to final plan, median            -\n",
		"No advice was requested in the period.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("empty report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "0.0%") || strings.Contains(out, "NaN") {
		t.Errorf("empty report shows a percentage:\n%s", out)
	}
}

func TestReportCSVAndJSON(t *testing.T) {
	env := useTimeliness(t)
	code, out, _ := runCmd(env, "report", "--from", "2026-01-01", "--to", "2026-03-31", "--csv")
	records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != ExitOK || err != nil || len(records) < 2 {
		t.Fatalf("--csv: exit %d, %v\n%s", code, err, out)
	}
	got := map[string]string{}
	for _, r := range records[1:] {
		got[r[0]+"|"+r[1]+"|"+r[2]] = r[3]
	}
	for k, v := range map[string]string{
		"requests||received":                               "6",
		"plans||pct_within_20_weeks":                       "50.0",
		"plans||pct_within_20_weeks_excl_exceptions":       "66.7",
		"plans||median_weeks":                              "23.0",
		"advice_by_provider|Children's Services|requested": "1",
		"advice_by_kind|psychological|still_in_time":       "1",
		"overdue|final_plan_due|max_days_overdue":          "44",
		"overdue_total||cases":                             "4",
	} {
		if got[k] != v {
			t.Errorf("CSV %s = %q, want %q", k, got[k], v)
		}
	}
	if strings.Join(records[0], ",") != "section,group,measure,value" {
		t.Errorf("CSV header %v", records[0])
	}

	code, out, _ = runCmd(env, "report", "--from", "2026-01-01", "--to", "2026-03-31", "--json")
	var r struct {
		Plans struct {
			Pct  float64 `json:"pct_within_20_weeks"`
			Excl float64 `json:"pct_within_20_weeks_excl_exceptions"`
		} `json:"plans"`
		Today string `json:"today"`
	}
	if err := json.Unmarshal([]byte(out), &r); code != ExitOK || err != nil || r.Plans.Pct != 50 || r.Plans.Excl != 66.7 || r.Today != "2026-04-15" {
		t.Errorf("--json: exit %d, %v, %+v", code, err, r)
	}
}

func TestReportUsage(t *testing.T) {
	env := noRegister(t)
	wantUsage(t, env, []string{"report", "--to", "2026-03-31"}, "--from is required (YYYY-MM-DD)")
	wantUsage(t, env, []string{"report", "--from", "2026-01-01"}, "--to is required (YYYY-MM-DD)")
	wantUsage(t, env, []string{"report", "--from", "1 Jan 2026", "--to", "2026-03-31"}, `--from: "1 Jan 2026" is not a date in the form YYYY-MM-DD`)
	wantUsage(t, env, []string{"report", "--from", "2026-03-31", "--to", "2026-01-01"}, "--to 2026-01-01 is before --from 2026-03-31")
	wantUsage(t, env, []string{"report", "--from", "2026-01-01", "--to", "2026-03-31", "--json", "--csv"}, "give at most one of --json or --csv")
	wantUsage(t, env, []string{"report", "--from", "2026-01-01", "--to", "2026-03-31", "Q1"}, `unexpected argument "Q1"`)
}
