package plan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/internal/flowtest"
)

// register keeps every event by key, as the real register does.
type register struct {
	mu     sync.Mutex
	events []caserecord.Event
	seen   map[string]bool
}

func (r *register) Record(_ context.Context, e caserecord.Event) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[string]bool{}
	}
	if r.seen[e.Key] || e.Plan == nil {
		return false, nil
	}
	r.seen[e.Key] = true
	r.events = append(r.events, e)
	return true, nil
}

// last is the plan as the register's row ends.
func (r *register) last() caserecord.PlanSnapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	var best caserecord.PlanSnapshot
	for _, e := range r.events {
		if e.Plan.Seq > best.Seq {
			best = *e.Plan
		}
	}
	return best
}

// steps is the plan's steps as "date name", in sequence order.
func (r *register) steps() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	evs := append([]caserecord.Event{}, r.events...)
	sort.Slice(evs, func(i, j int) bool { return evs[i].Seq < evs[j].Seq })
	var out []string
	for _, e := range evs {
		if e.Kind == caserecord.KindStep {
			out = append(out, fmt.Sprintf("%s %s", e.EffectiveOn, e.Name))
		}
	}
	return out
}

func date(s string) statute.Date {
	d, err := statute.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// input is a plan made on made for a child born on dob.
func input(made, dob string) PlanInput {
	return PlanInput{
		CaseRef: "EHC-0001", Caseworker: "cw-jones", CaseworkerEmail: "jones@la.example.gov.uk",
		Manager:  Contact{Name: "SEND manager", Email: "send.manager@la.example.gov.uk"},
		Family:   Contact{Name: "Sam Example", Email: "sam@example.org"},
		ChildDOB: date(dob), PlanMade: date(made), NamedSetting: "Oak Primary", FromAssessment: true,
	}
}

// chain runs a plan in the time-skipping environment run after run: each
// continue-as-new starts a fresh environment where the last ended, sharing
// the mail and the register, with the steps not yet taken.
type chain struct {
	t       *testing.T
	in      PlanInput
	start   time.Time
	steps   []*chainStep
	mail    *flowtest.Mail
	reg     *register
	runs    int
	last    PlanStatus
	looks   []*look
	refused []*refusal
	carried []int // the bytes each hand-over carried to the next run
}

type chainStep struct {
	at   time.Time
	name string
	arg  any
	done bool
}

// look is the plan's status read at a moment.
type look struct {
	at   time.Time
	got  PlanStatus
	seen bool
}

// refusal is a step the plan must refuse, and what it said.
type refusal struct {
	at   time.Time
	name string
	arg  any
	err  error
}

func newChain(t *testing.T, in PlanInput, start string) *chain {
	return &chain{t: t, in: in, start: date(start).At(10), mail: &flowtest.Mail{}, reg: &register{}}
}

// step takes a step at noon on its date, a minute after the one before.
func (c *chain) step(on, name string, arg any) {
	c.steps = append(c.steps, &chainStep{at: c.noon(on), name: name, arg: arg})
}

func (c *chain) noon(on string) time.Time {
	return date(on).At(12).Add(time.Duration(len(c.steps)+len(c.looks)+len(c.refused)+1) * time.Minute)
}

// status reads the plan's status at noon on a date.
func (c *chain) status(on string) *look {
	l := &look{at: c.noon(on)}
	c.looks = append(c.looks, l)
	return l
}

// refuse sends a step that must be refused.
func (c *chain) refuse(on, name string, arg any) *refusal {
	r := &refusal{at: c.noon(on), name: name, arg: arg}
	c.refused = append(c.refused, r)
	return r
}

func (c *chain) run() PlanResult {
	c.t.Helper()
	start, in := c.start, c.in
	for {
		var suite testsuite.WorkflowTestSuite
		suite.SetLogger(quiet{})
		env := suite.NewTestWorkflowEnvironment()
		env.SetStartTime(start)
		Register(env)
		env.RegisterActivity(&activities.Activities{Transport: c.mail, Register: c.reg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if c.runs > 0 {
			env.SetContinuedExecutionRunID(fmt.Sprintf("run-%d", c.runs))
		}
		c.runs++
		for _, s := range c.steps {
			if s.done || !s.at.After(start) {
				continue
			}
			env.RegisterDelayedCallback(func() {
				env.UpdateWorkflow(s.name, "", &testsuite.TestUpdateCallback{
					OnReject: func(err error) { c.t.Errorf("%s at %s rejected: %v", s.name, s.at, err) },
					OnAccept: func() { s.done = true },
					OnComplete: func(v any, err error) {
						if err == nil {
							c.last = v.(PlanStatus)
						}
					},
				}, s.arg)
			}, s.at.Sub(start))
		}
		for _, l := range c.looks {
			if l.seen || !l.at.After(start) {
				continue
			}
			env.RegisterDelayedCallback(func() {
				v, err := env.QueryWorkflow(StatusQuery)
				if err == nil && v.Get(&l.got) == nil {
					l.seen = true
				}
			}, l.at.Sub(start))
		}
		for _, r := range c.refused {
			if r.err != nil || !r.at.After(start) {
				continue
			}
			env.RegisterDelayedCallback(func() {
				env.UpdateWorkflow(r.name, "", &testsuite.TestUpdateCallback{
					OnReject:   func(err error) { r.err = err },
					OnAccept:   func() { c.t.Errorf("%s at %s accepted; want it refused", r.name, r.at) },
					OnComplete: func(any, error) {},
				}, r.arg)
			}, r.at.Sub(start))
		}
		env.ExecuteWorkflow(WorkflowName, in)
		err := env.GetWorkflowError()
		var next *workflow.ContinueAsNewError
		if !errors.As(err, &next) {
			if err != nil {
				c.t.Fatalf("run %d failed: %v", c.runs, err)
			}
			var res PlanResult
			if err := env.GetWorkflowResult(&res); err != nil {
				c.t.Fatal(err)
			}
			return res
		}
		for _, pl := range next.Input.GetPayloads() {
			c.carried = append(c.carried, len(pl.GetData()))
		}
		in = PlanInput{}
		if err := converter.GetDefaultDataConverter().FromPayloads(next.Input, &in); err != nil {
			c.t.Fatalf("run %d continued with an input that does not decode: %v", c.runs, err)
		}
		start = env.Now()
	}
}

type quiet struct{}

func (quiet) Debug(string, ...any) {}
func (quiet) Info(string, ...any)  {}
func (quiet) Warn(string, ...any)  {}
func (quiet) Error(string, ...any) {}

func assertLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got:\n  %s\nwant:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
