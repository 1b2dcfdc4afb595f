package assessment

import (
	"errors"
	"fmt"
	"net/mail"
	"unicode/utf8"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/bounds"
)

// Bounds on everything a person types, in characters (Unicode code points).
// The workflow's validators and the CLI both apply them through the checks
// below, so the CLI refuses, naming the flag, exactly what the case would
// refuse, before anything is sent.
const (
	MaxName         = 200              // a person's name: the child, the family, the SEND manager
	MaxSchoolName   = 200              // a school or setting
	MaxProviderName = 200              // an adviser or service: the provider directory's limit too (register.MaxOrganisation; a register test holds them equal)
	MaxReason       = 2000             // reasons for a decision, as the family will read them
	MaxNote         = 2000             // a note for the case record
	MaxCaseworker   = 64               // a caseworker's staff ID
	MaxAdviceID     = 64               // an advice request's ID, as status shows it (psychological-1)
	MaxCode         = 64               // a code from a fixed list: a kind of advice, a ground, a deadline
	MaxEmail        = letters.MaxEmail // an email address
	MaxChildAge     = 25               // the oldest a child or young person can be on Day 1
)

// SearchAttributeMaxBytes is what Temporal allows a Keyword search
// attribute. The caseworker ID is one (EhcCaseworker), so MaxCaseworker
// characters of UTF-8 must fit in it, or a long ID would reach the user as
// a raw Temporal error.
const SearchAttributeMaxBytes = 2048

// This fails to compile if MaxCaseworker characters could exceed it.
var _ [SearchAttributeMaxBytes - MaxCaseworker*utf8.UTFMax]struct{}

// CheckLine refuses a single-line value longer than max characters, not
// UTF-8, or holding any control character (bounds.Line).
func CheckLine(what, v string, max int) error { return bounds.Line(what, v, max) }

// CheckText is CheckLine for free text, which may have line breaks.
func CheckText(what, v string, max int) error { return bounds.Text(what, v, max) }

// The checks for each kind of field.
func CheckName(what, v string) error         { return CheckLine(what, v, MaxName) }
func CheckSchoolName(what, v string) error   { return CheckLine(what, v, MaxSchoolName) }
func CheckProviderName(what, v string) error { return CheckLine(what, v, MaxProviderName) }
func CheckReason(what, v string) error       { return CheckText(what, v, MaxReason) }
func CheckNote(what, v string) error         { return CheckText(what, v, MaxNote) }
func CheckCaseworker(what, v string) error   { return CheckLine(what, v, MaxCaseworker) }
func CheckAdviceID(what, v string) error     { return CheckLine(what, v, MaxAdviceID) }
func CheckCode(what, v string) error         { return CheckLine(what, v, MaxCode) }

// ChildAge is the child's age in whole years on day: negative when born
// after it.
func ChildAge(dob, day statute.Date) int {
	b, d := dob.Time(), day.Time()
	age := d.Year() - b.Year()
	if d.Month() < b.Month() || (d.Month() == b.Month() && d.Day() < b.Day()) {
		age--
	}
	return age
}

// CheckChildAge refuses a date of birth that does not make the child 0 to
// MaxChildAge on Day 1. what names the field ("--child-dob").
func CheckChildAge(what string, dob, day1 statute.Date) error {
	if dob.After(day1) {
		return fmt.Errorf("%s %s is after Day 1 (%s)", what, dob, day1)
	}
	if age := ChildAge(dob, day1); age > MaxChildAge {
		return fmt.Errorf("%s %s makes the child %d on Day 1 (%s); the age limit is %d", what, dob, age, day1, MaxChildAge)
	}
	return nil
}

// problems gathers every bound a value breaks.
type problems []error

func (p *problems) add(err error) {
	if err != nil {
		*p = append(*p, err)
	}
}

// email checks an address given (an empty one is the validators' to
// require or allow), named as the validators name it.
func (p *problems) email(what, v string) {
	if v == "" {
		return
	}
	if err := letters.CheckEmail(v); err != nil {
		p.add(fmt.Errorf("%s: %w", what, err))
	}
}

