package assessment

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/statute"
)

// chain drives one case through as many runs as it continues as new: each
// run a fresh test environment starting where the last ended, sharing the
// mail service and the register, with the steps not yet taken.
type chain struct {
	t          *testing.T
	day1       statute.Date
	steps      []*chainStep
	boundaries []time.Time // when Temporal suggests continuing as new
	rec        *recorder
	reg        *registry
	runs       int
	last       CaseStatus // as the last step answered
}

type chainStep struct {
	at   time.Time
	name string
	arg  any
	done bool
}

func newChain(t *testing.T, received string) *chain {
	return &chain{t: t, day1: date(received), rec: &recorder{}, reg: &registry{}}
}

// step takes a step at noon on its date, a minute after the one before.
func (c *chain) step(on, name string, arg any) {
	at := date(on).At(12).Add(time.Duration(len(c.steps)+1) * time.Minute)
	c.steps = append(c.steps, &chainStep{at: at, name: name, arg: arg})
}

// suggest has Temporal suggest continuing as new at 11:00 on each date.
func (c *chain) suggest(on ...string) {
	for _, d := range on {
		c.boundaries = append(c.boundaries, date(d).At(11))
	}
}

func (c *chain) run() AssessmentResult {
	c.t.Helper()
	start := c.day1.At(10)
	in := newHarness(c.t, c.day1.String()).in
	for {
		h := newHarnessAt(c.t, start, c.rec, c.reg, c.day1)
		if c.runs > 0 {
			h.env.SetContinuedExecutionRunID(fmt.Sprintf("run-%d", c.runs))
		}
		c.runs++
		for _, s := range c.steps {
			if s.done {
				continue
			}
			if !s.at.After(start) {
				c.t.Fatalf("run %d began at %s, after the %s due at %s was taken", c.runs, start, s.name, s.at)
			}
			h.env.RegisterDelayedCallback(func() {
				h.env.UpdateWorkflow(s.name, "", &testsuite.TestUpdateCallback{
					OnReject: func(err error) { c.t.Errorf("%s at %s rejected: %v", s.name, s.at, err) },
					OnAccept: func() { s.done = true },
					OnComplete: func(v any, err error) {
						if err != nil {
							c.t.Errorf("%s at %s failed: %v", s.name, s.at, err)
							return
						}
						c.last = v.(CaseStatus)
					},
				}, s.arg)
			}, s.at.Sub(start))
		}
		for _, b := range c.boundaries {
			if b.After(start) {
				h.env.RegisterDelayedCallback(func() { h.env.SetContinueAsNewSuggested(true) }, b.Sub(start))
			}
		}
		h.env.ExecuteWorkflow(AssessmentWorkflowName, in)
		err := h.env.GetWorkflowError()
		var next *workflow.ContinueAsNewError
		if !errors.As(err, &next) {
			if err != nil {
				c.t.Fatalf("run %d failed: %v", c.runs, err)
			}
			var res AssessmentResult
			if err := h.env.GetWorkflowResult(&res); err != nil {
				c.t.Fatal(err)
			}
			return res
		}
		in = AssessmentInput{}
		if err := converter.GetDefaultDataConverter().FromPayloads(next.Input, &in); err != nil {
			c.t.Fatalf("run %d continued with an input that does not decode: %v", c.runs, err)
		}
		start = h.env.Now()
	}
}

// events is every register event as "seq kind name date", in order.
func (r *registry) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, e := range r.events {
		out = append(out, fmt.Sprintf("%04d %s %s %s", e.Place(), e.Kind, e.Name, e.EffectiveOn))
	}
	sort.Strings(out)
	return out
}

// A case handed from run to run at four moments (between two reminders,
// between two escalations, while an adviser is being chased, after an
// exception and with the final plan overdue) sends every letter and
// records every event exactly as the same case does in one run: no letter
// twice, none dropped, every deadline, step, exception and pending alarm
// carried over. The hand-over while advice is chased waits for the advice.
func TestContinueAsNewKeepsTheCase(t *testing.T) {
	script := func(c *chain) {
		c.step("2026-02-25", UpdateDecideAssess, DecideAssessInput{On: date("2026-02-25"), Assess: true})
		c.step("2026-02-25", UpdateRequestAdvice, RequestAdviceInput{On: date("2026-02-25"), Kind: statute.AdviceKindPsychological,
			Provider: Contact{Name: "EP service", Email: "ep@la.example.gov.uk"}})
		c.step("2026-04-15", UpdateRecordAdvice, RecordAdviceInput{On: date("2026-04-15"), Kind: statute.AdviceKindPsychological})
		for _, k := range []statute.AdviceKind{statute.AdviceKindFamilyViews, statute.AdviceKindEducational, statute.AdviceKindMedical, statute.AdviceKindSocialCare} {
			c.step("2026-04-16", UpdateAdviceNotNeeded, AdviceNotNeededInput{On: date("2026-04-16"), Kind: k, Reason: "recent advice is enough; all agree (reg 6(4))"})
		}
		c.step("2026-04-20", UpdateDecideIssue, DecideIssueInput{On: date("2026-04-20"), Issue: true})
		c.step("2026-04-22", UpdateRecordException, RecordExceptionInput{On: date("2026-04-22"), Ground: statute.ExceptionPersonal,
			Deadline: statute.FinalPlanDue, From: date("2026-04-10"), To: date("2026-05-20")})
		c.step("2026-05-04", UpdateServeDraft, ServeDraftInput{On: date("2026-05-04")})
		c.step("2026-05-08", UpdateRecordComments, RecordCommentsInput{On: date("2026-05-08")})
		c.step("2026-06-08", UpdateIssueFinalPlan, IssueFinalPlanInput{On: date("2026-06-08")})
	}
	one := newChain(t, "2026-01-05")
	script(one)
	oneRes := one.run()

	many := newChain(t, "2026-01-05")
	script(many)
	many.suggest("2026-02-05", "2026-02-20", "2026-03-10", "2026-05-27")
	manyRes := many.run()

	if one.runs != 1 || many.runs != 5 {
		t.Errorf("runs: %d and %d; want 1 and 5", one.runs, many.runs)
	}
	if oneRes != manyRes || manyRes.Stage != StageFinalPlanIssued || manyRes.FinalPlanWithin20Weeks {
		t.Errorf("results: one run %+v, five runs %+v", oneRes, manyRes)
	}
	assertLines(t, sorted(many.rec.Lines()), sorted(one.rec.Lines()))
	if len(one.rec.Lines()) < 15 {
		t.Errorf("only %d letters in one run: the script does not exercise the alarms", len(one.rec.Lines()))
	}
	if got, want := many.reg.all(), one.reg.all(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("register events differ:\n five runs: %v\n one run:   %v", got, want)
	}
	if len(many.reg.of(caserecord.KindEscalation)) == 0 || len(many.reg.of(caserecord.KindReminder)) == 0 {
		t.Error("no reminder or escalation recorded")
	}
	a, b := one.last, many.last
	if !reflect.DeepEqual(a.Deadlines, b.Deadlines) || !reflect.DeepEqual(a.Steps, b.Steps) ||
		!reflect.DeepEqual(a.Exceptions, b.Exceptions) || !reflect.DeepEqual(a.Advice, b.Advice) {
		t.Errorf("final status differs:\n one run:   %+v\n five runs: %+v", a, b)
	}
}
