package sen2

import (
	"testing"

	"github.com/ehc-send/ehc/statute"
)

// Every requester the CLI takes and every ground for ceasing the law gives
// has its code; anything else is refused.
func TestCodesFromWhatIsRecorded(t *testing.T) {
	for requester, want := range map[string]string{"parent": "1", "young_person": "1", "school": "2", "other": "5"} {
		if got, err := RequestSource(requester); err != nil || got != want {
			t.Errorf("RequestSource(%s) = %s, %v; want %s", requester, got, err, want)
		}
	}
	if _, err := RequestSource("neighbour"); err == nil {
		t.Error("an unknown requester has a request source")
	}
	want := map[statute.CeaseGround]string{statute.CeaseAge25: "1", statute.CeaseNoLongerNecessary: "2",
		statute.CeaseHigherEducation: "3", statute.CeaseEmployment: "4", statute.CeaseCustody: "9"}
	for _, g := range statute.CeaseGrounds {
		if got, err := CeaseReason(string(g), false); err != nil || got != want[g] {
			t.Errorf("CeaseReason(%s) = %s, %v; want %s", g, got, err, want[g])
		}
	}
	if got, _ := CeaseReason("", true); got != "5" {
		t.Errorf("a plan sent to another authority: %s, want 5", got)
	}
	if _, err := CeaseReason("moved", false); err == nil {
		t.Error("an unknown ground has a ceasing reason")
	}
}
