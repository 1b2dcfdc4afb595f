package commands

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"go.temporal.io/sdk/client"

	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// cmdStatus shows where one case stands.
func cmdStatus(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet("status")
	caseFlag := fs.String("case", "", "case `REF`erence (or give it as the first argument)")
	asJSON := fs.Bool("json", false, "print the case's status as JSON for scripts")
	positional, rest := splitRef(args)
	cfg, err := e.parseConfig(fs, "status", rest)
	if err != nil {
		return err
	}
	ref, err := caseRef(positional, *caseFlag, fs)
	if err != nil {
		return err
	}
	return e.onTemporal(ctx, cfg, func(c client.Client) error {
		st, err := queryStatus(ctx, c, cfg, ref)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e.Stdout, st)
		}
		if err := printStatus(e.Stdout, st); err != nil {
			return err
		}
		return printRights(e.Stdout, st.Rights, e.today())
	})
}

// printRights says, while it lasts, the family's time to go to mediation
// and to appeal the decision (CFA s.51(2)); once passed, nothing.
func printRights(w io.Writer, r *statute.Rights, today statute.Date) error {
	if r == nil || !r.Open(today) {
		return nil
	}
	line := fmt.Sprintf("The family may appeal %s (%s) to the First-tier Tribunal (SEND) until %s", r.Decision.Title(), r.Decision.Regulation(), cli.LongDate(r.AppealBy))
	if !today.After(r.MediationAdvice) {
		line += fmt.Sprintf(", and must contact the mediation adviser by %s first (reg 33)", cli.LongDate(r.MediationAdvice))
	}
	return writeWrapped(w, "\n"+line+".", screenWidth, "  ")
}

// printStatus writes a case's status for a person to read, every line
// within screenWidth: long names wrap within their columns.
func printStatus(w io.Writer, st assessment.CaseStatus) error {
	if err := writeWrapped(w, "Case "+st.CaseRef, screenWidth, "  "); err != nil {
		return err
	}
	head := newFitted("", screenWidth).wraps(1, 20)
	head.row("Stage:", cli.StageTitle(st.Stage))
	head.row("Day 1:", cli.LongDate(st.Day1))
	if st.Caseworker != "" {
		head.row("Caseworker:", st.Caseworker)
	}
	if st.Requester != "" {
		head.row("Requested by:", strings.ReplaceAll(string(st.Requester), "_", " "))
	}
	if st.NamedSchool != "" {
		head.row("Named school:", st.NamedSchool)
	}
	if c := commentsLine(st); c != "" {
		head.row("Comments:", c)
	}
	if !st.Today.IsZero() {
		head.row("As at:", cli.LongDate(st.Today))
	}
	if err := head.write(w); err != nil {
		return err
	}
	if err := writeWrapped(w, nextDeadlineLine(st), screenWidth, "  "); err != nil {
		return err
	}
	if st.Stage == assessment.StageFinalPlanIssued {
		fmt.Fprintf(w, "The plan in force, its reviews and amendments: ehc plan-status %s.\n", st.CaseRef)
	}
	if st.Overdue {
		fmt.Fprintln(w, "OVERDUE: a statutory deadline has been missed.")
	}
	if n := len(st.DeliveryProblems); n > 0 {
		if err := writeWrapped(w, fmt.Sprintf("NOT DELIVERED: %d notification(s) failed for good; reach the people below another way.", n), screenWidth, "  "); err != nil {
			return err
		}
	}

	sections := []struct {
		title string
		t     *fitted
	}{
		{"Deadlines", deadlinesTable(st)},
		{"Advice requests", adviceTable(st)},
		{"Consultations", consultationsTable(st)},
		{"Exceptions", exceptionsTable(st)},
		{"Advice not sought (reg 6(4))", notNeededTable(st)},
		{"Not delivered", problemsTable(st)},
		{"Steps", stepsTable(st)},
	}
	for _, s := range sections {
		if s.t == nil {
			continue
		}
		fmt.Fprintln(w, "\n"+s.title)
		if err := s.t.write(w); err != nil {
			return err
		}
	}
	return nil
}

