package assessment

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/dispute"
	"github.com/ehc-send/ehc/workflows/internal/flowtest"
	"github.com/ehc-send/ehc/workflows/plan"
)

// recorder is the mail service the tests read their letters from.
type recorder = flowtest.Mail

// registry is a fake case register keeping every event by key, as the real
// one does: a repeated key is not a new event.
type registry struct {
	mu     sync.Mutex
	events []caserecord.Event
	seen   map[string]bool
}

func (r *registry) Record(_ context.Context, e caserecord.Event) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[string]bool{}
	}
	if r.seen[e.Key] {
		return false, nil
	}
	r.seen[e.Key] = true
	r.events = append(r.events, e)
	return true, nil
}

// of returns the events of one kind as "date name" lines, in sequence order.
func (r *registry) of(kind string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	evs := append([]caserecord.Event{}, r.events...)
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].Place() < evs[j].Place() })
	var out []string
	for _, e := range evs {
		if e.Kind == kind {
			out = append(out, fmt.Sprintf("%s %s", e.EffectiveOn, e.Name))
		}
	}
	return out
}

// last is the event with the highest sequence: the projection the register
// ends with.
func (r *registry) last() caserecord.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var l caserecord.Event
	for _, e := range r.events {
		if e.Case.Seq > l.Case.Seq {
			l = e
		}
	}
	return l
}

