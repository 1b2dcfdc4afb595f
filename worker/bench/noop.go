package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// The no-op is the yardstick the assessment is measured against: what a
// case would cost Temporal and the worker if it did nothing of its own. It
// takes the same input (assessment.AssessmentInput), answers the same
// status query (assessment.StatusQuery) and the same Updates by the same
// names taking the same input types, each returning a assessment.CaseStatus
// of much the same size (the case's deadlines, advice and steps so far),
// behind a validator as the assessment's are. Each step schedules one
// trivial activity without waiting for it (as the assessment schedules its
// one commit of the step), and the case waits for them all before it
// closes. It has no children, no register, no letters and no alarms. It
// runs in a worker process of its own, this binary run with -noop-worker,
// built with the real worker's client and worker options, on its own task
// queue.
const (
	noopWorkflowName = "NoopAssessment"
	noopActivityName = "NoopStep"
	noopWorkerFlag   = "-noop-worker"
)

var noopActivityOptions = workflow.ActivityOptions{StartToCloseTimeout: 2 * time.Minute}

// noopCase is the no-op's state.
type noopCase struct {
	st      assessment.CaseStatus
	pending int // activities scheduled and not finished
}

func noopAssessment(ctx workflow.Context, in assessment.AssessmentInput) (assessment.AssessmentResult, error) {
	n := &noopCase{st: assessment.CaseStatus{
		CaseRef: in.CaseRef, Stage: assessment.StageRequested, Caseworker: in.Caseworker, Requester: in.Requester,
		Day1: in.Received, Today: in.Received, Settled: true,
		DecisionToAssessDue:   in.Received.AddWeeks(6),
		DecisionNotToIssueDue: in.Received.AddWeeks(16),
		FinalPlanDue:          in.Received.AddWeeks(20),
		NextDeadline:          in.Received.AddWeeks(6),
	}}
	for _, d := range []struct {
		name statute.Deadline
		due  statute.Date
	}{{statute.DecisionToAssessDue, n.st.DecisionToAssessDue}, {statute.DecisionNotToIssueDue, n.st.DecisionNotToIssueDue}, {statute.FinalPlanDue, n.st.FinalPlanDue}} {
		n.st.Deadlines = append(n.st.Deadlines, assessment.DeadlineState{Key: string(d.name), Deadline: d.name,
			Regulation: d.name.Regulation(), Due: d.due, Status: assessment.StatusPending})
	}
	if err := workflow.SetQueryHandler(ctx, assessment.StatusQuery, func() (assessment.CaseStatus, error) { return n.st, nil }); err != nil {
		return assessment.AssessmentResult{}, err
	}
	err := joinErrs(
		noopStep(ctx, n, assessment.UpdateDecideAssess, func(in assessment.DecideAssessInput) statute.Date { return in.On }, assessment.StageAssessing),
		noopStep(ctx, n, assessment.UpdateRequestAdvice, func(in assessment.RequestAdviceInput) statute.Date {
			n.st.Advice = append(n.st.Advice, assessment.AdviceState{ID: fmt.Sprintf("%s-%d", in.Kind, len(n.st.Advice)+1), Kind: in.Kind,
				Provider: in.Provider.Name, Requested: in.On, Due: in.On.AddWeeks(6), Status: assessment.StatusPending})
			return in.On
		}, ""),
		noopStep(ctx, n, assessment.UpdateRecordAdvice, func(in assessment.RecordAdviceInput) statute.Date { return in.On }, ""),
		noopStep(ctx, n, assessment.UpdateAdviceNotNeeded, func(in assessment.AdviceNotNeededInput) statute.Date {
			n.st.AdviceNotNeeded = append(n.st.AdviceNotNeeded, in)
			return in.On
		}, ""),
		noopStep(ctx, n, assessment.UpdateDecideIssue, func(in assessment.DecideIssueInput) statute.Date { return in.On }, assessment.StageDrafting),
		noopStep(ctx, n, assessment.UpdateServeDraft, func(in assessment.ServeDraftInput) statute.Date { return in.On }, assessment.StageDraftServed),
		noopStep(ctx, n, assessment.UpdateRecordComments, func(in assessment.RecordCommentsInput) statute.Date { return in.On }, ""),
		noopStep(ctx, n, assessment.UpdateConsultSchool, func(in assessment.ConsultSchoolInput) statute.Date { return in.On }, ""),
		noopStep(ctx, n, assessment.UpdateRecordConsultation, func(in assessment.RecordConsultationInput) statute.Date { return in.On }, ""),
		noopStep(ctx, n, assessment.UpdateIssueFinalPlan, func(in assessment.IssueFinalPlanInput) statute.Date { return in.On }, assessment.StageFinalPlanIssued),
		noopStep(ctx, n, assessment.UpdateRecordException, func(in assessment.RecordExceptionInput) statute.Date { return in.On }, ""),
		noopStep(ctx, n, assessment.UpdateWithdraw, func(in assessment.WithdrawInput) statute.Date { return in.On }, assessment.StageWithdrawn),
		noopStep(ctx, n, assessment.UpdateExpect, func(in assessment.ExpectInput) statute.Date { return in.On }, ""),
	)
	if err != nil {
		return assessment.AssessmentResult{}, err
	}
	n.schedule(ctx, "request-received") // as the assessment records the request
	if err := workflow.Await(ctx, func() bool {
		return n.st.Stage.Closed() && workflow.AllHandlersFinished(ctx) && n.pending == 0
	}); err != nil {
		return assessment.AssessmentResult{}, err
	}
	return assessment.AssessmentResult{CaseRef: in.CaseRef, Stage: n.st.Stage, ClosedOn: n.st.ClosedOn}, nil
}

