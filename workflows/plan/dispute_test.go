package plan

import (
	"strings"
	"testing"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
)

// A decision not to amend, disputed: the family want mediation (held
// within 30 days, reg 37), the certificate within 3 working days (reg 39)
// moves their appeal date to a month after it, they appeal, and the
// tribunal orders the plan amended (5 weeks, reg 44(2)(e)); the amended
// plan comes a week late, so the staff are escalated and the family told
// once. Every letter, by date.
func TestADisputedDecisionToAnOrder(t *testing.T) {
	c := newChain(t, input("2025-03-03", "2015-10-10"), "2025-03-03")
	late := c.refuse("2025-06-01", UpdateMediation, MediationInput{On: date("2025-06-01"), Wants: true}) // the final plan's 2 months ended 3 May
	c.step("2026-02-20", UpdateHoldReview, OnInput{On: date("2026-02-20")})
	c.step("2026-03-02", UpdateRecordReviewReport, OnInput{On: date("2026-03-02")})
	c.step("2026-03-03", UpdateDecideReview, DecideReviewInput{On: date("2026-03-03"), Outcome: OutcomeAmend})
	c.step("2026-03-30", UpdateDecideNotToAmend, ReasonInput{On: date("2026-03-30"), Reason: "Your comments showed the plan already sets out the help."})
	c.step("2026-04-10", UpdateMediation, MediationInput{On: date("2026-04-10"), Wants: true}) // held by 10 May
	c.step("2026-05-06", UpdateMediationHeld, OnInput{On: date("2026-05-06")})                 // certificate by Mon 11 May
	c.step("2026-05-08", UpdateCertificate, OnInput{On: date("2026-05-08")})
	rights := c.status("2026-05-09")
	noAppeal := c.refuse("2026-05-10", UpdateOrder, OrderInput{On: date("2026-05-10"), Kind: statute.OrderAmend, Made: date("2026-05-10")})
	c.step("2026-06-01", UpdateAppeal, AppealInput{On: date("2026-06-01")})
	c.step("2026-06-20", UpdateResponse, OnInput{On: date("2026-06-20")}) // well before its 30 working days: no reminder
	assess := c.refuse("2026-09-01", UpdateOrder, OrderInput{On: date("2026-09-01"), Kind: statute.OrderAssess, Made: date("2026-09-01")})
	c.step("2026-09-01", UpdateOrder, OrderInput{On: date("2026-09-01"), Kind: statute.OrderAmend, Made: date("2026-09-01")}) // amended plan by 6 October
	ordered := c.status("2026-09-02")
	c.step("2026-10-13", UpdateComplyOrder, AmendedPlanInput{On: date("2026-10-13")})
	c.step("2026-10-20", UpdateCeasePlan, CeaseInput{On: date("2026-10-20"), Ground: statute.CeaseNoLongerNecessary, ConsultedOn: date("2026-10-14"), Reason: "r"})
	c.run()

	for name, r := range map[string]*refusal{"mediation after the family's time over the final plan": late, "an order with no appeal": noAppeal, "an order to assess on a plan": assess} {
		if r.err == nil {
			t.Errorf("%s was accepted", name)
		}
	}
	if r := rights.got.Rights; r == nil || r.AppealBy != date("2026-06-08") || !r.CertificateLater {
		t.Errorf("after the certificate: %+v; want the appeal by 2026-06-08, a month after it (later than 2026-05-30)", r)
	}
	if got := ordered.got.OrderDue; got != date("2026-10-06") {
		t.Errorf("order due %s; want 2026-10-06, 5 weeks after the order (reg 44(2)(e))", got)
	}
	var lines []string
	for _, l := range c.mail.Sorted() {
		if l >= "2026-04" && l < "2026-10-20" { // the disagreement's, not the review's
			lines = append(lines, l)
		}
	}
	assertLines(t, "letters", lines, []string{
		"2026-04-26 staff.deadline_approaching caseworker,manager", // mediation due 10 May
		"2026-05-03 staff.deadline_approaching caseworker,manager",
		"2026-09-22 staff.deadline_approaching caseworker,manager", // the order's amended plan due 6 October
		"2026-09-29 staff.deadline_approaching caseworker,manager",
		"2026-10-07 family.deadline_missed family", // the order breached
		"2026-10-07 staff.deadline_missed caseworker,manager",
		"2026-10-13 family.amended_plan family",
	})
	for _, m := range c.mail.Find(letters.FamilyDeadlineMissed) {
		if m.On == date("2026-10-07") && (!strings.Contains(m.Subject, "amended EHC plan the tribunal ordered") || !strings.Contains(m.Text, "reg 44(2)")) {
			t.Errorf("the family's letter on the order's breach does not name it: %s\n%s", m.Subject, m.Text)
		}
	}
}

