package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// The advice steps (workflow advice.go): asking for advice, receiving it,
// and recording a kind not needed (reg 6, 8).

func adviceKindsList() string {
	names := make([]string, len(statute.AdviceKinds))
	for i, k := range statute.AdviceKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// parseKind checks an advice kind given as --kind.
func parseKind(v string) (statute.AdviceKind, error) {
	if v == "" {
		return "", usagef("--kind is required: one of %s", adviceKindsList())
	}
	k, err := statute.ParseAdviceKind(v)
	if err != nil {
		return "", usagef("--kind: %v", err)
	}
	return k, nil
}

// cmdRequestAdvice records asking an adviser for advice (reg 6(1), 8(1)).
// With no provider named, the kind's default provider in the directory is
// asked; a provider named for the case is asked instead, copying on overdue
// notices the directory's escalation contact for it when it has one.
func cmdRequestAdvice(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "request-advice")
	kind := s.fs.String("kind", "", "kind of advice (reg 6(1)): "+adviceKindsList())
	providerName := s.fs.String("provider-name", "", "`name` of the adviser or service asked (default: the kind's default provider in the directory)")
	providerEmail := s.fs.String("provider-email", "", "adviser's `email` address (with --provider-name)")
	escalationEmail := s.fs.String("escalation-email", "", "`email` copied when the advice is overdue (default: the directory's, for the provider)")
	note := s.fs.String("note", "", "a note for the case record (optional)")
	if err := s.parse(args); err != nil {
		return err
	}
	k, err := parseKind(*kind)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(*providerName)
	switch {
	case name == "" && *providerEmail != "":
		return usagef("--provider-email needs --provider-name: give both to name the adviser, or neither to ask the directory's default %s provider", k)
	case name != "" && *providerEmail == "":
		return usagef("--provider-name needs --provider-email: give both to name the adviser, or neither to ask the directory's default %s provider", k)
	case name != "":
		if err := bounded("provider-name", name, assessment.CheckProviderName); err != nil {
			return err
		}
		if err := checkEmail("provider-email", *providerEmail); err != nil {
			return err
		}
	}
	if *escalationEmail != "" {
		if err := checkEmail("escalation-email", *escalationEmail); err != nil {
			return err
		}
	}
	if err := bounded("note", *note, assessment.CheckNote); err != nil {
		return err
	}
	in := assessment.RequestAdviceInput{
		On:              s.date,
		Kind:            k,
		Provider:        assessment.Contact{Name: name, Email: *providerEmail},
		EscalationEmail: *escalationEmail,
		Note:            strings.TrimSpace(*note),
	}
	done := k.Title() + " requested"
	if name == "" {
		// The step cannot go without a provider: the directory is asked
		// before Temporal is dialled.
		if err := adviceProvider(ctx, s, &in); err != nil {
			return err
		}
		done += fmt.Sprintf(" from %s <%s>, the directory's default", in.Provider.Name, in.Provider.Email)
	} else {
		// The escalation contact is the directory's if it has one: asked
		// while Temporal is dialled, as the step goes on without it.
		s.complete = func(ctx context.Context) (any, error) {
			err := adviceProvider(ctx, s, &in)
			return in, err
		}
	}
	return s.send(ctx, assessment.UpdateRequestAdvice, in,
		fmt.Sprintf("%s, due by %s", done, cli.LongDate(statute.AdviceDueFrom(s.date))))
}

// directoryTimeout bounds looking up a named provider's escalation contact,
// which the step does without when the register cannot say.
const directoryTimeout = 10 * time.Second

// adviceProvider fills in from the provider directory what the caseworker
// left out: the provider itself, when none is named, which the step cannot
// do without; otherwise the named provider's escalation contact, if the
// directory has one and none was given.
func adviceProvider(ctx context.Context, s *step, in *assessment.RequestAdviceInput) error {
	if in.Provider.Name == "" {
		st, err := s.e.OpenRegister(ctx, s.cfg)
		if err != nil {
			return fmt.Errorf("no provider named, and the provider directory cannot be read: %w", err)
		}
		defer st.Close()
		p, err := st.DefaultProvider(ctx, in.Kind)
		if err != nil {
			return err
		}
		in.Provider = assessment.Contact{Name: p.Organisation, Email: p.Email}
		if in.EscalationEmail == "" {
			in.EscalationEmail = p.EscalationEmail
		}
		return nil
	}
	if in.EscalationEmail != "" {
		return nil
	}
	lctx, cancel := context.WithTimeout(ctx, directoryTimeout)
	defer cancel()
	st, err := s.e.OpenRegister(lctx, s.cfg)
	if err == nil {
		defer st.Close()
		var p register.Provider
		p, err = st.FindProvider(lctx, in.Kind, in.Provider.Name)
		if err == nil {
			in.EscalationEmail = p.EscalationEmail
			return nil
		}
	}
	if errors.Is(err, register.ErrNoProvider) {
		return nil // an adviser for this case only
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	fmt.Fprintf(s.e.Stderr, "ehc %s: no escalation contact copied: the provider directory cannot be read: %v\n", s.name, err)
	return nil
}

// cmdRecordAdvice records advice received, named by its ID or by its kind
// when only one request of that kind is outstanding.
func cmdRecordAdvice(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "record-advice")
	id := s.fs.String("id", "", "the advice request's `ID`, as ehc status shows it")
	kind := s.fs.String("kind", "", "kind of advice, when only one request of that kind is outstanding")
	if err := s.parse(args); err != nil {
		return err
	}
	if err := exactlyOne("id", *id != "", "kind", *kind != ""); err != nil {
		return err
	}
	if err := bounded("id", *id, assessment.CheckAdviceID); err != nil {
		return err
	}
	in := assessment.RecordAdviceInput{On: s.date, ID: strings.TrimSpace(*id)}
	done := "advice " + in.ID + " received"
	if *kind != "" {
		k, err := parseKind(*kind)
		if err != nil {
			return err
		}
		in.Kind = k
		done = k.Title() + " received"
	}
	return s.send(ctx, assessment.UpdateRecordAdvice, in, done)
}

// cmdAdviceNotNeeded records that one reg 6(1)(a)-(e) kind of advice need
// not be sought because reg 6(4) applies.
func cmdAdviceNotNeeded(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "advice-not-needed")
	kind := s.fs.String("kind", "", "the advice kind: family_views, educational, medical, psychological or social_care")
	reason := s.fs.String("reason", "", "which advice already obtained is enough, and that the LA, its author and the family agree (reg 6(4))")
	if err := s.parse(args); err != nil {
		return err
	}
	k, err := parseKind(*kind)
	if err != nil {
		return err
	}
	if err := requiredBounded("reason", *reason, assessment.CheckReason); err != nil {
		return err
	}
	return s.send(ctx, assessment.UpdateAdviceNotNeeded,
		assessment.AdviceNotNeededInput{On: s.date, Kind: k, Reason: strings.TrimSpace(*reason)},
		string(k)+" advice recorded as not needed (reg 6(4))")
}
