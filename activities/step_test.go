package activities

import (
	"context"
	"errors"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/caserecord"
)

func commitStep(t *testing.T, a *Activities, s letters.Step) (letters.StepResult, error) {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(a)
	val, err := env.ExecuteActivity(a.CommitStep, s)
	if err != nil {
		return letters.StepResult{}, err
	}
	var res letters.StepResult
	if err := val.Get(&res); err != nil {
		t.Fatal(err)
	}
	return res, nil
}

// enterCase writes the case's first event, as the workflow does before
// anything refers to the case.
func enterCase(t *testing.T, s *register.Store, tt letters.Notification) {
	t.Helper()
	tl := tt.Facts.Timetable
	if _, err := s.Record(context.Background(), caserecord.Event{Key: caseRef + "/1/request-received", CaseRef: caseRef,
		Kind: caserecord.KindStep, Name: "request-received", EffectiveOn: day1, Case: caserecord.Snapshot{Seq: 1, Stage: "requested",
			Requester: "parent", Caseworker: "cw-1", Day1: day1, DecisionToAssessDue: tl.DecisionToAssessDue,
			DecisionNotToIssueDue: tl.DecisionNotToIssueDue, FinalPlanDue: tl.FinalPlanDue}}); err != nil {
		t.Fatal(err)
	}
}