// An order changing only the named school (reg 44(2)(f)) gives 2 weeks,
// and the plan must name the school ordered to meet it: one naming no
// setting is refused. Issued on the 14th day, it is on time: no escalation.
func TestAnOrderToNameASchool(t *testing.T) {
	c := newChain(t, input("2025-03-03", "2015-10-10"), "2025-03-03")
	c.step("2025-03-10", UpdateAppeal, OnInput{On: date("2025-03-10")})
	c.step("2025-06-02", UpdateOrder, OrderInput{On: date("2025-06-02"), Kind: statute.OrderNameSchool, Made: date("2025-06-02")})
	ordered := c.status("2025-06-03")
	unnamed := c.refuse("2025-06-10", UpdateComplyOrder, AmendedPlanInput{On: date("2025-06-10")})
	c.step("2025-06-16", UpdateComplyOrder, AmendedPlanInput{On: date("2025-06-16"), Setting: "Elm Academy"})
	named := c.status("2025-06-17")
	c.step("2025-07-01", UpdateCeasePlan, CeaseInput{On: date("2025-07-01"), Ground: statute.CeaseNoLongerNecessary, ConsultedOn: date("2025-06-20"), Reason: "r"})
	c.run()

	if got := ordered.got.OrderDue; got != date("2025-06-16") {
		t.Errorf("order due %s; want 2025-06-16, 2 weeks after the order (reg 44(2)(f))", got)
	}
	if unnamed.err == nil || !strings.Contains(unnamed.err.Error(), "setting") {
		t.Errorf("an ordered plan naming no school: %v; want it refused", unnamed.err)
	}
	if named.got.NamedSetting != "Elm Academy" || !named.got.OrderDue.IsZero() {
		t.Errorf("after the plan: setting %q, order due %s; want Elm Academy and nothing owed", named.got.NamedSetting, named.got.OrderDue)
	}
	var chased []string
	for _, l := range c.mail.Sorted() {
		if l >= "2025-06-02" && l < "2025-07-01" {
			chased = append(chased, l)
		}
	}
	assertLines(t, "letters while the order ran", chased, []string{
		"2025-06-09 staff.deadline_approaching caseworker,manager", // 7 days before; the 14-day reminder fell on the order's own morning
		"2025-06-16 family.amended_plan family",
	})
}

