package assessment

import (
	"fmt"
	"strings"

	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/deadline"
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
	b.WriteString("\n\n")
	b.WriteString(deadline.Table(s.Deadlines))
	return b.String()
}

// md is s as literal Markdown text (deadline.MD).
func md(s string) string { return deadline.MD(s) }
