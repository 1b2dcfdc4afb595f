package commands

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"go.temporal.io/sdk/client"

	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/bounds"
	"github.com/ehc-send/ehc/workflows/dispute"
	"github.com/ehc-send/ehc/workflows/plan"
)

// Each of a plan's steps goes to the plan's workflow (ehc-REF-plan) as its
// Update, with the input the caseworker typed, and says what was done.
func TestPlanStepsSendTheirUpdates(t *testing.T) {
	mar20 := statute.NewDate(2026, 3, 20)
	cases := []struct {
		args   []string
		update string
		input  any
		says   string
	}{
		{[]string{"schedule-review", "EHC-1", "--meeting", "2026-03-20"}, plan.UpdateScheduleReview,
			plan.ScheduleReviewInput{On: mar10, Meeting: mar20}, "review meeting on Fri 20 Mar 2026 arranged, its notice and advice sent (due by Fri 6 Mar 2026"},
		{[]string{"hold-review", "EHC-1", "--on", "2026-03-01"}, plan.UpdateHoldReview, plan.OnInput{On: mar1},
			"its report is due by Sun 15 Mar 2026 and the decision by Sun 29 Mar 2026"},
		{[]string{"record-review-report", "EHC-1"}, plan.UpdateRecordReviewReport, plan.OnInput{On: mar10}, "review report sent"},
		{[]string{"decide-review", "EHC-1", "--amend", "--on", "2026-03-01"}, plan.UpdateDecideReview, plan.DecideReviewInput{On: mar1, Outcome: plan.OutcomeAmend},
			"the family have until Tue 24 Mar 2026 to comment; the final amended plan is due by Tue 5 May 2026"}, // from the letter of 10 March, not --on
		{[]string{"decide-review", "EHC-1", "--maintain"}, plan.UpdateDecideReview, plan.DecideReviewInput{On: mar10, Outcome: plan.OutcomeMaintain}, "keep the plan"},
		{[]string{"issue-amended-plan", "EHC-1", "--setting", " Hill Secondary "}, plan.UpdateIssueAmendedPlan, plan.AmendedPlanInput{On: mar10, Setting: "Hill Secondary"}, "final amended plan issued"},
		{[]string{"decide-not-to-amend", "EHC-1", "--reason", "r"}, plan.UpdateDecideNotToAmend, plan.ReasonInput{On: mar10, Reason: "r"}, "reg 22(4)"},
		{[]string{"record-phase-transfer", "EHC-1", "--kind", "infant_to_junior", "--moves", "2026-09-01"}, plan.UpdateRecordPhaseTransfer,
			plan.PhaseTransferInput{On: mar10, Kind: statute.InfantToJunior, Moves: statute.NewDate(2026, 9, 1)}, "by Sun 15 Feb 2026 (reg 18(1)(b))"},
		{[]string{"record-move", "EHC-1"}, plan.UpdateRecordMove, plan.OnInput{On: mar10}, "by Tue 31 Mar 2026 (15 working days"},
		{[]string{"send-plan", "EHC-1", "--authority", "Northshire"}, plan.UpdateSendPlan, plan.SendPlanInput{On: mar10, Authority: "Northshire"}, "the plan ends here"},
		{[]string{"withdraw-move", "EHC-1", "--reason", "The family are staying."}, plan.UpdateWithdrawMove, plan.ReasonInput{On: mar10, Reason: "The family are staying."}, "the plan stays"},
		{[]string{"tell-after-transfer-in", "EHC-1", "--no-reassess"}, plan.UpdateTellAfterTransferIn, plan.TransferInNoticeInput{On: mar10}, "reg 15"},
		{[]string{"request-reassessment", "EHC-1", "--from", "school"}, plan.UpdateRequestReassessment,
			plan.ReassessmentRequestInput{On: mar10, From: plan.FromSchool}, "due by Wed 25 Mar 2026 (reg 25)"},
		{[]string{"decide-reassess", "EHC-1", "--refuse", "--reason", "r"}, plan.UpdateDecideReassess, plan.DecideReassessInput{On: mar10, Reason: "r"}, "refusal to reassess"},
		{[]string{"issue-reassessed-plan", "EHC-1"}, plan.UpdateIssueReassessedPlan, plan.AmendedPlanInput{On: mar10}, "after the reassessment issued"},
		{[]string{"cease-plan", "EHC-1", "--ground", "employment", "--consulted-on", "2026-03-01", "--reason", "r"}, plan.UpdateCeasePlan,
			plan.CeaseInput{On: mar10, Ground: statute.CeaseEmployment, ConsultedOn: mar1, Reason: "r"}, "kept until Mon 11 May 2026"},
		{[]string{"record-reassessment-exception", "EHC-1", "--ground", "personal", "--deadline", "reassess_final_plan_due"}, plan.UpdateRecordException,
			plan.ExceptionInput{On: mar10, Ground: statute.ExceptionPersonal, Deadline: statute.ReassessFinalPlanDue}, "under reg 13(3)(c)"},
		{[]string{"plan-expect", "EHC-1", "--deadline", "review_due", "--by", "2026-03-20"}, plan.UpdateExpect,
			plan.ExpectInput{On: mar10, Deadline: statute.ReviewDue, By: mar20}, "annual review of the EHC plan now expected by Fri 20 Mar 2026"},
		{[]string{"record-mediation", "EHC-1", "--declines"}, plan.UpdateMediation, plan.MediationInput{On: mar10}, "certificate is due by Fri 13 Mar 2026 (reg 34)"},
		{[]string{"record-mediation", "EHC-1", "--wants"}, plan.UpdateMediation, plan.MediationInput{On: mar10, Wants: true}, "held by Thu 9 Apr 2026 (reg 37)"},
		{[]string{"record-mediation-held", "EHC-1"}, plan.UpdateMediationHeld, plan.OnInput{On: mar10}, "due by Fri 13 Mar 2026 (reg 39)"},
		{[]string{"record-mediation-certificate", "EHC-1"}, plan.UpdateCertificate, plan.OnInput{On: mar10}, "certificate issued"},
		{[]string{"record-appeal", "EHC-1", "--respond-by", "2026-04-30"}, plan.UpdateAppeal, dispute.AppealInput{On: mar10, RespondBy: statute.NewDate(2026, 4, 30)},
			"appeal to the First-tier Tribunal (SEND) recorded; the authority's response is due by Thu 30 Apr 2026 (HESC Rules r.21)"},
		{[]string{"record-appeal-response", "EHC-1"}, plan.UpdateResponse, dispute.OnInput{On: mar10}, "the authority's response to the appeal sent"},
		{[]string{"record-appeal-decided", "EHC-1", "--withdrawn"}, plan.UpdateAppealEnded, dispute.AppealEndedInput{On: mar10, Withdrawn: true}, "the appeal's end recorded"},
		{[]string{"record-order", "EHC-1", "--kind", "name-school", "--made", "2026-03-01"}, plan.UpdateOrder,
			plan.OrderInput{On: mar10, Kind: statute.OrderNameSchool, Made: mar1}, "order recorded (reg 44(2)(f)): the amended EHC plan the tribunal ordered by Sun 15 Mar 2026"},
		{[]string{"issue-ordered-plan", "EHC-1", "--setting", "Elm Academy"}, plan.UpdateComplyOrder, plan.AmendedPlanInput{On: mar10, Setting: "Elm Academy"}, "tribunal ordered issued"},
		{[]string{"record-ceasing-appeal", "EHC-1"}, plan.UpdateCeasingAppealed, plan.OnInput{On: mar10}, "kept until it is decided"},
		{[]string{"ceasing-appeal-decided", "EHC-1", "--dismissed"}, plan.UpdateCeasingAppealEnded, plan.AppealDecidedInput{On: mar10}, "the plan has ceased"},
	}
	// The plan's answer, where what is said comes from it: the dates the plan
	// counted from the letter it sent, not from --on.
	answers := map[string]any{
		"decide-review": plan.PlanStatus{CaseRef: "EHC-1", Review: &plan.Review{Timetable: statute.Review(mar1, mar10)}},
		"cease-plan":    plan.PlanStatus{CaseRef: "EHC-1", Ceasing: &plan.Ceasing{CeasesOn: statute.CeasesOn(mar10)}},
		"record-appeal": plan.PlanStatus{CaseRef: "EHC-1", Disagreement: &plan.Dispute{AppealedOn: mar10, RespondBy: statute.NewDate(2026, 4, 30)}},
	}
	for _, c := range cases {
		fc := &fakeClient{status: assessing(), answer: answers[c.args[0]]}
		code, out, errOut := runCmd(useFake(t, fc), c.args...)
		if code != ExitOK {
			t.Errorf("%v: exit %d, stderr %s", c.args, code, errOut)
			continue
		}
		if len(fc.updates) != 1 {
			t.Fatalf("%v: %d updates", c.args, len(fc.updates))
		}
		u := fc.updates[0]
		if u.WorkflowID != "ehc-EHC-1-plan" || u.UpdateName != c.update || u.WaitForStage != client.WorkflowUpdateStageCompleted {
			t.Errorf("%v: update %+v", c.args, u)
		}
		if len(u.Args) != 1 || !reflect.DeepEqual(u.Args[0], c.input) {
			t.Errorf("%v: args %#v\nwant %#v", c.args, u.Args, c.input)
		}
		if !strings.HasPrefix(out, "Plan for case EHC-1, ") || !strings.Contains(out, c.says) {
			t.Errorf("%v: stdout\n%s\nwant it to say %q", c.args, out, c.says)
		}
	}
}

