package e2e

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/email"
	"github.com/ehc-send/ehc/email/sendgridtest"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/starter/commands"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// A step a caseworker sends while no worker is running reaches the case
// before its first workflow task. When the worker comes back, the case's
// first record and its first letter still come first: the register holds
// both steps in order, "we received your request" is sent before "we will
// assess", and the status lists the request first.
func TestIntegrationStepQueuedBeforeTheFirstTask(t *testing.T) {
	c, store, sg, env := startTemporal(t)
	today := statute.DateOf(time.Now())
	day := func(n int) string { return today.AddDays(n).String() }

	// The test's worker polls its own queue; this case goes to a queue
	// whose worker is "down" until started below.
	queue := "ehc-it-held-" + t.Name()
	held := map[string]string{"EHC_TASK_QUEUE": queue}
	base := env.Getenv
	env.Getenv = func(k string) string {
		if v, ok := held[k]; ok {
			return v
		}
		return base(k)
	}

	type result struct {
		code     int
		out, err string
	}
	runAsync := func(args ...string) <-chan result {
		ch := make(chan result, 1)
		go func() {
			var out, errb bytes.Buffer
			code := commands.Run(context.Background(), withOutput(env, &out, &errb), args)
			ch <- result{code, out.String(), errb.String()}
		}()
		return ch
	}
	started := runAsync(startFlagsFor("RACE-1", day(-3), "sam@example.org")...)
	waitForRun(t, c, assessment.WorkflowID("RACE-1"))
	decided := runAsync("decide-assess", "RACE-1", "--assess", "--on", day(-1))
	time.Sleep(2 * time.Second) // the step is with the server, waiting for the case's first task

	startHeldWorker(t, c, queue, store, sg.URL)
	for name, ch := range map[string]<-chan result{"start": started, "decide-assess": decided} {
		select {
		case r := <-ch:
			if r.code != 0 {
				t.Fatalf("ehc %s: exit %d\n%s%s", name, r.code, r.out, r.err)
			}
		case <-time.After(time.Minute):
			t.Fatalf("ehc %s did not finish", name)
		}
	}

	if got, want := registerSteps(t, store, "RACE-1"), []string{"request-received " + day(-3), "decide-assess " + day(-1)}; !slices.Equal(got, want) {
		t.Errorf("register steps = %q; want %q", got, want)
	}
	checkOutbox(t, env, sg, "RACE-1", today, []string{"family.decision_to_assess", "family.request_received", "partner.request_received"})
	var order []string
	for _, m := range sg.Mails() {
		if m.CaseRef == "RACE-1" && strings.HasPrefix(m.Template, "family.") {
			order = append(order, m.Template)
		}
	}
	if want := []string{"family.request_received", "family.decision_to_assess"}; !slices.Equal(order, want) {
		t.Errorf("family letters sent in the order %q; want %q", order, want)
	}
	out := ehc(t, env, 0, "status", "RACE-1", "--json")
	if i, j := strings.Index(out, `"request-received"`), strings.Index(out, `"decide-assess"`); i < 0 || j < 0 || i > j {
		t.Errorf("status lists the steps out of order (request at %d, decision at %d):\n%s", i, j, out)
	}
}

