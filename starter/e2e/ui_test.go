package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/ehc-send/ehc/starter/commands"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
	"github.com/ehc-send/ehc/workflows/search"
)

// freePort is a TCP port free on 127.0.0.1 a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// The managers' view. The demo's cases run on a dev server with the
// Temporal UI, on a clock where a statutory week lasts a second, driven by
// ehc demo itself until DEMO-3 has missed its 20-week limit and recorded an
// exception and a new date. Then, through the same HTTP API the UI's pages
// call, each case is listed with its search attributes as its status has
// them, its summary opens with the payload key (the UI needs the codec
// server to show it), and the UI's overdue query finds exactly the cases
// that are overdue. Run again, ehc demo carries on where it stopped.
func TestUIShowsDemoCases(t *testing.T) {
	c, _, _, ui, env := startTemporalWith(t, true)
	base := env.Getenv
	env.Getenv = func(k string) string {
		switch k {
		case "EHC_DEMO":
			return "true"
		case "EHC_DEMO_WEEK_SECONDS":
			return "1"
		}
		return base(k)
	}

	began := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- commands.Run(ctx, withOutput(env, &out, &errOut), []string{"demo", "--ui", ui}) }()
	for {
		if st, err := caseStatus(c, "DEMO-3"); err == nil && hasStep(st, assessment.UpdateExpect) {
			break
		}
		select {
		case code := <-done:
			t.Fatalf("ehc demo ended (exit %d) before DEMO-3 recorded its expected date\n%s\n%s", code, out.String(), errOut.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Since(began) > 40*time.Second {
			cancel()
			<-done
			t.Fatalf("DEMO-3 did not record its expected date within 40s\n%s\n%s", out.String(), errOut.String())
		}
	}
	cancel()
	if code := <-done; code != commands.ExitOK {
		t.Fatalf("ehc demo stopped with exit %d\n%s", code, errOut.String())
	}
	t.Logf("driven to DEMO-3's week 20 in %s", time.Since(began).Round(time.Millisecond))
	story := out.String()
	if testing.Verbose() {
		t.Logf("ehc demo printed:\n%s", story)
	}
	for _, want := range []string{
		"Temporal UI: " + ui + "/namespaces/default/workflows",
		"EHC_DEMO=true bin/ehc cases --overdue",
		"DEMO-4  reminder to the caseworker, copied to the SEND manager: decision whether to assess due",
		"DEMO-4  refused to assess (reg 5(3))",
		"DEMO-3  Decision whether to assess MISSED",
		"DEMO-2  Advice (psychological-1) OVERDUE",
		"DEMO-2  Psychological advice received from Educational Psychology Service, 14 days late",
		"DEMO-1  final EHC plan issued (reg 13(2)), naming Elm Academy: within 20 weeks",
		"DEMO-3  Final EHC plan MISSED",
		"DEMO-3  exception recorded",
		"Demo driver stopped",
	} {
		if !strings.Contains(story, want) {
			t.Errorf("the demo's story lacks %q:\n%s", want, story)
		}
	}

	refs := []string{"DEMO-1", "DEMO-2", "DEMO-3", "DEMO-4"}
	statuses := map[string]assessment.CaseStatus{}
	var late []string
	for _, ref := range refs {
		st, err := caseStatus(c, ref)
		if err != nil {
			t.Fatalf("status of %s: %v", ref, err)
		}
		statuses[ref] = st
		if st.Overdue {
			late = append(late, assessment.WorkflowID(ref))
		}
	}
	if !slices.Contains(late, assessment.WorkflowID("DEMO-3")) {
		t.Fatalf("DEMO-3 is not overdue in its status: %+v", statuses["DEMO-3"])
	}

	// Every case, with what the workflow last published (visibility lags).
	api := ui + "/api/v1/namespaces/default/workflows"
	var problems []string
	for try := 0; ; try++ {
		var list workflowservice.ListWorkflowExecutionsResponse
		uiGet(t, api+"?query="+url.QueryEscape("WorkflowType = 'Assessment'"), &list)
		problems = checkListed(list.GetExecutions(), statuses)
		if len(problems) == 0 || try == 50 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(problems) > 0 {
		t.Errorf("the UI's list of cases:\n  %s", strings.Join(problems, "\n  "))
	}

	// The summary, encrypted as every payload is, as the case page fetches it.
	for _, ref := range refs {
		var desc workflowservice.DescribeWorkflowExecutionResponse
		uiGet(t, api+"/"+url.PathEscape(assessment.WorkflowID(ref)), &desc)
		p := desc.GetExecutionConfig().GetUserMetadata().GetSummary()
		if enc := string(p.GetMetadata()["encoding"]); enc != "binary/encrypted" {
			t.Errorf("%s: summary encoding %q, want binary/encrypted", ref, enc)
		}
		plain, err := testCodec.Decode([]*commonpb.Payload{p})
		var summary string
		if err == nil {
			err = converter.GetDefaultDataConverter().FromPayload(plain[0], &summary)
		}
		want := fmt.Sprintf("EHC assessment %s, requested %s", ref, statuses[ref].Day1)
		if err != nil || summary != want {
			t.Errorf("%s: summary %q (%v), want %q", ref, summary, err, want)
		}
	}

	// The managers' overdue query finds exactly the late cases.
	var got []string
	for try := 0; ; try++ {
		var list workflowservice.ListWorkflowExecutionsResponse
		uiGet(t, api+"?query="+url.QueryEscape("WorkflowType = 'Assessment' AND EhcOverdue = true"), &list)
		got = got[:0]
		for _, e := range list.GetExecutions() {
			got = append(got, e.GetExecution().GetWorkflowId())
		}
		sort.Strings(got)
		sort.Strings(late)
		if slices.Equal(got, late) || try == 50 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !slices.Equal(got, late) {
		t.Errorf("overdue query lists %v; the late cases are %v", got, late)
	}

	// The register, judged on the demo's date, has DEMO-3 overdue.
	for try := 0; ; try++ {
		cases := ehc(t, env, 0, "cases", "--overdue")
		if strings.Contains(cases, "DEMO-3") && strings.Contains(cases, "Final EHC plan") {
			break
		}
		if try == 50 {
			t.Errorf("EHC_DEMO=true ehc cases --overdue lacks DEMO-3's missed plan:\n%s", cases)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}

	// Run again: nothing is started twice, and DEMO-3 carries on to its plan.
	out.Reset()
	errOut.Reset()
	again := time.Now()
	if code := commands.Run(context.Background(), withOutput(env, &out, &errOut), []string{"demo", "--ui", ui}); code != commands.ExitOK {
		t.Fatalf("ehc demo again: exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	t.Logf("the second run finished in %s", time.Since(again).Round(time.Millisecond))
	story = out.String()
	if testing.Verbose() {
		t.Logf("ehc demo printed again:\n%s", story)
	}
	for _, want := range []string{
		"DEMO-1  found, already at its end",
		"DEMO-3  found: 15 of 16 steps taken; carrying on",
		"DEMO-3  final EHC plan issued (reg 13(2)), naming Hollins Park Academy: 21 days after the 20-week limit",
		"The demonstration has run its course",
	} {
		if !strings.Contains(story, want) {
			t.Errorf("the second run lacks %q:\n%s", want, story)
		}
	}
	if strings.Contains(story, "started: Day 1") {
		t.Errorf("the second run started a case again:\n%s", story)
	}
	// Cases on a compressed clock replay as deterministically as any.
	for _, ref := range refs {
		recordHistories(t, c, ref)
	}
}

// caseStatus queries a case as ehc status does.
func caseStatus(c client.Client, ref string) (assessment.CaseStatus, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var st assessment.CaseStatus
	v, err := c.QueryWorkflow(ctx, assessment.WorkflowID(ref), "", assessment.StatusQuery)
	if err == nil {
		err = v.Get(&st)
	}
	return st, err
}

func hasStep(st assessment.CaseStatus, name string) bool {
	for _, s := range st.Steps {
		if s.Step == name {
			return true
		}
	}
	return false
}

// uiGet reads one of the UI server's API responses into m, as the UI does.
func uiGet(t *testing.T, u string, m proto.Message) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", u, resp.Status, body)
	}
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(body, m); err != nil {
		t.Fatalf("GET %s: %v\n%s", u, err, body)
	}
}

// checkListed compares the listed cases' search attributes with their
// statuses, and says what differs.
func checkListed(listed []*workflowpb.WorkflowExecutionInfo, statuses map[string]assessment.CaseStatus) []string {
	var problems []string
	seen := map[string]bool{}
	for _, e := range listed {
		sa := e.GetSearchAttributes().GetIndexedFields()
		var ref, stage, caseworker string
		var overdue bool
		var next time.Time
		decodeSA(sa, search.CaseRef.GetName(), &ref)
		st, ok := statuses[ref]
		if !ok || assessment.WorkflowID(ref) != e.GetExecution().GetWorkflowId() {
			problems = append(problems, fmt.Sprintf("%s listed with EhcCaseRef %q", e.GetExecution().GetWorkflowId(), ref))
			continue
		}
		seen[ref] = true
		if !decodeSA(sa, search.Stage.GetName(), &stage) || stage != string(st.Stage) {
			problems = append(problems, fmt.Sprintf("%s: EhcStage %q, status %q", ref, stage, st.Stage))
		}
		if !decodeSA(sa, search.Caseworker.GetName(), &caseworker) || caseworker != st.Caseworker {
			problems = append(problems, fmt.Sprintf("%s: EhcCaseworker %q, status %q", ref, caseworker, st.Caseworker))
		}
		if !decodeSA(sa, search.Overdue.GetName(), &overdue) || overdue != st.Overdue {
			problems = append(problems, fmt.Sprintf("%s: EhcOverdue %v, status %v", ref, overdue, st.Overdue))
		}
		hasNext := decodeSA(sa, search.NextDeadline.GetName(), &next)
		switch {
		case st.NextDeadline.IsZero() && hasNext:
			problems = append(problems, fmt.Sprintf("%s: EhcNextDeadline %s, status none", ref, next))
		case !st.NextDeadline.IsZero() && (!hasNext || statute.DateOf(next) != st.NextDeadline):
			problems = append(problems, fmt.Sprintf("%s: EhcNextDeadline %s (set %v), status %s", ref, next, hasNext, st.NextDeadline))
		}
	}
	for ref := range statuses {
		if !seen[ref] {
			problems = append(problems, ref+" not listed")
		}
	}
	sort.Strings(problems)
	return problems
}

// decodeSA reads one search attribute into v, as ehc list does; false if
// absent or unreadable.
func decodeSA(sa map[string]*commonpb.Payload, name string, v any) bool {
	p, ok := sa[name]
	if !ok || p == nil {
		return false
	}
	return converter.GetDefaultDataConverter().FromPayload(p, v) == nil
}
