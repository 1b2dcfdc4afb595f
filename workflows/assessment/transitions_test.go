package assessment

import (
	"slices"
	"strings"
	"testing"
)

// checkTransition fails the test unless the transitions table allows the
// step at the stage it was taken and leads where the case went. Every step
// the harness sends is checked, so every path test checks the table.
func checkTransition(t *testing.T, step string, before, after Stage) {
	t.Helper()
	tr := transitionOf(step)
	if len(tr.From) > 0 && !slices.Contains(tr.From, before) {
		t.Errorf("%s was taken at %s; the table allows it only at %v", step, before, tr.From)
	}
	if len(tr.To) == 0 && after != before || len(tr.To) > 0 && !slices.Contains(tr.To, after) {
		t.Errorf("%s led from %s to %s; the table says %v (none: the stage stays)", step, before, after, tr.To)
	}
}

// The table has one row for every step the workflow handles, and no row
// for a step it does not.
func TestEveryStepHasATransition(t *testing.T) {
	a := newAssessment(AssessmentInput{})
	var handled []string
	a.handlers(nil, func(name string, _ pastStep) { handled = append(handled, name) })
	var rows []string
	for _, tr := range transitions {
		if slices.Contains(rows, tr.Step) {
			t.Errorf("%s has two rows", tr.Step)
		}
		rows = append(rows, tr.Step)
	}
	slices.Sort(handled)
	slices.Sort(rows)
	if !slices.Equal(handled, rows) {
		t.Errorf("steps handled %v; rows in the table %v", handled, rows)
	}
}

// A step is refused, in the caseworker's words, at every open stage the
// table does not name for it, and at every closed stage.
func TestTransitionsRefuseOtherStages(t *testing.T) {
	for _, tr := range transitions {
		for _, s := range Stages {
			a := &assessment{State: State{In: AssessmentInput{CaseRef: "EHC-1"}, Stage: s}}
			err := a.at(tr.Step)
			allowed := !s.Closed() && (len(tr.From) == 0 || slices.Contains(tr.From, s))
			switch {
			case allowed && err != nil:
				t.Errorf("%s at %s refused: %v", tr.Step, s, err)
			case !allowed && err == nil:
				t.Errorf("%s at %s allowed; the table does not allow it", tr.Step, s)
			case !allowed && !s.Closed() && !strings.Contains(err.Error(), "cannot "+tr.What):
				t.Errorf("%s at %s: %v; want it to say it cannot %s", tr.Step, s, err, tr.What)
			}
		}
	}
}
