package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
	"github.com/ehc-send/ehc/workflows/deadline"
	"github.com/ehc-send/ehc/workflows/dispute"
	"github.com/ehc-send/ehc/workflows/plan"
)

var (
	mar10 = statute.NewDate(2026, 3, 10)
	mar1  = statute.NewDate(2026, 3, 1)
)

// assessing is a case in assessment with one advice request out.
func assessing() assessment.CaseStatus {
	day1 := statute.NewDate(2026, 1, 19)
	return assessment.CaseStatus{
		CaseRef:               "EHC-1",
		Stage:                 assessment.StageAssessing,
		Caseworker:            "cw42",
		Requester:             assessment.RequesterParent,
		Day1:                  day1,
		Today:                 mar10,
		DecisionToAssessDue:   statute.NewDate(2026, 3, 2),
		DecisionNotToIssueDue: statute.NewDate(2026, 5, 11),
		FinalPlanDue:          statute.NewDate(2026, 6, 8),
		NextDeadline:          statute.NewDate(2026, 4, 7),
		Deadlines: []assessment.DeadlineState{
			{Key: "decision_to_assess_due", Deadline: statute.DecisionToAssessDue, Regulation: "reg 5(1)", Due: statute.NewDate(2026, 3, 2), Status: assessment.StatusMet, MetOn: statute.NewDate(2026, 2, 27)},
			{Key: "advice_due/adv-1", Deadline: statute.AdviceDue, Regulation: "reg 8(1)", Due: statute.NewDate(2026, 4, 7), Status: assessment.StatusPending},
			{Key: "decision_not_to_issue_due", Deadline: statute.DecisionNotToIssueDue, Regulation: "reg 10(1)", Due: statute.NewDate(2026, 5, 11), Status: assessment.StatusPending},
			{Key: "final_plan_due", Deadline: statute.FinalPlanDue, Regulation: "reg 13(2)", Due: statute.NewDate(2026, 6, 8), Status: assessment.StatusPending, Exception: "reg 13(3)(c)", ExpectedBy: statute.NewDate(2026, 6, 19)},
		},
		Advice: []assessment.AdviceState{
			{ID: "adv-1", Kind: statute.AdviceKindPsychological, Provider: "EP service", Requested: statute.NewDate(2026, 2, 24), Due: statute.NewDate(2026, 4, 7), Status: assessment.StatusPending},
		},
		Exceptions: []assessment.ExceptionRecord{
			{RecordExceptionInput: assessment.RecordExceptionInput{On: mar1, Ground: statute.ExceptionPersonal, Deadline: statute.FinalPlanDue, From: statute.NewDate(2026, 2, 20)}, Regulation: "reg 13(3)(c)"},
		},
		Steps: []assessment.StepRecord{
			{Step: "decide-assess", On: statute.NewDate(2026, 2, 27), Detail: "assess"},
			{Step: "request-advice", On: statute.NewDate(2026, 2, 24), Detail: "psychological"},
			{Step: "record-advice", On: mar1},
		},
	}
}

