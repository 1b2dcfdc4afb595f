package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
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
	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/email/sendgridtest"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/registertest"
	"github.com/ehc-send/ehc/starter/internal/fictional"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows"
	"github.com/ehc-send/ehc/workflows/assessment"
	"github.com/ehc-send/ehc/workflows/dispute"
	"github.com/ehc-send/ehc/workflows/plan"
)

// What Temporal's operators, its visibility store and its backups see of a
// case is what a client without the codec reads: no name, date of birth or
// email of the child's family may be in it. The same history read with the
// codec holds them all, so the test proves they are there, encrypted.
func TestIntegrationPrivacyTemporalHoldsNoPersonalData(t *testing.T) {
	logs := captureLogs(t)
	_, _, _, env := startTemporal(t)
	today := statute.DateOf(time.Now())
	day := func(n int) string { return today.AddDays(n).String() }
	ref := "IT-PRIV-1"

	ehc(t, env, 0, "start", "--case", ref, "--received", day(-20), "--child-name", fictional.Child, "--child-dob", fictional.DOB,
		"--family-name", fictional.Family, "--family-email", fictional.Email, "--requester", "parent",
		"--school-name", "Quill Lane Primary", "--school-email", "senco@quill.example.org",
		"--caseworker", "cw-privacy", "--caseworker-email", "privacy.cw@la.example.gov.uk", "--manager-email", "manager@la.example.gov.uk")
	ehc(t, env, 0, "decide-assess", ref, "--assess", "--on", day(-18))
	ehc(t, env, 0, "request-advice", ref, "--kind", "psychological", "--provider-name", "EP service", "--provider-email", "ep@la.example.gov.uk", "--on", day(-17))
	ehc(t, env, 0, "record-advice", ref, "--kind", "psychological", "--on", day(-10))
	// A query and a status read through the CLI go through the codec too.
	if out := ehc(t, env, 0, "status", ref); !strings.Contains(out, "gathering advice") {
		t.Errorf("status: %s", out)
	}
	// The child's plan in force, entered with the same details, and a
	// caseworker's reason naming the child and a health detail.
	ehc(t, env, 0, "start-plan", "--case", ref, "--plan-made", day(-300), "--child-dob", fictional.DOB,
		"--family-name", fictional.Family, "--family-email", fictional.Email, "--named-setting", "Quill Lane Primary",
		"--caseworker", "cw-privacy", "--caseworker-email", "privacy.cw@la.example.gov.uk")
	ehc(t, env, 0, "hold-review", ref, "--on", day(-30))
	ehc(t, env, 0, "decide-review", ref, "--amend", "--on", day(-20))
	ehc(t, env, 0, "decide-not-to-amend", ref, "--reason", fictional.Reason, "--on", day(-1))
	if out := ehc(t, env, 0, "plan-status", ref); !strings.Contains(out, "Quill Lane Primary") {
		t.Errorf("plan-status: %s", out)
	}

	// A plain client: no data converter, no codec, as an operator with
	// access to Temporal (or its database) would have.
	raw, err := client.Dial(client.Options{HostPort: env.Getenv("TEMPORAL_ADDRESS")})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	ctx := context.Background()

	// Visibility is eventually consistent: wait for the case and its advice
	// child, the child closed (its advice recorded).
	var execs []*workflowpb.WorkflowExecutionInfo
	query := fmt.Sprintf("WorkflowId STARTS_WITH '%s'", assessment.WorkflowID(ref))
	for start := time.Now(); ; time.Sleep(200 * time.Millisecond) {
		resp, err := raw.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query})
		if err != nil {
			t.Fatal(err)
		}
		execs = resp.Executions
		closedChild := false
		for _, e := range execs {
			if strings.Contains(e.Execution.WorkflowId, "advice") && e.Status != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
				closedChild = true
			}
		}
		if len(execs) >= 4 && closedChild { // the case, its advice, and the plan's run before and after its review
			break
		}
		if time.Since(start) > 20*time.Second {
			t.Fatalf("visibility lists %d executions for %s, want the case, its closed advice child and the plan's two runs", len(execs), ref)
		}
	}

	sawAssessment, sawPlan := false, false
	planText := ""
	for _, e := range execs {
		id := e.Execution.WorkflowId
		if fictional.Secret(id) != "" {
			t.Errorf("workflow ID %q holds personal data", id)
		}
		checkClear(t, id+" visibility record", e)
		desc, err := raw.DescribeWorkflowExecution(ctx, id, e.Execution.RunId)
		if err != nil {
			t.Fatal(err)
		}
		checkClear(t, id+" description", desc)

		h := rawHistory(t, raw, id, e.Execution.RunId)
		for wait := time.Now(); len(h.Events) < 3 && time.Since(wait) < 10*time.Second; h = rawHistory(t, raw, id, e.Execution.RunId) {
			time.Sleep(100 * time.Millisecond) // a run that has just continued as new has had no task yet
		}
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
		if id == plan.WorkflowID(ref) {
			sawPlan = true
			planText += clearText(t, decoded) // its runs together: the reason may be in the run after a hand-over
		}
		if id == assessment.WorkflowID(ref) {
			sawAssessment = true
			text := clearText(t, decoded)
			for _, want := range []string{fictional.Child, fictional.DOB, fictional.Family, fictional.Email} {
				if !strings.Contains(text, want) {
					t.Errorf("%s decoded with the codec lacks %q: the check above would miss it", id, want)
				}
			}
		}
	}
	for _, want := range []string{fictional.DOB, fictional.Family, fictional.Email, fictional.Reason} {
		if sawPlan && !strings.Contains(planText, want) {
			t.Errorf("%s decoded with the codec lacks %q: the check above would miss it", plan.WorkflowID(ref), want)
		}
	}
	if !sawAssessment || !sawPlan {
		t.Errorf("visibility never listed %s and %s", assessment.WorkflowID(ref), plan.WorkflowID(ref))
	}

	// The worker's log: the SDK's (workflow and activity tasks) and the
	// activities' (each notification sent).
	text := logs.String()
	if !strings.Contains(text, "notification delivered") || !strings.Contains(text, assessment.WorkflowID(ref)) {
		t.Errorf("the worker's log was not captured:\n%s", text)
	}
	if s := fictional.Secret(text); s != "" {
		t.Errorf("the worker's log holds %q:\n%s", s, text)
	}
}