// A wrong command line names the flag and reaches no server.
func TestPlanStepRefusalsReachNoServer(t *testing.T) {
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"schedule-review", "EHC-1"}, "--meeting"},
		{[]string{"schedule-review", "EHC-1", "--meeting", "2026-02-30"}, "--meeting"},
		{[]string{"decide-review", "EHC-1"}, "--maintain or --amend"},
		{[]string{"decide-review", "EHC-1", "--maintain", "--amend"}, "--maintain or --amend"},
		{[]string{"decide-not-to-amend", "EHC-1"}, "--reason"},
		{[]string{"record-phase-transfer", "EHC-1", "--kind", "nursery", "--moves", "2026-09-01"}, "--kind"},
		{[]string{"record-phase-transfer", "EHC-1", "--kind", "primary_to_middle", "--moves", "2026-01-04"}, "--moves"},
		{[]string{"record-move", "EHC-1", "--on", "2019-01-02"}, "2019"},
		{[]string{"send-plan", "EHC-1", "--authority", "North\nshire"}, "--authority"},
		{[]string{"request-reassessment", "EHC-1", "--from", "doctor"}, "--from"},
		{[]string{"decide-reassess", "EHC-1", "--refuse"}, "--reason"},
		{[]string{"cease-plan", "EHC-1", "--ground", "moved", "--consulted-on", "2026-03-01", "--reason", "r"}, "--ground"},
		{[]string{"cease-plan", "EHC-1", "--ground", "age_25", "--consulted-on", "2026-04-01", "--reason", "r"}, "--consulted-on"},
		{[]string{"ceasing-appeal-decided", "EHC-1"}, "--upheld or --dismissed"},
		{[]string{"record-mediation", "EHC-1"}, "--wants or --declines"},
		{[]string{"record-order", "EHC-1", "--kind", "cease", "--made", "2026-03-01"}, "--kind"},
		{[]string{"record-order", "EHC-1", "--kind", "amend", "--made", "2026-04-01"}, "--made"},
		{[]string{"record-reassessment-exception", "EHC-1", "--ground", "personal", "--deadline", "review_due"}, "--deadline"},
		{[]string{"record-reassessment-exception", "EHC-1", "--ground", "missed_appointment", "--deadline", "reassess_decision_due"}, "--ground"},
		{[]string{"start-plan", "--case", "EHC-1", "--plan-made", "2025-01-01", "--child-dob", "2015-01-01", "--family-email", "f@example.org",
			"--caseworker", "cw", "--caseworker-email", "cw@example.org", "--decided-on", "2025-10-01"}, "--decided-on and --outcome"},
		{[]string{"start-plan", "--case", "EHC-1", "--plan-made", "2025-01-01", "--child-dob", "1990-01-01", "--family-email", "f@example.org",
			"--caseworker", "cw", "--caseworker-email", "cw@example.org"}, "--child-dob"},
		{[]string{"start-plan", "--case", "EHC 1", "--plan-made", "2025-01-01"}, "case reference"},
	} {
		code, _, errOut := runCmd(stubDial(t), c.args...)
		if code != ExitUsage || !strings.Contains(errOut, c.says) || strings.Contains(errOut, errDialled.Error()) {
			t.Errorf("%v: exit %d, stderr %q; want a usage error naming %s", c.args, code, errOut, c.says)
		}
	}
}

