// Command planyears measures what continuing as new keeps a plan in force
// to (make plan-years): on a dev server and PostgreSQL database of its own,
// with an in-process worker, it runs one plan for several years on a
// compressed statutory clock (a week a second by default), a caseworker
// taking each review's steps as the dates come (one report late, so
// escalations fire; the transfer to post-16 reviewed and amended), then
// ceases it, and prints each run's history length, the longest, the total
// and the bound the plan is held to. Nothing here is a timed target: the
// figure is a count of events.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/worker/internal/stack"
	"github.com/ehc-send/ehc/workflows"
	"github.com/ehc-send/ehc/workflows/deadline"
	"github.com/ehc-send/ehc/workflows/plan"
)

func main() {
	years := flag.Int("years", 5, "`years` of the plan's life to run")
	week := flag.Int("week-seconds", 1, "real `seconds` a statutory week lasts")
	cli := flag.String("temporal-cli", envOr("EHC_TEMPORAL_CLI", "bin/temporal"), "the pinned Temporal CLI `path`")
	pg := flag.String("postgres", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "PostgreSQL `URL` to create the run's database on")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *years, *week, *cli, *pg); err != nil {
		fmt.Fprintln(os.Stderr, "plan-years:", err)
		os.Exit(1)
	}
}

func envOr(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}

func run(ctx context.Context, years, week int, cli, pg string) error {
	srv, err := stack.StartTemporal(ctx, cli, io.Discard)
	if err != nil {
		return err
	}
	defer srv.Stop()
	name, dbURL, err := stack.CreateDatabase(ctx, pg, "ehc_planyears")
	if err != nil {
		return err
	}
	defer stack.DropDatabase(context.Background(), pg, name)
	store, err := register.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer store.Close()
	_, pc, err := stack.NewPayloadKey("py1")
	if err != nil {
		return err
	}
	c, err := client.Dial(client.Options{HostPort: srv.FrontendHostPort(), DataConverter: pc.DataConverter(), Logger: stack.QuietLogger()})
	if err != nil {
		return err
	}
	defer c.Close()
	quiet := slog.New(slog.DiscardHandler)
	w := worker.New(c, "plan-years", worker.Options{})
	workflows.Register(w)
	w.RegisterActivity(&activities.Activities{Transport: &activities.LogTransport{Logger: quiet}, Register: store, Logger: quiet})
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()

	began := time.Now()
	clock := deadline.Clock{Start: began, WeekSeconds: week}
	made := statute.DateOf(began)
	// Aged 14 when the plan is made: the move to post-16 falls in its life.
	in := plan.PlanInput{CaseRef: "PY-1", Caseworker: "cw-1", CaseworkerEmail: "cw@la.example.gov.uk",
		Manager: plan.Contact{Email: "manager@la.example.gov.uk"}, Family: plan.Contact{Email: "family@example.org"},
		ChildDOB: statute.MonthsBefore(made, 14*12), PlanMade: made, NamedSetting: "Hill Secondary",
		Policy: plan.Policy{}, Clock: clock}
	if _, err := c.ExecuteWorkflow(ctx, plan.StartOptions(in, "plan-years"), plan.WorkflowName, in); err != nil {
		return err
	}
	d := driver{c: c, id: plan.WorkflowID(in.CaseRef)}
	end := made.AddDays(365 * years)
	for cycle := 1; ; cycle++ {
		st, err := d.status(ctx)
		if err != nil {
			return err
		}
		due := st.NextReviewDue
		if due.After(end) {
			break
		}
		meeting := due.AddDays(-10)
		on, err := d.at(ctx, meeting.AddDays(-21))
		if err != nil {
			return err
		}
		steps := []struct {
			after  int // days after the meeting
			update string
			input  func(on statute.Date) any
		}{
			{0, plan.UpdateHoldReview, func(on statute.Date) any { return plan.OnInput{On: on} }},
			{reportDays(cycle), plan.UpdateRecordReviewReport, func(on statute.Date) any { return plan.OnInput{On: on} }},
			{20, plan.UpdateDecideReview, func(on statute.Date) any { return plan.DecideReviewInput{On: on, Outcome: outcome(st)} }},
		}
		if err := d.step(ctx, plan.UpdateScheduleReview, plan.ScheduleReviewInput{On: on, Meeting: meeting}); err != nil {
			return err
		}
		for _, s := range steps {
			on, err := d.at(ctx, meeting.AddDays(s.after))
			if err != nil {
				return err
			}
			if err := d.step(ctx, s.update, s.input(on)); err != nil {
				return err
			}
		}
		if outcome(st) == plan.OutcomeAmend {
			on, err := d.at(ctx, meeting.AddDays(50))
			if err != nil {
				return err
			}
			if err := d.step(ctx, plan.UpdateIssueAmendedPlan, plan.AmendedPlanInput{On: on, Setting: "Riverside College"}); err != nil {
				return err
			}
		}
		fmt.Fprintf(os.Stderr, "plan-years: review %d held %s (%s real)\n", cycle, meeting, time.Since(began).Round(time.Second))
	}
	on, err := d.at(ctx, end)
	if err != nil {
		return err
	}
	if err := d.step(ctx, plan.UpdateCeasePlan, plan.CeaseInput{On: on, Ground: statute.CeaseNoLongerNecessary,
		ConsultedOn: on.AddDays(-14), Reason: "The college meets the needs from its own resources."}); err != nil {
		return err
	}
	return d.report(ctx, made, years, week, time.Since(began))
}

