package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/ehc-send/ehc/activities/letters"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// Seams for tests: the clock, the environment, the Temporal client and the
// case register.
var (
	now          = time.Now
	getenv       = os.Getenv
	dial         = dialTemporal
	openRegister = func(ctx context.Context, cfg config.Config) (*register.Store, error) {
		return register.Connect(ctx, cfg.DatabaseURL)
	}
)

// rpcTimeout bounds each call to Temporal when the caller set no deadline,
// so a case with no worker behind it fails rather than hangs.
const rpcTimeout = time.Minute

// usageError is a command line that is wrong: nothing was sent to Temporal.
type usageError struct {
	msg string
}

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// today is the civil date in London now.
func today() statute.Date { return statute.DateOf(now()) }

// newFlagSet is a subcommand's flag set. It prints nothing while parsing:
// parse reports errors, and prints the usage only when asked for it.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("ehc "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// printUsage writes a subcommand's synopsis and flags to w.
func printUsage(w io.Writer, fs *flag.FlagSet, name string) {
	cmd, _ := lookup(name)
	fmt.Fprintf(w, "Usage: ehc %s %s\n\n%s.\n\nFlags:\n", name, cmd.synopsis, sentence(cmd.summary))
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// parseConfig parses a subcommand's flags together with the connection and
// policy settings every server command takes.
func parseConfig(fs *flag.FlagSet, name string, args []string, stderr io.Writer) (config.Config, error) {
	cfg, err := config.Load(fs, args, getenv)
	if err != nil {
		return config.Config{}, parseError(fs, name, err, stderr)
	}
	return cfg, nil
}

func parseError(fs *flag.FlagSet, name string, err error, stderr io.Writer) error {
	if errors.Is(err, flag.ErrHelp) {
		printUsage(stderr, fs, name)
		return flag.ErrHelp
	}
	return &usageError{msg: err.Error()}
}

// noArgs rejects anything left after the flags.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// checkCaseRef applies the workflow's own rule before anything is sent.
func checkCaseRef(ref string) error {
	if err := assessment.ValidateCaseRef(ref); err != nil {
		return usagef("%v", err)
	}
	return nil
}

// splitRef takes a case reference given before the flags (ehc status REF
// --json), which the flag package would otherwise stop at.
func splitRef(args []string) (ref string, rest []string) {
	if len(args) > 0 && args[0] != "" && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	return "", args
}

// caseRef resolves the case reference from its three places: before the
// flags, after them, or --case.
func caseRef(positional, caseFlag string, fs *flag.FlagSet) (string, error) {
	rest := fs.Args()
	if positional == "" && len(rest) > 0 {
		positional, rest = rest[0], rest[1:]
	}
	if len(rest) > 0 {
		return "", usagef("unexpected argument %q", rest[0])
	}
	ref := positional
	switch {
	case positional != "" && caseFlag != "" && positional != caseFlag:
		return "", usagef("case reference given twice: %q and --case %q", positional, caseFlag)
	case ref == "":
		ref = caseFlag
	}
	if ref == "" {
		return "", usagef("missing case reference: give it first (ehc %s REF ...) or as --case REF", strings.TrimPrefix(fs.Name(), "ehc "))
	}
	// References are compared without regard to case: bad-em is BAD-EM.
	return strings.ToUpper(ref), checkCaseRef(ref)
}

// required reports a missing flag.
func required(name, v string) error {
	if strings.TrimSpace(v) == "" {
		return usagef("--%s is required", name)
	}
	return nil
}

// parseDateFlag reads a required YYYY-MM-DD flag.
func parseDateFlag(name, v string) (statute.Date, error) {
	if v == "" {
		return statute.Date{}, usagef("--%s is required (YYYY-MM-DD)", name)
	}
	d, err := statute.ParseDate(v)
	if err != nil {
		return statute.Date{}, usagef("--%s: %v", name, err)
	}
	return d, nil
}

// notFuture rejects a date after today in London.
func notFuture(name string, d statute.Date) error {
	if t := today(); d.After(t) {
		return usagef("--%s %s is in the future (today in London is %s)", name, d, t)
	}
	return nil
}

// checkEmail reports a missing or malformed email address.
func checkEmail(name, v string) error {
	if err := required(name, v); err != nil {
		return err
	}
	if err := letters.CheckEmail(v); err != nil {
		return emailRefusal(name, v, err)
	}
	return nil
}

// exactlyOne checks a pair of flags of which one, and only one, must be set.
func exactlyOne(a string, aSet bool, b string, bSet bool) error {
	if aSet == bSet {
		return usagef("give exactly one of --%s or --%s", a, b)
	}
	return nil
}

// dialTemporal connects with the settings in cfg. The SDK logs warnings
// and errors to stderr only, unless debug logging is asked for.
func dialTemporal(ctx context.Context, cfg config.Config, stderr io.Writer) (client.Client, error) {
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

// withTimeout bounds ctx by rpcTimeout unless it has a deadline already.
func withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, rpcTimeout)
}

// caseError turns what Temporal said about a case into what the caseworker
// needs to read: a refusal verbatim, an unknown or closed case by name.
func caseError(ctx context.Context, c client.Client, cfg config.Config, ref string, err error) error {
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
		dctx, cancel := withTimeout(ctx)
		defer cancel()
		d, derr := c.DescribeWorkflowExecution(dctx, assessment.WorkflowID(ref), "")
		if derr == nil && d.GetWorkflowExecutionInfo() != nil {
			return fmt.Errorf("the assessment for case %s has ended; no further steps can be taken (see: ehc status %s)", ref, ref)
		}
		return fmt.Errorf("no assessment for case %s", ref)
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
	qctx, cancel := withTimeout(ctx)
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