// FuzzPlanStepFlags runs a plan's steps with fuzzed free text and dates
// against a fake Temporal: none panics, and each either refuses with a
// usage error, sending nothing, or sends what the plan's bounds accept.
func FuzzPlanStepFlags(f *testing.F) {
	f.Add("Needs met from the school's own resources.", "Hill Secondary", "2026-03-20")
	f.Add(strings.Repeat("r", 3000), strings.Repeat("n", 300), "2026-02-30")
	f.Add("tab\there", "Elm\nAcademy", "20-03-2026")
	f.Fuzz(func(t *testing.T, reason, name, day string) {
		steps := [][]string{
			{"decide-not-to-amend", "EHC-1", "--reason=" + reason},
			{"issue-amended-plan", "EHC-1", "--setting=" + name},
			{"schedule-review", "EHC-1", "--meeting=" + day},
			{"send-plan", "EHC-1", "--authority=" + name},
			{"cease-plan", "EHC-1", "--ground", "no_longer_necessary", "--consulted-on=" + day, "--reason=" + reason},
			{"record-phase-transfer", "EHC-1", "--kind", "post16_to_post16", "--moves=" + day},
			{"withdraw-move", "EHC-1", "--reason=" + reason},
			{"record-appeal", "EHC-1", "--respond-by=" + day},
			{"record-order-step", "EHC-1", "--step=" + name},
			{"record-order", "EHC-1", "--kind=" + name, "--made=" + day},
		}
		for _, args := range steps {
			fc := &fakeClient{status: assessing()}
			code, _, errOut := runCmd(useFake(t, fc), args...)
			switch {
			case code == ExitUsage:
				if len(fc.updates) != 0 {
					t.Errorf("%s: refused, yet sent", args[0])
				}
				continue
			case code != ExitOK:
				t.Fatalf("%s: exit %d: %s", args[0], code, errOut)
			case len(fc.updates) != 1:
				t.Fatalf("%s: %d updates", args[0], len(fc.updates))
			}
			var err error
			switch in := fc.updates[0].Args[0].(type) {
			case plan.ReasonInput:
				err = bounds.Text("reason", in.Reason, plan.MaxReason)
			case plan.AmendedPlanInput:
				err = bounds.Line("setting", in.Setting, plan.MaxSetting)
			case plan.SendPlanInput:
				err = bounds.Line("authority", in.Authority, plan.MaxSetting)
			case plan.CeaseInput:
				err = bounds.Text("reason", in.Reason, plan.MaxReason)
				if in.ConsultedOn.IsZero() || in.ConsultedOn.After(mar10) {
					err = errors.Join(err, fmt.Errorf("consulted on %s", in.ConsultedOn))
				}
			case plan.ScheduleReviewInput:
				if in.Meeting.IsZero() {
					err = errors.New("no meeting date")
				}
			case plan.PhaseTransferInput:
				_, err = statute.LocalTransfer(in.Kind, in.Moves)
			case dispute.AppealInput:
				if in.RespondBy.IsZero() && day != "" { // empty: the policy's default
					err = errors.New("no response date")
				}
			case dispute.OrderStepInput:
				if in.Step != name {
					err = fmt.Errorf("step %q sent for %q", in.Step, name)
				}
			case plan.OrderInput:
				_, err = statute.OrderTimetable(in.Kind, in.Made)
			default:
				t.Fatalf("%s sent a %T", args[0], in)
			}
			if err != nil {
				t.Errorf("%s: sent out of bounds: %v", args[0], err)
			}
		}
	})
}
