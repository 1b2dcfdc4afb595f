package dispute

import (
	"strings"
	"testing"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
)

// A refusal the family do not dispute: their time to appeal, 2 months from
// the notice of 2 March (to 2 May), passes, and the disagreement ends the
// day after with no letter to anyone.
func TestRightsUnusedEndQuietly(t *testing.T) {
	r := newRun(t, statute.AppealRefusalToAssess, "2026-03-02")
	open := r.look("2026-03-03")
	res := r.finish()

	if res.Stage != StageRightsLapsed || res.EndedOn != date("2026-05-03") {
		t.Errorf("ended %s on %s; want rights lapsed on 2026-05-03", res.Stage, res.EndedOn)
	}
	if open.Rights.MediationAdvice != date("2026-05-02") || open.Rights.AppealBy != date("2026-05-02") {
		t.Errorf("rights %+v; want the mediation adviser and the appeal by 2026-05-02 (reg 33; HESC Rules r.20)", open.Rights)
	}
	if got := r.mail.Sorted(); len(got) != 0 {
		t.Errorf("letters sent for rights not used: %v", got)
	}
}

// A refusal to assess, disputed: the family decline mediation (the
// certificate due in 3 working days, reg 34), appeal within a month of it,
// the authority responds within its 30 working days (Easter and May's bank
// holidays skipped), and the tribunal orders an assessment (reg 44(2)(b)).
// The family are told of it in time, the final plan comes a week after its
// 14 weeks: the staff are reminded and escalated, the family told once.
func TestARefusalToAnOrderToAssess(t *testing.T) {
	r := newRun(t, statute.AppealRefusalToAssess, "2026-03-02")
	r.step("2026-03-20", UpdateMediation, MediationInput{On: date("2026-03-20")})
	r.step("2026-03-24", UpdateCertificate, OnInput{On: date("2026-03-24")})
	r.step("2026-04-10", UpdateAppeal, AppealInput{On: date("2026-04-10")})
	appealed := r.look("2026-04-11")
	r.step("2026-05-20", UpdateResponse, OnInput{On: date("2026-05-20")})
	makePlan := r.refused("2026-07-01", UpdateOrder, OrderInput{On: date("2026-07-01"), Kind: statute.OrderAmend, Made: date("2026-07-01")})
	r.step("2026-07-01", UpdateOrder, OrderInput{On: date("2026-07-01"), Kind: statute.OrderAssess, Made: date("2026-07-01")})
	early := r.refused("2026-07-05", UpdateOrderStep, OrderStepInput{On: date("2026-07-05"), Step: StepFinalPlan})
	r.step("2026-07-10", UpdateOrderStep, OrderStepInput{On: date("2026-07-10"), Step: StepNotified})
	r.step("2026-09-01", UpdateOrderStep, OrderStepInput{On: date("2026-09-01"), Step: StepIssueDecided})
	ordered := r.look("2026-09-02")
	r.step("2026-10-14", UpdateOrderStep, OrderStepInput{On: date("2026-10-14"), Step: StepFinalPlan})
	res := r.finish()

	if res.Stage != StageComplied || res.EndedOn != date("2026-10-14") {
		t.Errorf("ended %s on %s; want complied with on 2026-10-14", res.Stage, res.EndedOn)
	}
	if got := appealed.RespondBy; got != date("2026-05-26") {
		t.Errorf("response due %s; want 2026-05-26, 30 working days after 10 April (not counting 4 and 25 May)", got)
	}
	if got := appealed.Rights.AppealBy; got != date("2026-05-02") || appealed.Rights.CertificateLater {
		t.Errorf("appeal by %s; want 2026-05-02 (2 months from the notice is later than a month from the certificate)", got)
	}
	if ordered.Stage != StageOrdered || ordered.NextDeadline != date("2026-10-07") {
		t.Errorf("after the decision to issue: %s, next limit %s; want the final plan by 2026-10-07 (14 weeks)", ordered.Stage, ordered.NextDeadline)
	}
	for name, err := range map[string]*error{"an order to amend after a refusal": makePlan, "the final plan before the family were told": early} {
		if *err == nil {
			t.Errorf("%s was accepted", name)
		}
	}
	assertLines(t, "letters", r.mail.Sorted(), []string{
		"2026-05-12 staff.deadline_approaching caseworker,manager", // the response due 26 May
		"2026-05-19 staff.deadline_approaching caseworker,manager",
		"2026-07-08 staff.deadline_approaching caseworker,manager", // the family told by 15 July
		"2026-08-26 staff.deadline_approaching caseworker,manager", // the decision whether to issue, by 9 September
		"2026-09-23 staff.deadline_approaching caseworker,manager", // the final plan, by 7 October
		"2026-09-30 staff.deadline_approaching caseworker,manager",
		"2026-10-08 family.deadline_missed family", // the order breached
		"2026-10-08 staff.deadline_missed caseworker,manager",
	})
	for _, m := range r.mail.Find(letters.FamilyDeadlineMissed) {
		if !strings.Contains(m.Subject+m.Text, "final EHC plan the tribunal ordered") {
			t.Errorf("the family's letter does not name the order's final plan:\n%s\n%s", m.Subject, m.Text)
		}
	}
	if s := r.reg.last; s.OrderKind != "assess" || s.PlanIssuedOn != date("2026-10-14") || s.OrderMetOn != date("2026-10-14") || s.AppealedOn != date("2026-04-10") {
		t.Errorf("the register's row %+v; want the order to assess, complied with on 2026-10-14", s)
	}
}