// checkBounds applies the bounds to every string a step input holds. It
// runs before each step's validator, for an update and for a step in a
// history alike (on), so no step's own checks need repeat them. An input
// type it does not know is refused: a new step must say its bounds here.
func checkBounds(in any) error {
	var p problems
	switch in := in.(type) {
	case DecideAssessInput:
		p.add(CheckReason("the reason", in.Reason))
	case RequestAdviceInput:
		p.add(CheckCode("the kind of advice", string(in.Kind)))
		p.add(CheckProviderName("the adviser's name", in.Provider.Name))
		p.email("the adviser's email", in.Provider.Email)
		p.email("the adviser's escalation contact", in.EscalationEmail)
		p.add(CheckNote("the note", in.Note))
	case RecordAdviceInput:
		p.add(CheckAdviceID("the advice request ID", in.ID))
		p.add(CheckCode("the kind of advice", string(in.Kind)))
	case AdviceNotNeededInput:
		p.add(CheckCode("the kind of advice", string(in.Kind)))
		p.add(CheckReason("the reason", in.Reason))
	case DecideIssueInput:
		p.add(CheckReason("the reason", in.Reason))
	case ServeDraftInput:
	case RecordCommentsInput:
		p.add(CheckSchoolName("the requested school's name", in.RequestedSchool.Name))
		p.email("the requested school's email", in.RequestedSchool.Email)
		p.add(CheckNote("the note", in.Note))
	case ConsultSchoolInput:
		p.add(CheckSchoolName("the school's name", in.School.Name))
		p.email("the school's email", in.School.Email)
	case RecordConsultationInput:
		p.add(CheckSchoolName("the school's name", in.School))
		p.add(CheckNote("the note", in.Note))
	case IssueFinalPlanInput:
		p.add(CheckSchoolName("the school's name", in.School))
	case RecordExceptionInput:
		p.add(CheckCode("the ground", string(in.Ground)))
		p.add(CheckCode("the deadline", string(in.Deadline)))
		p.add(CheckAdviceID("the advice request ID", in.AdviceID))
		p.add(CheckNote("the note", in.Note))
	case ExpectInput:
		p.add(CheckCode("the deadline", string(in.Deadline)))
		p.add(CheckAdviceID("the advice request ID", in.AdviceID))
	case WithdrawInput:
		p.add(CheckReason("the reason", in.Reason))
	default:
		return fmt.Errorf("no bounds are defined for a step input of type %T (see workflows/bounds.go)", in)
	}
	return errors.Join(p...)
}

// boundsChange guards the bounds at start, which validateStart applies in
// workflow code. A run begun before them is judged on replay as it was when
// it began: no bounds, and the bare-address email rule of the time. So a
// case already running with, say, a name longer than today's limit or an
// address at a@b does not fail when a worker replays it. Steps need no
// guard: Temporal does not run update validators on replay, and a history's
// steps are judged once, in a side effect (checkHistory).
const boundsChange = "input-bounds"

// startEmailRule is the email rule a start is judged by: letters.CheckEmail,
// or, for a run begun before boundsChange, the rule it had then.
func startEmailRule(bounded bool) func(string) error {
	if bounded {
		return letters.CheckEmail
	}
	return func(s string) error {
		if s == "" {
			return errors.New("no email address")
		}
		if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
			return fmt.Errorf("email address %q is not a bare address", letters.MaskEmail(s))
		}
		return nil
	}
}

// checkStartBounds applies the bounds to a case's start. The addresses
// validateStart checks itself are left to it; the date of birth is judged
// on Day 1, so replaying a case never judges it differently.
func checkStartBounds(in AssessmentInput) error {
	var p problems
	p.add(CheckName("the child's name", in.Child.Name))
	if !in.Child.DateOfBirth.IsZero() && !in.Received.IsZero() {
		p.add(CheckChildAge("the child's date of birth", in.Child.DateOfBirth, in.Received))
	}
	if err := in.Child.SEN2.Check(); err != nil {
		p.add(fmt.Errorf("the child's details for SEN2: %w", err))
	}
	p.add(CheckName("the family's name", in.Family.Name))
	p.add(CheckCode("the requester", string(in.Requester)))
	p.add(CheckSchoolName("the school's name", in.School.Name))
	p.email("the school's email", in.School.Email)
	p.add(CheckCaseworker("the caseworker ID", in.Caseworker))
	p.add(CheckName("the SEND manager's name", in.Manager.Name))
	p.add(CheckName("the health body's name", in.HealthBody.Name))
	p.email("the health body's email", in.HealthBody.Email)
	p.add(CheckName("social care's name", in.SocialCare.Name))
	p.email("social care's email", in.SocialCare.Email)
	for i, s := range in.History {
		p.add(CheckCode(fmt.Sprintf("the name of step %d of the history", i+1), s.Update))
	}
	return errors.Join(p...)
}