// The authority's response to a family's appeal over a decision on the
// plan (HESC Rules r.21): 30 working days from the appeal unless the
// tribunal directs otherwise, chased as every limit is. Appealed on Monday
// 10 March 2025, it is due on Wednesday 23 April (Good Friday and Easter
// Monday not counted); not sent, the staff are reminded and escalated and
// the family told once; sent late, it is met. A second plan's appeal has
// the tribunal's own date (one not after the appeal is refused), and the
// authority concedes (reg 45) before it: nothing is chased. A third's is
// withdrawn before its date: nothing is chased, the disagreement ends and
// a response is refused. A fourth's appeal against ceasing, recorded with
// record-ceasing-appeal, owes the response too until it is upheld.
func TestTheAuthoritysResponseToAnAppeal(t *testing.T) {
	c := newChain(t, input("2025-03-03", "2015-10-10"), "2025-03-03")
	c.step("2025-03-10", UpdateAppeal, AppealInput{On: date("2025-03-10")})
	appealed := c.status("2025-03-11")
	c.step("2025-05-06", UpdateResponse, OnInput{On: date("2025-05-06")})
	c.step("2025-07-01", UpdateCeasePlan, CeaseInput{On: date("2025-07-01"), Ground: statute.CeaseNoLongerNecessary, ConsultedOn: date("2025-06-20"), Reason: "r"})
	c.run()

	if d := appealed.got.Disagreement; d == nil || d.RespondBy != date("2025-04-23") {
		t.Errorf("after the appeal: %+v; want the response due 2025-04-23, 30 working days on", d)
	}
	var lines []string
	for _, l := range c.mail.Sorted() {
		if l >= "2025-03-10" && l < "2025-07-01" {
			lines = append(lines, l)
		}
	}
	assertLines(t, "letters", lines, []string{
		"2025-04-09 staff.deadline_approaching caseworker,manager", // 14 and 7 days before 23 April
		"2025-04-16 staff.deadline_approaching caseworker,manager",
		"2025-04-24 family.deadline_missed family", // the family told once
		"2025-04-24 staff.deadline_missed caseworker,manager",
		"2025-05-01 staff.deadline_missed caseworker,manager", // weekly until it is sent on 6 May
	})

	c = newChain(t, input("2025-03-03", "2015-10-10"), "2025-03-03")
	early := c.refuse("2025-03-10", UpdateAppeal, AppealInput{On: date("2025-03-10"), RespondBy: date("2025-03-10")})
	c.step("2025-03-10", UpdateAppeal, AppealInput{On: date("2025-03-10"), RespondBy: date("2025-05-30")})
	directed := c.status("2025-03-11")
	c.step("2025-04-01", UpdateOrder, OrderInput{On: date("2025-04-01"), Kind: statute.OrderNameSchool, Made: date("2025-04-01"), Unopposed: true})
	c.step("2025-04-14", UpdateComplyOrder, AmendedPlanInput{On: date("2025-04-14"), Setting: "Elm Academy"})
	c.step("2025-07-01", UpdateCeasePlan, CeaseInput{On: date("2025-07-01"), Ground: statute.CeaseNoLongerNecessary, ConsultedOn: date("2025-06-20"), Reason: "r"})
	c.run()
	if d := directed.got.Disagreement; d == nil || d.RespondBy != date("2025-05-30") {
		t.Errorf("with the tribunal's date: %+v; want the response due 2025-05-30", d)
	}
	if early.err == nil || !strings.Contains(early.err.Error(), "must be after the appeal") {
		t.Errorf("a response due the day of the appeal: %v; want it refused", early.err)
	}
	for _, l := range c.mail.Sorted() {
		if l >= "2025-04-15" && l < "2025-07-01" && strings.Contains(l, "deadline") { // after the order's own 2 weeks
			t.Errorf("after the authority conceded: %s; want no response chased (it was due 30 May)", l)
		}
	}
	c = newChain(t, input("2025-03-03", "2015-10-10"), "2025-03-03")
	c.step("2025-03-10", UpdateAppeal, AppealInput{On: date("2025-03-10")})
	c.step("2025-04-01", UpdateAppealEnded, AppealEndedInput{On: date("2025-04-01"), Withdrawn: true})
	ended := c.status("2025-04-02")
	after := c.refuse("2025-04-03", UpdateResponse, OnInput{On: date("2025-04-03")})
	c.step("2025-07-01", UpdateCeasePlan, CeaseInput{On: date("2025-07-01"), Ground: statute.CeaseNoLongerNecessary, ConsultedOn: date("2025-06-20"), Reason: "r"})
	c.run()
	if ended.got.Disagreement != nil || ended.got.Rights != nil {
		t.Errorf("after the appeal was withdrawn: %+v, rights %+v; want the disagreement ended", ended.got.Disagreement, ended.got.Rights)
	}
	if after.err == nil || !strings.Contains(after.err.Error(), "no appeal over this plan is awaiting") {
		t.Errorf("a response after the appeal was withdrawn: %v; want it refused", after.err)
	}
	for _, l := range c.mail.Sorted() {
		if l >= "2025-03-10" && l < "2025-07-01" && strings.Contains(l, "deadline") {
			t.Errorf("after the appeal was withdrawn: %s; want nothing chased (the response was due 23 April)", l)
		}
	}

	c = newChain(t, input("2025-03-03", "2015-10-10"), "2025-03-03")
	c.step("2025-03-10", UpdateCeasePlan, CeaseInput{On: date("2025-03-10"), Ground: statute.CeaseNoLongerNecessary, ConsultedOn: date("2025-03-03"), Reason: "r"})
	c.step("2025-03-17", UpdateCeasingAppealed, OnInput{On: date("2025-03-17")})
	ceasing := c.status("2025-03-18")
	c.step("2025-06-02", UpdateCeasingAppealEnded, AppealDecidedInput{On: date("2025-06-02"), Upheld: true})
	upheld := c.status("2025-06-03")
	c.step("2025-07-01", UpdateCeasePlan, CeaseInput{On: date("2025-07-01"), Ground: statute.CeaseNoLongerNecessary, ConsultedOn: date("2025-06-20"), Reason: "r"})
	c.run()
	if d := ceasing.got.Disagreement; d == nil || d.AppealedOn != date("2025-03-17") || d.RespondBy != date("2025-04-30") {
		t.Errorf("an appeal against ceasing: %+v; want the response due 2025-04-30, 30 working days on", d)
	}
	if upheld.got.Disagreement != nil || upheld.got.Stage != StageInForce {
		t.Errorf("after the appeal was upheld: %+v, stage %s; want the disagreement ended and the plan in force", upheld.got.Disagreement, upheld.got.Stage)
	}
	var chased []string
	for _, l := range c.mail.Sorted() {
		if l >= "2025-03-17" && l < "2025-06-02" && strings.Contains(l, "deadline") {
			chased = append(chased, l)
		}
	}
	if len(chased) == 0 || chased[0] != "2025-04-16 staff.deadline_approaching caseworker,manager" {
		t.Errorf("the response to the appeal against ceasing, chased: %q; want reminders from 16 April (14 days before 30 April)", chased)
	}
}
