package commands

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/registertest"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// testNow is 10 March 2026, noon in London (GMT).
var testNow = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

var errDialled = errors.New("dialled Temporal")

// stubDial is an Env with the clock and the environment fixed, in which any attempt to
// reach Temporal fail with errDialled: local validation must come first.
func stubDial(t *testing.T) *Env {
	t.Helper()
	return &Env{
		Now: func() time.Time { return testNow },
		Getenv: func(k string) string {
			if k == "TEMPORAL_CONFIG_FILE" { // not the developer's own temporal.toml
				return filepath.Join(t.TempDir(), "none.toml")
			}
			return ""
		},
		Dial: func(context.Context, config.Config, io.Writer) (client.Client, error) { return nil, errDialled },
		// No test reaches a developer's own register by accident.
		OpenRegister: func(context.Context, config.Config) (*register.Store, error) { return nil, errNoRegister },
		Stdout:       io.Discard,
		Stderr:       io.Discard,
	}
}

var errNoRegister = errors.New("test: no case register")

// useFake is stubDial with fc as the client, recording the config dialled.
func useFake(t *testing.T, fc *fakeClient) *Env {
	t.Helper()
	env := stubDial(t)
	env.Dial = func(_ context.Context, cfg config.Config, _ io.Writer) (client.Client, error) {
		fc.cfg = cfg
		return fc, nil
	}
	// ehc start asks the register whether the reference is free: a fresh,
	// empty one, made only if asked.
	var url string
	env.OpenRegister = func(ctx context.Context, _ config.Config) (*register.Store, error) {
		if url == "" {
			url = registertest.URL(t)
		}
		return register.Open(ctx, url)
	}
	return env
}

// fakeClient stands in for Temporal: it records what the CLI sends and
// answers with what the test sets. Unset methods panic.
type fakeClient struct {
	client.Client
	cfg config.Config

	startOpts  client.StartWorkflowOptions
	startType  any
	startArgs  []any
	startErr   error
	updates    []client.UpdateWorkflowOptions
	updateErr  error // returned by the update handle, as a refusal is
	callErr    error // returned by UpdateWorkflow itself, as NotFound is
	status     assessment.CaseStatus
	answer     any // what an update answers, when it is not status (a plan's)
	queryErr   error
	queries    int
	describeOK bool // the workflow exists (for NotFound on a closed case)
	listReqs   []*workflowservice.ListWorkflowExecutionsRequest
	pages      []*workflowservice.ListWorkflowExecutionsResponse
	closed     bool
	started    bool // a start succeeded: the workflow runs, its first task done
}

func (f *fakeClient) Close() { f.closed = true }

func (f *fakeClient) ExecuteWorkflow(_ context.Context, opts client.StartWorkflowOptions, wf any, args ...any) (client.WorkflowRun, error) {
	f.startOpts, f.startType, f.startArgs = opts, wf, args
	if f.startErr != nil {
		return nil, f.startErr
	}
	f.started = true
	return fakeRun{id: opts.ID, runID: "run-1"}, nil
}

func (f *fakeClient) UpdateWorkflow(_ context.Context, opts client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	f.updates = append(f.updates, opts)
	if f.callErr != nil {
		return nil, f.callErr
	}
	h := fakeHandle{err: f.updateErr, status: f.status}
	if f.answer != nil {
		h.status = f.answer
	}
	return h, nil
}

func (f *fakeClient) QueryWorkflow(_ context.Context, id, runID, query string, _ ...any) (converter.EncodedValue, error) {
	f.queries++
	if query != assessment.StatusQuery {
		return nil, errors.New("unexpected query " + query)
	}
	if f.queryErr != nil {
		return nil, f.queryErr
	}
	st := f.status
	st.Settled = st.Settled || f.started // a case started through the fake is set up at once
	return jsonValue{st}, nil
}

func (f *fakeClient) DescribeWorkflowExecution(_ context.Context, id, runID string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	if f.started && !f.describeOK {
		return &workflowservice.DescribeWorkflowExecutionResponse{WorkflowExecutionInfo: &workflowpb.WorkflowExecutionInfo{
			Status: enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, HistoryLength: 5}}, nil
	}
	if !f.describeOK {
		return nil, notFound()
	}
	return describeClosed(id), nil
}

func (f *fakeClient) ListWorkflow(_ context.Context, req *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error) {
	f.listReqs = append(f.listReqs, req)
	i := len(f.listReqs) - 1
	if i >= len(f.pages) {
		return nil, errors.New("asked for a page past the last")
	}
	return f.pages[i], nil
}

type fakeRun struct {
	client.WorkflowRun
	id, runID string
}

func (r fakeRun) GetID() string    { return r.id }
func (r fakeRun) GetRunID() string { return r.runID }

type fakeHandle struct {
	client.WorkflowUpdateHandle
	err    error
	status any
}

// Get answers as the update does: the case's status, through JSON.
func (h fakeHandle) Get(_ context.Context, ptr any) error {
	if h.err != nil || ptr == nil {
		return h.err
	}
	return jsonValue{h.status}.Get(ptr)
}

// jsonValue answers a query as the data converter would: through JSON.
type jsonValue struct{ v any }

func (j jsonValue) HasValue() bool { return true }
func (j jsonValue) Get(ptr any) error {
	b, err := json.Marshal(j.v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, ptr)
}

func notFound() error { return serviceerror.NewNotFound("workflow not found for ID: ehc-X") }

func describeClosed(id string) *workflowservice.DescribeWorkflowExecutionResponse {
	return &workflowservice.DescribeWorkflowExecutionResponse{
		WorkflowExecutionInfo: &workflowpb.WorkflowExecutionInfo{Status: enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED},
	}
}
