package assessment

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ehc-send/ehc/statute"
)

// A school consulted on the draft is the child's likely placement, so, like
// the school the plan names, its name stays in the people record and the
// encrypted case: the register's events and every letter's key know each
// consultation by its number, even when its reminders and escalations fire.
func TestConsultedSchoolsAreKnownByNumber(t *testing.T) {
	h := newHarness(t, "2026-01-05")
	h.step("2026-01-12", UpdateDecideAssess, DecideAssessInput{On: date("2026-01-12"), Assess: true})
	h.waive("2026-02-02", statute.AdviceKindFamilyViews, statute.AdviceKindEducational, statute.AdviceKindMedical,
		statute.AdviceKindPsychological, statute.AdviceKindSocialCare)
	h.step("2026-02-02", UpdateDecideIssue, DecideIssueInput{On: date("2026-02-02"), Issue: true})
	h.step("2026-02-09", UpdateServeDraft, ServeDraftInput{On: date("2026-02-09")})
	h.step("2026-02-10", UpdateConsultSchool, ConsultSchoolInput{On: date("2026-02-10"),
		School: Contact{Name: "Birchwood Special School", Email: "office@birchwood.example.org"}})
	h.step("2026-02-16", UpdateRecordComments, RecordCommentsInput{On: date("2026-02-16"),
		RequestedSchool: Contact{Name: "Elm Academy", Email: "office@elm.example.org"}})
	// Birchwood answers 5 weeks late, after its reminder and escalations.
	h.step("2026-03-30", UpdateRecordConsultation, RecordConsultationInput{On: date("2026-03-30"), School: "Birchwood Special School"})
	h.step("2026-03-30", UpdateRecordConsultation, RecordConsultationInput{On: date("2026-03-30"), School: "elm academy", Agrees: true})
	end := h.step("2026-04-01", UpdateIssueFinalPlan, IssueFinalPlanInput{On: date("2026-04-01"), School: "Elm Academy"})
	h.run()

	names := []string{"Birchwood", "birchwood", "Elm", "elm"}
	fired := 0
	for _, e := range h.reg.events {
		b, err := json.Marshal(struct {
			Key, Name string
			Detail    map[string]any
		}{e.Key, e.Name, e.Detail})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if strings.Contains(string(b), n) {
				t.Errorf("register event holds the school's name %q: %s", n, b)
			}
		}
		if strings.HasPrefix(e.Name, string(statute.ConsultationDue)+"/") {
			fired++
		}
	}
	if fired == 0 {
		t.Error("no consultation reminder or escalation reached the register: the test proves nothing")
	}
	for _, m := range h.rec.Msgs {
		for _, n := range names {
			if strings.Contains(m.Key, n) {
				t.Errorf("letter key %q holds the school's name", m.Key)
			}
		}
	}
	got := map[string]bool{}
	for _, c := range end.Consultations {
		got[c.School] = true
	}
	if !got["Birchwood Special School"] || !got["Elm Academy"] {
		t.Errorf("the caseworker's status lost the schools' names: %+v", end.Consultations)
	}
	if end.NamedSchool != "Elm Academy" {
		t.Errorf("named school = %q", end.NamedSchool)
	}
}
