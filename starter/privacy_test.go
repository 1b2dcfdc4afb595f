package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/proxy"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows"
)

// The child and family of the privacy test: distinctive enough that any
// match is theirs.
const (
	privChild  = "Zebedee Quintrell"
	privDOB    = "2015-03-17"
	privFamily = "Morwenna Quintrell"
	privEmail  = "quintrell.family@example.org"
)

// privSecrets is every form the child's details could take in clear.
var privSecrets = []string{
	privChild, "Zebedee", "Quintrell", privFamily, "Morwenna",
	privDOB, "17/03/2015", "17-03-2015", "17 March 2015", "17 Mar 2015", "March 17, 2015", "20150317", "2015/03/17", "03/17/2015",
	privEmail, "quintrell.family",
}

// What Temporal's operators, its visibility store and its backups see of a
// case is what a client without the codec reads: no name, date of birth or
// email of the child's family may be in it. The same history read with the
// codec holds them all, so the test proves they are there, encrypted.
func TestIntegrationPrivacyTemporalHoldsNoPersonalData(t *testing.T) {
	logs := captureLogs(t)
	startTemporal(t)
	today := statute.DateOf(time.Now())
	day := func(n int) string { return today.AddDays(n).String() }
	ref := "IT-PRIV-1"

	ehc(t, 0, "start", "--case", ref, "--received", day(-20), "--child-name", privChild, "--child-dob", privDOB,
		"--family-name", privFamily, "--family-email", privEmail, "--requester", "parent",
		"--school-name", "Quill Lane Primary", "--school-email", "senco@quill.example.org",
		"--caseworker", "cw-privacy", "--caseworker-email", "privacy.cw@la.example.gov.uk", "--manager-email", "manager@la.example.gov.uk")
	ehc(t, 0, "decide-assess", ref, "--assess", "--on", day(-18))
	ehc(t, 0, "request-advice", ref, "--kind", "psychological", "--provider-name", "EP service", "--provider-email", "ep@la.example.gov.uk", "--on", day(-17))
	ehc(t, 0, "record-advice", ref, "--kind", "psychological", "--on", day(-10))
	// A query and a status read through the CLI go through the codec too.
	if out := ehc(t, 0, "status", ref); !strings.Contains(out, "gathering advice") {
		t.Errorf("status: %s", out)
	}

	// A plain client: no data converter, no codec, as an operator with
	// access to Temporal (or its database) would have.
	raw, err := client.Dial(client.Options{HostPort: getenv("TEMPORAL_ADDRESS")})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	ctx := context.Background()

	// Visibility is eventually consistent: wait for the case and its advice
	// child, the child closed (its advice recorded).
	var execs []*workflowpb.WorkflowExecutionInfo
	query := fmt.Sprintf("WorkflowId STARTS_WITH '%s'", workflows.WorkflowID(ref))
	for start := time.Now(); ; time.Sleep(200 * time.Millisecond) {
		resp, err := raw.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query})
		if err != nil {
			t.Fatal(err)
		}
		execs = resp.Executions
		closedChild := false
		for _, e := range execs {
			if e.Execution.WorkflowId != workflows.WorkflowID(ref) && e.Status != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
				closedChild = true
			}
		}
		if len(execs) >= 2 && closedChild {
			break
		}
		if time.Since(start) > 20*time.Second {
			t.Fatalf("visibility lists %d executions for %s, want the case and its closed advice child", len(execs), ref)
		}
	}

	sawAssessment := false
	for _, e := range execs {
		id := e.Execution.WorkflowId
		if hasSecret(id) != "" {
			t.Errorf("workflow ID %q holds personal data", id)
		}
		checkClear(t, id+" visibility record", e)
		desc, err := raw.DescribeWorkflowExecution(ctx, id, e.Execution.RunId)
		if err != nil {
			t.Fatal(err)
		}
		checkClear(t, id+" description", desc)

		h := rawHistory(t, raw, id, e.Execution.RunId)
		if len(h.Events) < 3 {
			t.Fatalf("%s: %d events", id, len(h.Events))
		}
		checkClear(t, id+" history", h)

		// The same history decoded with the codec: the data is there.
		decoded := proto.Clone(h).(*historypb.History)
		if err := proxy.VisitPayloads(ctx, decoded, proxy.VisitPayloadsOptions{
			Visitor: func(_ *proxy.VisitPayloadsContext, p []*commonpb.Payload) ([]*commonpb.Payload, error) {
				return testCodec.Decode(p)
			},
		}); err != nil {
			t.Fatal(err)
		}
		if id == workflows.WorkflowID(ref) {
			sawAssessment = true
			text := clearText(t, decoded)
			for _, want := range []string{privChild, privDOB, privFamily, privEmail} {
				if !strings.Contains(text, want) {
					t.Errorf("%s decoded with the codec lacks %q: the check above would miss it", id, want)
				}
			}
		}
	}
	if !sawAssessment {
		t.Errorf("visibility never listed %s", workflows.WorkflowID(ref))
	}

	// The worker's log: the SDK's (workflow and activity tasks) and the
	// activities' (each notification sent).
	text := logs.String()
	if !strings.Contains(text, "notification delivered") || !strings.Contains(text, workflows.WorkflowID(ref)) {
		t.Errorf("the worker's log was not captured:\n%s", text)
	}
	if s := hasSecret(text); s != "" {
		t.Errorf("the worker's log holds %q:\n%s", s, text)
	}
}

// captureLogs collects what the test's worker logs, still printing it: the
// SDK's default logger writes to the os.Stdout of when the client is dialled
// (so this must come before startTemporal), the activities to slog.Default.
func captureLogs(t *testing.T) *syncBuffer {
	t.Helper()
	buf := &syncBuffer{}
	oldStdout, oldSlog := os.Stdout, slog.Default()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	copied := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.MultiWriter(buf, oldStdout), r)
		close(copied)
	}()
	os.Stdout = w
	slog.SetDefault(slog.New(slog.NewTextHandler(io.MultiWriter(buf, os.Stderr), &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() {
		os.Stdout = oldStdout
		slog.SetDefault(oldSlog)
		_ = w.Close()
		<-copied
		_ = r.Close()
	})
	return buf
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// rawHistory is every event of a run, as the server stores it.
func rawHistory(t *testing.T, c client.Client, id, runID string) *historypb.History {
	t.Helper()
	h := &historypb.History{}
	it := c.GetWorkflowHistory(context.Background(), id, runID, false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, ev)
	}
	return h
}

// clearText is m as JSON (what tools and the UI's raw view show) and as
// text format, which prints bytes fields (payload data) as strings where
// JSON would hide them in base64.
func clearText(t *testing.T, m proto.Message) string {
	t.Helper()
	j, err := protojson.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	x, err := prototext.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(j) + "\n" + string(x)
}

// checkClear fails if m, read without the codec, holds any of the child's
// details.
func checkClear(t *testing.T, what string, m proto.Message) {
	t.Helper()
	if s := hasSecret(clearText(t, m)); s != "" {
		t.Errorf("%s holds %q in clear", what, s)
	}
}

func hasSecret(text string) string {
	lower := strings.ToLower(text)
	for _, s := range privSecrets {
		if strings.Contains(lower, strings.ToLower(s)) {
			return s
		}
	}
	return ""
}
