package deadline

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ehc-send/ehc/statute"
)

var week = Schedule{}.Normalise() // reminders 14 and 7 days before, escalations weekly

// A worker down across a limit wakes to find the first escalation (which
// carries the family's letter) superseded by a later one: the staff get the
// later one only, and the family's letter rides on it.
func TestFamilyLetterIsNeverSuperseded(t *testing.T) {
	due := date("2026-02-16") // reg 5(1) for Day 1 2026-01-05
	for _, c := range []struct {
		name  string
		chase Chase
		wake  statute.Date // the worker's first task after the limit
		told  bool
		wantN int
		owed  bool
	}{
		{"on time: the first escalation", ChaseLA, date("2026-02-17"), false, 1, true},
		{"down 9 days: the second, carrying the letter", ChaseLA, date("2026-02-25"), false, 2, true},
		{"down 9 days, family already told", ChaseLA, date("2026-02-25"), true, 2, false},
		{"a school's answer: staff only", ChaseConsult, date("2026-02-25"), false, 2, false},
		{"the authority's own target: staff only", ChaseStaff, date("2026-02-17"), false, 1, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := &Deadline{Name: statute.DecisionToAssessDue, Due: due, Chase: c.chase, FamilyTold: c.told}
			al, ok := d.Next(week, c.wake.At(10))
			if !ok || al.N != c.wantN {
				t.Fatalf("next alarm %+v, %v; want escalation %d", al, ok, c.wantN)
			}
			if got := d.FamilyOwed(al); got != c.owed {
				t.Errorf("FamilyOwed = %v; want %v", got, c.owed)
			}
		})
	}
}

// Each way of chasing has its own sequence: what a caseworker, an adviser
// or a family would receive, and when, for a limit due 2026-02-16.
func TestAlarmSequences(t *testing.T) {
	due := date("2026-02-16")
	for _, c := range []struct {
		chase Chase
		want  string // the first five alarms (or fewer, when the sequence ends)
	}{
		{ChaseLA, "2026-02-02 lead14, 2026-02-09 lead7, 2026-02-17 1, 2026-02-24 2, 2026-03-03 3"},
		{ChaseAdviser, "2026-02-02 lead14, 2026-02-09 lead7, 2026-02-17 1, 2026-02-24 2, 2026-03-03 3"},
		{ChaseConsult, "2026-02-17 1, 2026-02-24 2, 2026-03-03 3, 2026-03-10 4, 2026-03-17 5"},
		{ChaseAdvice, "2026-02-17 1"},
		{ChaseStaff, "2026-02-02 lead14, 2026-02-09 lead7, 2026-02-17 1, 2026-02-24 2, 2026-03-03 3"},
	} {
		d := &Deadline{Due: due, Chase: c.chase}
		var got []string
		for i := 0; i < 5; i++ {
			al := d.AlarmAt(i, week)
			if al.Kind == AlarmNone {
				break
			}
			got = append(got, al.Date.String()+" "+Occurrence(al))
		}
		if g := strings.Join(got, ", "); g != c.want {
			t.Errorf("chase %d: %s\nwant %s", c.chase, g, c.want)
		}
	}
	custom := Schedule{ReminderLeads: []int{3, 10}, EscalationEvery: 14}.Normalise()
	d := &Deadline{Due: due, Chase: ChaseLA}
	if a, b, c := d.AlarmAt(0, custom), d.AlarmAt(1, custom), d.AlarmAt(3, custom); a.Lead != 10 || b.Lead != 3 || c.Date != date("2026-03-03") {
		t.Errorf("leads 3,10 every 14 days: %+v %+v %+v", a, b, c)
	}
}

// FireDue fires, oldest first, what is due by now, skipping what a later
// alarm of the same deadline supersedes; Next is then the earliest alarm
// still to come; a met or closed deadline has none.
func TestSetFiresWhatIsDue(t *testing.T) {
	for _, c := range []struct {
		name  string
		now   time.Time
		fired string
		next  string
	}{
		{"before anything", date("2026-01-29").At(12), "", "b 2026-01-30 lead14"},
		{"at 08:59 on a's day: b's first only", date("2026-02-02").At(8), "b lead14", "a 2026-02-02 lead14"},
		{"at 09:00 on a's day: both, oldest first", date("2026-02-02").At(9), "b lead14, a lead14", "b 2026-02-06 lead7"},
		{"a fortnight down: only the latest of each", date("2026-02-17").At(10), "b 1, a 1", "b 2026-02-21 2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			set := Set{
				{Key: "a", Due: date("2026-02-16"), Chase: ChaseLA},
				{Key: "b", Due: date("2026-02-13"), Chase: ChaseLA},
				{Key: "met", Due: date("2026-02-01"), MetOn: date("2026-01-20"), Chase: ChaseLA},
				{Key: "closed", Due: date("2026-02-01"), Closed: true, Chase: ChaseLA},
			}
			var fired []string
			set.FireDue(week, c.now, func(d *Deadline, al Alarm) { fired = append(fired, d.Key+" "+Occurrence(al)) })
			if g := strings.Join(fired, ", "); g != c.fired {
				t.Errorf("fired %q, want %q", g, c.fired)
			}
			al, d, ok := set.Next(week, c.now)
			if got := fmt.Sprintf("%s %s %s", d.Key, al.Date, Occurrence(al)); !ok || got != c.next {
				t.Errorf("next %q, want %q", got, c.next)
			}
		})
	}
}

// A deadline entered after the fact sends none of its past alarms.
func TestSkipPassed(t *testing.T) {
	d := &Deadline{Due: date("2026-02-16"), Chase: ChaseLA}
	if !d.SkipPassed(week, date("2026-02-18").At(12)) || d.Fired != 3 {
		t.Fatalf("skipped to %d, want 3 (two reminders and the first escalation)", d.Fired)
	}
	if al, ok := d.Next(week, date("2026-02-18").At(12)); !ok || al.N != 2 {
		t.Errorf("next %+v; want the second escalation", al)
	}
	if d.SkipPassed(week, date("2026-02-18").At(13)) {
		t.Error("skipped again with nothing passed")
	}
}

// Every letter key is the case, the template, then the subject: one scheme.
func TestLetterKey(t *testing.T) {
	d := &Deadline{Key: "decision_to_assess_due", Due: date("2026-02-16"), Chase: ChaseLA}
	got := LetterKey("EHC-1", "staff.deadline_missed", d.Key, Occurrence(d.AlarmAt(3, week)))
	if got != "EHC-1/staff.deadline_missed/decision_to_assess_due/2" {
		t.Errorf("key %s", got)
	}
	if s := Summary(&Deadline{Name: statute.DecisionToAssessDue, Due: date("2026-02-16")}, Alarm{Kind: AlarmReminder, Lead: 7}); !strings.Contains(s, "reg 5") || !strings.Contains(s, "reminder 7 days before") {
		t.Errorf("summary %q", s)
	}
}
