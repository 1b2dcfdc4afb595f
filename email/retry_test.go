package email

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/activities/letters"
)

// The error types only matter if Temporal's retry policy reads them as
// meant: these run Notify, with this transport, under a real retry policy.

type sent struct {
	Delivery letters.Delivery
	Waited   time.Duration // workflow time spent, i.e. the retry delays
}

func notifyWorkflow(ctx workflow.Context, n letters.Notification) (sent, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2,
			MaximumInterval: time.Hour, MaximumAttempts: 5},
	})
	start := workflow.Now(ctx)
	var d letters.Delivery
	err := workflow.ExecuteActivity(ctx, "Notify", n).Get(ctx, &d)
	return sent{d, workflow.Now(ctx).Sub(start)}, err
}

func runNotify(t *testing.T, f *fakeSendGrid) (sent, error) {
	t.Helper()
	return runNotifyWith(t, newTransport(t, Options{BaseURL: f.srv.URL}), full(letters.FamilyDecisionToIssue))
}

// runNotifyWith runs the Notify activity on tr as Temporal does, retries
// and all, and says what it returned.
func runNotifyWith(t *testing.T, tr activities.Transport, n letters.Notification) (sent, error) {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflow(notifyWorkflow)
	env.RegisterActivity(&activities.Activities{Transport: tr, Logger: quiet})
	env.ExecuteWorkflow(notifyWorkflow, n)
	if !env.IsWorkflowCompleted() {
		t.Fatal("workflow did not complete")
	}
	var s sent
	if err := env.GetWorkflowError(); err != nil {
		return s, err
	}
	if err := env.GetWorkflowResult(&s); err != nil {
		t.Fatal(err)
	}
	return s, nil
}

func wantRequests(t *testing.T, f *fakeSendGrid, requests, accepted int) {
	t.Helper()
	if r, a := f.counts(); r != requests || a != accepted {
		t.Errorf("SendGrid saw %d requests, accepted %d: want %d, %d", r, a, requests, accepted)
	}
}

func TestRateLimitedThenAcceptedSendsOnce(t *testing.T) {
	reset := time.Now().Add(45 * time.Second).Unix()
	f := newFake(t, reply{status: 429, header: map[string]string{"X-RateLimit-Reset": strconv.FormatInt(reset, 10)}})
	s, err := runNotify(t, f)
	if err != nil {
		t.Fatal(err)
	}
	wantRequests(t, f, 2, 1)
	if s.Delivery.MessageID != "msg-2" {
		t.Errorf("delivery %+v", s.Delivery)
	}
	// The policy alone would have waited 1s.
	if s.Waited < 43*time.Second || s.Waited > 46*time.Second {
		t.Errorf("retried after %s, want about 45s (the rate-limit reset)", s.Waited)
	}
}

func TestServerErrorsAreRetried(t *testing.T) {
	e := reply{status: 500, body: `{"errors":[{"message":"internal error"}]}`}
	f := newFake(t, e, e, e)
	s, err := runNotify(t, f)
	if err != nil {
		t.Fatal(err)
	}
	wantRequests(t, f, 4, 1)
	if s.Delivery.MessageID != "msg-4" || s.Waited != 7*time.Second { // 1s + 2s + 4s
		t.Errorf("delivery %+v after %s", s.Delivery, s.Waited)
	}
}

func TestBadRequestFailsWithoutRetry(t *testing.T) {
	f := newFake(t, reply{status: 400, body: `{"errors":[{"field":"from","message":"The from object must be provided"}]}`})
	_, err := runNotify(t, f)
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) || !ae.NonRetryable() || ae.Type() != Rejected || !strings.Contains(ae.Error(), "from object must be provided") {
		t.Fatalf("workflow error %v: want SendGrid's non-retryable refusal", err)
	}
	wantRequests(t, f, 1, 0)
}