// noopStep installs one Update: it records the step, moves the stage to
// next (unless empty), schedules its one activity and returns the status.
func noopStep[T any](ctx workflow.Context, n *noopCase, name string, on func(T) statute.Date, next assessment.Stage) error {
	return workflow.SetUpdateHandlerWithOptions(ctx, name,
		func(ctx workflow.Context, in T) (assessment.CaseStatus, error) {
			d := on(in)
			if next != "" {
				n.st.Stage = next
				if next.Closed() {
					n.st.ClosedOn = d
				}
			}
			n.st.Steps = append(n.st.Steps, assessment.StepRecord{Step: name, On: d})
			n.schedule(ctx, name)
			return n.st, nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in T) error {
			if n.st.Stage.Closed() {
				return fmt.Errorf("case %s is closed", n.st.CaseRef)
			}
			return nil
		}})
}

// schedule starts the step's activity and counts it until it finishes.
func (n *noopCase) schedule(ctx workflow.Context, name string) {
	f := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, noopActivityOptions), noopActivityName, name)
	n.pending++
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() { n.pending-- }()
		_ = f.Get(ctx, nil)
	})
}

// noopActivity is the trivial activity: it takes the step's name and does
// nothing with it.
func noopActivity(_ context.Context, _ string) error { return nil }

func joinErrs(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// runNoopWorker is the no-op's worker process: configured from the
// environment exactly as the real worker is (config.Load), with its
// client options (payload codec, no gRPC compression) and worker options
// (pollers, concurrency, sticky cache).
func runNoopWorker() error {
	cfg, err := config.Load(flag.NewFlagSet("noop-worker", flag.ContinueOnError), nil, os.Getenv)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.SlogLevel()}))
	wopts, err := cfg.Tuning.WorkerOptions(letters.HeartbeatEvery)
	if err != nil {
		return err
	}
	cfg.Tuning.ApplyProcess()
	opts, err := cfg.ClientOptions(logger)
	if err != nil {
		return err
	}
	c, err := client.Dial(opts)
	if err != nil {
		return fmt.Errorf("connecting to Temporal at %s: %w", cfg.TemporalAddress, err)
	}
	defer c.Close()
	w := worker.New(c, cfg.TaskQueue, wopts)
	w.RegisterWorkflowWithOptions(noopAssessment, workflow.RegisterOptions{Name: noopWorkflowName})
	w.RegisterActivityWithOptions(noopActivity, activity.RegisterOptions{Name: noopActivityName})
	return w.Run(worker.InterruptCh())
}
