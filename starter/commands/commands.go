// Package commands is ehc, the caseworker's command line for EHC needs
// assessments: it starts a case, records each statutory step as the
// caseworker takes it, and shows where a case (or every case) stands
// against the timetable.
//
// Every command is a function of (ctx, env, args) returning an error, and
// takes from its Env all it needs of the world, so tests drive them exactly
// as the shell does with fakes of their own.
package commands

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/starter/dev"
)

// Env is what the commands need of the world; main gives the real ones.
type Env struct {
	Now    func() time.Time    // the clock: today in London, --on's default
	Getenv func(string) string // the environment the settings are read from
	Stdout io.Writer           // what a command prints
	Stderr io.Writer           // errors, warnings and usage
	// Dial connects to Temporal (DialTemporal); the SDK logs to stderr.
	Dial func(ctx context.Context, cfg config.Config, stderr io.Writer) (client.Client, error)
	// OpenRegister connects to the case register (OpenRegister).
	OpenRegister func(ctx context.Context, cfg config.Config) (*register.Store, error)
	// Dev runs the local stack for ehc dev (dev.Run).
	Dev func(ctx context.Context, o dev.Options) error
}

// writingTo is e with its output sent elsewhere: a line of a history
// prints nothing, and help prints a command's flags on stdout.
func (e *Env) writingTo(stdout, stderr io.Writer) *Env {
	c := *e
	c.Stdout, c.Stderr = stdout, stderr
	return &c
}

// command is one subcommand.
type command struct {
	name     string
	synopsis string // arguments, after "ehc NAME"
	summary  string // one line for the usage list
	run      func(ctx context.Context, e *Env, args []string) error
}

// commands lists every subcommand in the order usage shows them. It is set
// in init as help and history look commands up in it.
var commands []command

