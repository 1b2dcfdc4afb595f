package assessment

import (
	"fmt"
	"strings"

	"github.com/ehc-send/ehc/statute"
)

// TimetableDetails is the case's statutory timetable as the Temporal UI
// shows it (Markdown): the start's static details. No personal data.
func TimetableDetails(day1 statute.Date) string {
	tt := statute.Compute(day1, statute.Steps{})
	var b strings.Builder
	fmt.Fprintf(&b, "**Statutory timetable** (Day 1: %s)\n\n| limit | regulation | due |\n|---|---|---|\n", day1)
	for _, l := range tt.FromDay1() {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", md(l.Deadline.Title()), md(l.Deadline.Regulation()), l.Due)
	}
	fmt.Fprintf(&b, "\nEach adviser has 6 weeks from their request (%s); the family has 15 days on a draft (%s).\n",
		md(statute.AdviceDue.Regulation()), md(statute.DraftCommentsEnd.Regulation()))
	return b.String()
}

// currentDetails is the case as it stands, for the UI's current details:
// every deadline met, pending or missed. No personal data.
func currentDetails(s CaseStatus) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**Stage:** %s · **as at** %s", md(s.Stage.Title()), s.Today)
	if !s.NextDeadline.IsZero() {
		fmt.Fprintf(&b, " · **next deadline** %s", s.NextDeadline)
	}
	if s.Overdue {
		b.WriteString(" · **OVERDUE**")
	}
	b.WriteString("\n\n| deadline | regulation | due | status |\n|---|---|---|---|\n")
	for _, d := range s.Deadlines {
		status := md(strings.ReplaceAll(d.Status, "_", " "))
		switch {
		case d.Status == StatusMetLate:
			status = md(fmt.Sprintf("met %s, %s late", d.MetOn, days(d.DaysOverdue)))
		case d.Status == StatusMet:
			status = md("met " + d.MetOn.String())
		case d.Status == StatusMissed:
			status = "**" + md(fmt.Sprintf("missed, %s overdue", days(d.DaysOverdue))) + "**"
		}
		if d.Exception != "" {
			status += md(" (exception: " + d.Exception + ")")
		}
		if !d.ExpectedBy.IsZero() {
			status += md(" (expected by " + d.ExpectedBy.String() + ")")
		}
		label := d.Deadline.Title()
		if _, which, ok := strings.Cut(d.Key, "/"); ok {
			label += " (" + which + ")" // the advice request or the school
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", md(label), md(d.Regulation), d.Due, status)
	}
	return b.String()
}

func days(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// mdEscaper backslash-escapes what Markdown would otherwise read as markup
// in a value: emphasis (* _ ~), code, links, HTML and entities, table cell
// breaks (|), and parentheses, which the Temporal UI's renderer would turn
// into symbols ("(c)" into ©): "reg 13(3)(c)" is written reg 13\(3\)\(c\)
// and reads as itself. A line break would end a table row, so it is a space.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `~`, `\~`, `[`, `\[`, `]`, `\]`,
	`(`, `\(`, `)`, `\)`, `|`, `\|`, `<`, `\<`, `>`, `\>`, `#`, `\#`, `&`, `\&`,
	"\r\n", " ", "\n", " ", "\r", " ")

// md is s as literal Markdown text.
func md(s string) string { return mdEscaper.Replace(s) }