// waitForRun waits until the workflow exists on the server.
func waitForRun(t *testing.T, c client.Client, id string) {
	t.Helper()
	for range 200 {
		if _, err := c.DescribeWorkflowExecution(context.Background(), id, ""); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("workflow %s was never started", id)
}

// startHeldWorker starts a worker on queue with the production activities:
// the outbox, then the real SendGrid client to the local v3 server.
func startHeldWorker(t *testing.T, c client.Client, queue string, store *register.Store, sendgridURL string) {
	t.Helper()
	w := newHeldWorker(t, c, queue, store, sendgridURL)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
}

// newHeldWorker is the worker startHeldWorker starts, not yet started.
func newHeldWorker(t *testing.T, c client.Client, queue string, store *register.Store, sendgridURL string) worker.Worker {
	t.Helper()
	mailer, err := email.NewTransport(email.Options{APIKey: "SG.test-key", BaseURL: sendgridURL,
		From: email.Address{Name: "SEND team", Email: "send@la.example.gov.uk"}})
	if err != nil {
		t.Fatal(err)
	}
	w := worker.New(c, queue, worker.Options{})
	workflows.Register(w)
	w.RegisterActivity(&activities.Activities{Transport: &activities.Outbox{Store: store, Next: mailer}, Register: store})
	return w
}

// A case started while the worker is down, which stays down past a limit,
// is not a case entered after the fact: the partners are told of the
// request (reg 4(2)), and the alarms that passed while nothing ran are sent
// as soon as the worker is back, the family's "we missed the limit" letter
// among them, after their acknowledgement. A compressed clock (a week in 2
// seconds) stands in for three weeks of outage.
func TestIntegrationWorkerDownAcrossALimit(t *testing.T) {
	c, store, sg, _ := startTemporal(t)
	queue := "ehc-it-held-" + t.Name()
	start := time.Now()
	in := outageCase("DOWN-1", start)
	if _, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: assessment.WorkflowID(in.CaseRef), TaskQueue: queue},
		assessment.AssessmentWorkflowName, in); err != nil {
		t.Fatal(err)
	}
	time.Sleep(6 * time.Second) // 21 statutory days: both reminders, the limit and its first escalation pass
	startHeldWorker(t, c, queue, store, sg.URL)

	wanted := []string{"family.request_received", "partner.request_received", "staff.deadline_missed", "family.deadline_missed"}
	var got []string
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		got = got[:0]
		for _, m := range sg.Mails() {
			if m.CaseRef == in.CaseRef {
				got = append(got, m.Template)
			}
		}
		all := true
		for _, w := range wanted {
			all = all && slices.Contains(got, w)
		}
		if all || time.Now().After(deadline) { // one step's letters go one after another: wait for them all
			break
		}
	}
	for _, want := range wanted {
		if !slices.Contains(got, want) {
			t.Errorf("no %s letter; sent: %q", want, got)
		}
	}
	if slices.Contains(got, "staff.case_entered") {
		t.Errorf("the case was summarised to staff as entered after the fact; sent: %q", got)
	}
	if i, j := slices.Index(got, "family.request_received"), slices.Index(got, "family.deadline_missed"); i < 0 || j < i {
		t.Errorf("the family's letters came out of order: %q", got)
	}
	if n := strings.Count(strings.Join(got, " "), "family.deadline_missed"); n > 1 {
		t.Errorf("the family was told %d times that the limit was missed", n)
	}
}

// A running case whose worker stops before a limit and stays down past it,
// while the caseworker records the late decision: when the worker is back,
// the decision and the alarm that tells the family the limit was missed
// reach the case together, in either order. The family is told once.
func TestIntegrationLateStepWhileTheWorkerIsDown(t *testing.T) {
	c, store, sg, _ := startTemporal(t)
	queue := "ehc-it-held-" + t.Name()
	start := time.Now()
	today := statute.DateOf(start)
	in := outageCase("DOWN-2", start)
	w := newHeldWorker(t, c, queue, store, sg.URL)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: assessment.WorkflowID(in.CaseRef), TaskQueue: queue},
		assessment.AssessmentWorkflowName, in); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * time.Second) // 10 statutory days: the request acknowledged, a reminder sent
	w.Stop()
	// The late decision (2 days after the limit) waits for a worker.
	decided := decideAsync(c, in.CaseRef, today.AddDays(17))
	time.Sleep(3 * time.Second) // 21 statutory days: the limit and its first escalation pass with no worker
	startHeldWorker(t, c, queue, store, sg.URL)
	waitDecided(t, decided)

	var missed []sendgridtest.Mail
	for deadline := time.Now().Add(20 * time.Second); len(missed) == 0 && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		for _, m := range sg.Mails() {
			if m.CaseRef == in.CaseRef && m.Template == "family.deadline_missed" {
				missed = append(missed, m)
			}
		}
	}
	time.Sleep(time.Second) // a second letter would be on its way by now
	missed = missed[:0]
	for _, m := range sg.Mails() {
		if m.CaseRef == in.CaseRef && m.Template == "family.deadline_missed" {
			missed = append(missed, m)
		}
	}
	if len(missed) != 1 {
		t.Fatalf("the family had %d letters saying the limit was missed; want 1", len(missed))
	}
}