// A case with the child's details, the family giving their own views, and
// a caseworker's free-text reason naming the child and a health detail,
// run through the real worker with each transport: the register holds
// none of it in clear outside case_people, sealed bytes included, and the
// worker's log none of it; opened with the keys, the letters hold it all.
func TestIntegrationPrivacyRegisterAndLogHoldNoPersonalData(t *testing.T) {
	for _, transport := range []string{"log", "sendgrid"} {
		t.Run(transport, func(t *testing.T) { privacyRun(t, transport) })
	}
}

func privacyRun(t *testing.T, transport string) {
	logs := captureLogs(t)
	c, store, sg, env := startTemporal(t)
	if transport == "log" {
		// No mail service: the worker's outbox hands letters to the log.
		queue := "ehc-it-log-" + t.Name()
		w := worker.New(c, queue, worker.Options{})
		workflows.Register(w)
		w.RegisterActivity(&activities.Activities{Transport: &activities.Outbox{Store: store, Next: &activities.LogTransport{}}, Register: store})
		if err := w.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.Stop)
		old := env.Getenv
		env.Getenv = func(k string) string {
			if k == "EHC_TASK_QUEUE" {
				return queue
			}
			return old(k)
		}
	}
	today := statute.DateOf(time.Now())
	day := func(n int) string { return today.AddDays(n).String() }
	ref := "IT-PRIV-2"

	ehc(t, env, 0, "start", "--case", ref, "--received", day(-20), "--child-name", fictional.Child, "--child-dob", fictional.DOB,
		"--family-name", fictional.Family, "--family-email", fictional.Email, "--requester", "parent",
		"--school-name", "Quill Lane Primary", "--school-email", "senco@quill.example.org",
		"--caseworker", "cw-privacy", "--caseworker-email", "privacy.cw@la.example.gov.uk", "--manager-email", "manager@la.example.gov.uk")
	ehc(t, env, 0, "decide-assess", ref, "--assess", "--on", day(-18))
	// The family's own views, asked of them by name (reg 6(1)(a)).
	ehc(t, env, 0, "request-advice", ref, "--kind", "family_views", "--provider-name", fictional.Family, "--provider-email", fictional.Email,
		"--note", fictional.Reason, "--on", day(-17))
	for _, k := range []string{"educational", "medical", "psychological", "social_care"} {
		ehc(t, env, 0, "advice-not-needed", ref, "--kind", k, "--reason", fictional.Reason, "--on", day(-16))
	}
	ehc(t, env, 0, "decide-issue", ref, "--no-plan", "--reason", fictional.Reason, "--on", day(-10))

	// Every letter handed on: the decision's, the family's views asked, ...
	ctx := context.Background()
	var rows []register.OutboxEntry
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		var err error
		if rows, err = store.Outbox(ctx, ref, 0); err != nil {
			t.Fatal(err)
		}
		done := slices.ContainsFunc(rows, func(e register.OutboxEntry) bool { return e.Template == string(letters.FamilyDecisionNotToIssue) }) &&
			slices.ContainsFunc(rows, func(e register.OutboxEntry) bool { return e.Template == string(letters.AdviserRequest) }) &&
			!slices.ContainsFunc(rows, func(e register.OutboxEntry) bool { return e.Status == register.OutboxPending })
		if done {
			break
		}
		if time.Since(start) > 30*time.Second {
			t.Fatalf("the letters were not all handed on in 30s: %+v", rows)
		}
	}

	// Every column of every table but the people's, read as text.
	dump := registertest.Dump(t, store.Pool, "case_people")
	if !strings.Contains(dump, "notification_outbox.sealed: ") || !strings.Contains(dump, "case_events.case_ref: "+ref) {
		t.Fatalf("the dump misses the case's rows, so it proves nothing:\n%s", dump)
	}
	if s := fictional.Secret(dump); s != "" {
		t.Errorf("the register holds %q outside case_people:\n%s", s, dump)
	}
	var provider string
	if err := store.Pool.QueryRow(ctx, `select provider from advice_requests where case_ref = $1 and kind = 'family_views'`, ref).Scan(&provider); err != nil || provider != register.FamilyProvider {
		t.Errorf("the family's views are recorded as asked of %q (%v), want %q", provider, err, register.FamilyProvider)
	}

	// The worker's log: the SDK's and the activities', each letter in it.
	text := logs.String()
	if !strings.Contains(text, "notification delivered") || !strings.Contains(text, ref+"/"+string(letters.FamilyDecisionNotToIssue)) {
		t.Errorf("the worker's log was not captured:\n%s", text)
	}
	if transport == "log" && !strings.Contains(text, "msg=notification ") {
		t.Errorf("the log transport logged no letter:\n%s", text)
	}
	if s := fictional.Secret(text); s != "" {
		t.Errorf("the worker's log holds %q:\n%s", s, text)
	}

	// Opened with the keys, the letters hold what was hidden: the data is
	// there, encrypted, and a caseworker can read it.
	var sent strings.Builder
	var decision register.OutboxEntry
	for _, e := range rows {
		sent.WriteString(e.Subject + "\n" + e.Text + "\n")
		for _, r := range e.Recipients {
			sent.WriteString(r.Name + " <" + r.Email + ">\n")
		}
		if e.Template == string(letters.FamilyDecisionNotToIssue) {
			decision = e
		}
	}
	for _, want := range []string{fictional.Reason, fictional.Family, fictional.Email} {
		if !strings.Contains(sent.String(), want) {
			t.Errorf("the letters opened with the keys lack %q: the checks above would miss it\n%s", want, sent.String())
		}
	}
	if out := ehc(t, env, 0, "outbox", "--show", decision.Key); !strings.Contains(out, fictional.Reason) || !strings.Contains(out, fictional.Email) {
		t.Errorf("ehc outbox --show %s does not print the letter:\n%s", decision.Key, out)
	}
	if transport == "sendgrid" {
		sent := slices.ContainsFunc(sg.Mails(), func(m sendgridtest.Mail) bool { return m.Key == decision.Key && slices.Contains(m.To, fictional.Email) })
		if !sent {
			t.Errorf("SendGrid was not asked to send %s to the family: %+v", decision.Key, sg.Mails())
		}
	}

	// Erasing the child's people row leaves nothing about them readable.
	if _, err := store.Pool.Exec(ctx, `delete from case_people where case_ref = $1`, ref); err != nil {
		t.Fatal(err)
	}
	if s := fictional.Secret(registertest.Dump(t, store.Pool)); s != "" {
		t.Errorf("after erasing the people row the register holds %q", s)
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
	if s := fictional.Secret(clearText(t, m)); s != "" {
		t.Errorf("%s holds %q in clear", what, s)
	}
}