// deadlinesTable is every limit the case is held to, with the end of the
// family's 15 days on the draft (reg 13(1)(a)), soonest first.
func deadlinesTable(st assessment.CaseStatus) *fitted {
	type row struct {
		due   statute.Date
		cells []string
	}
	var rows []row
	comments := false
	for _, d := range st.Deadlines {
		comments = comments || d.Deadline == statute.DraftCommentsEnd
		status := standing(d.Status, "met", d.MetOn, d.DaysOverdue)
		if d.Exception != "" {
			status += "\nexception under " + d.Exception
		}
		if !d.ExpectedBy.IsZero() {
			status += "\nexpected by " + cli.LongDate(d.ExpectedBy)
		}
		rows = append(rows, row{d.Due, []string{cli.DeadlineTitle(d), d.Regulation, cli.LongDate(d.Due), status}})
	}
	if end := st.DraftCommentsEnd; !end.IsZero() && !comments {
		d := statute.DraftCommentsEnd
		rows = append(rows, row{end, []string{cli.Sentence(d.Title()), d.Regulation(), cli.LongDate(end), commentsStatus(st)}})
	}
	if len(rows) == 0 {
		return nil
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].due.Before(rows[j].due) })
	t := newFitted("  ", screenWidth).wraps(0, 32).wraps(3, 24)
	t.row("DEADLINE", "REG", "DUE", "STATUS")
	for _, r := range rows {
		t.row(r.cells...)
	}
	return t
}

// commentsStatus is how the family's 15 days on the draft stand.
func commentsStatus(st assessment.CaseStatus) string {
	switch {
	case !st.CommentsOn.IsZero() && st.CommentsLateDays > 0:
		return fmt.Sprintf("comments recorded\n%s\n%s late", cli.LongDate(st.CommentsOn), cli.Days(st.CommentsLateDays))
	case !st.CommentsOn.IsZero():
		return "comments recorded\n" + cli.LongDate(st.CommentsOn)
	case st.Stage.Closed() || st.Today.After(st.DraftCommentsEnd):
		return "ended; no comments recorded"
	}
	return "open; no comments yet"
}

// commentsLine is when the family's comments on the draft were recorded,
// for the head of the status.
func commentsLine(st assessment.CaseStatus) string {
	if st.CommentsOn.IsZero() {
		return ""
	}
	line := "recorded " + cli.LongDate(st.CommentsOn)
	if st.CommentsLateDays > 0 {
		return fmt.Sprintf("%s, %s after the period ended (%s)", line, cli.Days(st.CommentsLateDays), statute.DraftCommentsEnd.Regulation())
	}
	return line + ", within the 15 days"
}

func adviceTable(st assessment.CaseStatus) *fitted {
	if len(st.Advice) == 0 {
		return nil
	}
	// When each was requested is in the steps (request-advice); the due
	// date is 6 weeks on (reg 8(1)).
	t := newFitted("  ", screenWidth).wraps(1, 20).wraps(3, 23)
	t.row("REQUEST", "PROVIDER", "DUE", "STATUS")
	for _, a := range st.Advice {
		id := a.ID
		if !strings.HasPrefix(id, string(a.Kind)+"-") { // the ID does not say the kind
			id += " (" + string(a.Kind) + ")"
		}
		t.row(id, dash(a.Provider), cli.LongDate(a.Due), standing(a.Status, "received", a.Received, a.DaysOverdue))
	}
	return t
}

func consultationsTable(st assessment.CaseStatus) *fitted {
	if len(st.Consultations) == 0 {
		return nil
	}
	t := newFitted("  ", screenWidth).wraps(0, 20).wraps(3, 12)
	t.row("SCHOOL", "SENT", "ANSWER EXPECTED", "ANSWER")
	for _, c := range st.Consultations {
		answer := "awaited"
		switch {
		case !c.Answered.IsZero() && c.Agrees:
			answer = "agrees (" + cli.LongDate(c.Answered) + ")"
		case !c.Answered.IsZero():
			answer = "declines (" + cli.LongDate(c.Answered) + ")"
		}
		t.row(c.School, cli.LongDate(c.Sent), cli.LongDate(c.Due), answer)
	}
	return t
}

