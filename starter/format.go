package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// longDate is a date as a person reads it: "Mon 2 Mar 2026"; "" when zero.
func longDate(d statute.Date) string {
	if d.IsZero() {
		return ""
	}
	t, err := time.Parse("2006-01-02", d.String())
	if err != nil {
		return d.String()
	}
	return t.Format("Mon 2 Jan 2006")
}

// sentence capitalises the first letter of s.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// table lays out tab-separated cells in columns three spaces apart, with
// no padding left at the ends of lines.
type table struct {
	out io.Writer
	buf bytes.Buffer
	tw  *tabwriter.Writer
}

func newTable(w io.Writer) *table {
	t := &table{out: w}
	t.tw = tabwriter.NewWriter(&t.buf, 0, 0, 3, ' ', 0)
	return t
}

func (t *table) Write(p []byte) (int, error) { return t.tw.Write(p) }

// Flush writes the table out.
func (t *table) Flush() error {
	if err := t.tw.Flush(); err != nil {
		return err
	}
	lines := strings.SplitAfter(t.buf.String(), "\n")
	for i, l := range lines {
		if strings.HasSuffix(l, "\n") {
			lines[i] = strings.TrimRight(l, " \n") + "\n"
		}
	}
	t.buf.Reset()
	_, err := io.WriteString(t.out, strings.Join(lines, ""))
	return err
}

// writeJSON prints v indented, for scripts.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// stageTitle says in words where a case stands: "gathering advice",
// "closed: final plan issued".
func stageTitle(s assessment.Stage) string {
	if s.Closed() {
		return "closed: " + s.Title()
	}
	return s.Title()
}

// stageCell is a stage key from visibility or the register as a table
// shows it: its title (an unknown key shows as it is). --json keeps the key,
// which is also what --stage takes.
func stageCell(key string) string {
	return assessment.Stage(key).Title()
}

// deadlineTitle names a deadline the case reports, telling apart the many
// advice and consultation deadlines by what their key adds to the name
// (advice_due/psychological-1 is "Advice (psychological-1)").
func deadlineTitle(d assessment.DeadlineState) string {
	title := sentence(d.Deadline.Title())
	which := strings.TrimLeft(strings.TrimPrefix(d.Key, string(d.Deadline)), "/:")
	if which != "" {
		title += " (" + which + ")"
	}
	return title
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
		return "Case closed: " + strings.TrimPrefix(stageTitle(st.Stage), "closed: ") + "."
	}
	d, ok := nextDeadline(st)
	if !ok {
		if !st.NextDeadline.IsZero() {
			return "Next deadline: " + longDate(st.NextDeadline) + "."
		}
		return "No deadline is pending."
	}
	line := fmt.Sprintf("Next deadline: %s, %s (%s)", deadlineTitle(d), longDate(d.Due), d.Regulation)
	if d.Status == assessment.StatusMissed {
		line += fmt.Sprintf(", missed: %s overdue", days(d.DaysOverdue))
	}
	if d.Exception != "" {
		line += "; exception recorded under " + d.Exception
	}
	return line + "."
}

// days is "1 day" or "n days".
func days(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}
