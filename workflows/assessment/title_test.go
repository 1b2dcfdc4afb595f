package assessment

import (
	"strings"
	"testing"
)

// Every stage has plain-English words of its own: no key shows through.
func TestStageTitles(t *testing.T) {
	seen := map[string]Stage{}
	for _, s := range Stages {
		title := s.Title()
		if title == "" || strings.Contains(title, "_") {
			t.Errorf("stage %s has title %q", s, title)
		}
		if other, ok := seen[title]; ok {
			t.Errorf("stages %s and %s share the title %q", other, s, title)
		}
		seen[title] = s
	}
	if got := Stage("mystery").Title(); got != "mystery" {
		t.Errorf("unknown stage title %q", got)
	}
}

// A refusal names stages by their titles, not their keys.
func TestRefusalNamesStageTitles(t *testing.T) {
	a := &assessment{State: State{In: AssessmentInput{CaseRef: "EHC-1"}, Stage: StageAssessing}}
	err := a.at(UpdateServeDraft)
	want := `cannot serve the draft plan: case EHC-1 is at stage "gathering advice"; this step needs "drafting the plan"`
	if err == nil || err.Error() != want {
		t.Errorf("at() = %v\nwant %s", err, want)
	}
	a.Stage = StageNotAssessed
	if err := a.open(); err == nil || strings.Contains(err.Error(), "not_assessed") || !strings.Contains(err.Error(), "decided not to assess") {
		t.Errorf("open() = %v; want the stage's title", err)
	}
}