// A decision not to issue, disputed through mediation (held within 30
// days, reg 37; the certificate 3 working days after, reg 39, a month from
// which is the later appeal date), then appealed and conceded (reg 45):
// the draft within 5 weeks and the final plan within 11 of the day the
// authority told the tribunal (reg 44(2)(c)), both on time.
func TestANoPlanDecisionConcededToAPlan(t *testing.T) {
	r := newRun(t, statute.AppealNoPlan, "2026-03-02")
	r.step("2026-04-20", UpdateMediation, MediationInput{On: date("2026-04-20"), Wants: true})
	r.step("2026-05-15", UpdateMediationHeld, OnInput{On: date("2026-05-15")})
	r.step("2026-05-19", UpdateCertificate, OnInput{On: date("2026-05-19")})
	certified := r.look("2026-05-20")
	assess := r.refused("2026-06-01", UpdateAppeal, AppealInput{On: date("2026-06-01"), RespondBy: date("2026-05-30")})
	r.step("2026-06-10", UpdateAppeal, AppealInput{On: date("2026-06-10"), RespondBy: date("2026-07-15")})
	r.step("2026-06-20", UpdateOrder, OrderInput{On: date("2026-06-20"), Kind: statute.OrderMakePlan, Made: date("2026-06-19"), Unopposed: true})
	r.step("2026-07-20", UpdateOrderStep, OrderStepInput{On: date("2026-07-20"), Step: StepDraft})
	r.step("2026-08-28", UpdateOrderStep, OrderStepInput{On: date("2026-08-28"), Step: StepFinalPlan})
	res := r.finish()

	if res.Stage != StageComplied || res.EndedOn != date("2026-08-28") {
		t.Errorf("ended %s on %s; want complied with on 2026-08-28", res.Stage, res.EndedOn)
	}
	if got := certified.Rights; got.AppealBy != date("2026-06-19") || !got.CertificateLater {
		t.Errorf("after the certificate: %+v; want the appeal by 2026-06-19, a month after it", got)
	}
	if *assess == nil {
		t.Error("an appeal whose response date is before it was accepted")
	}
	for _, m := range r.mail.Find(letters.FamilyDeadlineMissed) {
		t.Errorf("the family were told a limit was missed on %s; every one was met", m.On)
	}
	if s := r.reg.last; !s.Unopposed || s.OrderKind != "make-plan" || s.OrderDue != date("2026-09-04") {
		t.Errorf("the register's row %+v; want an unopposed order to make a plan, its final plan due 2026-09-04 (11 weeks from 19 June)", s)
	}
}

