package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/proxy"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/codec"
	"github.com/ehc-send/ehc/email"
	"github.com/ehc-send/ehc/email/sendgridtest"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/registertest"
	"github.com/ehc-send/ehc/starter/commands"
	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows"
	"github.com/ehc-send/ehc/workflows/assessment"
	"github.com/ehc-send/ehc/workflows/plan"
	"github.com/ehc-send/ehc/workflows/search"
)

// startTemporal starts the pinned Temporal CLI's dev server (EHC_TEMPORAL_CLI,
// which make test sets) with the EHC search attributes, and a worker on it.
// There is no fallback: without the real server the test fails.
func startTemporal(t *testing.T) (client.Client, *register.Store, *sendgridtest.Server, *commands.Env) {
	t.Helper()
	c, store, sg, _, env := startTemporalWith(t, false)
	return c, store, sg, env
}

// startTemporalWith is startTemporal, with the Temporal UI on a free port
// when ui is set; it returns the UI's URL then.
func startTemporalWith(t *testing.T, ui bool) (client.Client, *register.Store, *sendgridtest.Server, string, *commands.Env) {
	t.Helper()
	cli := os.Getenv("EHC_TEMPORAL_CLI")
	if cli == "" {
		cli = filepath.Join("..", "..", "bin", "temporal")
	}
	if _, err := os.Stat(cli); err != nil {
		t.Fatalf("the Temporal CLI is not at %s (%v): run the tests with 'make test', which builds it", cli, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	uiPort, uiURL := "", ""
	if ui {
		uiPort = freePort(t)
		uiURL = "http://127.0.0.1:" + uiPort
	}
	var serverLog bytes.Buffer
	srv, err := testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath:     cli,
		EnableUI:         ui,
		UIPort:           uiPort,
		LogLevel:         "error",
		ExtraArgs:        []string{"--dynamic-config-value", "matching.useNewMatcher=true"}, // task priority (assessment.BulkPriority)
		Stdout:           &serverLog,
		Stderr:           &serverLog,
		SearchAttributes: search.Declared(),
	})
	if err != nil {
		t.Fatalf("starting the Temporal dev server: %v\n%s", err, serverLog.String())
	}
	t.Cleanup(func() { _ = srv.Stop() })

	queue := "ehc-it-" + t.Name()
	dbURL := registertest.URL(t)
	store, err := register.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	// Notifications take the production path: the outbox, then the real
	// SendGrid client, pointed at a local server that speaks its v3 API.
	sg := sendgridtest.New(t, "SG.test-key")
	mailer, err := email.NewTransport(email.Options{APIKey: "SG.test-key", BaseURL: sg.URL,
		From: email.Address{Name: "SEND team", Email: "send@la.example.gov.uk"}})
	if err != nil {
		t.Fatal(err)
	}
	// Every client encrypts payloads, as in production.
	keyLine, err := codec.NewKeyLine("it1")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := codec.ParseKeys(keyLine, "test key")
	if err != nil {
		t.Fatal(err)
	}
	pc, err := codec.New(keys)
	if err != nil {
		t.Fatal(err)
	}
	testCodec = pc
	store.Sealer = pc // the worker seals letters with its payload keys
	c, err := client.Dial(client.Options{HostPort: srv.FrontendHostPort(), DataConverter: pc.DataConverter(),
		FailureConverter: temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{
			DataConverter: pc.DataConverter(), EncodeCommonAttributes: true})})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	w := worker.New(c, queue, worker.Options{})
	workflows.Register(w)
	w.RegisterActivity(&activities.Activities{Transport: &activities.Outbox{Store: store, Next: mailer}, Register: store})
	if err := w.Start(); err != nil {
		t.Fatalf("starting the worker: %v", err)
	}
	t.Cleanup(w.Stop)

	env := map[string]string{"TEMPORAL_ADDRESS": srv.FrontendHostPort(), "EHC_TASK_QUEUE": queue, "DATABASE_URL": dbURL,
		"EHC_CODEC_KEYS": keyLine}
	// The CLI as main wires it, but for the environment: the servers'.
	return c, store, sg, uiURL, &commands.Env{
		Now:          time.Now,
		Getenv:       func(k string) string { return env[k] },
		Dial:         commands.DialTemporal,
		OpenRegister: commands.OpenRegister,
	}
}

// withOutput is env printing to stdout and stderr.
func withOutput(env *commands.Env, stdout, stderr io.Writer) *commands.Env {
	e := *env
	e.Stdout, e.Stderr = stdout, stderr
	return &e
}

// testCodec is the payload codec of the running test's clients, for
// reading their histories.
var testCodec *codec.Codec

