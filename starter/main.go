// Command ehc is the caseworker's command line for EHC needs assessments:
// it starts a case, records each statutory step as the caseworker takes it,
// and shows where a case (or every case) stands against the timetable.
//
// Every subcommand is a function taking (ctx, args, stdout, stderr) and
// returning an error, so tests drive them exactly as the shell does.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/ehc-send/ehc/starter/dev"
)

// command is one subcommand.
type command struct {
	name     string
	synopsis string // arguments, after "ehc NAME"
	summary  string // one line for the usage list
	run      func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// commands lists every subcommand in the order usage shows them.
var commands []command

func init() {
	commands = []command{
		{"timetable", "--received YYYY-MM-DD [--json]", "show the statutory dates for a request received on a date (no server needed)", cmdTimetable},
		{"start", "--case REF --received YYYY-MM-DD --child-name N --child-dob YYYY-MM-DD --family-name N --family-email E --requester parent|young_person|school|other --school-name N --school-email E --caseworker ID --caseworker-email E [--manager-email E] [--health-body-email E] [--social-care-email E] [--history FILE]", "start the needs assessment for a request; --history enters a case after the fact with the steps already taken", cmdStart},
		{"status", "REF [--json]", "show a case: stage, deadlines, advice, consultations, exceptions, steps", cmdStatus},
		{"list", "[--stage S] [--overdue] [--caseworker ID] [--json]", "list cases", cmdList},
		{"cases", "[--stage S] [--overdue] [--caseworker ID] [--json]", "list cases from the case register, overdue first, judged on today's date", cmdCases},
		{"report", "--from YYYY-MM-DD --to YYYY-MM-DD [--json|--csv]", "the timeliness report for a period: decisions, plans within 20 weeks, advice, cases overdue", cmdReport},
		{"decide-assess", "REF --assess|--refuse [--reason TEXT] [--on YYYY-MM-DD]", "record the decision whether to assess (reg 5)", cmdDecideAssess},
		{"request-advice", "REF --kind K [--provider-name N --provider-email E] [--escalation-email E] [--note TEXT] [--on YYYY-MM-DD]", "record a request for advice (reg 6, 8); without a provider, the kind's default from the directory", cmdRequestAdvice},
		{"record-advice", "REF (--id ID | --kind K) [--on YYYY-MM-DD]", "record advice received", cmdRecordAdvice},
		{"advice-not-needed", "REF --kind K --reason TEXT [--on YYYY-MM-DD]", "record that reg 6(4) spares one reg 6(1)(a)-(e) kind of advice (already obtained, and all agree it is enough)", cmdAdviceNotNeeded},
		{"decide-issue", "REF --issue|--no-plan [--reason TEXT] [--on YYYY-MM-DD]", "record the decision whether to issue a plan (reg 10)", cmdDecideIssue},
		{"serve-draft", "REF [--on YYYY-MM-DD]", "record the draft plan served on the family (reg 13(1))", cmdServeDraft},
		{"record-comments", "REF [--school-name N --school-email E] [--meeting] [--note TEXT] [--on YYYY-MM-DD]", "record the family's comments on the draft", cmdRecordComments},
		{"consult-school", "REF --school-name N --school-email E [--on YYYY-MM-DD]", "record consulting a school on the draft (CFA s.39)", cmdConsultSchool},
		{"record-consultation", "REF --school N --agrees|--declines [--note TEXT] [--on YYYY-MM-DD]", "record a school's answer to consultation", cmdRecordConsultation},
		{"issue-final-plan", "REF [--school N] [--on YYYY-MM-DD]", "record the final plan issued (reg 13(2)); a named school must have been consulted", cmdIssueFinalPlan},
		{"record-exception", "REF --ground G --deadline D [--advice-id ID] --from YYYY-MM-DD [--to YYYY-MM-DD] [--note TEXT] [--on YYYY-MM-DD]", "record an exception to a time limit (reg 5(4), 8(2), 10(4), 13(3))", cmdRecordException},
		{"expect", "REF --deadline D [--advice-id ID] --by YYYY-MM-DD [--on YYYY-MM-DD]", "record when a missed or at-risk step is now expected (the family is told now if it is missed, else in the letter if it is)", cmdExpect},
		{"withdraw", "REF --reason TEXT [--on YYYY-MM-DD]", "record the request withdrawn", cmdWithdraw},
		{"outbox", "[--case REF] [--limit N] [--json] | --show KEY | resend --key K|--case REF|--status S", "show notifications from the outbox, newest first: when, to whom, subject and delivery state; --show prints one letter; resend has the worker send again what was not sent", cmdOutbox},
		{"migrate", "[--database-url URL]", "create the case register's database if missing and apply its migrations", cmdMigrate},
		{"providers", "add --kind K --organisation N --email E [--escalation-email E] [--default] | list [--kind K] [--json] | import FILE.csv", "manage the advice-provider directory: who is asked for each kind of advice", cmdProviders},
		{"demo", "[--ui URL] [--worker-log FILE]", "demonstration mode only (EHC_DEMO=true): start fictional demo cases on a compressed statutory clock and drive them", cmdDemo},
		{"dev", "[--data DIR] [--bin DIR] [--temporal-cli PATH] [--port N] [--ui-port N] [--codec-port N] [-- WORKER-FLAGS]", "the local stack (make run): the codec server, a Temporal dev server and the worker, and the demo in the foreground; Ctrl-C stops it all", cmdDev},
		{"help", "[COMMAND]", "show this help, or a command's flags", cmdHelp},
	}
}

func lookup(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1 // refused by the case, or the server failed
	exitUsage  = 2 // the command line is wrong; nothing was sent
)

// run dispatches args to a subcommand and turns its error into an exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		name = "help"
	}
	cmd, ok := lookup(name)
	if !ok {
		fmt.Fprintf(stderr, "ehc: unknown command %q\n\n", name)
		usage(stderr)
		return exitUsage
	}
	return exitCode(stderr, cmd.name, cmd.run(ctx, args[1:], stdout, stderr))
}