func init() {
	commands = []command{
		{"timetable", "--received YYYY-MM-DD [--json]", "show the statutory dates for a request received on a date (no server needed)", cmdTimetable},
		{"review-timetable", "--plan-made YYYY-MM-DD [--last-review YYYY-MM-DD] [--meeting YYYY-MM-DD] [--amend-notice YYYY-MM-DD] [--months N] [--json]", "show when a plan's next annual review is due (CFA s.44(1)) and the limits a review meeting sets (reg 20-22) (no server needed)", cmdReviewTimetable},
		{"phase-transfer", "--dob YYYY-MM-DD [--on YYYY-MM-DD] [--json]", "show a child's next phase transfer and the day the plan must name the new setting by (reg 18) (no server needed)", cmdPhaseTransfer},
		{"transfer-timetable", "--aware YYYY-MM-DD [--json]", "show when the plan must reach a new authority after a move (reg 15, 15 working days) (no server needed)", cmdTransferTimetable},
		{"order-timetable", "--order assess|make-plan|amend|name-school --made YYYY-MM-DD [--json]", "show the limits a tribunal's order sets (reg 44(2); reg 45 when an appeal is not opposed) (no server needed)", cmdOrderTimetable},
		{"start", "--case REF --received YYYY-MM-DD --child-name N --child-dob YYYY-MM-DD --family-name N --family-email E --requester parent|young_person|school|health|social_care|other --school-name N --school-email E --caseworker ID --caseworker-email E [--manager-email E] [--health-body-email E] [--social-care-email E] [--history FILE]", "start the needs assessment for a request; --history enters a case after the fact with the steps already taken", cmdStart},
		{"status", "REF [--json]", "show a case: stage, deadlines, advice, consultations, exceptions, steps", cmdStatus},
		{"list", "[--stage S] [--overdue] [--caseworker ID] [--json]", "list cases", cmdList},
		{"cases", "[--stage S] [--overdue] [--caseworker ID] [--json]", "list cases from the case register, overdue first, judged on today's date", cmdCases},
		{"report", "--from YYYY-MM-DD --to YYYY-MM-DD [--json|--csv] | --html FILE.html [--authority NAME]", "the timeliness report for a period: decisions, plans within 20 weeks, advice, cases overdue; --html the board report with charts and the Ombudsman estimate for the 12 months to today", cmdReport},
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
		{"forecast", "[--caseworker ID] [--json]", "what the next long school closure will do to open cases: advice asked in its window (reg 10(4)(a)/(b)), limits due in the holiday, and the cases still saved by asking the school before the window opens", cmdForecast},
		{"sen2-record", "--case REF [--upn U|--uln U|--upn-unknown UNn] [--sex S] [--ethnicity E] [--postcode P] [--needs ASD,SLCN] [--placement urn=N,rank=1 ...] [--personal-budget] [--organised-arrangements] [--direct-payments] [--plan-res A|B] [--work-based] [--request-received D] [--cease-reason 1-9] [--transfer-la NNN]", "record what the DfE's SEN2 return asks of a child or plan, learnt after the case or plan began: each item given replaces the recorded one", cmdSEN2Record},
		{"sen2", "--year YYYY (--check [--json] | --out FILE.xml --la NNN)", "check the record against the DfE's SEN2 return, naming each item it would refuse by case, or write the return (only when nothing fails)", cmdSEN2},
		{"import", "--cases FILE --plans FILE [--skip-invalid] [--rate N] [--concurrency N] | --template DIR", "bring open assessments and plans in force in from CSV, each in its true state; every row checked first; again imports only what is not yet in", cmdImport},
		{"start-plan", "--case REF --plan-made YYYY-MM-DD --child-dob YYYY-MM-DD --family-email E [--family-name N] --caseworker ID --caseworker-email E [--manager-email E] [--named-setting N] [--last-review YYYY-MM-DD] [--transferred-in YYYY-MM-DD] [--notice-on D --meeting D] [--held-on D] [--report-on D] [--decided-on D --outcome maintain|amend] [--tell-family] [--child-name N] [SEN2: --upn U --sex S --ethnicity E --postcode P --needs ASD,SLCN --placement urn=N,rank=1 --personal-budget --direct-payments --request-received D] [--json]", "enter a plan in force made before the product was used, with its last review and any review in progress (the assessment starts the plans it issues)", cmdStartPlan},
		{"plan-status", "REF [--json]", "show a plan in force: its next review, phase transfer, limits and steps", cmdPlanStatus},
		{"schedule-review", "REF --meeting YYYY-MM-DD [--on YYYY-MM-DD]", "record a review meeting arranged, its notice and advice sent at least 2 weeks before (reg 20(3)-(4))", cmdScheduleReview},
		{"hold-review", "REF [--on YYYY-MM-DD]", "record the annual review meeting held (CFA s.44(1)): the report in 2 weeks, the decision in 4", cmdHoldReview},
		{"record-review-report", "REF [--on YYYY-MM-DD]", "record the review meeting's report sent (reg 20(7))", cmdRecordReviewReport},
		{"decide-review", "REF --maintain|--amend [--on YYYY-MM-DD]", "record the decision after a review (reg 20(10)); to amend, the proposed amendments go with it (reg 22)", cmdDecideReview},
		{"issue-amended-plan", "REF [--setting N] [--on YYYY-MM-DD]", "record the final amended plan issued (reg 22(3)); naming a setting meets a phase transfer's limit (reg 18)", cmdIssueAmendedPlan},
		{"decide-not-to-amend", "REF --reason TEXT [--on YYYY-MM-DD]", "record the decision not to amend after the family's comments (reg 22(4))", cmdDecideNotToAmend},
		{"record-phase-transfer", "REF --kind K --moves YYYY-MM-DD [--on YYYY-MM-DD]", "record a transfer of the child's own settings (infant to junior, middle schools, post-16: reg 18)", cmdRecordPhaseTransfer},
		{"record-move", "REF [--on YYYY-MM-DD]", "record the day the authority learnt the family is moving to another authority (reg 15)", cmdRecordMove},
		{"send-plan", "REF --authority N [--on YYYY-MM-DD]", "record the plan sent to the new authority (reg 15(2)); the plan ends here", cmdSendPlan},
		{"withdraw-move", "REF --reason TEXT [--on YYYY-MM-DD]", "record that a move recorded is not happening: the plan stays, its 15 working days no longer chased", cmdWithdrawMove},
		{"tell-after-transfer-in", "REF --reassess|--no-reassess [--on YYYY-MM-DD]", "record the family told, after a plan came in from another authority, whether it will be reassessed (reg 15)", cmdTellAfterTransferIn},
		{"request-reassessment", "REF --from family|school [--on YYYY-MM-DD]", "record a request to reassess (reg 24): the decision in 15 days", cmdRequestReassessment},
		{"decide-reassess", "REF --reassess|--refuse [--reason TEXT] [--on YYYY-MM-DD]", "record the decision whether to reassess (reg 25)", cmdDecideReassess},
		{"issue-reassessed-plan", "REF [--setting N] [--on YYYY-MM-DD]", "record the plan amended or replaced after a reassessment (reg 27)", cmdIssueReassessedPlan},
		{"record-reassessment-exception", "REF --ground school_closure|personal|away_from_area --deadline reassess_decision_due|reassess_final_plan_due [--on YYYY-MM-DD]", "record an exception to a reassessment's limits (the assessment's: reg 5(4), 13(3)); the plan's other limits have none", cmdRecordReassessmentException},
		{"plan-expect", "REF --deadline D --by YYYY-MM-DD [--on YYYY-MM-DD]", "record when a plan's missed or at-risk limit is now expected to be met (the family is told now if it is missed)", cmdPlanExpect},
		{"cease-plan", "REF --ground G --consulted-on YYYY-MM-DD --reason TEXT [--on YYYY-MM-DD]", "record the decision to cease the plan (CFA s.45, reg 29-31): kept until the time to appeal ends", cmdCeasePlan},
		{"record-ceasing-appeal", "REF [--on YYYY-MM-DD]", "record an appeal against ceasing: the plan is kept until it is decided", cmdCeasingAppealed},
		{"ceasing-appeal-decided", "REF --upheld|--dismissed [--on YYYY-MM-DD]", "record the tribunal's decision on an appeal against ceasing", cmdCeasingAppealDecided},
		{"dispute-status", "REF [--json]", "show a family's disagreement with a refusal to assess or a decision not to issue: its rights, mediation, appeal and order", cmdDisputeStatus},
		{"record-mediation", "REF --wants|--declines [--on YYYY-MM-DD]", "record whether the family want mediation over a refusal, or over a decision on their plan (reg 33-37)", cmdRecordMediation},
		{"record-mediation-held", "REF [--on YYYY-MM-DD]", "record mediation held (reg 37): the certificate within 3 working days (reg 39)", cmdRecordMediationHeld},
		{"record-mediation-certificate", "REF [--on YYYY-MM-DD]", "record the mediation certificate issued: the appeal may be a month after it (HESC r.20(1)(c))", cmdRecordMediationCertificate},
		{"record-appeal", "REF [--respond-by YYYY-MM-DD] [--on YYYY-MM-DD]", "record the family's appeal to the First-tier Tribunal (SEND); the authority's response is chased (HESC Rules r.21: the tribunal's date, else the policy's working days)", cmdRecordAppeal},
		{"record-appeal-response", "REF [--on YYYY-MM-DD]", "record the authority's response to an appeal sent (HESC Rules r.21)", cmdRecordAppealResponse},
		{"record-appeal-decided", "REF --dismissed|--withdrawn [--on YYYY-MM-DD]", "record an appeal dismissed or withdrawn: the decision stands (an appeal against ceasing: ceasing-appeal-decided)", cmdRecordAppealDecided},
		{"record-order", "REF --kind assess|make-plan|amend|name-school --made YYYY-MM-DD [--unopposed] [--on YYYY-MM-DD]", "record a tribunal order (reg 44(2)(b)-(c) after a refusal, (e)-(f) on a plan; reg 45 when not opposed) and start its limits", cmdRecordOrder},
		{"record-mediation-agreement", "REF --agreed assess|make-plan|action [--on YYYY-MM-DD]", "record what mediation over a refusal agreed (reg 42): the reg 44 limits as if ordered, or another action in 2 weeks", cmdRecordMediationAgreement},
		{"record-order-step", "REF --step notified|decided-to-issue|decided-not-to-issue|draft|final-plan [--on YYYY-MM-DD]", "record a step a tribunal's order to assess or make a plan required, done (reg 44(2)(b)-(c))", cmdRecordOrderStep},
		{"issue-ordered-plan", "REF [--setting N] [--on YYYY-MM-DD]", "record the amended plan the tribunal ordered, issued", cmdIssueOrderedPlan},
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

// Exit codes.
const (
	ExitOK     = 0
	ExitFailed = 1 // refused by the case, or the server failed
	ExitUsage  = 2 // the command line is wrong; nothing was sent
)

// Run dispatches args (without the program's name) to a subcommand and
// turns its error into the process's exit code.
func Run(ctx context.Context, e *Env, args []string) int {
	if len(args) == 0 {
		usage(e.Stderr)
		return ExitUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		name = "help"
	}
	cmd, ok := lookup(name)
	if !ok {
		fmt.Fprintf(e.Stderr, "ehc: unknown command %q\n\n", name)
		usage(e.Stderr)
		return ExitUsage
	}
	return exitCode(e.Stderr, cmd.name, cmd.run(ctx, e, args[1:]))
}

// exitCode reports err on stderr and says how the process should exit.
func exitCode(stderr io.Writer, name string, err error) int {
	var ue *usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, flag.ErrHelp):
		return ExitOK // the flag set has printed the command's usage
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "ehc %s: %s\n", name, ue.msg)
		fmt.Fprintf(stderr, "Run 'ehc help %s' for usage.\n", name)
		return ExitUsage
	default:
		fmt.Fprintf(stderr, "ehc %s: %s\n", name, err)
		return ExitFailed
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

// cmdDev runs the local stack (package dev, as main wires it); flags after
// -- go to the worker.
func cmdDev(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet("dev")
	o := dev.Flags(fs)
	if err := fs.Parse(args); err != nil {
		return parseError(fs, "dev", err, e.Stderr)
	}
	o.WorkerArgs, o.Stdout, o.Stderr = fs.Args(), e.Stdout, e.Stderr
	return e.Dev(ctx, *o)
}

// cmdHelp prints the command list, or one command's flags.
func cmdHelp(ctx context.Context, e *Env, args []string) error {
	if len(args) == 0 {
		usage(e.Stdout)
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
		usage(e.Stdout)
		return nil
	}
	err := cmd.run(ctx, e.writingTo(e.Stdout, e.Stdout), []string{"-h"})
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}
