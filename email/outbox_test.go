package email

import (
	"context"
	"slices"
	"testing"

	"go.temporal.io/sdk/testsuite"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/registertest"
)

// runThroughOutbox runs the notify workflow with the production transport:
// the outbox in a real register, then SendGrid (the fake).
func runThroughOutbox(t *testing.T, f *fakeSendGrid, store *register.Store, n letters.Notification) error {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflow(notifyWorkflow)
	env.RegisterActivity(&activities.Activities{Logger: quiet,
		Transport: &activities.Outbox{Store: store, Next: newTransport(t, Options{BaseURL: f.srv.URL}), Logger: quiet}})
	env.ExecuteWorkflow(notifyWorkflow, n)
	if !env.IsWorkflowCompleted() {
		t.Fatal("workflow did not complete")
	}
	return env.GetWorkflowError()
}

// SendGrid refuses the family's letter (400): it is not retried, its outbox
// row is failed, and the caseworker gets an alert through SendGrid.
func TestBadRequestThroughOutboxAlertsTheCaseworker(t *testing.T) {
	store := registertest.Store(t)
	f := newFake(t, reply{status: 400, body: `{"errors":[{"field":"personalizations.0.to","message":"Does not contain a valid address."}]}`})
	n := full(letters.FamilyDraftServed)
	n.Caseworker = caseworker
	if err := runThroughOutbox(t, f, store, n); err == nil {
		t.Fatal("the refused letter reported success")
	}
	wantRequests(t, f, 2, 1) // the letter once, then the alert
	alert := f.last()
	if p := alert.Personalizations[0]; !slices.Equal(p.To, []addr{{caseworker.Name, caseworker.Email}}) || len(p.Cc) != 0 {
		t.Errorf("alert went to %+v cc %+v; want the caseworker only", p.To, p.Cc)
	}
	if alert.Categories[0] != string(letters.StaffDeliveryFailed) {
		t.Errorf("alert template %v", alert.Categories)
	}
	rows, err := store.Outbox(context.Background(), caseRef, 0)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, r := range rows {
		status[r.Template] = r.Status
	}
	if status[string(letters.FamilyDraftServed)] != register.OutboxFailed || status[string(letters.StaffDeliveryFailed)] != register.OutboxSent {
		t.Errorf("outbox statuses %v; want the letter failed and the alert sent", status)
	}
}

// The same notification run twice, as a replayed workflow would, is sent
// once: the second run finds the outbox row sent.
func TestSameNotificationTwiceThroughOutboxSendsOnce(t *testing.T) {
	store := registertest.Store(t)
	f := newFake(t)
	n := full(letters.FamilyFinalPlan)
	for range 2 {
		if err := runThroughOutbox(t, f, store, n); err != nil {
			t.Fatal(err)
		}
	}
	wantRequests(t, f, 1, 1)
}
