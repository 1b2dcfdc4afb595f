package main

import (
	"context"
	"fmt"
	"os"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// run is one workflow execution as its history tells it.
type run struct {
	id, runID string
	typ       string
	status    enumspb.WorkflowExecutionStatus
	parent    string // the case's workflow ID, for an advice request
	history   *historypb.History

	started     time.Time
	input       assessment.AssessmentInput // an assessment's
	result      assessment.AssessmentResult
	notify      map[string]bool  // Notify or CommitStep scheduled: outbox key -> settled (completed or failed for good)
	notifyAt    map[string]int64 // the event that first scheduled it
	recorded    []string         // RecordEvent or CommitStep completed: event keys
	updates     map[string]int   // updates accepted, by name
	timersFired int
	retried     bool // an activity took more than one attempt
	// wakes are the moments the workflow's code ran: the workflow tasks
	// that completed, each with its start (workflow.Now in it) and the last
	// event of its batch (the updates it accepted come after its completion).
	wakes []wake
	// seen is the steps and signals that reached the workflow, in order:
	// update and signal names, and "cancel" for a cancel request.
	seen []arrival
	// firstWrite is when the case's first register write completed: the
	// case takes no step and fires no alarm before it.
	firstWrite time.Time
}

type wake struct {
	at     time.Time
	lastID int64
}

type arrival struct {
	name string
	id   int64
}

// listRuns is every workflow execution on the dev server.
func listRuns(ctx context.Context, c client.Client) ([]*workflowpb.WorkflowExecutionInfo, error) {
	var all []*workflowpb.WorkflowExecutionInfo
	var token []byte
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{PageSize: 1000, NextPageToken: token})
		if err != nil {
			return nil, err
		}
		all = append(all, resp.Executions...)
		if token = resp.NextPageToken; len(token) == 0 {
			return all, nil
		}
	}
}

// readRun fetches a history and reads what the tally needs from it; dc
// decrypts the payloads.
func readRun(ctx context.Context, c client.Client, dc converter.DataConverter, info *workflowpb.WorkflowExecutionInfo) (*run, error) {
	r := &run{id: info.Execution.WorkflowId, runID: info.Execution.RunId, typ: info.Type.GetName(), status: info.Status,
		parent: info.GetParentExecution().GetWorkflowId(), history: &historypb.History{},
		notify: map[string]bool{}, notifyAt: map[string]int64{}, updates: map[string]int{}}
	it := c.GetWorkflowHistory(ctx, r.id, r.runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("history of %s: %w", r.id, err)
		}
		r.history.Events = append(r.history.Events, ev)
	}
	type activityRun struct {
		name    string
		letters []string // Notify's one, or a CommitStep's
		events  []string // RecordEvent's one, or a CommitStep's
	}
	scheduled := map[int64]activityRun{}
	taskStarted := map[int64]time.Time{}
	firstRecord := int64(0)
	open := false // the last wake's batch is still being read
	for _, ev := range r.history.Events {
		if ev.EventType == enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED {
			open = false
		} else if open {
			r.wakes[len(r.wakes)-1].lastID = ev.EventId
		}
		switch ev.EventType {
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
			r.started = ev.EventTime.AsTime()
			if r.typ == assessment.AssessmentWorkflowName {
				if err := dc.FromPayloads(ev.GetWorkflowExecutionStartedEventAttributes().GetInput(), &r.input); err != nil {
					return nil, fmt.Errorf("input of %s: %w", r.id, err)
				}
			}
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
			if r.typ == assessment.AssessmentWorkflowName {
				_ = dc.FromPayloads(ev.GetWorkflowExecutionCompletedEventAttributes().GetResult(), &r.result)
			}
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			a := ev.GetActivityTaskScheduledEventAttributes()
			s := activityRun{name: a.ActivityType.GetName()}
			switch s.name {
			case "Notify":
				var n letters.Notification
				if err := dc.FromPayloads(a.GetInput(), &n); err != nil {
					return nil, fmt.Errorf("a Notify input in %s: %w", r.id, err)
				}
				s.letters = []string{n.Key}
			case "RecordEvent":
				if firstRecord == 0 {
					firstRecord = ev.EventId
				}
				var e caserecord.Event
				if err := dc.FromPayloads(a.GetInput(), &e); err != nil {
					return nil, fmt.Errorf("a RecordEvent input in %s: %w", r.id, err)
				}
				s.events = []string{e.Key}
			case "CommitStep": // one step's events and letters (one-activity-per-step)
				var st letters.Step
				if err := dc.FromPayloads(a.GetInput(), &st); err != nil {
					return nil, fmt.Errorf("a CommitStep input in %s: %w", r.id, err)
				}
				for _, n := range st.Letters {
					s.letters = append(s.letters, n.Key)
				}
				for _, e := range st.Events {
					s.events = append(s.events, e.Key)
				}
			}
			for _, k := range s.letters {
				if _, ok := r.notify[k]; !ok {
					r.notify[k], r.notifyAt[k] = false, ev.EventId
				}
			}
			scheduled[ev.EventId] = s
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED:
			if ev.GetActivityTaskStartedEventAttributes().GetAttempt() > 1 {
				r.retried = true
			}
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
			id := ev.GetActivityTaskCompletedEventAttributes().GetScheduledEventId()
			if id == firstRecord {
				r.firstWrite = ev.EventTime.AsTime()
			}
			s := scheduled[id]
			for _, k := range s.letters {
				r.notify[k] = true
			}
			r.recorded = append(r.recorded, s.events...)
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED:
			for _, k := range scheduled[ev.GetActivityTaskFailedEventAttributes().GetScheduledEventId()].letters {
				r.notify[k] = true
			}
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED:
			taskStarted[ev.EventId] = ev.EventTime.AsTime()
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
			if t, ok := taskStarted[ev.GetWorkflowTaskCompletedEventAttributes().GetStartedEventId()]; ok {
				r.wakes, open = append(r.wakes, wake{t, ev.EventId}), true
			}
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
			r.seen = append(r.seen, arrival{ev.GetWorkflowExecutionSignaledEventAttributes().GetSignalName(), ev.EventId})
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
			r.seen = append(r.seen, arrival{"cancel", ev.EventId})
		case enumspb.EVENT_TYPE_TIMER_FIRED:
			r.timersFired++
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
			name := ev.GetWorkflowExecutionUpdateAcceptedEventAttributes().GetAcceptedRequest().GetInput().GetName()
			r.updates[name]++
			r.seen = append(r.seen, arrival{name, ev.EventId})
		}
	}
	return r, nil
}

// settle waits until no workflow runs, or bound passes.
func settle(ctx context.Context, c client.Client, bound time.Duration) error {
	began := time.Now()
	for {
		infos, err := listRuns(ctx, c)
		if err != nil {
			return err
		}
		running := 0
		for _, in := range infos {
			if in.Status == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
				running++
			}
		}
		if running == 0 || time.Since(began) > bound {
			fmt.Fprintf(os.Stderr, "chaos: %d workflows still running after %s of settling\n", running, time.Since(began).Round(time.Second))
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Second):
		}
	}
}

// readRuns reads every workflow's history.
func readRuns(ctx context.Context, c client.Client, dc converter.DataConverter) ([]*run, error) {
	infos, err := listRuns(ctx, c)
	if err != nil {
		return nil, err
	}
	var runs []*run
	for _, in := range infos {
		r, err := readRun(ctx, c, dc, in)
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	return runs, nil
}
