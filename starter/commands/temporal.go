package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// DialTemporal connects with the settings in cfg: Env.Dial in production.
// The SDK logs warnings and errors to stderr only, unless debug logging is
// asked for.
func DialTemporal(ctx context.Context, cfg config.Config, stderr io.Writer) (client.Client, error) {
	level := slog.LevelWarn
	if cfg.SlogLevel() < level {
		level = cfg.SlogLevel()
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	opts, err := cfg.ClientOptions(logger)
	if err != nil {
		return nil, err
	}
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("cannot reach Temporal at %s (namespace %s): %w", cfg.TemporalAddress, cfg.Namespace, err)
	}
	return c, nil
}

// OpenRegister connects to the case register at cfg.DatabaseURL:
// Env.OpenRegister in production.
func OpenRegister(ctx context.Context, cfg config.Config) (*register.Store, error) {
	return register.Connect(ctx, cfg.DatabaseURL)
}

// caseError turns what Temporal said about a case into what the caseworker
// needs to read: a refusal verbatim, an unknown or closed case by name.
func caseError(ctx context.Context, c client.Client, cfg config.Config, ref string, err error) error {
	return workflowError(ctx, c, cfg, ref, assessment.WorkflowID(ref), "assessment", err)
}

// workflowError is caseError for the workflow id, what it is of the case:
// "assessment", "plan in force".
func workflowError(ctx context.Context, c client.Client, cfg config.Config, ref, id, what string, err error) error {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		if msg := appErr.Message(); msg != "" {
			return errors.New(msg)
		}
		return errors.New(appErr.Error())
	}
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		// Temporal says NotFound both for no such workflow and for one
		// that has completed; only the second has a description.
		dctx, cancel := cli.WithTimeout(ctx)
		defer cancel()
		d, derr := c.DescribeWorkflowExecution(dctx, id, "")
		if derr == nil && d.GetWorkflowExecutionInfo() != nil {
			show := "status"
			if id != assessment.WorkflowID(ref) {
				show = "plan-status"
			}
			return fmt.Errorf("the %s for case %s has ended; no further steps can be taken (see: ehc %s %s)", what, ref, show, ref)
		}
		return fmt.Errorf("no %s for case %s", what, ref)
	}
	var timeout *client.WorkflowUpdateServiceTimeoutOrCanceledError
	var qFailed *serviceerror.QueryFailed
	switch {
	case errors.As(err, &qFailed):
		return errors.New(qFailed.Message)
	case errors.As(err, &timeout), errors.Is(err, context.DeadlineExceeded), timedOutOrCanceled(err):
		if ctx.Err() == context.Canceled {
			return errors.New("interrupted")
		}
		return fmt.Errorf("case %s did not answer in time: is the ehc worker running on task queue %q?", ref, cfg.TaskQueue)
	}
	return err
}

func timedOutOrCanceled(err error) bool {
	var de *serviceerror.DeadlineExceeded
	var ce *serviceerror.Canceled
	return errors.As(err, &de) || errors.As(err, &ce)
}

// queryStatus asks the case where it stands.
func queryStatus(ctx context.Context, c client.Client, cfg config.Config, ref string) (assessment.CaseStatus, error) {
	qctx, cancel := cli.WithTimeout(ctx)
	defer cancel()
	var st assessment.CaseStatus
	v, err := c.QueryWorkflow(qctx, assessment.WorkflowID(ref), "", assessment.StatusQuery)
	if err == nil {
		err = v.Get(&st)
	}
	if err != nil {
		return assessment.CaseStatus{}, caseError(ctx, c, cfg, ref, err)
	}
	return st, nil
}
