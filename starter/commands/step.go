package commands

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
	"github.com/ehc-send/ehc/workflows/plan"
)

// step is what every caseworker step shares: the case reference (first
// argument or --case), --on, --json and the connection settings.
type step struct {
	e        *Env
	name     string
	fs       *flag.FlagSet
	caseFlag *string
	on       *string
	asJSON   *bool

	// then, when set, words what was done from the case as it now stands.
	then func(assessment.CaseStatus) string
	// complete, when set, completes the step's input from the register
	// while Temporal is dialled (the step waits for the slower of the two,
	// not for both), and its input is what the step sends.
	complete func(context.Context) (any, error)

	// Set by parse.
	ref  string
	date statute.Date
	cfg  config.Config
}

func newStep(e *Env, name string) *step {
	fs := newFlagSet(name)
	return &step{
		e:        e,
		name:     name,
		fs:       fs,
		caseFlag: fs.String("case", "", "case `REF`erence (or give it as the first argument)"),
		on:       fs.String("on", "", "`date` the step took effect (YYYY-MM-DD; default today in London)"),
		asJSON:   fs.Bool("json", false, "print the case's status as JSON after the step"),
	}
}

// parse reads the command line: the step's own flags are registered on
// s.fs beforehand and checked by the caller afterwards.
func (s *step) parse(args []string) error {
	positional, rest := splitRef(args)
	cfg, err := s.e.parseConfig(s.fs, s.name, rest)
	if err != nil {
		return err
	}
	s.cfg = cfg
	if s.ref, err = caseRef(positional, *s.caseFlag, s.fs); err != nil {
		return err
	}
	s.date = s.e.today()
	if *s.on != "" {
		if s.date, err = parseDateFlag("on", *s.on); err != nil {
			return err
		}
		if err := s.e.notFuture("on", s.date); err != nil {
			return err
		}
	}
	return nil
}

// send runs the step as an update on the case's workflow, waits for the
// case to accept or refuse it, and prints done and the next deadline.
func (s *step) send(ctx context.Context, update string, input any, done string) error {
	type completed struct {
		input any
		err   error
	}
	ready := make(chan completed, 1)
	if s.complete != nil {
		go func() {
			in, err := s.complete(ctx)
			ready <- completed{in, err}
		}()
	} else {
		ready <- completed{input, nil}
	}
	if h := collecting(ctx); h != nil {
		got := <-ready
		if got.err != nil {
			return got.err
		}
		return h.collect(s, update, got.input) // a line of ehc start --history
	}
	c, err := s.e.Dial(ctx, s.cfg, s.e.Stderr)
	got := <-ready
	if err != nil {
		return err
	}
	defer c.Close()
	if got.err != nil {
		return got.err
	}
	input = got.input

	var st assessment.CaseStatus
	if err := s.update(ctx, c, assessment.WorkflowID(s.ref), "assessment", update, input, &st); err != nil {
		return err
	}
	if *s.asJSON {
		return writeJSON(s.e.Stdout, st)
	}
	if s.then != nil {
		done = s.then(st)
	}
	fmt.Fprintf(s.e.Stdout, "Case %s, %s: %s.\n", s.ref, cli.LongDate(s.date), done)
	_, err = fmt.Fprintln(s.e.Stdout, nextDeadlineLine(st))
	return err
}

// update runs one step as an Update on the workflow id (the case's
// assessment or its plan, named by what in refusals) and decodes its answer
// into out. A workflow just started takes its first step before any other:
// the step waits for it.
func (s *step) update(ctx context.Context, c client.Client, id, what, update string, input, out any) error {
	uctx, cancel := cli.WithTimeout(ctx)
	defer cancel()
	var err error
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 2*time.Second) {
		var h client.WorkflowUpdateHandle
		h, err = c.UpdateWorkflow(uctx, client.UpdateWorkflowOptions{
			WorkflowID:   id,
			UpdateName:   update,
			Args:         []any{input},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err == nil {
			err = h.Get(uctx, out) // the update answers with the workflow as it now stands
		}
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) || (appErr.Type() != assessment.CaseSettingUp && appErr.Type() != plan.SettingUp) {
			break
		}
		select {
		case <-uctx.Done():
			return workflowError(ctx, c, s.cfg, s.ref, id, what, err)
		case <-time.After(wait):
		}
	}
	if err != nil {
		return workflowError(ctx, c, s.cfg, s.ref, id, what, err)
	}
	return nil
}