// outcome amends the plan at the review for a phase transfer, else keeps it.
func outcome(st plan.PlanStatus) string {
	if st.Phase != nil && st.Phase.Opened && st.Phase.AmendedOn.IsZero() {
		return plan.OutcomeAmend
	}
	return plan.OutcomeMaintain
}

// reportDays has the second review's report go a week late (3 weeks after
// its meeting), so the plan sends its escalations.
func reportDays(cycle int) int {
	if cycle == 2 {
		return 21
	}
	return 10
}

// driver is the caseworker: it takes a step on the plan when its
// statutory day comes.
type driver struct {
	c  client.Client
	id string
}

func (d driver) status(ctx context.Context) (plan.PlanStatus, error) {
	var st plan.PlanStatus
	v, err := d.c.QueryWorkflow(ctx, d.id, "", plan.StatusQuery)
	if err == nil {
		err = v.Get(&st)
	}
	return st, err
}

// at waits until the plan's statutory today is day (or later) and returns it.
func (d driver) at(ctx context.Context, day statute.Date) (statute.Date, error) {
	for {
		st, err := d.status(ctx)
		if err != nil {
			return statute.Date{}, err
		}
		if !st.Today.Before(day) {
			return st.Today, nil
		}
		select {
		case <-ctx.Done():
			return statute.Date{}, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (d driver) step(ctx context.Context, update string, input any) error {
	h, err := d.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: d.id, UpdateName: update, Args: []any{input},
		WaitForStage: client.WorkflowUpdateStageCompleted})
	if err == nil {
		err = h.Get(ctx, nil)
	}
	if err != nil {
		return fmt.Errorf("%s %+v: %w", update, input, err)
	}
	return nil
}

// report prints each run's history length once the plan has ended.
func (d driver) report(ctx context.Context, made statute.Date, years, week int, took time.Duration) error {
	var runs []*workflowservice.ListWorkflowExecutionsResponse
	for start := time.Now(); time.Since(start) < time.Minute; time.Sleep(500 * time.Millisecond) {
		resp, err := d.c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("WorkflowId = '%s' AND ExecutionStatus != 'Running'", d.id)})
		if err != nil {
			return err
		}
		runs = []*workflowservice.ListWorkflowExecutionsResponse{resp}
		if len(resp.Executions) > years && resp.Executions[0].GetStatus().String() == "Completed" {
			break
		}
	}
	execs := runs[0].Executions
	fmt.Printf("make plan-years: one plan from %s for %d years on a clock of %ds a statutory week (%s real): %d runs\n\n",
		made, years, week, took.Round(time.Second), len(execs))
	total, longest := int64(0), int64(0)
	for i := len(execs) - 1; i >= 0; i-- {
		e := execs[i]
		fmt.Printf("  run %d  %-22s  %4d events\n", len(execs)-i, e.GetStatus(), e.GetHistoryLength())
		total += e.GetHistoryLength()
		longest = max(longest, e.GetHistoryLength())
	}
	fmt.Printf("\n  longest run %d events; all runs %d; the plan's bound %d (plan.DefaultHistoryBound); Temporal's limit 51,200\n",
		longest, total, plan.DefaultHistoryBound)
	return nil
}
