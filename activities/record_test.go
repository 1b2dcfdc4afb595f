package activities_test

import (
	"context"
	"errors"
	"testing"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/register/registertest"
	"github.com/ehc-send/ehc/statute"
)

// Running the same RecordEvent and Notify activities again, as a retry or a
// replayed workflow would, writes one row each in the real register.
func TestRecordAndNotifyTwiceWriteOnce(t *testing.T) {
	store := registertest.Store(t)
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	a := &activities.Activities{Transport: &activities.LogTransport{}, Register: store}
	env.RegisterActivity(a)

	day1, _ := statute.ParseDate("2026-01-05")
	tt := statute.Compute(day1, statute.Steps{})
	e := caserecord.Event{Key: "EHC-9/1/request-received", CaseRef: "EHC-9", Kind: caserecord.KindStep, Name: "request-received",
		EffectiveOn: day1, Case: caserecord.Snapshot{Seq: 1, Stage: "requested", Requester: "parent", Caseworker: "cw-1",
			Day1: day1, DecisionToAssessDue: tt.DecisionToAssessDue, DecisionNotToIssueDue: tt.DecisionNotToIssueDue, FinalPlanDue: tt.FinalPlanDue}}
	n := letters.Notification{Envelope: letters.Envelope{Key: "EHC-9/family.request_received/1", CaseRef: "EHC-9",
		Template: letters.FamilyRequestReceived, On: day1, To: []letters.Recipient{{Role: letters.RoleFamily, Email: "sam@example.org"}}},
		Facts: letters.Facts{Timetable: &tt}}
	for range 2 {
		if _, err := env.ExecuteActivity(a.RecordEvent, e); err != nil {
			t.Fatal(err)
		}
		if _, err := env.ExecuteActivity(a.Notify, n); err != nil {
			t.Fatal(err)
		}
	}
	var events int
	if err := store.Pool.QueryRow(context.Background(), "select count(*) from case_events where case_ref = 'EHC-9'").Scan(&events); err != nil {
		t.Fatal(err)
	}
	if events != 2 {
		t.Errorf("%d case events after running each activity twice; want 2 (the step and the notification)", events)
	}

	_, err := env.ExecuteActivity(a.RecordEvent, caserecord.Event{CaseRef: "EHC-9"})
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || !appErr.NonRetryable() {
		t.Errorf("an incomplete event gave %v; want a non-retryable error", err)
	}
}