// exitCode reports err on stderr and says how the process should exit.
func exitCode(stderr io.Writer, name string, err error) int {
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK // the flag set has printed the command's usage
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "ehc %s: %s\n", name, ue.msg)
		fmt.Fprintf(stderr, "Run 'ehc help %s' for usage.\n", name)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "ehc %s: %s\n", name, err)
		return exitFailed
	}
}

// usage lists every subcommand.
func usage(w io.Writer) {
	fmt.Fprint(w, `ehc runs EHC needs assessments (SEND Regulations 2014) on Temporal.

Usage:
  ehc COMMAND [REF] [flags]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-20s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Dates are YYYY-MM-DD, civil dates in London. Steps take --on (default today
in London). Every command that talks to Temporal also takes the connection
flags (--address, --namespace, --task-queue, --api-key, --tls-*), each with an
environment variable; see 'ehc help start'.

Run 'ehc help COMMAND' for a command's flags.
`)
}

// cmdDev runs the local stack (package dev); flags after -- go to the worker.
func cmdDev(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("dev")
	o := dev.Flags(fs)
	if err := fs.Parse(args); err != nil {
		return parseError(fs, "dev", err, stderr)
	}
	o.WorkerArgs, o.Stdout, o.Stderr = fs.Args(), stdout, stderr
	return dev.Run(ctx, *o)
}

// cmdHelp prints the command list, or one command's flags.
func cmdHelp(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		usage(stdout)
		return nil
	}
	if len(args) > 1 {
		return usagef("help takes at most one command")
	}
	cmd, ok := lookup(args[0])
	if !ok {
		names := make([]string, 0, len(commands))
		for _, c := range commands {
			names = append(names, c.name)
		}
		sort.Strings(names)
		return usagef("unknown command %q: one of %s", args[0], strings.Join(names, ", "))
	}
	if cmd.name == "help" {
		usage(stdout)
		return nil
	}
	err := cmd.run(ctx, []string{"-h"}, stdout, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}