func TestStepsSendTheirUpdates(t *testing.T) {
	cases := []struct {
		args   []string
		update string
		input  any
		done   string
	}{
		{[]string{"decide-assess", "EHC-1", "--assess", "--reason", " meets s.36(8) "}, assessment.UpdateDecideAssess,
			assessment.DecideAssessInput{On: mar10, Assess: true, Reason: "meets s.36(8)"}, "decision to assess recorded"},
		{[]string{"decide-assess", "--refuse", "--reason", "r", "--on", "2026-03-01", "EHC-1"}, assessment.UpdateDecideAssess,
			assessment.DecideAssessInput{On: mar1, Assess: false, Reason: "r"}, "refusal to assess recorded"},
		{[]string{"request-advice", "EHC-1", "--kind", "psychological", "--provider-name", "EP service", "--provider-email", "ep@example.org", "--note", "n"}, assessment.UpdateRequestAdvice,
			assessment.RequestAdviceInput{On: mar10, Kind: statute.AdviceKindPsychological, Provider: assessment.Contact{Name: "EP service", Email: "ep@example.org"}, Note: "n"},
			"psychological advice requested, due by Tue 21 Apr 2026"},
		{[]string{"record-advice", "--case", "EHC-1", "--id", "adv-1"}, assessment.UpdateRecordAdvice,
			assessment.RecordAdviceInput{On: mar10, ID: "adv-1"}, "advice adv-1 received"},
		{[]string{"record-advice", "EHC-1", "--kind", "medical"}, assessment.UpdateRecordAdvice,
			assessment.RecordAdviceInput{On: mar10, Kind: statute.AdviceKindMedical}, "medical advice received"},
		{[]string{"decide-issue", "EHC-1", "--no-plan", "--reason", "r"}, assessment.UpdateDecideIssue,
			assessment.DecideIssueInput{On: mar10, Issue: false, Reason: "r"}, "decision not to issue a plan recorded"},
		{[]string{"decide-issue", "EHC-1", "--issue", "--reason", "r"}, assessment.UpdateDecideIssue,
			assessment.DecideIssueInput{On: mar10, Issue: true, Reason: "r"}, "decision to issue a plan recorded"},
		{[]string{"serve-draft", "EHC-1", "--on", "2026-03-01"}, assessment.UpdateServeDraft,
			assessment.ServeDraftInput{On: mar1}, "draft plan served; the family may comment until Sun 15 Mar 2026"},
		{[]string{"record-comments", "EHC-1", "--school-name", "Hill Primary", "--school-email", "senco@hill.example.sch.uk", "--meeting"}, assessment.UpdateRecordComments,
			assessment.RecordCommentsInput{On: mar10, RequestedSchool: assessment.Contact{Name: "Hill Primary", Email: "senco@hill.example.sch.uk"}, WantsMeeting: true},
			"family's comments recorded; Hill Primary requested and consulted; meeting requested"},
		{[]string{"consult-school", "EHC-1", "--school-name", "Hill Primary", "--school-email", "senco@hill.example.sch.uk", "--consultation-days", "10"}, assessment.UpdateConsultSchool,
			assessment.ConsultSchoolInput{On: mar10, School: assessment.Contact{Name: "Hill Primary", Email: "senco@hill.example.sch.uk"}},
			"Hill Primary consulted; answer expected by Fri 20 Mar 2026"},
		{[]string{"record-consultation", "EHC-1", "--school", "Hill Primary", "--agrees"}, assessment.UpdateRecordConsultation,
			assessment.RecordConsultationInput{On: mar10, School: "Hill Primary", Agrees: true}, "Hill Primary agrees to be named"},
		{[]string{"issue-final-plan", "EHC-1", "--school", "Hill Primary"}, assessment.UpdateIssueFinalPlan,
			assessment.IssueFinalPlanInput{On: mar10, School: "Hill Primary"}, "final EHC plan issued"},
		{[]string{"record-exception", "EHC-1", "--ground", "personal", "--deadline", "advice_due", "--advice-id", "adv-1", "--from", "2026-02-20", "--note", "in hospital"}, assessment.UpdateRecordException,
			assessment.RecordExceptionInput{On: mar10, Ground: statute.ExceptionPersonal, Deadline: statute.AdviceDue, AdviceID: "adv-1", From: statute.NewDate(2026, 2, 20), Note: "in hospital"},
			"exception recorded under reg 8(2)(a): exceptional personal circumstances"},
		{[]string{"expect", "EHC-1", "--deadline", "final_plan_due", "--by", "2026-03-20"}, assessment.UpdateExpect,
			assessment.ExpectInput{On: mar10, Deadline: statute.FinalPlanDue, By: statute.NewDate(2026, 3, 20)},
			"final EHC plan now expected by Fri 20 Mar 2026; the limit is not yet missed, so the family is not told now: if it is missed, their letter gives this date"},
		{[]string{"withdraw", "EHC-1", "--reason", "moved away"}, assessment.UpdateWithdraw,
			assessment.WithdrawInput{On: mar10, Reason: "moved away"}, "request withdrawn"},
	}
	for _, c := range cases {
		fc := &fakeClient{status: assessing()}
		env := useFake(t, fc)
		code, out, errOut := runCmd(env, c.args...)
		if code != ExitOK {
			t.Errorf("%v: exit %d, stderr %s", c.args, code, errOut)
			continue
		}
		if len(fc.updates) != 1 {
			t.Fatalf("%v: %d updates", c.args, len(fc.updates))
		}
		u := fc.updates[0]
		if u.WorkflowID != "ehc-EHC-1" || u.UpdateName != c.update || u.WaitForStage != client.WorkflowUpdateStageCompleted {
			t.Errorf("%v: update %+v", c.args, u)
		}
		if len(u.Args) != 1 || !reflect.DeepEqual(u.Args[0], c.input) {
			t.Errorf("%v: args %#v\nwant %#v", c.args, u.Args, c.input)
		}
		on := reflect.ValueOf(c.input).FieldByName("On").Interface().(statute.Date)
		want := "Case EHC-1, " + cli.LongDate(on) + ": " + c.done + ".\nNext deadline: Advice (adv-1), Tue 7 Apr 2026 (reg 8(1)).\n"
		if out != want {
			t.Errorf("%v: stdout\n%s\nwant\n%s", c.args, out, want)
		}
		if !fc.closed {
			t.Errorf("%v: client not closed", c.args)
		}
	}
}

