package assessment

import (
	"strings"
	"testing"

	"go.temporal.io/sdk/testsuite"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/deadline"
)

// A case withdrawn the moment advice is requested still sends the adviser
// the request already owed (reg 8(1) advice was asked for): the case waits
// for its advice child to start and settle rather than cancelling it with
// its letter pending, and nothing else is sent to the adviser.
func TestWithdrawnTheMomentAdviceIsRequested(t *testing.T) {
	h := newHarness(t, "2026-01-05")
	h.rec.Slow = letters.AdviserRequest
	h.step("2026-01-19", UpdateDecideAssess, DecideAssessInput{On: date("2026-01-19"), Assess: true})
	var withdrawn CaseStatus
	h.at("2026-01-20", func() {
		update := func(name string, arg any, done func(any)) {
			h.env.UpdateWorkflow(name, "", &testsuite.TestUpdateCallback{
				OnReject: func(err error) { t.Errorf("%s rejected: %v", name, err) },
				OnAccept: func() {},
				OnComplete: func(v any, err error) {
					if err != nil {
						t.Errorf("%s failed: %v", name, err)
					} else if done != nil {
						done(v)
					}
				},
			}, arg)
		}
		// Both in one callback: the withdrawal reaches the case in the same
		// workflow task as the request, before the child has started.
		update(UpdateRequestAdvice, RequestAdviceInput{On: date("2026-01-20"), Kind: statute.AdviceKindPsychological,
			Provider: Contact{Name: "EP service", Email: "ep@la.example.gov.uk"}}, nil)
		update(UpdateWithdraw, WithdrawInput{On: date("2026-01-20"), Reason: "family moved away"},
			func(v any) { withdrawn = v.(CaseStatus) })
	})
	res := h.run()
	if res.Stage != StageWithdrawn {
		t.Fatalf("stage = %s; want withdrawn", res.Stage)
	}
	assertLines(t, sorted(h.rec.Lines()), []string{
		"2026-01-05 family.request_received family",
		"2026-01-05 partner.request_received school,health_body,social_care",
		"2026-01-19 family.decision_to_assess family",
		"2026-01-20 adviser.request adviser",
		"2026-01-20 family.advice_requested family",
		"2026-01-20 family.withdrawn family",
	})
	if len(withdrawn.Advice) != 1 || withdrawn.Advice[0].Status != StatusNotApplicable {
		t.Errorf("advice after withdrawal = %+v; want one request, not applicable", withdrawn.Advice)
	}
}

// The decision whether to assess, made late, reaches the case at the very
// moment its "missed" alarm is due (as when a worker comes back after an
// outage with the step queued). Whichever goes first, the family is told
// once that the limit was missed: by the alarm, or, when the step went
// first and the alarm never fired, by tellMetLate (metLateChange).
func TestFamilyToldOnceWhenALateStepMeetsItsAlarm(t *testing.T) {
	h := newHarness(t, "2026-06-01") // 6 weeks: 2026-07-13; its missed alarm 2026-07-14 09:00
	at := date("2026-07-14").At(deadline.AlarmHour)
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(UpdateDecideAssess, "", &testsuite.TestUpdateCallback{
			OnReject: func(err error) { t.Errorf("rejected: %v", err) }, OnAccept: func() {},
			OnComplete: func(_ any, err error) {
				if err != nil {
					t.Errorf("failed: %v", err)
				}
			},
		}, DecideAssessInput{On: date("2026-07-14"), Reason: "needs met by the school"})
	}, at.Sub(h.start))
	h.run()
	if missed := h.rec.Find(letters.FamilyDeadlineMissed); len(missed) != 1 {
		t.Fatalf("%d letters telling the family the limit was missed; want 1:\n%s", len(missed), strings.Join(h.rec.Lines(), "\n"))
	}
}
