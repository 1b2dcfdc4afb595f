package commands

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"go.temporal.io/sdk/client"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// usageError is a command line that is wrong: nothing was sent to Temporal.
type usageError struct {
	msg string
}

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// today is the civil date in London now.
func (e *Env) today() statute.Date { return statute.DateOf(e.Now()) }

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
	fmt.Fprintf(w, "Usage: ehc %s %s\n\n%s.\n\nFlags:\n", name, cmd.synopsis, cli.Sentence(cmd.summary))
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// The preamble every server command shares is in two halves, so that a
// command checks its command line between them and a wrong one reaches no
// server: its flags parsed with the connection and policy settings
// (parseConfig, or parseOnly), then Temporal dialled or the register
// opened for what the command does, and closed after it (onTemporal,
// onRegister). Each command states only what it does.

// parseConfig parses a subcommand's flags together with the connection and
// policy settings every server command takes.
func (e *Env) parseConfig(fs *flag.FlagSet, name string, args []string) (config.Config, error) {
	cfg, err := config.Load(fs, args, e.Getenv)
	if err != nil {
		return config.Config{}, parseError(fs, name, err, e.Stderr)
	}
	for _, d := range cfg.Deprecated { // the old TLS names, read for one more release
		fmt.Fprintln(e.Stderr, "ehc: warning:", d)
	}
	return cfg, nil
}

// parseOnly is parseConfig for a command that takes no arguments but its
// flags.
func (e *Env) parseOnly(fs *flag.FlagSet, name string, args []string) (config.Config, error) {
	cfg, err := e.parseConfig(fs, name, args)
	if err != nil {
		return config.Config{}, err
	}
	return cfg, noArgs(fs)
}

// parseOffline parses the flags of a command that needs no server (the
// timetables): it takes the connection flags as every command does, so a
// wrapper may always pass them, but ignores them and the environment, and
// takes no arguments.
func (e *Env) parseOffline(fs *flag.FlagSet, name string, args []string) error {
	if _, err := config.Load(fs, args, nil); err != nil {
		return parseError(fs, name, err, e.Stderr)
	}
	return noArgs(fs)
}

// onTemporal dials Temporal with cfg, runs f on the client, and closes it.
func (e *Env) onTemporal(ctx context.Context, cfg config.Config, f func(client.Client) error) error {
	c, err := e.Dial(ctx, cfg, e.Stderr)
	if err != nil {
		return err
	}
	defer c.Close()
	return f(c)
}

// onRegister opens the case register with cfg, runs f on it, and closes it.
func (e *Env) onRegister(ctx context.Context, cfg config.Config, f func(*register.Store) error) error {
	s, err := e.OpenRegister(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	return f(s)
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
func (e *Env) notFuture(name string, d statute.Date) error {
	if t := e.today(); d.After(t) {
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
