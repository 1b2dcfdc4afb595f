package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
)

// Received Monday 19 January 2026. By hand: 6 weeks = 42 days = 12 days to
// 31 Jan + 28 in Feb + 2 = Mon 2 Mar; 16 weeks = 112 days = 12 + 28 + 31 +
// 30 + 11 = Mon 11 May; 20 weeks = 11 May + 28 days = Mon 8 Jun.

func TestTimetablePlain(t *testing.T) {
	env := stubDial(t)
	var out, errOut bytes.Buffer
	if err := cmdTimetable(context.Background(), env.writingTo(&out, &errOut), []string{"--received", "2026-01-19"}); err != nil {
		t.Fatal(err)
	}
	want := `Request received (Day 1)           Mon 19 Jan 2026   CFA s.36(1)
Decision whether to assess         Mon 2 Mar 2026    reg 5(1)
Decision whether to issue a plan   Mon 11 May 2026   reg 10(1)
Final EHC plan                     Mon 8 Jun 2026    reg 13(2)

Each adviser has 6 weeks from the day advice is asked for (reg 8(1)).
The family has 15 days, counting the day it is served, to comment on the draft plan (reg 13(1)(a)).
`
	if got := out.String(); got != want {
		t.Errorf("timetable output:\n%s\nwant:\n%s", got, want)
	}
	if errOut.Len() != 0 {
		t.Errorf("stderr: %q", errOut.String())
	}
}

func TestTimetableJSON(t *testing.T) {
	env := stubDial(t)
	var out bytes.Buffer
	if err := cmdTimetable(context.Background(), env.writingTo(&out, &out), []string{"--received", "2026-01-19", "--json"}); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	want := map[string]any{
		"day1":                      "2026-01-19",
		"decision_to_assess_due":    "2026-03-02",
		"decision_not_to_issue_due": "2026-05-11",
		"final_plan_due":            "2026-06-08",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}

// The example in the brief: received 26 January 2026, decision by Mon 9 Mar.
func TestTimetableLineFormat(t *testing.T) {
	env := stubDial(t)
	var out bytes.Buffer
	if err := cmdTimetable(context.Background(), env.writingTo(&out, &out), []string{"--received=2026-01-26"}); err != nil {
		t.Fatal(err)
	}
	if want := "Decision whether to assess         Mon 9 Mar 2026    reg 5(1)\n"; !bytes.Contains(out.Bytes(), []byte(want)) {
		t.Errorf("missing %q in\n%s", want, out.String())
	}
}

func TestTimetableNeedsNoServer(t *testing.T) {
	env := stubDial(t)
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), env.writingTo(&out, &errOut), []string{"timetable", "--received", "2026-01-19"}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	// Connection flags are accepted everywhere, and a bad environment is
	// no concern of a command that needs no server.
	env.Getenv = func(string) string { return "not a valid setting" }
	if code := Run(context.Background(), env.writingTo(&out, &errOut), []string{"timetable", "--received", "2026-01-19", "--address", "temporal.example:7233"}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
}