func TestStepJSON(t *testing.T) {
	fc := &fakeClient{status: assessing()}
	env := useFake(t, fc)
	code, out, errOut := runCmd(env, "serve-draft", "EHC-1", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var st assessment.CaseStatus
	if err := json.Unmarshal([]byte(out), &st); err != nil || st.CaseRef != "EHC-1" {
		t.Errorf("%v: %s", err, out)
	}
}

func TestStepErrors(t *testing.T) {
	refusal := temporal.NewApplicationError("the decision whether to assess was recorded on 2026-02-27; it cannot be taken again", "StepRefused")
	cases := []struct {
		name string
		fc   *fakeClient
		want string
	}{
		{"refused", &fakeClient{updateErr: refusal},
			"ehc decide-assess: the decision whether to assess was recorded on 2026-02-27; it cannot be taken again\n"},
		{"refused, wrapped", &fakeClient{updateErr: fmt.Errorf("update failed: %w", refusal)},
			"ehc decide-assess: the decision whether to assess was recorded on 2026-02-27; it cannot be taken again\n"},
		{"unknown case", &fakeClient{callErr: notFound()},
			"ehc decide-assess: no assessment for case EHC-1\n"},
		{"closed case", &fakeClient{callErr: serviceerror.NewNotFound("workflow execution already completed"), describeOK: true},
			"ehc decide-assess: the assessment for case EHC-1 has ended; no further steps can be taken (see: ehc status EHC-1)\n"},
		{"timeout", &fakeClient{callErr: client.NewWorkflowUpdateServiceTimeoutOrCanceledError(context.DeadlineExceeded)},
			"ehc decide-assess: case EHC-1 did not answer in time: is the ehc worker running on task queue \"ehc-assessments\"?\n"},
		{"other", &fakeClient{callErr: errors.New("connection refused")},
			"ehc decide-assess: connection refused\n"},
	}
	for _, c := range cases {
		env := useFake(t, c.fc)
		code, out, errOut := runCmd(env, "decide-assess", "EHC-1", "--assess", "--reason", "r")
		if code != ExitFailed || errOut != c.want || out != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr\n%s\nwant\n%s", c.name, code, out, errOut, c.want)
		}
		if c.fc.queries != 0 {
			t.Errorf("%s: status queried after a failed step", c.name)
		}
	}
}

