package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows"
)

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
func cmdRequestAdvice(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	s := newStep("request-advice")
	kind := s.fs.String("kind", "", "kind of advice (reg 6(1)): "+adviceKindsList())
	providerName := s.fs.String("provider-name", "", "`name` of the adviser or service asked")
	providerEmail := s.fs.String("provider-email", "", "adviser's `email` address")
	note := s.fs.String("note", "", "a note for the case record (optional)")
	if err := s.parse(args, stderr); err != nil {
		return err
	}
	k, err := parseKind(*kind)
	if err != nil {
		return err
	}
	if err := required("provider-name", *providerName); err != nil {
		return err
	}
	if err := checkEmail("provider-email", *providerEmail); err != nil {
		return err
	}
	return s.send(ctx, workflows.UpdateRequestAdvice,
		workflows.RequestAdviceInput{
			On:       s.date,
			Kind:     k,
			Provider: workflows.Contact{Name: strings.TrimSpace(*providerName), Email: *providerEmail},
			Note:     strings.TrimSpace(*note),
		},
		fmt.Sprintf("%s requested, due by %s", k.Title(), longDate(statute.AdviceDueFrom(s.date))),
		stdout, stderr)
}

// cmdRecordAdvice records advice received, named by its ID or by its kind
// when only one request of that kind is outstanding.
func cmdRecordAdvice(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	s := newStep("record-advice")
	id := s.fs.String("id", "", "the advice request's `ID`, as ehc status shows it")
	kind := s.fs.String("kind", "", "kind of advice, when only one request of that kind is outstanding")
	if err := s.parse(args, stderr); err != nil {
		return err
	}
	if err := exactlyOne("id", *id != "", "kind", *kind != ""); err != nil {
		return err
	}
	in := workflows.RecordAdviceInput{On: s.date, ID: strings.TrimSpace(*id)}
	done := "advice " + in.ID + " received"
	if *kind != "" {
		k, err := parseKind(*kind)
		if err != nil {
			return err
		}
		in.Kind = k
		done = k.Title() + " received"
	}
	return s.send(ctx, workflows.UpdateRecordAdvice, in, done, stdout, stderr)
}