func countEvents(t *testing.T, s *register.Store, kind string) int {
	t.Helper()
	var n int
	if err := s.Pool.QueryRow(context.Background(), `select count(*) from case_events where case_ref = $1 and kind = $2`, caseRef, kind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// One step's record, projection and letters are written together before
// any letter is handed over: a mail service that is down leaves the
// letters pending in the outbox (the relay's to send if the step's retries
// ever end), the step recorded once, and the retry sends each letter once.
func TestCommitStepWritesTheStepAndItsLettersTogether(t *testing.T) {
	f := newOutbox(t)
	a := &Activities{Transport: f.box, Register: f.store, Logger: quiet}
	family, partners := familyLetter(letters.FamilyRefusalToAssess), full(letters.PartnerRefusalToAssess)
	partners.To = []letters.Recipient{{Role: letters.RoleSchool, Name: "Oak Primary", Email: "head@oak.example.org"}}
	enterCase(t, f.store, family)
	tl := family.Facts.Timetable
	s := letters.Step{
		Events: []caserecord.Event{{Key: caseRef + "/2/decide-assess", CaseRef: caseRef, Kind: caserecord.KindStep, Name: "decide-assess",
			EffectiveOn: day1.AddDays(30), Case: caserecord.Snapshot{Seq: 2, Stage: "not_assessed", Requester: "parent", Caseworker: "cw-1",
				Day1: day1, DecisionToAssessDue: tl.DecisionToAssessDue, DecisionNotToIssueDue: tl.DecisionNotToIssueDue,
				FinalPlanDue: tl.FinalPlanDue, ClosedOn: day1.AddDays(30)}}},
		Letters: []letters.Notification{family, partners},
	}
	f.next.fail(partners.Key, errors.New("connection reset"))

	_, err := commitStep(t, a, s)
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Type() != letters.LettersUnsent || app.NonRetryable() || !strings.Contains(app.Message(), partners.Key) {
		t.Fatalf("first attempt: %v; want a retryable %s naming the partners' letter", err, letters.LettersUnsent)
	}
	var unsent []string
	if err := app.Details(&unsent); err != nil || len(unsent) != 1 || unsent[0] != partners.Key {
		t.Errorf("unsent in the details: %v (%v); want [%s]", unsent, err, partners.Key)
	}
	if r := f.row(t, partners.Key); r.Status != register.OutboxPending {
		t.Errorf("the unsent letter's row is %s; want pending for the retry or the relay", r.Status)
	}
	if got := countEvents(t, f.store, caserecord.KindStep); got != 2 {
		t.Errorf("%d step events after the first attempt; want 2 (the step recorded before any letter)", got)
	}

	res, err := commitStep(t, a, s)
	if err != nil || len(res.Lost) != 0 {
		t.Fatalf("retry: %+v, %v", res, err)
	}
	if got := countEvents(t, f.store, caserecord.KindStep); got != 2 {
		t.Errorf("%d step events after the retry; want still 2", got)
	}
	for _, k := range []string{family.Key, partners.Key} {
		if got := len(f.next.accepted(k)); got != 1 {
			t.Errorf("%s accepted %d times; want once", k, got)
		}
	}
	var stage string
	if err := f.store.Pool.QueryRow(context.Background(), `select stage from cases where case_ref = $1`, caseRef).Scan(&stage); err != nil || stage != "not_assessed" {
		t.Errorf("the projection says %q (%v); want not_assessed", stage, err)
	}
}

// A letter the mail service refuses for good comes back as lost, by key
// and reason, without failing the step: its record and other letters stand.
func TestCommitStepReportsARefusedLetterAsLost(t *testing.T) {
	f := newOutbox(t)
	a := &Activities{Transport: f.box, Register: f.store, Logger: quiet}
	family := familyLetter(letters.FamilyRefusalToAssess)
	enterCase(t, f.store, family)
	f.next.fail(family.Key, temporal.NewNonRetryableApplicationError("invalid address", "Refused", nil))
	res, err := commitStep(t, a, letters.Step{Letters: []letters.Notification{family}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Lost) != 1 || res.Lost[0].Key != family.Key || res.Lost[0].Reason != "invalid address" {
		t.Errorf("lost: %+v; want the family's letter, refused for an invalid address", res.Lost)
	}
}

// With feedback links set, a step's letter to the family ends with the
// question and the outbox marks it as asking; the partners' letter of the
// same step asks nothing; a retry sends neither again.
func TestCommitStepAsksTheFamilyOnly(t *testing.T) {
	f := newOutbox(t)
	links, err := letters.NewFeedback("https://ehc.example.gov.uk", []byte(strings.Repeat("s", letters.MinFeedbackKey)))
	if err != nil {
		t.Fatal(err)
	}
	a := &Activities{Transport: f.box, Register: f.store, Logger: quiet, Feedback: links}
	family, partners := familyLetter(letters.FamilyRefusalToAssess), full(letters.PartnerRefusalToAssess)
	partners.To = []letters.Recipient{{Role: letters.RoleSchool, Name: "Oak Primary", Email: "head@oak.example.org"}}
	enterCase(t, f.store, family)
	s := letters.Step{Letters: []letters.Notification{family, partners}}
	for range 2 {
		if res, err := commitStep(t, a, s); err != nil || len(res.Lost) != 0 {
			t.Fatalf("%+v, %v", res, err)
		}
	}
	for _, c := range []struct {
		key  string
		asks bool
	}{{family.Key, true}, {partners.Key, false}} {
		sent := f.next.accepted(c.key)
		var asks bool
		if err := f.store.Pool.QueryRow(context.Background(), `select asks_feedback from notification_outbox where key = $1`, c.key).Scan(&asks); err != nil {
			t.Fatal(err)
		}
		if len(sent) != 1 || strings.Contains(sent[0].Text, links.Link(c.key, letters.AnswerVeryWell)) != c.asks || asks != c.asks {
			t.Errorf("%s: sent %d times, asks in the text and the outbox %v; want once, %v", c.key, len(sent), asks, c.asks)
		}
	}
}

// A letter first tried on a worker without feedback links and retried on
// one with them (a rolling deploy) goes as the outbox row holds it, with
// no question; and the other way round it keeps the question its row
// records, so a family's answer always finds its letter.
func TestARetryOnAWorkerWithOtherFeedbackSettingsSendsTheStoredLetter(t *testing.T) {
	links, err := letters.NewFeedback("https://ehc.example.gov.uk", []byte(strings.Repeat("s", letters.MinFeedbackKey)))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name          string
		first, second *letters.Feedback
	}{{"turned on", nil, links}, {"turned off", links, nil}} {
		t.Run(c.name, func(t *testing.T) {
			f := newOutbox(t)
			family := familyLetter(letters.FamilyRefusalToAssess)
			enterCase(t, f.store, family)
			s := letters.Step{Letters: []letters.Notification{family}}
			f.next.fail(family.Key, errors.New("connection reset"))
			if _, err := commitStep(t, &Activities{Transport: f.box, Register: f.store, Logger: quiet, Feedback: c.first}, s); err == nil {
				t.Fatal("the first attempt sent the letter; want it to fail")
			}
			if res, err := commitStep(t, &Activities{Transport: f.box, Register: f.store, Logger: quiet, Feedback: c.second}, s); err != nil || len(res.Lost) != 0 {
				t.Fatalf("retry: %+v, %v", res, err)
			}
			sent, row := f.next.accepted(family.Key), f.row(t, family.Key)
			asks := c.first != nil
			if len(sent) != 1 || sent[0].Text != row.Text || strings.Contains(sent[0].Text, "how well have we kept you") != asks ||
				row.AsksFeedback != asks || sent[0].AsksFeedback != asks {
				t.Errorf("sent %d, asking %v; the row asks %v; want once, as the first attempt wrote it (asking %v)",
					len(sent), len(sent) > 0 && sent[0].AsksFeedback, row.AsksFeedback, asks)
			}
		})
	}
}