// ehc runs one command as a caseworker would and returns what it printed.
func ehc(t *testing.T, env *commands.Env, wantCode int, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	code := commands.Run(context.Background(), withOutput(env, &out, &errb), args)
	if code != wantCode {
		t.Fatalf("ehc %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, wantCode, out.String(), errb.String())
	}
	return out.String() + errb.String()
}

// One case from request to final plan through the CLI, on a real server,
// with a request received 20 days ago (no reminder is due yet) so every
// step has a past date. Notifications go through the outbox and the real
// SendGrid client to a local v3 server.
func TestIntegrationCaseToFinalPlan(t *testing.T) {
	c, store, sg, env := startTemporal(t)
	today := statute.DateOf(time.Now())
	day := func(n int) string { return today.AddDays(n).String() }
	ref := "IT-PLAN-1"
	// Aged 8: the plan the case issues has no phase transfer in its first year.
	dob := statute.MonthsBefore(today, 8*12).String()

	ehc(t, env, 0, "start", "--case", ref, "--received", day(-20), "--child-name", "Ada Example", "--child-dob", dob,
		"--family-name", "Sam Example", "--family-email", "sam@example.org", "--requester", "parent",
		"--school-name", "Oak Primary", "--school-email", "head@oak.example.org",
		"--caseworker", "cw-jones", "--caseworker-email", "jones@la.example.gov.uk", "--manager-email", "manager@la.example.gov.uk")
	started := time.Now()
	for !strings.Contains(ehc(t, env, 0, "cases", "--caseworker", "cw-jones"), ref) {
		if time.Since(started) > 5*time.Second {
			t.Fatalf("case %s not in 'ehc cases' 5s after it started", ref)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("case in the register %s after ehc start returned", time.Since(started).Round(time.Millisecond))
	if out := ehc(t, env, 1, "start", "--case", ref, "--received", day(-20), "--child-name", "Ada Example", "--child-dob", dob,
		"--family-name", "Sam Example", "--family-email", "sam@example.org", "--requester", "parent",
		"--school-name", "Oak Primary", "--school-email", "head@oak.example.org",
		"--caseworker", "cw-jones", "--caseworker-email", "jones@la.example.gov.uk"); !strings.Contains(out, "case "+ref+" already has an assessment running") {
		t.Errorf("second start: %s", out)
	}
	if out := ehc(t, env, 1, "serve-draft", ref, "--on", day(-1)); !strings.Contains(out, `is at stage "deciding whether to assess"`) {
		t.Errorf("step out of order: %s", out)
	}
	ehc(t, env, 0, "decide-assess", ref, "--assess", "--on", day(-18))
	ehc(t, env, 0, "request-advice", ref, "--kind", "psychological", "--provider-name", "EP service", "--provider-email", "ep@la.example.gov.uk", "--on", day(-18))
	ehc(t, env, 0, "request-advice", ref, "--kind", "medical", "--provider-name", "Paediatrics", "--provider-email", "paeds@nhs.example.org", "--on", day(-17))
	ehc(t, env, 0, "record-advice", ref, "--kind", "psychological", "--on", day(-10))
	ehc(t, env, 0, "record-advice", ref, "--id", "medical-1", "--on", day(-9))
	if out := ehc(t, env, 1, "decide-issue", ref, "--issue", "--on", day(-8)); !strings.Contains(out, "has not sought family_views, educational, social_care advice (reg 6(1))") {
		t.Errorf("decision to issue without reg 6(1) advice: %s", out)
	}
	for _, k := range []string{"family_views", "educational", "social_care"} {
		ehc(t, env, 0, "advice-not-needed", ref, "--kind", k, "--reason", "last term's advice is enough; all agree", "--on", day(-9))
	}
	ehc(t, env, 0, "decide-issue", ref, "--issue", "--on", day(-8))
	ehc(t, env, 0, "serve-draft", ref, "--on", day(-6))
	ehc(t, env, 0, "record-comments", ref, "--school-name", "Elm Academy", "--school-email", "office@elm.example.org", "--on", day(-3))
	ehc(t, env, 0, "record-consultation", ref, "--school", "Elm Academy", "--agrees", "--on", day(-1))

	var st assessment.CaseStatus
	if err := json.Unmarshal([]byte(ehc(t, env, 0, "status", ref, "--json")), &st); err != nil {
		t.Fatal(err)
	}
	if st.Stage != assessment.StageDraftServed || st.FinalPlanDue.String() != day(-20+140) || st.DecisionToAssessDue.String() != day(-20+42) {
		t.Errorf("status: stage %s, final plan due %s, decision due %s", st.Stage, st.FinalPlanDue, st.DecisionToAssessDue)
	}
	if len(st.Advice) != 2 || st.Advice[0].Status != assessment.StatusMet || st.Advice[0].Due.String() != day(-18+42) {
		t.Errorf("advice: %+v", st.Advice)
	}
	if out := ehc(t, env, 1, "issue-final-plan", ref, "--school", "Oak Primary", "--on", day(0)); !strings.Contains(out, `the plan cannot name "Oak Primary": it was not consulted`) {
		t.Errorf("final plan naming a school never consulted: %s", out)
	}
	ehc(t, env, 0, "issue-final-plan", ref, "--school", "Elm Academy", "--on", day(0))
	if out := ehc(t, env, 1, "issue-final-plan", ref, "--on", day(0)); !strings.Contains(out, "has ended") && !strings.Contains(out, "already issued") {
		t.Errorf("second final plan: %s", out)
	}
	plain := ehc(t, env, 0, "status", ref)
	for _, want := range []string{"closed: final plan issued", "Final EHC plan", cli.LongDate(today.AddDays(-20 + 140)), "met"} {
		if !strings.Contains(plain, want) {
			t.Errorf("status lacks %q:\n%s", want, plain)
		}
	}
	waitListed(t, env, ref, "--stage", "final_plan_issued", "--caseworker", "cw-jones")
	recordHistories(t, c, ref)

	// The case carries on as a plan in force, its first review due within
	// the 12 months starting with the day the plan was made (CFA s.44(1)).
	var p plan.PlanStatus
	if err := json.Unmarshal([]byte(ehc(t, env, 0, "plan-status", ref, "--json")), &p); err != nil {
		t.Fatal(err)
	}
	if p.Stage != plan.StageInForce || p.PlanMade != today || p.NextReviewDue != statute.ReviewDueAfter(today, 12) || p.NamedSetting != "Elm Academy" {
		t.Errorf("the plan in force: %s, made %s, next review %s, setting %q; want in force, made today, review due %s, Elm Academy",
			p.Stage, p.PlanMade, p.NextReviewDue, p.NamedSetting, statute.ReviewDueAfter(today, 12))
	}
	due := statute.ReviewDueAfter(today, 12)
	waitQuery(t, c, fmt.Sprintf("WorkflowType = 'Plan' AND EhcCaseRef = '%s' AND EhcNextReviewDue >= '%s' AND EhcNextReviewDue < '%s'", ref,
		due.AddDays(-1).Time().Format(time.RFC3339), due.AddDays(1).Time().Format(time.RFC3339)))

	// The register holds every step, in its order, and the closed case;
	// its writes are asynchronous, so it may trail the workflow briefly.
	want := []string{"request-received " + day(-20), "decide-assess " + day(-18), "request-advice " + day(-18),
		"request-advice " + day(-17), "record-advice " + day(-10), "record-advice " + day(-9), "advice-not-needed " + day(-9), "advice-not-needed " + day(-9),
		"advice-not-needed " + day(-9), "decide-issue " + day(-8),
		"serve-draft " + day(-6), "record-comments " + day(-3), "record-consultation " + day(-1), "issue-final-plan " + day(0)}
	var steps []string
	for range 50 {
		steps = registerSteps(t, store, ref)
		if len(steps) >= len(want) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if strings.Join(steps, "\n") != strings.Join(want, "\n") {
		t.Errorf("register steps:\n%s\nwant:\n%s", strings.Join(steps, "\n"), strings.Join(want, "\n"))
	}
	checkOutbox(t, env, sg, ref, today, []string{
		"adviser.request", "adviser.request", "family.advice_requested", "family.advice_requested",
		"family.decision_to_assess", "family.decision_to_issue", "family.draft_served", "family.final_plan",
		"family.request_received", "partner.request_received",
	})
	var stage, finalOn, school string
	if err := store.Pool.QueryRow(context.Background(), `select stage, final_plan_on::text, named_school from cases join case_people using (case_ref) where case_ref = $1`, ref).Scan(&stage, &finalOn, &school); err != nil || stage != "final_plan_issued" || finalOn != day(0) || school != "Elm Academy" {
		t.Errorf("register case: %s %s %q %v", stage, finalOn, school, err)
	}
}

// A case received 7 weeks ago with no decision is overdue the moment it
// starts, and managers find it with --overdue.
func TestIntegrationOverdueListed(t *testing.T) {
	c, _, _, env := startTemporal(t)
	today := statute.DateOf(time.Now())
	ref := "IT-LATE-1"
	ehc(t, env, 0, "start", "--case", ref, "--received", today.AddDays(-49).String(), "--child-name", "Bo Example", "--child-dob", "2018-02-03",
		"--family-name", "Kim Example", "--family-email", "kim@example.org", "--requester", "school",
		"--school-name", "Ash Infants", "--school-email", "senco@ash.example.org",
		"--caseworker", "cw-patel", "--caseworker-email", "patel@la.example.gov.uk")
	waitListed(t, env, ref, "--overdue", "--caseworker", "cw-patel")
	var st assessment.CaseStatus
	if err := json.Unmarshal([]byte(ehc(t, env, 0, "status", ref, "--json")), &st); err != nil {
		t.Fatal(err)
	}
	if !st.Overdue || st.Deadlines[0].Status != assessment.StatusMissed || st.Deadlines[0].DaysOverdue != 7 {
		t.Errorf("status: overdue %v, %+v", st.Overdue, st.Deadlines[0])
	}
	ehc(t, env, 0, "withdraw", ref, "--reason", "family moved away", "--on", today.String())
	recordHistories(t, c, ref)
}

// waitListed polls ehc list until ref appears: visibility is eventually
// consistent.
func waitListed(t *testing.T, env *commands.Env, ref string, filters ...string) {
	t.Helper()
	var out string
	for range 50 {
		out = ehc(t, env, 0, append([]string{"list"}, filters...)...)
		if strings.Contains(out, ref) {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Errorf("ehc list %s never showed %s; last output:\n%s", strings.Join(filters, " "), ref, out)
}

// recordHistories replays the case's histories (the assessment and its
// advice children) against this code, and with EHC_RECORD_HISTORIES=DIR
// writes them to DIR for workflows' replay test.
func recordHistories(t *testing.T, c client.Client, ref string) {
	t.Helper()
	ctx := context.Background()
	resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		Query: fmt.Sprintf("WorkflowId STARTS_WITH '%s'", assessment.WorkflowID(ref)),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range resp.Executions {
		if e.Status == enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
			continue
		}
		var h historypb.History
		it := c.GetWorkflowHistory(ctx, e.Execution.WorkflowId, e.Execution.RunId, false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				t.Fatal(err)
			}
			h.Events = append(h.Events, ev)
		}
		// Replay, and record, the history decrypted: the replay test holds
		// no key, and the fixture's people are fictional.
		if err := proxy.VisitPayloads(ctx, &h, proxy.VisitPayloadsOptions{
			Visitor: func(_ *proxy.VisitPayloadsContext, p []*commonpb.Payload) ([]*commonpb.Payload, error) {
				return testCodec.Decode(p)
			},
		}); err != nil {
			t.Fatal(err)
		}
		r := worker.NewWorkflowReplayer()
		workflows.Register(r)
		if err := r.ReplayWorkflowHistory(nil, &h); err != nil {
			t.Errorf("replaying %s: %v", e.Execution.WorkflowId, err)
		}
		if dir := os.Getenv("EHC_RECORD_HISTORIES"); dir != "" {
			b, err := protojson.Marshal(&h)
			if err != nil {
				t.Fatal(err)
			}
			name := strings.NewReplacer("/", "_").Replace(e.Execution.WorkflowId)
			switch e.Status {
			case enums.WORKFLOW_EXECUTION_STATUS_FAILED:
				name += "-failed" // a start refused for its input, beside the run that followed it
			case enums.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW:
				name += "-continued-" + e.Execution.RunId[:8] // each run of a case that continued as new
			}
			name += ".json"
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func registerSteps(t *testing.T, store *register.Store, ref string) []string {
	t.Helper()
	rows, err := store.Pool.Query(context.Background(),
		`select name || ' ' || effective_on from case_events where case_ref = $1 and kind = 'step' order by seq`, ref)
	if err != nil {
		t.Fatal(err)
	}
	steps, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return steps
}

// checkOutbox waits until every notification of the case is sent, then
// checks that ehc outbox lists exactly the templates wanted, each dated
// today, and that SendGrid received exactly those messages, once each.
func checkOutbox(t *testing.T, env *commands.Env, sg *sendgridtest.Server, ref string, today statute.Date, want []string) {
	t.Helper()
	var rows []register.OutboxEntry
	for range 100 {
		if err := json.Unmarshal([]byte(ehc(t, env, 0, "outbox", "--case", ref, "--json")), &rows); err != nil {
			t.Fatal(err)
		}
		sent := 0
		for _, r := range rows {
			if r.Status == register.OutboxSent {
				sent++
			}
		}
		if len(rows) >= len(want) && sent == len(rows) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	var got, keys []string
	for _, r := range rows {
		got = append(got, r.Template)
		keys = append(keys, r.Key)
		if r.On != today || r.Status != register.OutboxSent || !strings.HasPrefix(r.MessageID, "sg-") {
			t.Errorf("outbox %s: on %s, %s, message %q; want today, sent, a SendGrid message ID", r.Key, r.On, r.Status, r.MessageID)
		}
	}
	slices.Sort(got)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("ehc outbox --case %s:\n got %v\nwant %v", ref, got, want)
	}
	var mailed []string
	for _, m := range sg.Mails() {
		if m.CaseRef == ref {
			mailed = append(mailed, m.Key)
		}
	}
	slices.Sort(keys)
	slices.Sort(mailed)
	if !slices.Equal(keys, mailed) {
		t.Errorf("SendGrid calls differ from the outbox:\n outbox %v\nmailed %v", keys, mailed)
	}
}
