package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
	"github.com/ehc-send/ehc/workflows/search"
)

// Search attributes: the workflow's keys (assessment.Search*), named here as
// start and list use them. Start sets the case reference, its first stage
// and the caseworker's staff ID, nothing about the child or family, so the
// case is listed before its first workflow task; the workflow keeps EhcStage,
// EhcNextDeadline and EhcOverdue up to date.
var (
	saCaseRef      = search.CaseRef
	saStage        = search.Stage
	saCaseworker   = search.Caseworker
	saNextDeadline = search.NextDeadline
	saOverdue      = search.Overdue
)

var requesters = []assessment.Requester{
	assessment.RequesterParent, assessment.RequesterYoungPerson, assessment.RequesterSchool,
	assessment.RequesterHealth, assessment.RequesterSocialCare, assessment.RequesterOther,
}

func parseRequester(s string) (assessment.Requester, error) {
	names := make([]string, len(requesters))
	for i, r := range requesters {
		if string(r) == s {
			return r, nil
		}
		names[i] = string(r)
	}
	if s == "" {
		return "", usagef("--requester is required: one of %s", strings.Join(names, ", "))
	}
	return "", usagef("unknown --requester %q: one of %s", s, strings.Join(names, ", "))
}

// startFlags are start's own flags, as given.
type startFlags struct {
	caseRef, received           string
	childName, childDOB         string
	familyName, familyEmail     string
	requester                   string
	schoolName, schoolEmail     string
	caseworker, caseworkerEmail string
	managerEmail                string
	sen2                        sen2Flags
	history                     string
	asJSON                      bool
}

// input checks every flag, in the order given in usage, and builds the
// workflow's input; Policy is left for the caller to fill from config.
func (f startFlags) input(e *Env) (assessment.AssessmentInput, error) {
	if err := required("case", f.caseRef); err != nil {
		return assessment.AssessmentInput{}, err
	}
	if err := checkCaseRef(f.caseRef); err != nil {
		return assessment.AssessmentInput{}, err
	}
	received, err := parseDateFlag("received", f.received)
	if err != nil {
		return assessment.AssessmentInput{}, err
	}
	if err := e.notFuture("received", received); err != nil {
		return assessment.AssessmentInput{}, err
	}
	if err := requiredBounded("child-name", f.childName, assessment.CheckName); err != nil {
		return assessment.AssessmentInput{}, err
	}
	dob, err := parseDateFlag("child-dob", f.childDOB)
	if err != nil {
		return assessment.AssessmentInput{}, err
	}
	if err := e.notFuture("child-dob", dob); err != nil {
		return assessment.AssessmentInput{}, err
	}
	if dob.After(received) {
		return assessment.AssessmentInput{}, usagef("--child-dob %s is after the request was received (--received %s)", dob, received)
	}
	if err := childAge(dob, received); err != nil {
		return assessment.AssessmentInput{}, err
	}
	if err := requiredBounded("family-name", f.familyName, assessment.CheckName); err != nil {
		return assessment.AssessmentInput{}, err
	}
	if err := checkEmail("family-email", f.familyEmail); err != nil {
		return assessment.AssessmentInput{}, err
	}
	requester, err := parseRequester(f.requester)
	if err != nil {
		return assessment.AssessmentInput{}, err
	}
	if err := requiredBounded("school-name", f.schoolName, assessment.CheckSchoolName); err != nil {
		return assessment.AssessmentInput{}, err
	}
	if err := checkEmail("school-email", f.schoolEmail); err != nil {
		return assessment.AssessmentInput{}, err
	}
	if err := requiredBounded("caseworker", f.caseworker, assessment.CheckCaseworker); err != nil {
		return assessment.AssessmentInput{}, err
	}
	if err := checkEmail("caseworker-email", f.caseworkerEmail); err != nil {
		return assessment.AssessmentInput{}, err
	}
	if f.managerEmail != "" {
		if err := checkEmail("manager-email", f.managerEmail); err != nil {
			return assessment.AssessmentInput{}, err
		}
	}
	person, err := f.sen2.person()
	if err != nil {
		return assessment.AssessmentInput{}, err
	}
	return assessment.AssessmentInput{
		CaseRef:         strings.ToUpper(f.caseRef), // one case per reference, whatever its case
		Received:        received,
		Child:           assessment.Child{Name: strings.TrimSpace(f.childName), DateOfBirth: dob, SEN2: person},
		Family:          assessment.Contact{Name: strings.TrimSpace(f.familyName), Email: f.familyEmail},
		Requester:       requester,
		School:          assessment.Contact{Name: strings.TrimSpace(f.schoolName), Email: f.schoolEmail},
		Caseworker:      strings.TrimSpace(f.caseworker),
		CaseworkerEmail: f.caseworkerEmail,
		Manager:         assessment.Contact{Email: f.managerEmail},
	}, nil
}

