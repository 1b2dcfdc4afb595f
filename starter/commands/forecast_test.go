package commands

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// On 1 July 2026, with the authority's own summer (22 July to 1
// September, its window from 15 July), of cw-2's open cases of the
// Timeliness set that have not yet asked a school (R4, R6, R7 and O2)
// only R6, received on 6 April, can still be saved by asking by 14 July:
// its 16- and 20-week limits fall in the holiday. The others' limits have
// all passed, so the closure can move none of them.
func TestForecastForACaseworker(t *testing.T) {
	env := useTimeliness(t)
	env.Now = func() time.Time { return time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC) }
	terms := writeFile(t, t.TempDir(), "terms.csv", "from,to,name\n2026-07-22,2026-09-01,summer 2026\n2026-10-26,2026-10-30,half term\n")
	code, out, errOut := runCmd(env, "forecast", "--caseworker", "cw-2", "--term-dates-file", terms)
	if code != ExitOK {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	for _, want := range []string{
		"The next long school closure: summer 2026, Wed 22 Jul 2026 to Tue 1 Sep 2026.\nAdvice asked of a school or early-years setting from Wed 15 Jul 2026 to Wed 26 Aug 2026",
		"EHC-R6   cw-2         requested   ask the school by Tue 14 Jul 2026 to keep the limits   decision whether to issue a plan Mon 27 Jul 2026; final EHC plan Mon 24 Aug 2026",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("forecast lacks:\n%s\nin:\n%s", want, out)
		}
	}
	for _, ref := range []string{"EHC-R4", "EHC-R7", "EHC-O2"} {
		if strings.Contains(out, ref) {
			t.Errorf("forecast lists %s, whose limits have all passed:\n%s", ref, out)
		}
	}
	if strings.Contains(out, "cw-1") || strings.Count(out, "ask the school by") != 1 {
		t.Errorf("want cw-2's R6 only:\n%s", out)
	}
	page := filepath.Join(t.TempDir(), "board.html")
	if code, out, errOut := runCmd(env, "report", "--html", page, "--term-dates-file", terms); code != ExitOK {
		t.Fatalf("the board report: exit %d: %s %s", code, out, errOut)
	}
	b, _ := os.ReadFile(page)
	for _, want := range []string{
		// cw-1's R8 (received 31 March) and cw-2's R6: the only open cases with a limit left from the window on, both in the holiday
		"The summer 2026 closure touches 2 open cases: 2 can still be saved by asking the school before its window opens, 0 have asked or will ask in the window, and 2 have a limit falling due in the holiday.",
		"<tr><td>EHC-R6</td><td>cw-2</td><td>ask the school by 14 Jul 2026</td>",
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the board report lacks:\n%s", want)
		}
	}
	old := writeFile(t, t.TempDir(), "terms.csv", "2025-07-22,2025-09-01,summer 2025\n")
	if code, out, _ := runCmd(env, "forecast", "--term-dates-file", old); code != ExitOK ||
		!strings.Contains(out, "The term dates given end on Mon 1 Sep 2025: add the coming year's") {
		t.Errorf("term dates that have all passed: exit %d, %s", code, out)
	}
	bad := writeFile(t, t.TempDir(), "terms.csv", "2026-07-22,2026-13-01,summer\n")
	if code, _, errOut := runCmd(noRegister(t), "forecast", "--term-dates-file", bad); code != ExitUsage || !strings.Contains(errOut, `line 1: to "2026-13-01" is not a date`) {
		t.Errorf("a wrong term dates file: exit %d, %s", code, errOut)
	}
}
