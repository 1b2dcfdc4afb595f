package commands

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/register/registertest"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
	"github.com/ehc-send/ehc/workflows/plan"
)

// startsClient is Temporal as an import sees it: it keeps every workflow
// started, and refuses a second start under an ID, as the server does.
type startsClient struct {
	client.Client
	mu      sync.Mutex
	started map[string]any
}

func (s *startsClient) ExecuteWorkflow(_ context.Context, o client.StartWorkflowOptions, _ any, args ...any) (client.WorkflowRun, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.started[o.ID]; ok {
		return nil, serviceerror.NewWorkflowExecutionAlreadyStarted("already started", "", "")
	}
	s.started[o.ID] = args[0]
	return fakeRun{id: o.ID, runID: "run-1"}, nil
}

func (s *startsClient) Close() {}

func importEnv(t *testing.T, sc *startsClient) *Env {
	env := useFake(t, &fakeClient{}) // a fresh, empty register, made if asked
	env.Dial = func(context.Context, config.Config, io.Writer) (client.Client, error) { return sc, nil }
	return env
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const caseHeader = "case_ref,received,child_name,child_dob,family_name,family_email,requester,school_name,school_email,caseworker,caseworker_email,manager_email,history\n"
const planHeader = "case_ref,plan_made,child_dob,family_name,family_email,named_setting,caseworker,caseworker_email,manager_email,last_review,transferred_in,notice_on,meeting,held_on,report_on,decided_on,outcome\n"

// A caseload with three wrong rows: every problem is named by file, line
// and column at once, and nothing is started; with --skip-invalid the good
// rows start in their true state (a case's steps so far, a plan's review
// in progress) and the wrong ones are written beside the input with why;
// the same import again starts nothing and says they were already in.
func TestImportChecksEveryRowThenStartsOnlyWhatIsNotIn(t *testing.T) {
	dir := t.TempDir()
	cases := writeFile(t, dir, "cases.csv", caseHeader+
		"IMP-1,2026-02-02,Ada Example,2016-04-01,Sam Example,sam@example.org,parent,Oak Primary,senco@oak.example.org,cw-jones,jones@la.example.gov.uk,,\"decide-assess --assess --on 2026-02-20\nrequest-advice --kind psychological --provider-name \"\"EP service\"\" --provider-email ep@la.example.gov.uk --on 2026-02-25\"\n"+
		"IMP-2,2026-13-02,Ben Example,2016-04-01,Jo Example,jo@example.org,parent,Oak Primary,senco@oak.example.org,cw-jones,jones@la.example.gov.uk,,\n"+
		"IMP-3,2026-02-02,Cy Example,2016-04-01,Al Example,not-an-email,parent,Oak Primary,senco@oak.example.org,cw-jones,jones@la.example.gov.uk,,\"decide-assess --assess\"\n"+
		"IMP-1,2026-02-02,Ada Example,2016-04-01,Sam Example,sam@example.org,parent,Oak Primary,senco@oak.example.org,cw-jones,jones@la.example.gov.uk,,\n")
	plans := writeFile(t, dir, "plans.csv", planHeader+
		"IMP-9,2024-05-10,2014-02-02,Kim Example,kim@example.org,Oak Primary,cw-jones,jones@la.example.gov.uk,,2025-05-01,,2026-02-10,2026-02-24,2026-02-24,,,\n")

	sc := &startsClient{started: map[string]any{}}
	env := importEnv(t, sc)
	code, _, errOut := runCmd(env, "import", "--wait", "0", "--cases", cases, "--plans", plans)
	if code != ExitUsage {
		t.Fatalf("exit %d with wrong rows; want a usage error", code)
	}
	for _, want := range []string{cases + ":4: received", "2026-13-02", cases + ":5: family_email", cases + ":5: history, step:1: decide-assess", "--on is required",
		cases + ":6: case_ref IMP-1 is on " + cases + ":2 too", "nothing was imported"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("the problems do not say %q:\n%s", want, errOut)
		}
	}
	if len(sc.started) != 0 {
		t.Fatalf("%d started with wrong rows in the files", len(sc.started))
	}

	code, out, errs := runCmd(env, "import", "--wait", "0", "--cases", cases, "--plans", plans, "--skip-invalid")
	if code != ExitOK {
		t.Fatalf("--skip-invalid: exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "Imported 2 of 2 cases and plans") {
		t.Errorf("summary: %s", out)
	}
	in, ok := sc.started[assessment.WorkflowID("IMP-1")].(assessment.AssessmentInput)
	if !ok || len(in.History) != 2 || in.Family.Email != "sam@example.org" || in.Policy.Schedule.EscalationEvery == 0 {
		t.Errorf("IMP-1 started with %+v; want its two steps, the family's contact and the policy", in)
	}
	pin, ok := sc.started[plan.WorkflowID("IMP-9")].(plan.PlanInput)
	if !ok || pin.Review == nil || pin.Review.HeldOn.String() != "2026-02-24" || pin.LastReview.String() != "2025-05-01" {
		t.Errorf("IMP-9 started with %+v; want its last review and the review held on 2026-02-24", pin)
	}
	rejected, err := os.ReadFile(filepath.Join(dir, "cases.rejected.csv"))
	if err != nil || len(strings.Split(strings.TrimSpace(string(rejected)), "\n")) != 4 || !strings.Contains(string(rejected), "not-an-email") {
		t.Errorf("cases.rejected.csv (%v):\n%s\nwant the header and the three wrong rows, with why", err, rejected)
	}

	code, out, errs = runCmd(env, "import", "--wait", "0", "--cases", cases, "--plans", plans, "--skip-invalid")
	if code != ExitOK {
		t.Fatalf("again: exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "Imported 0 of 2 cases and plans") || !strings.Contains(out, "2 were already in") || len(sc.started) != 2 {
		t.Errorf("the same import again: %s (%d started in all)", out, len(sc.started))
	}
}

// The template is the two files' headers, each column explained, and an
// import reads them back.
func TestImportTemplate(t *testing.T) {
	dir := t.TempDir()
	sc := &startsClient{started: map[string]any{}}
	env := importEnv(t, sc)
	code, out, errs := runCmd(env, "import", "--template", dir)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, f := range []struct {
		name string
		cols []column
	}{{"cases.csv", caseColumns}, {"plans.csv", planColumns}} {
		b, err := os.ReadFile(filepath.Join(dir, f.name))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if len(lines) != len(f.cols)+1 || !strings.HasPrefix(lines[0], "# case_ref: ") {
			t.Errorf("%s: %d lines; want a comment per column and the header:\n%s", f.name, len(lines), b)
		}
		if rows, problems, err := readImport(filepath.Join(dir, f.name), f.cols); err != nil || len(rows)+len(problems) != 0 {
			t.Errorf("%s read back: %d rows, %v, %v", f.name, len(rows), problems, err)
		}
	}
	if !strings.Contains(out, "Wrote ") {
		t.Errorf("output: %s", out)
	}
	if code, _, _ := runCmd(env, "import", "--template", dir); code != ExitUsage {
		t.Error("the template overwrote files already there")
	}
	if !slices.Equal([]string{caseColumns[0].name, planColumns[0].name}, []string{"case_ref", "case_ref"}) {
		t.Error("both files are keyed by case_ref")
	}
}

// Whatever a spreadsheet holds, the import either refuses the row, naming
// its file and line and starting nothing, or starts a case whose every
// field is within its bounds.
func FuzzImportRow(f *testing.F) {
	f.Add("IMP-1", "Ada Example", "sam@example.org", "2026-02-02", "decide-assess --assess --on 2026-02-20")
	f.Add("imp 1", "Ada\x00Example", "not-an-email", "2026-13-02", "decide-assess")
	f.Add("IMP-2", strings.Repeat("a", 300), "a@b.c", "", "\"unclosed")
	// One empty register for every input: the fake client writes nothing
	// to it, and a database made and dropped per input made the fuzzer's
	// workers too slow to answer it when its time ran out.
	url := registertest.URL(f)
	s, err := register.Open(context.Background(), url) // migrated once
	if err != nil {
		f.Fatal(err)
	}
	s.Close()
	f.Fuzz(func(t *testing.T, ref, name, email, received, history string) {
		dir := t.TempDir()
		var b strings.Builder
		w := csv.NewWriter(&b)
		_ = w.Write(strings.Split(strings.TrimSuffix(caseHeader, "\n"), ","))
		_ = w.Write([]string{ref, received, name, "2016-04-01", "Sam Example", email, "parent", "Oak Primary", "senco@oak.example.org",
			"cw-jones", "jones@la.example.gov.uk", "", history})
		w.Flush()
		cases := writeFile(t, dir, "cases.csv", b.String())
		sc := &startsClient{started: map[string]any{}}
		env := importEnv(t, sc)
		env.OpenRegister = func(ctx context.Context, _ config.Config) (*register.Store, error) { return register.Connect(ctx, url) }
		code, _, errOut := runCmd(env, "import", "--wait", "0", "--cases", cases)
		switch code {
		case ExitUsage:
			if len(sc.started) != 0 {
				t.Fatalf("refused, yet started %d", len(sc.started))
			}
			if !strings.Contains(errOut, cases+":") && !strings.Contains(errOut, "rows have problems") {
				t.Errorf("a refusal that names no file and line: %s", errOut)
			}
		case ExitOK:
			for _, v := range sc.started {
				in := v.(assessment.AssessmentInput)
				if err := errors.Join(checkCaseRef(in.CaseRef), assessment.CheckName("child-name", in.Child.Name), checkEmail("family-email", in.Family.Email)); err != nil {
					t.Errorf("started out of bounds: %v", err)
				}
			}
		default:
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
}

// What a spreadsheet gets wrong about its shape is refused too: a header
// naming a column the import does not read; a row with a cell too many (an
// unquoted comma), which goes to the rejected file with the rest; a plan
// under the reference of an assessment in the same import. The rejected
// file is readable by its owner only.
func TestImportRefusesTheFilesShape(t *testing.T) {
	dir := t.TempDir()
	sc := &startsClient{started: map[string]any{}}
	env := importEnv(t, sc)
	if code, _, errOut := runCmd(env, "import", "--wait", "0", "--cases", writeFile(t, dir, "odd.csv", strings.TrimSuffix(caseHeader, "\n")+",post_code\n")); code != ExitUsage || !strings.Contains(errOut, `column "post_code" is not one the import reads`) {
		t.Errorf("a misnamed column: exit %d, %s", code, errOut)
	}
	row := "IMP-5,2026-02-02,Ada Example,2016-04-01,Sam Example,sam@example.org,parent,Oak Primary,senco@oak.example.org,cw-jones,jones@la.example.gov.uk,,\n"
	cases := writeFile(t, dir, "cases.csv", caseHeader+row+"IMP-6,2026-02-02,Smith, Jo,2016-04-01,Sam Example,sam@example.org,parent,Oak Primary,senco@oak.example.org,cw-jones,jones@la.example.gov.uk,,\n")
	plans := writeFile(t, dir, "plans.csv", planHeader+"IMP-5,2024-05-10,2014-02-02,Kim Example,kim@example.org,Oak Primary,cw-jones,jones@la.example.gov.uk,,,,,,,,,\n")
	code, out, errOut := runCmd(env, "import", "--wait", "0", "--cases", cases, "--plans", plans, "--skip-invalid")
	if code != ExitOK || !strings.Contains(out, "Imported 1 of 1") {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	for _, want := range []string{cases + ":3: 14 cells, the header has 13", plans + ":2: case_ref IMP-5 is an open assessment on " + cases + ":2 too"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("the problems do not say %q:\n%s", want, errOut)
		}
	}
	for _, f := range []string{"cases.rejected.csv", "plans.rejected.csv"} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, mode %v; want it written, readable by its owner only", f, err, st.Mode().Perm())
		}
	}
}

// A case the register already holds (one Temporal has forgotten after its
// retention, say) is not started again: it is already in.
func TestImportLeavesOutWhatTheRegisterHolds(t *testing.T) {
	dir := t.TempDir()
	sc := &startsClient{started: map[string]any{}}
	env := importEnv(t, sc)
	store, err := env.OpenRegister(context.Background(), config.Config{})
	if err != nil {
		t.Fatal(err)
	}
	snap := caserecord.Snapshot{Seq: 1, FirstRun: "run-old", Stage: "not_assessed", Requester: "parent", Caseworker: "cw-1",
		Day1: statute.NewDate(2025, 1, 6), ClosedOn: statute.NewDate(2025, 2, 1), DecisionToAssessDue: statute.NewDate(2025, 2, 17),
		DecisionNotToIssueDue: statute.NewDate(2025, 4, 28), FinalPlanDue: statute.NewDate(2025, 5, 26)}
	if _, err := store.Record(context.Background(), caserecord.Event{Key: "IMP-7/1", CaseRef: "IMP-7", Kind: caserecord.KindStep,
		Name: "request-received", EffectiveOn: snap.Day1, Case: snap}); err != nil {
		t.Fatal(err)
	}
	store.Close()
	cases := writeFile(t, dir, "cases.csv", caseHeader+
		"imp-7,2026-02-02,Ada Example,2016-04-01,Sam Example,sam@example.org,parent,Oak Primary,senco@oak.example.org,cw-jones,jones@la.example.gov.uk,,\n")
	code, out, errOut := runCmd(env, "import", "--wait", "0", "--cases", cases)
	if code != ExitOK || !strings.Contains(out, "Imported 0 of 1 cases and plans") || !strings.Contains(out, "1 were already in") || len(sc.started) != 0 {
		t.Errorf("exit %d: %s %s (%d started); want it left out as already in", code, out, errOut, len(sc.started))
	}
}

// refusingClient is a Temporal whose workflows refuse some starts, as an
// assessment refuses a history whose steps come in an order it cannot
// take: Describe says failed, and the run's result is the refusal.
type refusingClient struct {
	*startsClient
	refuse map[string]string // workflow ID: the workflow's reason
}

func (r refusingClient) DescribeWorkflowExecution(_ context.Context, id, _ string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	status := enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING
	if _, ok := r.refuse[id]; ok {
		status = enumspb.WORKFLOW_EXECUTION_STATUS_FAILED
	}
	return &workflowservice.DescribeWorkflowExecutionResponse{WorkflowExecutionInfo: &workflowpb.WorkflowExecutionInfo{Status: status}}, nil
}

func (r refusingClient) GetWorkflow(_ context.Context, id, _ string) client.WorkflowRun {
	return refusedRun{fakeRun: fakeRun{id: id}, why: r.refuse[id]}
}

type refusedRun struct {
	fakeRun
	why string
}

func (r refusedRun) Get(context.Context, any) error {
	return temporal.NewNonRetryableApplicationError(r.why, "InvalidStart", nil)
}

// After its starts, the import waits for each to take: a start its
// workflow refused is named with the reason and not counted as imported;
// one still not recorded when the register has gone quiet is said to be
// waiting for the worker.
func TestImportNamesAStartItsWorkflowRefused(t *testing.T) {
	dir := t.TempDir()
	cases := writeFile(t, dir, "cases.csv", caseHeader+
		"IMP-1,2026-02-02,Ada Example,2016-04-01,Sam Example,sam@example.org,parent,Oak Primary,senco@oak.example.org,cw-jones,jones@la.example.gov.uk,,\n"+
		"IMP-2,2026-02-02,Bo Example,2016-04-01,Kim Example,kim@example.org,parent,Oak Primary,senco@oak.example.org,cw-jones,jones@la.example.gov.uk,,decide-issue --issue --on 2026-03-02\n")
	sc := &startsClient{started: map[string]any{}}
	rc := refusingClient{sc, map[string]string{"ehc-IMP-2": "step 1 of the history (decide-issue): the decision whether to assess comes first"}}
	env := importEnv(t, sc)
	env.Dial = func(context.Context, config.Config, io.Writer) (client.Client, error) { return rc, nil }
	code, out, errOut := runCmd(env, "import", "--wait", "100ms", "--cases", cases)
	if code != ExitFailed || len(sc.started) != 2 {
		t.Fatalf("exit %d, %d started: %s %s", code, len(sc.started), out, errOut)
	}
	for _, want := range []string{"Imported 1 of 2 cases and plans", "1 failed", "1 of them started but are not yet in the register after 100ms"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "case IMP-2: refused by its workflow: step 1 of the history (decide-issue): the decision whether to assess comes first") {
		t.Errorf("stderr does not name the refusal:\n%s", errOut)
	}
	if code, _, errOut := runCmd(noRegister(t), "import", "--wait", "11m", "--cases", cases); code != ExitUsage || !strings.Contains(errOut, "--wait 11m0s: want 0 to 10m") {
		t.Errorf("--wait 11m: exit %d, %s", code, errOut)
	}
}
