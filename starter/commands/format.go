package commands

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// writeJSON prints v indented, for scripts.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// stageCell is a stage key from visibility or the register as a table
// shows it: its title (an unknown key shows as it is). --json keeps the key,
// which is also what --stage takes.
func stageCell(key string) string {
	return assessment.Stage(key).Title()
}

// nextDeadline is the earliest deadline still open (pending or missed),
// preferring the one the case names as next.
func nextDeadline(st assessment.CaseStatus) (assessment.DeadlineState, bool) {
	var open []assessment.DeadlineState
	for _, d := range st.Deadlines {
		if d.Status == assessment.StatusPending || d.Status == assessment.StatusMissed {
			open = append(open, d)
		}
	}
	if len(open) == 0 {
		return assessment.DeadlineState{}, false
	}
	sort.SliceStable(open, func(i, j int) bool { return open[i].Due.Before(open[j].Due) })
	if !st.NextDeadline.IsZero() {
		for _, d := range open {
			if d.Due.Equal(st.NextDeadline) {
				return d, true
			}
		}
	}
	return open[0], true
}

// nextDeadlineLine is the line a step prints after it is recorded.
func nextDeadlineLine(st assessment.CaseStatus) string {
	if st.Stage.Closed() {
		return "Case closed: " + strings.TrimPrefix(cli.StageTitle(st.Stage), "closed: ") + "."
	}
	d, ok := nextDeadline(st)
	if !ok {
		if !st.NextDeadline.IsZero() {
			return "Next deadline: " + cli.LongDate(st.NextDeadline) + "."
		}
		return "No deadline is pending."
	}
	line := fmt.Sprintf("Next deadline: %s, %s (%s)", cli.DeadlineTitle(d), cli.LongDate(d.Due), d.Regulation)
	if d.Status == assessment.StatusMissed {
		line += fmt.Sprintf(", missed: %s overdue", cli.Days(d.DaysOverdue))
	}
	if d.Exception != "" {
		line += "; exception recorded under " + d.Exception
	}
	return line + "."
}