// Mediation over a decision not to issue agrees to make a plan (reg 42):
// the tribunal's limits apply as if ordered (reg 44(2)(c)), from the day
// agreed; a second agreement, on another action, would have 2 weeks.
func TestAMediationAgreementToMakeAPlan(t *testing.T) {
	r := newRun(t, statute.AppealNoPlan, "2026-03-02")
	r.step("2026-03-10", UpdateMediation, MediationInput{On: date("2026-03-10"), Wants: true})
	early := r.refused("2026-03-12", UpdateAgreement, AgreementInput{On: date("2026-03-12"), Agreed: statute.OrderMakePlan})
	r.step("2026-04-01", UpdateMediationHeld, OnInput{On: date("2026-04-01")})
	assess := r.refused("2026-04-01", UpdateAgreement, AgreementInput{On: date("2026-04-01"), Agreed: statute.OrderAssess})
	r.step("2026-04-01", UpdateAgreement, AgreementInput{On: date("2026-04-01"), Agreed: statute.OrderMakePlan})
	r.step("2026-04-02", UpdateCertificate, OnInput{On: date("2026-04-02")})
	agreed := r.look("2026-04-03")
	r.step("2026-05-01", UpdateOrderStep, OrderStepInput{On: date("2026-05-01"), Step: StepDraft})
	r.step("2026-06-10", UpdateOrderStep, OrderStepInput{On: date("2026-06-10"), Step: StepFinalPlan})
	res := r.finish()

	if res.Stage != StageComplied || res.EndedOn != date("2026-06-10") {
		t.Errorf("ended %s on %s; want complied with on 2026-06-10", res.Stage, res.EndedOn)
	}
	if o := agreed.Order; o == nil || !o.Agreement || o.Kind != statute.OrderMakePlan || agreed.NextDeadline != date("2026-05-06") {
		t.Errorf("after the agreement: order %+v, next limit %s; want an agreement to make a plan, the draft by 2026-05-06 (5 weeks)", o, agreed.NextDeadline)
	}
	for name, err := range map[string]*error{"an agreement before mediation was held": early, "an agreement to assess a case already assessed": assess} {
		if *err == nil {
			t.Errorf("%s was accepted", name)
		}
	}
	if limits, _ := statute.OrderTimetable(statute.OrderAgreedAction, date("2026-04-01")); len(limits) != 1 || limits[0].Due != date("2026-04-15") || limits[0].Regulation != "reg 42" {
		t.Errorf("another agreed action's limit %+v; want 2026-04-15, 2 weeks (reg 42)", limits)
	}
}

// An order recorded three weeks after it was made, its 2-week limit to tell
// the family already past, which was met in time: recording what was done
// straight after sends the family no false "missed" letter; and an
// agreement's certificate still owed does not stop the order being
// complied with.
func TestAnOrderRecordedLate(t *testing.T) {
	r := newRun(t, statute.AppealRefusalToAssess, "2026-03-02")
	r.step("2026-03-10", UpdateAppeal, AppealInput{On: date("2026-03-10")})
	r.step("2026-04-01", UpdateResponse, OnInput{On: date("2026-04-01")})
	r.step("2026-06-22", UpdateOrder, OrderInput{On: date("2026-06-22"), Kind: statute.OrderAssess, Made: date("2026-06-01")})
	r.step("2026-06-22", UpdateOrderStep, OrderStepInput{On: date("2026-06-10"), Step: StepNotified})
	r.step("2026-07-20", UpdateOrderStep, OrderStepInput{On: date("2026-07-20"), Step: StepNoPlanDecided})
	res := r.finish()

	if res.Stage != StageComplied || res.EndedOn != date("2026-07-20") {
		t.Errorf("ended %s on %s; want complied with on 2026-07-20", res.Stage, res.EndedOn)
	}
	for _, m := range r.mail.Find(letters.FamilyDeadlineMissed) {
		t.Errorf("the family were told on %s that %s was missed; it was met on time", m.On, m.Subject)
	}
	if !r.reg.last.OrderOnTime {
		t.Errorf("the register's row %+v; want the order complied with on time", r.reg.last)
	}
}

// Mediation wanted and never held: the certificate still comes (the family
// may appeal a month after it), mediation's limit is no longer chased, and
// when the time to appeal passes the disagreement ends.
func TestMediationWantedAndNotHeld(t *testing.T) {
	r := newRun(t, statute.AppealRefusalToAssess, "2026-03-02")
	r.step("2026-04-20", UpdateMediation, MediationInput{On: date("2026-04-20"), Wants: true})
	early := r.refused("2026-05-01", UpdateCertificate, OnInput{On: date("2026-04-19")})
	r.step("2026-05-12", UpdateCertificate, OnInput{On: date("2026-05-12")})
	res := r.finish()

	if res.Stage != StageRightsLapsed || res.EndedOn != date("2026-06-13") {
		t.Errorf("ended %s on %s; want rights lapsed on 2026-06-13, the day after a month from the certificate", res.Stage, res.EndedOn)
	}
	if *early == nil {
		t.Error("a certificate dated before the family went to the mediation adviser was accepted")
	}
	for _, m := range r.mail.Find(letters.FamilyDeadlineMissed) {
		t.Errorf("the family were told on %s that %s was missed", m.On, m.Subject)
	}
}