func TestStatusErrors(t *testing.T) {
	env := useFake(t, &fakeClient{queryErr: notFound()})
	if code, _, errOut := runCmd(env, "status", "EHC-9"); code != ExitFailed || errOut != "ehc status: no assessment for case EHC-9\n" {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestStatusPlain(t *testing.T) {
	env := useFake(t, &fakeClient{status: assessing()})
	var out, errOut bytes.Buffer
	if err := cmdStatus(context.Background(), env.writingTo(&out, &errOut), []string{"EHC-1"}); err != nil {
		t.Fatal(err)
	}
	want := `Case EHC-1
Stage:          gathering advice
Day 1:          Mon 19 Jan 2026
Caseworker:     cw42
Requested by:   parent
As at:          Tue 10 Mar 2026
Next deadline: Advice (adv-1), Tue 7 Apr 2026 (reg 8(1)).

Deadlines
  DEADLINE                           REG         DUE               STATUS
  Decision whether to assess         reg 5(1)    Mon 2 Mar 2026    met Fri 27 Feb 2026
  Advice (adv-1)                     reg 8(1)    Tue 7 Apr 2026    pending
  Decision whether to issue a plan   reg 10(1)   Mon 11 May 2026   pending
  Final EHC plan                     reg 13(2)   Mon 8 Jun 2026    pending
                                                                   exception under reg 13(3)(c)
                                                                   expected by Fri 19 Jun 2026

Advice requests
  REQUEST                 PROVIDER     DUE              STATUS
  adv-1 (psychological)   EP service   Tue 7 Apr 2026   pending

Exceptions
  DEADLINE         REG            GROUND                               DATES
  Final EHC plan   reg 13(3)(c)   Exceptional personal circumstances   from Fri 20 Feb 2026
                                                                       recorded Sun 1 Mar 2026

Steps
  Tue 24 Feb 2026   request-advice   psychological
  Fri 27 Feb 2026   decide-assess    assess
  Sun 1 Mar 2026    record-advice
`
	if out.String() != want {
		t.Errorf("status:\n%s\nwant:\n%s", out.String(), want)
	}

	out.Reset()
	if err := cmdStatus(context.Background(), env.writingTo(&out, &errOut), []string{"--json", "--case", "EHC-1"}); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]any{
		"stage": "assessing", "decision_to_assess_due": "2026-03-02",
		"decision_not_to_issue_due": "2026-05-11", "final_plan_due": "2026-06-08",
	} {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}

func TestNextDeadlineLine(t *testing.T) {
	st := assessing()
	st.Deadlines[1].Status = assessment.StatusMissed
	st.Deadlines[1].DaysOverdue = 3
	if got, want := nextDeadlineLine(st), "Next deadline: Advice (adv-1), Tue 7 Apr 2026 (reg 8(1)), missed: 3 days overdue."; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	st.Stage = assessment.StageNoPlan
	if got, want := nextDeadlineLine(st), "Case closed: decided not to issue a plan."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestStart(t *testing.T) {
	fc := &fakeClient{}
	env := useFake(t, fc)
	args := append(startArgs("manager-email", "send@council.example.gov.uk"), "--task-queue", "ehc-test", "--consultation-days", "10")
	code, out, errOut := runCmd(env, args...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	o := fc.startOpts
	if o.ID != "ehc-EHC-2026-0042" || o.TaskQueue != "ehc-test" ||
		o.WorkflowIDConflictPolicy != enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL || !o.WorkflowExecutionErrorWhenAlreadyStarted {
		t.Errorf("options %+v", o)
	}
	if o.StaticSummary != "EHC assessment EHC-2026-0042, requested 2026-01-19" {
		t.Errorf("summary %q", o.StaticSummary)
	}
	// 2026-01-19 + 6, 16 and 20 weeks, for the UI's static details.
	for _, row := range []string{`| decision whether to assess | reg 5\(1\) | 2026-03-02 |`,
		`| decision whether to issue a plan | reg 10\(1\) | 2026-05-11 |`, `| final EHC plan | reg 13\(2\) | 2026-06-08 |`} {
		if !strings.Contains(o.StaticDetails, row) {
			t.Errorf("static details lack %q:\n%s", row, o.StaticDetails)
		}
	}
	for key, want := range map[temporal.SearchAttributeKeyKeyword]string{saCaseRef: "EHC-2026-0042", saStage: "requested", saCaseworker: "cw42"} {
		if got, ok := o.TypedSearchAttributes.GetKeyword(key); !ok || got != want {
			t.Errorf("%s = %q, want %q", key.GetName(), got, want)
		}
	}
	if n := o.TypedSearchAttributes.Size(); n != 3 {
		t.Errorf("%d search attributes, want 3", n)
	}
	if fc.startType != assessment.AssessmentWorkflowName || len(fc.startArgs) != 1 {
		t.Fatalf("started %v with %v", fc.startType, fc.startArgs)
	}
	want := assessment.AssessmentInput{
		CaseRef:         "EHC-2026-0042",
		Received:        statute.NewDate(2026, 1, 19),
		Child:           assessment.Child{Name: "Sam Smith", DateOfBirth: statute.NewDate(2015, 6, 1)},
		Family:          assessment.Contact{Name: "Alex Smith", Email: "alex@example.org"},
		Requester:       assessment.RequesterParent,
		School:          assessment.Contact{Name: "Hill Primary", Email: "senco@hill.example.sch.uk"},
		Caseworker:      "cw42",
		CaseworkerEmail: "cw42@council.example.gov.uk",
		Manager:         assessment.Contact{Email: "send@council.example.gov.uk"},
		Policy: assessment.Policy{Schedule: deadline.Schedule{ReminderLeads: []int{14, 7}, EscalationEvery: 7}, ConsultDays: 10,
			// The plan it issues is kept with the configured review interval and transfer lead.
			Plan:    plan.Policy{Schedule: deadline.Schedule{ReminderLeads: []int{14, 7}, EscalationEvery: 7}, UnderFiveMonths: 6, TransferLeadDays: 84, ResponseWorkingDays: 30},
			Dispute: dispute.Policy{ResponseWorkingDays: 30}},
	}
	if !reflect.DeepEqual(fc.startArgs[0], want) {
		t.Errorf("input %#v\nwant %#v", fc.startArgs[0], want)
	}
	for _, s := range []string{"Started the assessment for case EHC-2026-0042 (workflow ehc-EHC-2026-0042).",
		"Decision whether to assess         Mon 2 Mar 2026    reg 5(1)"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
	for _, personal := range []string{"Sam", "Alex", "2015-06-01"} {
		if strings.Contains(o.StaticSummary, personal) || strings.Contains(o.StaticDetails, personal) || strings.Contains(o.ID, personal) {
			t.Errorf("personal data %q in workflow ID or summary", personal)
		}
	}
}

func TestStartJSON(t *testing.T) {
	env := useFake(t, &fakeClient{})
	code, out, errOut := runCmd(env, append(startArgs("", ""), "--json")...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got["workflow_id"] != "ehc-EHC-2026-0042" || got["run_id"] != "run-1" || got["final_plan_due"] != "2026-06-08" {
		t.Errorf("%v", got)
	}
}

func TestStartAlreadyRunning(t *testing.T) {
	fc := &fakeClient{startErr: serviceerror.NewWorkflowExecutionAlreadyStarted("already started", "req", "run-0")}
	env := useFake(t, fc)
	fc.status = assessment.CaseStatus{CaseRef: "EHC-2026-0042", Stage: assessment.StageAssessing, Day1: statute.NewDate(2026, 1, 19)}
	code, _, errOut := runCmd(env, startArgs("", "")...)
	if want := "ehc start: case EHC-2026-0042 already has an assessment running (Day 1 2026-01-19, gathering advice); see: ehc status EHC-2026-0042\n"; code != ExitFailed || errOut != want {
		t.Errorf("exit %d, stderr %q\nwant %q", code, errOut, want)
	}
}

// reg 4(2): the health body and social care named on the command line (or
// by EHC_HEALTH_BODY_EMAIL and EHC_SOCIAL_CARE_EMAIL) go with the case.
func TestStartNamesThePartners(t *testing.T) {
	fc := &fakeClient{}
	env := useFake(t, fc)
	args := append(startArgs("", ""), "--health-body-email", "dco@icb.example.nhs.uk", "--social-care-email", "send@social.example.gov.uk")
	if code, _, errOut := runCmd(env, args...); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	in := fc.startArgs[0].(assessment.AssessmentInput)
	if in.HealthBody.Email != "dco@icb.example.nhs.uk" || in.SocialCare.Email != "send@social.example.gov.uk" {
		t.Errorf("partners: %+v %+v", in.HealthBody, in.SocialCare)
	}
	if code, _, errOut := runCmd(env, append(startArgs("", ""), "--health-body-email", "dco@icb")...); code != ExitUsage || !strings.Contains(errOut, "EHC_HEALTH_BODY_EMAIL") && !strings.Contains(errOut, "health-body-email") {
		t.Errorf("a bad partner address: exit %d, %s", code, errOut)
	}
}
