package workflows

import (
	"testing"

	"github.com/ehc-send/ehc/statute"
)

// A worker down across a limit wakes to find the first escalation (which
// carries the family's letter) superseded by a later one: the staff get the
// later one only, and the family's letter rides on it.
func TestFamilyLetterIsNeverSuperseded(t *testing.T) {
	p := Policy{}.normalise()
	due := date("2026-02-16") // reg 5(1) for Day 1 2026-01-05
	for _, c := range []struct {
		name  string
		chase chase
		wake  statute.Date // the worker's first task after the limit
		told  bool
		wantN int
		owed  bool
	}{
		{"on time: the first escalation", chaseLA, date("2026-02-17"), false, 1, true},
		{"down 9 days: the second, carrying the letter", chaseLA, date("2026-02-25"), false, 2, true},
		{"down 9 days, family already told", chaseLA, date("2026-02-25"), true, 2, false},
		{"a school's answer: staff only", chaseConsult, date("2026-02-25"), false, 2, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := &deadline{Name: statute.DecisionToAssessDue, Due: due, Chase: c.chase, FamilyTold: c.told}
			al, ok := d.next(p, c.wake.At(10))
			if !ok || al.N != c.wantN {
				t.Fatalf("next alarm %+v, %v; want escalation %d", al, ok, c.wantN)
			}
			if got := d.familyOwed(al); got != c.owed {
				t.Errorf("familyOwed = %v; want %v", got, c.owed)
			}
		})
	}
}
