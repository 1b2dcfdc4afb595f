package commands

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// The bounds on what a person types are the workflow's own (assessment.Check*
// and assessment.Max*): the CLI applies them to each flag, naming it, so a
// value the case would refuse is refused here, before Temporal is dialled,
// and the two cannot drift.

// bounded applies one of the workflow's checks to a flag as it will be
// sent (trimmed).
func bounded(name, v string, check func(what, v string) error) error {
	if err := check("--"+name, strings.TrimSpace(v)); err != nil {
		return &usageError{msg: err.Error()}
	}
	return nil
}

// requiredBounded is a required flag within its bound.
func requiredBounded(name, v string, check func(what, v string) error) error {
	if err := required(name, v); err != nil {
		return err
	}
	return bounded(name, v, check)
}

// childAge refuses a date of birth that does not make the child 0 to
// assessment.MaxChildAge on Day 1 (--received).
func childAge(dob, received statute.Date) error {
	if err := assessment.CheckChildAge("--child-dob", dob, received); err != nil {
		return &usageError{msg: err.Error()}
	}
	return nil
}

// emailRefusal is what checkEmail says of an address letters.CheckEmail
// refused (err): too long, without a real domain, or not an address at all.
func emailRefusal(name, v string, err error) error {
	if n := utf8.RuneCountInString(v); n > assessment.MaxEmail {
		return usagef("--%s is %d characters; the limit is %d", name, n, assessment.MaxEmail)
	}
	if errors.Is(err, letters.ErrEmailDomain) {
		return usagef("--%s %q is not an email address: the domain needs a dot and a top-level domain of 2 or more letters, like name@example.org", name, v)
	}
	return usagef("--%s %q is not an email address", name, v)
}
