package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows"
)

// cmdStatus shows where one case stands.
func cmdStatus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("status")
	caseFlag := fs.String("case", "", "case `REF`erence (or give it as the first argument)")
	asJSON := fs.Bool("json", false, "print the case's status as JSON for scripts")
	positional, rest := splitRef(args)
	cfg, err := parseConfig(fs, "status", rest, stderr)
	if err != nil {
		return err
	}
	ref, err := caseRef(positional, *caseFlag, fs)
	if err != nil {
		return err
	}
	c, err := dial(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer c.Close()
	st, err := queryStatus(ctx, c, cfg, ref)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, st)
	}
	return printStatus(stdout, st)
}

// printStatus writes a case's status for a person to read.
func printStatus(w io.Writer, st workflows.CaseStatus) error {
	fmt.Fprintf(w, "Case %s\n", st.CaseRef)
	tw := newTable(w)
	fmt.Fprintf(tw, "Stage:\t%s\n", stageTitle(st.Stage))
	fmt.Fprintf(tw, "Day 1:\t%s\n", longDate(st.Day1))
	if st.Caseworker != "" {
		fmt.Fprintf(tw, "Caseworker:\t%s\n", st.Caseworker)
	}
	if st.Requester != "" {
		fmt.Fprintf(tw, "Requested by:\t%s\n", strings.ReplaceAll(string(st.Requester), "_", " "))
	}
	if !st.Today.IsZero() {
		fmt.Fprintf(tw, "As at:\t%s\n", longDate(st.Today))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, nextDeadlineLine(st))
	if st.Overdue {
		fmt.Fprintln(w, "OVERDUE: a statutory deadline has been missed.")
	}

	if len(st.Deadlines) > 0 {
		fmt.Fprintln(w, "\nDeadlines")
		tw = newTable(w)
		fmt.Fprintln(tw, "  DEADLINE\tREG\tDUE\tSTATUS\tMET ON / OVERDUE\tEXCEPTION\tEXPECTED BY")
		deadlines := slices.Clone(st.Deadlines)
		sort.SliceStable(deadlines, func(i, j int) bool { return deadlines[i].Due.Before(deadlines[j].Due) })
		for _, d := range deadlines {
			expected := "-"
			if !d.ExpectedBy.IsZero() {
				expected = longDate(d.ExpectedBy)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\n",
				deadlineTitle(d), d.Regulation, longDate(d.Due), statusWord(d.Status),
				metOrOverdue(d.MetOn, d.DaysOverdue), dash(d.Exception), expected)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}

	if len(st.Advice) > 0 {
		fmt.Fprintln(w, "\nAdvice requests")
		tw = newTable(w)
		fmt.Fprintln(tw, "  ID\tKIND\tPROVIDER\tREQUESTED\tDUE\tSTATUS\tRECEIVED / OVERDUE")
		for _, a := range st.Advice {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\n",
				a.ID, a.Kind, dash(a.Provider), longDate(a.Requested), longDate(a.Due), statusWord(a.Status),
				metOrOverdue(a.Received, a.DaysOverdue))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}

	if len(st.Consultations) > 0 {
		fmt.Fprintln(w, "\nConsultations")
		tw = newTable(w)
		fmt.Fprintln(tw, "  SCHOOL\tSENT\tANSWER EXPECTED\tANSWERED\tANSWER")
		for _, c := range st.Consultations {
			answer := "-"
			if !c.Answered.IsZero() {
				answer = "declines"
				if c.Agrees {
					answer = "agrees"
				}
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n",
				c.School, longDate(c.Sent), longDate(c.Due), dash(longDate(c.Answered)), answer)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}

	if len(st.Exceptions) > 0 {
		fmt.Fprintln(w, "\nExceptions")
		tw = newTable(w)
		fmt.Fprintln(tw, "  DEADLINE\tREG\tGROUND\tFROM\tTO\tRECORDED")
		for _, e := range st.Exceptions {
			deadline := string(e.Deadline)
			if e.AdviceID != "" {
				deadline += " (" + e.AdviceID + ")"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n",
				deadline, dash(e.Regulation), e.Ground.Title(), longDate(e.From), dash(longDate(e.To)), longDate(e.On))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}

	if len(st.Steps) > 0 {
		fmt.Fprintln(w, "\nSteps")
		tw = newTable(w)
		for _, s := range st.Steps {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", longDate(s.On), s.Step, s.Detail)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// statusWord is a deadline status as a person says it: "met late".
func statusWord(s string) string {
	return dash(strings.ReplaceAll(s, "_", " "))
}

// metOrOverdue is the date a deadline was met, with how late, or how
// overdue it is.
func metOrOverdue(met statute.Date, daysOverdue int) string {
	switch {
	case !met.IsZero() && daysOverdue > 0:
		return fmt.Sprintf("%s (%s late)", longDate(met), days(daysOverdue))
	case !met.IsZero():
		return longDate(met)
	case daysOverdue > 0:
		return days(daysOverdue) + " overdue"
	}
	return "-"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
