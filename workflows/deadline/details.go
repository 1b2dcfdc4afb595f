package deadline

import (
	"fmt"
	"strings"
)

// Table is deadlines as the Temporal UI's current details show them
// (Markdown): each limit, its regulation, due date and how it stands. No
// personal data: a key's qualifier (an advice request, a school, a review
// cycle) is the only thing after the limit's title.
func Table(states []State) string {
	var b strings.Builder
	b.WriteString("| deadline | regulation | due | status |\n|---|---|---|---|\n")
	for _, d := range states {
		status := MD(strings.ReplaceAll(d.Status, "_", " "))
		switch {
		case d.Status == StatusMetLate:
			status = MD(fmt.Sprintf("met %s, %s late", d.MetOn, Days(d.DaysOverdue)))
		case d.Status == StatusMet:
			status = MD("met " + d.MetOn.String())
		case d.Status == StatusMissed:
			status = "**" + MD(fmt.Sprintf("missed, %s overdue", Days(d.DaysOverdue))) + "**"
		}
		if d.Exception != "" {
			status += MD(" (exception: " + d.Exception + ")")
		}
		if !d.ExpectedBy.IsZero() {
			status += MD(" (expected by " + d.ExpectedBy.String() + ")")
		}
		label := d.Deadline.Title()
		if _, which, ok := strings.Cut(d.Key, "/"); ok {
			label += " (" + which + ")" // the advice request or the school
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", MD(label), MD(d.Regulation), d.Due, status)
	}
	return b.String()
}

// Days is a count of days in words.
func Days(n int) string {
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

// MD is s as literal Markdown text.
func MD(s string) string { return mdEscaper.Replace(s) }