// A refusal's disagreement (the Dispute workflow) holds the family's
// contact only encrypted: its ID, search attributes, details and history
// read without the codec hold no name or email; read with it, they are there.
func TestIntegrationPrivacyDisputeHoldsNoPersonalData(t *testing.T) {
	c, _, _, env := startTemporal(t)
	today := statute.DateOf(time.Now())
	ref := "IT-PRIV-3"
	ehc(t, env, 0, "start", "--case", ref, "--received", today.AddDays(-10).String(), "--child-name", fictional.Child, "--child-dob", fictional.DOB,
		"--family-name", fictional.Family, "--family-email", fictional.Email, "--requester", "parent",
		"--school-name", "Quill Lane Primary", "--school-email", "senco@quill.example.org",
		"--caseworker", "cw-privacy", "--caseworker-email", "privacy.cw@la.example.gov.uk")
	ehc(t, env, 0, "decide-assess", ref, "--refuse", "--reason", fictional.Reason)
	waitQuery(t, c, fmt.Sprintf("WorkflowType = 'Dispute' AND EhcCaseRef = '%s'", ref))
	ehc(t, env, 0, "record-mediation", ref, "--wants")

	raw, err := client.Dial(client.Options{HostPort: env.Getenv("TEMPORAL_ADDRESS")})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	ctx := context.Background()
	id := dispute.WorkflowID(ref)
	if fictional.Secret(id) != "" {
		t.Errorf("workflow ID %q holds personal data", id)
	}
	resp, err := raw.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: fmt.Sprintf("WorkflowId = '%s'", id)})
	if err != nil || len(resp.Executions) != 1 {
		t.Fatalf("visibility: %v, %d executions", err, len(resp.GetExecutions()))
	}
	checkClear(t, id+" visibility record", resp.Executions[0])
	desc, err := raw.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		t.Fatal(err)
	}
	checkClear(t, id+" description", desc)
	h := rawHistory(t, raw, id, "")
	checkClear(t, id+" history", h)
	decoded := proto.Clone(h).(*historypb.History)
	if err := proxy.VisitPayloads(ctx, decoded, proxy.VisitPayloadsOptions{
		Visitor: func(_ *proxy.VisitPayloadsContext, p []*commonpb.Payload) ([]*commonpb.Payload, error) {
			return testCodec.Decode(p)
		},
	}); err != nil {
		t.Fatal(err)
	}
	if text := clearText(t, decoded); !strings.Contains(text, fictional.Email) || !strings.Contains(text, fictional.Family) {
		t.Errorf("%s decoded with the codec lacks the family's contact: the check above would miss it", id)
	}
}