func exceptionsTable(st assessment.CaseStatus) *fitted {
	if len(st.Exceptions) == 0 {
		return nil
	}
	t := newFitted("  ", screenWidth).wraps(0, 20).wraps(2, 20)
	t.row("DEADLINE", "REG", "GROUND", "DATES")
	for _, e := range st.Exceptions {
		deadline := cli.Sentence(e.Deadline.Title())
		if e.AdviceID != "" {
			deadline += " (" + e.AdviceID + ")"
		}
		dates := "from " + cli.LongDate(e.From)
		if !e.To.IsZero() {
			dates += "\nto " + cli.LongDate(e.To)
		}
		dates += "\nrecorded " + cli.LongDate(e.On)
		t.row(deadline, dash(e.Regulation), cli.Sentence(e.Ground.Title()), dates)
	}
	return t
}

func notNeededTable(st assessment.CaseStatus) *fitted {
	if len(st.AdviceNotNeeded) == 0 {
		return nil
	}
	t := newFitted("  ", screenWidth).wraps(2, 30)
	t.row("KIND", "RECORDED", "WHY")
	for _, n := range st.AdviceNotNeeded {
		t.row(cli.Sentence(n.Kind.Title()), cli.LongDate(n.On), n.Reason)
	}
	return t
}

func problemsTable(st assessment.CaseStatus) *fitted {
	if len(st.DeliveryProblems) == 0 {
		return nil
	}
	t := newFitted("  ", screenWidth).wraps(0, 20).wraps(3, 30)
	t.row("NOTIFICATION", "TO", "ON", "WHY")
	for _, p := range st.DeliveryProblems {
		t.row(cli.Sentence(p.Template.Title()), p.To.String(), cli.LongDate(p.On), p.Error)
	}
	return t
}

// stepsTable is every step taken, by the date it took effect; steps of
// the same day keep the order they were recorded in.
func stepsTable(st assessment.CaseStatus) *fitted {
	if len(st.Steps) == 0 {
		return nil
	}
	steps := slices.Clone(st.Steps)
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].On.Before(steps[j].On) })
	t := newFitted("  ", screenWidth).wraps(2, 20)
	for _, s := range steps {
		t.row(cli.LongDate(s.On), s.Step, stepDetail(s.Detail))
	}
	return t
}

// stepDetail is a step's detail with any deadline key in it named by its
// title: "reg 13(3)(c) final_plan_due" reads "reg 13(3)(c) final EHC plan".
func stepDetail(detail string) string {
	words := strings.Split(detail, " ")
	for i, word := range words {
		name, which, _ := strings.Cut(word, "/")
		d := statute.Deadline(name)
		if d.Regulation() == "" {
			continue
		}
		words[i] = d.Title()
		if which != "" {
			words[i] += " (" + which + ")"
		}
	}
	return strings.Join(words, " ")
}

// statusWord is a deadline status as a person says it: "met late".
func statusWord(s string) string {
	return dash(strings.ReplaceAll(s, "_", " "))
}

// standing is how a deadline or advice request stands: "pending", "met
// Fri 10 Apr 2026, 4 days late", "missed, 3 days overdue". done is what
// meeting it is called ("met", "received"); a line breaks before "late".
func standing(status string, done string, on statute.Date, daysOverdue int) string {
	switch {
	case !on.IsZero() && daysOverdue > 0:
		return fmt.Sprintf("%s %s\n%s late", done, cli.LongDate(on), cli.Days(daysOverdue))
	case !on.IsZero():
		return done + " " + cli.LongDate(on)
	case daysOverdue > 0:
		return fmt.Sprintf("%s, %s overdue", statusWord(status), cli.Days(daysOverdue))
	}
	return statusWord(status)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
