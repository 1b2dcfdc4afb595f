package dispute

import (
	"context"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/internal/flowtest"
)

// register keeps the disagreement's last snapshot, as the real one does.
type register struct {
	mu   sync.Mutex
	seen map[string]bool
	last caserecord.DisputeSnapshot
}

func (r *register) Record(_ context.Context, e caserecord.Event) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[string]bool{}
	}
	if r.seen[e.Key] {
		return false, nil
	}
	r.seen[e.Key] = true
	if e.Dispute != nil && e.Dispute.Seq > r.last.Seq {
		r.last = *e.Dispute
	}
	return true, nil
}

type quiet struct{}

func (quiet) Debug(string, ...any) {}
func (quiet) Info(string, ...any)  {}
func (quiet) Warn(string, ...any)  {}
func (quiet) Error(string, ...any) {}

func date(s string) statute.Date {
	d, err := statute.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// run is a disagreement over decision, notified on notice, with steps
// taken at noon on their days, a minute apart.
type run struct {
	t     *testing.T
	in    DisputeInput
	steps []func(env *testsuite.TestWorkflowEnvironment)
	at    []time.Time
	mail  *flowtest.Mail
	reg   *register
}

func newRun(t *testing.T, decision statute.Appealable, notice string) *run {
	return &run{t: t, mail: &flowtest.Mail{}, reg: &register{},
		in: DisputeInput{CaseRef: "EHC-0009", Decision: decision, Notice: date(notice), Caseworker: "cw-jones",
			CaseworkerEmail: "jones@la.example.gov.uk", Manager: Contact{Name: "SEND manager", Email: "send.manager@la.example.gov.uk"},
			Family: Contact{Name: "Sam Example", Email: "sam@example.org"}}}
}

func (r *run) noon(on string) time.Time {
	return date(on).At(12).Add(time.Duration(len(r.at)+1) * time.Minute)
}

// step takes a step that must be accepted; refused, one that must not.
func (r *run) step(on, name string, arg any) { r.update(on, name, arg, nil) }
func (r *run) refused(on, name string, arg any) *error {
	var err error
	r.update(on, name, arg, &err)
	return &err
}

func (r *run) update(on, name string, arg any, refusal *error) {
	at := r.noon(on)
	r.at = append(r.at, at)
	r.steps = append(r.steps, func(env *testsuite.TestWorkflowEnvironment) {
		env.RegisterDelayedCallback(func() {
			env.UpdateWorkflow(name, "", &testsuite.TestUpdateCallback{
				OnReject: func(err error) {
					if refusal == nil {
						r.t.Errorf("%s on %s refused: %v", name, on, err)
						return
					}
					*refusal = err
				},
				OnAccept: func() {
					if refusal != nil {
						r.t.Errorf("%s on %s accepted; want it refused", name, on)
					}
				},
				OnComplete: func(any, error) {},
			}, arg)
		}, at.Sub(r.start()))
	})
}

// look reads the status at noon on a day.
func (r *run) look(on string) *Status {
	s := &Status{}
	at := r.noon(on)
	r.at = append(r.at, at)
	r.steps = append(r.steps, func(env *testsuite.TestWorkflowEnvironment) {
		env.RegisterDelayedCallback(func() {
			if v, err := env.QueryWorkflow(StatusQuery); err == nil {
				_ = v.Get(s)
			}
		}, at.Sub(r.start()))
	})
	return s
}

func (r *run) start() time.Time { return r.in.Notice.At(10) }

func (r *run) finish() Result {
	r.t.Helper()
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(quiet{})
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(r.start())
	Register(env)
	env.RegisterActivity(&activities.Activities{Transport: r.mail, Register: r.reg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	for _, s := range r.steps {
		s(env)
	}
	env.ExecuteWorkflow(WorkflowName, r.in)
	if err := env.GetWorkflowError(); err != nil {
		r.t.Fatalf("the disagreement failed: %v", err)
	}
	var res Result
	if err := env.GetWorkflowResult(&res); err != nil {
		r.t.Fatal(err)
	}
	return res
}

func assertLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got:\n  %s\nwant:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