// A case started while the worker is down, whose caseworker records the
// decision on time while it is still down: when the worker is back after
// the limit, the queued decision lands before the alarms that passed, so
// the family is never told the limit was missed.
func TestIntegrationStepQueuedInTimeDuringAnOutage(t *testing.T) {
	c, store, sg, _ := startTemporal(t)
	queue := "ehc-it-held-" + t.Name()
	start := time.Now()
	today := statute.DateOf(start)
	in := outageCase("DOWN-3", start)
	if _, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: assessment.WorkflowID(in.CaseRef), TaskQueue: queue},
		assessment.AssessmentWorkflowName, in); err != nil {
		t.Fatal(err)
	}
	// The caseworker decides in time (15 days early), retried while the case is set up.
	decided := decideAsync(c, in.CaseRef, today)
	time.Sleep(6 * time.Second) // 21 statutory days: the limit and its missed alarm pass with no worker
	startHeldWorker(t, c, queue, store, sg.URL)
	waitDecided(t, decided)
	// Past the grace, any alarm of the decision's limit still owed has fired
	// (the clock runs on: later limits pass too, and are not this test's).
	time.Sleep(17 * time.Second)
	var got, decision []string
	for _, m := range sg.Mails() {
		if m.CaseRef != in.CaseRef {
			continue
		}
		got = append(got, m.Template)
		if strings.Contains(m.Key, string(statute.DecisionToAssessDue)) {
			decision = append(decision, m.Key)
		}
	}
	if !slices.Contains(got, "family.decision_to_assess") || !slices.Contains(got, "family.request_received") {
		t.Errorf("the family's letters are missing; sent: %q", got)
	}
	if len(decision) > 0 {
		t.Errorf("the decision, made in time, was chased as late: %q", decision)
	}
}

// outageCase is a case whose request came 27 days before start (its 6 weeks
// end 15 statutory days later), on a clock where a week lasts 2 seconds.
func outageCase(ref string, start time.Time) assessment.AssessmentInput {
	today := statute.DateOf(start)
	return assessment.AssessmentInput{
		CaseRef: ref, Received: today.AddDays(-27),
		Child:           assessment.Child{Name: "Ada Example", DateOfBirth: today.AddDays(-3650)},
		Family:          assessment.Contact{Name: "Sam Example", Email: "sam@example.org"},
		Requester:       assessment.RequesterParent,
		School:          assessment.Contact{Name: "Oak Primary", Email: "head@oak.example.org"},
		Caseworker:      "cw-jones",
		CaseworkerEmail: "jones@la.example.gov.uk",
		HealthBody:      assessment.Contact{Name: "ICB DCO", Email: "dco@icb.example.nhs.uk"},
		Clock:           assessment.Clock{Start: start, WeekSeconds: 2},
	}
}

// decideAsync records the decision to assess on the date as ehc does,
// retried while the case is set up, and reports how it ended.
func decideAsync(c client.Client, ref string, on statute.Date) <-chan error {
	decided := make(chan error, 1)
	go func() {
		for {
			h, err := c.UpdateWorkflow(context.Background(), client.UpdateWorkflowOptions{
				WorkflowID: assessment.WorkflowID(ref), UpdateName: assessment.UpdateDecideAssess, WaitForStage: client.WorkflowUpdateStageCompleted,
				Args: []any{assessment.DecideAssessInput{On: on, Assess: true}},
			})
			if err == nil {
				err = h.Get(context.Background(), nil)
			}
			var appErr *temporal.ApplicationError
			if !errors.As(err, &appErr) || appErr.Type() != assessment.CaseSettingUp {
				decided <- err
				return
			}
			time.Sleep(500 * time.Millisecond)
		}
	}()
	return decided
}

// waitDecided fails the test unless the decision was recorded within a minute.
func waitDecided(t *testing.T, decided <-chan error) {
	t.Helper()
	select {
	case err := <-decided:
		if err != nil {
			t.Fatalf("decide-assess: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("decide-assess did not finish")
	}
}
