package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/worker"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows"
	"github.com/ehc-send/ehc/workflows/deadline"
	"github.com/ehc-send/ehc/workflows/plan"
)

// A plan whose worker is down for 13 statutory days across its review's
// due date, on a compressed clock (a day a second) on a real server: when a
// worker comes back the family get their letter that the review was
// missed, once, riding on the second escalation, and the staff that
// escalation only, not the first, which no worker was there to send.
func TestIntegrationPlanWorkerDownAcrossItsReview(t *testing.T) {
	c, store, _, _ := startTemporal(t)
	ctx := context.Background()
	queue := "ehc-it-down-" + t.Name()
	startWorker := func() worker.Worker {
		w := worker.New(c, queue, worker.Options{})
		workflows.Register(w)
		w.RegisterActivity(&activities.Activities{Transport: &activities.Outbox{Store: store, Next: &activities.LogTransport{}}, Register: store})
		if err := w.Start(); err != nil {
			t.Fatal(err)
		}
		return w
	}
	w := startWorker()
	clock := deadline.Clock{Start: time.Now(), WeekSeconds: 7}
	today := statute.DateOf(clock.Start)
	made := statute.MonthsBefore(today.AddDays(4), 12) // its review due in 3 days
	in := plan.PlanInput{CaseRef: "IT-DOWN-1", Caseworker: "cw-down", CaseworkerEmail: "down@la.example.gov.uk",
		Family: plan.Contact{Name: "Sam Example", Email: "sam@example.org"}, ChildDOB: statute.MonthsBefore(today, 9*12),
		PlanMade: made, Clock: clock}
	run, err := c.ExecuteWorkflow(ctx, plan.StartOptions(in, queue), plan.WorkflowName, in)
	if err != nil {
		t.Fatal(err)
	}
	waitTemplates(t, store, in.CaseRef, []string{"staff.plan_entered"})
	w.Stop() // down from statutory day 0 to day 13: the review is due on day 3, escalated on days 4 and 11
	time.Sleep(13 * time.Second)
	w = startWorker()
	defer w.Stop()
	waitTemplates(t, store, in.CaseRef, []string{"family.deadline_missed", "staff.deadline_missed", "staff.plan_entered"})
	time.Sleep(time.Second) // a moment more: nothing else may come until the next escalation, on day 18
	got := templates(t, store, in.CaseRef)
	if strings.Join(got, " ") != "family.deadline_missed staff.deadline_missed staff.plan_entered" {
		t.Errorf("after the worker came back: %v; want the family's letter once and one escalation", got)
	}
	rows, err := store.Outbox(ctx, in.CaseRef, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Template == "staff.deadline_missed" && !strings.HasSuffix(r.Key, "/review_due/1/2") {
			t.Errorf("the escalation sent is %s; want the second (review_due/1/2), the first superseded", r.Key)
		}
	}
	if err := c.TerminateWorkflow(ctx, run.GetID(), "", "test over"); err != nil {
		t.Fatal(err)
	}
}

// templates is the case's outbox rows' templates, sorted.
func templates(t *testing.T, store *register.Store, ref string) []string {
	t.Helper()
	rows, err := store.Outbox(context.Background(), ref, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r.Template)
	}
	slices.Sort(out)
	return out
}

// waitTemplates waits until the case's outbox holds at least want.
func waitTemplates(t *testing.T, store *register.Store, ref string, want []string) {
	t.Helper()
	for start := time.Now(); time.Since(start) < 20*time.Second; time.Sleep(100 * time.Millisecond) {
		got := templates(t, store, ref)
		if len(got) >= len(want) {
			return
		}
	}
	t.Fatalf("the outbox for %s never held %v: %v", ref, want, templates(t, store, ref))
}