func date(s string) statute.Date {
	d, err := statute.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// harness runs one case in the test suite's time-skipping environment.
type harness struct {
	t        *testing.T
	env      *testsuite.TestWorkflowEnvironment
	rec      *recorder
	reg      *registry
	start    time.Time
	in       AssessmentInput
	calls    int
	plans    *[]plan.PlanInput       // the plans in force the case started
	disputes *[]dispute.DisputeInput // the disagreements a refusal started
}

func newHarness(t *testing.T, received string) *harness {
	t.Helper()
	day1 := date(received)
	return newHarnessAt(t, day1.At(10), &recorder{}, &registry{}, day1)
}

// newHarnessAt is a harness whose environment starts at start and sends
// and records into rec and reg, which a run continued as new shares.
func newHarnessAt(t *testing.T, start time.Time, rec *recorder, reg *registry, day1 statute.Date) *harness {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(testLogger{})
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	Register(env)
	env.RegisterActivity(&activities.Activities{Transport: rec, Register: reg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	// The plan in force has its own tests (workflows/plan): here it only
	// says what the case started it with.
	plans := &[]plan.PlanInput{}
	env.RegisterWorkflowWithOptions(func(ctx workflow.Context, in plan.PlanInput) error {
		*plans = append(*plans, in)
		return nil
	}, workflow.RegisterOptions{Name: plan.WorkflowName})
	disputes := &[]dispute.DisputeInput{}
	env.RegisterWorkflowWithOptions(func(ctx workflow.Context, in dispute.DisputeInput) error {
		*disputes = append(*disputes, in)
		return nil
	}, workflow.RegisterOptions{Name: dispute.WorkflowName})
	return &harness{t: t, env: env, rec: rec, reg: reg, start: start, plans: plans, disputes: disputes, in: AssessmentInput{
		CaseRef:         "EHC-0001",
		Received:        day1,
		Child:           Child{Name: "Ada Example", DateOfBirth: date("2016-04-01")},
		Family:          Contact{Name: "Sam Example", Email: "sam@example.org"},
		Requester:       RequesterParent,
		School:          Contact{Name: "Oak Primary", Email: "head@oak.example.org"},
		Caseworker:      "cw-jones",
		CaseworkerEmail: "jones@la.example.gov.uk",
		Manager:         Contact{Name: "SEND manager", Email: "send.manager@la.example.gov.uk"},
		HealthBody:      Contact{Name: "ICB DCO", Email: "dco@icb.example.nhs.uk"},
		SocialCare:      Contact{Name: "Children's social care", Email: "send@social.example.gov.uk"},
	}}
}

// at schedules fn for noon London time on the civil date on; each call is a
// minute after the last, so same-day steps arrive one after another as a
// caseworker would send them.
func (h *harness) at(on string, fn func()) {
	h.calls++
	h.env.RegisterDelayedCallback(fn, date(on).At(12).Add(time.Duration(h.calls)*time.Minute).Sub(h.start))
}

// step sends an update on its date, fails the test if it is rejected, and
// returns the case status the update answered with.
func (h *harness) step(on, name string, arg any) *CaseStatus {
	s := &CaseStatus{}
	h.at(on, func() {
		before := h.status().Stage
		h.env.UpdateWorkflow(name, "", &testsuite.TestUpdateCallback{
			OnReject: func(err error) { h.t.Errorf("%s on %s rejected: %v", name, on, err) },
			OnAccept: func() {},
			OnComplete: func(v any, err error) {
				if err != nil {
					h.t.Errorf("%s on %s failed: %v", name, on, err)
					return
				}
				*s = v.(CaseStatus)
				checkTransition(h.t, name, before, s.Stage)
			},
		}, arg)
	})
	return s
}

// waive records on one date that reg 6(4) spares each kind given, so a
// path that requests fewer kinds can still reach the decision to issue.
func (h *harness) waive(on string, kinds ...statute.AdviceKind) {
	for _, k := range kinds {
		h.step(on, UpdateAdviceNotNeeded, AdviceNotNeededInput{On: date(on), Kind: k, Reason: "recent advice is enough; all agree (reg 6(4))"})
	}
}

// reject sends an update on its date and returns a pointer to the error the
// validator gave, with the status read just before it and 30 seconds after
// (the test environment queues an update; it is handled by then).
type rejection struct {
	err           error
	before, after CaseStatus
}

func (h *harness) reject(on, name string, arg any) *rejection {
	r := &rejection{}
	h.at(on, func() {
		r.before = h.status()
		h.env.UpdateWorkflow(name, "", &testsuite.TestUpdateCallback{
			OnReject:   func(err error) { r.err = err },
			OnAccept:   func() { h.t.Errorf("%s on %s was accepted; want rejected", name, on) },
			OnComplete: func(any, error) {},
		}, arg)
	})
	h.env.RegisterDelayedCallback(func() { r.after = h.status() },
		date(on).At(12).Add(time.Duration(h.calls)*time.Minute+30*time.Second).Sub(h.start))
	return r
}

func (h *harness) status() CaseStatus {
	h.t.Helper()
	v, err := h.env.QueryWorkflow(StatusQuery)
	if err != nil {
		h.t.Fatalf("status query: %v", err)
	}
	var s CaseStatus
	if err := v.Get(&s); err != nil {
		h.t.Fatalf("status decode: %v", err)
	}
	return s
}

// snapshot records the status at noon on a date.
func (h *harness) snapshot(on string) *CaseStatus {
	s := &CaseStatus{}
	h.at(on, func() { *s = h.status() })
	return s
}

// run executes the workflow to completion, or until the test env's
// deadlock timeout if it never closes.
func (h *harness) run() AssessmentResult {
	h.t.Helper()
	h.env.ExecuteWorkflow(AssessmentWorkflowName, h.in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	if err := h.env.GetWorkflowError(); err != nil {
		h.t.Fatalf("workflow failed: %v", err)
	}
	var res AssessmentResult
	if err := h.env.GetWorkflowResult(&res); err != nil {
		h.t.Fatal(err)
	}
	return res
}

// testLogger keeps the suite quiet; failures are reported by assertions.
type testLogger struct{}

func (testLogger) Debug(string, ...any) {}
func (testLogger) Info(string, ...any)  {}
func (testLogger) Warn(string, ...any)  {}
func (testLogger) Error(string, ...any) {}

func assertLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("notifications:\n got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