// startResult is what start prints with --json.
type startResult struct {
	CaseRef    string `json:"case_ref"`
	WorkflowID string `json:"workflow_id"`
	RunID      string `json:"run_id"`
	statute.Timetable
}

// cmdStart starts the needs assessment for one request.
func cmdStart(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet("start")
	var f startFlags
	fs.StringVar(&f.caseRef, "case", "", "case `REF`erence: 2-40 letters, digits and hyphens; nothing personal")
	fs.StringVar(&f.received, "received", "", "`date` the request was received: Day 1 (YYYY-MM-DD)")
	fs.StringVar(&f.childName, "child-name", "", "child's or young person's `name`")
	fs.StringVar(&f.childDOB, "child-dob", "", "child's date of birth (YYYY-MM-DD)")
	fs.StringVar(&f.familyName, "family-name", "", "`name` of the parent or young person the case writes to")
	fs.StringVar(&f.familyEmail, "family-email", "", "family's `email` address")
	fs.StringVar(&f.requester, "requester", "", "who made the request: parent, young_person, school, health, social_care or other")
	fs.StringVar(&f.schoolName, "school-name", "", "`name` of the child's school or setting")
	fs.StringVar(&f.schoolEmail, "school-email", "", "school's `email` address")
	fs.StringVar(&f.caseworker, "caseworker", "", "caseworker's staff `ID`")
	fs.StringVar(&f.caseworkerEmail, "caseworker-email", "", "caseworker's `email` address, for reminders")
	fs.StringVar(&f.managerEmail, "manager-email", "", "SEND manager's `email` address, for escalations (optional)")
	f.sen2.flags(fs)
	fs.StringVar(&f.history, "history", "", "`file` of the steps already taken, one per line as typed (e.g. decide-assess --assess --on 2026-07-10), for a case entered after the fact")
	fs.BoolVar(&f.asJSON, "json", false, "print JSON for scripts")
	cfg, err := e.parseOnly(fs, "start", args)
	if err != nil {
		return err
	}
	in, err := f.input(e)
	if err != nil {
		return err
	}
	casePolicy(cfg, &in)
	if f.history != "" {
		if in.History, err = readHistory(ctx, e, f.history, in.CaseRef); err != nil {
			return err
		}
	}

	if err := notHeld(ctx, e, cfg, in.CaseRef); err != nil {
		return err
	}
	return e.onTemporal(ctx, cfg, func(c client.Client) error {
		return startCase(ctx, e, c, cfg, in, f.asJSON)
	})
}

// startCase starts the case's workflow, waits for it to settle, and says
// what happens next.
func startCase(ctx context.Context, e *Env, c client.Client, cfg config.Config, in assessment.AssessmentInput, asJSON bool) error {
	stdout := e.Stdout
	sctx, cancel := cli.WithTimeout(ctx)
	defer cancel()
	run, err := c.ExecuteWorkflow(sctx, assessment.StartOptions(in, cfg.TaskQueue), assessment.AssessmentWorkflowName, in)
	if err != nil {
		var started *serviceerror.WorkflowExecutionAlreadyStarted
		if errors.As(err, &started) {
			return alreadyStarted(ctx, c, cfg, in.CaseRef)
		}
		return fmt.Errorf("could not start the assessment for case %s: %w", in.CaseRef, err)
	}
	queued, err := settled(ctx, c, cfg, in.CaseRef, run)
	if err != nil {
		return err
	}
	if queued {
		fmt.Fprintf(e.Stderr, "ehc start: no worker has taken case %s up yet; its letters go as soon as one does.\n", in.CaseRef)
	}

	tt := statute.Compute(in.Received, statute.Steps{})
	if asJSON {
		return writeJSON(stdout, startResult{CaseRef: in.CaseRef, WorkflowID: run.GetID(), RunID: run.GetRunID(), Timetable: tt})
	}
	fmt.Fprintf(stdout, "Started the assessment for case %s (workflow %s).\n\n", in.CaseRef, run.GetID())
	if err := printTimetable(stdout, tt); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "\nNext: decide whether to assess by %s (ehc decide-assess %s --assess | --refuse --reason TEXT).\n",
		cli.LongDate(tt.DecisionToAssessDue), in.CaseRef)
	return err
}
