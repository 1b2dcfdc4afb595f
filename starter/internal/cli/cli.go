// Package cli is what ehc's commands and its demonstration driver share, so
// the two write a case alike: dates, tables and titles as a person reads
// them, and how long a call to Temporal may wait.
package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// RPCTimeout bounds each call to Temporal when the caller set no deadline,
// so a case with no worker behind it fails rather than hangs.
const RPCTimeout = time.Minute

// WithTimeout bounds ctx by RPCTimeout unless it has a deadline already.
func WithTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, RPCTimeout)
}

// LongDate is a date as a person reads it: "Mon 2 Mar 2026"; "" when zero.
func LongDate(d statute.Date) string {
	if d.IsZero() {
		return ""
	}
	t, err := time.Parse("2006-01-02", d.String())
	if err != nil {
		return d.String()
	}
	return t.Format("Mon 2 Jan 2006")
}

// Sentence capitalises the first letter of s.
func Sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// Days is "1 day" or "n days".
func Days(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// StageTitle says in words where a case stands: "gathering advice",
// "closed: final plan issued".
func StageTitle(s assessment.Stage) string {
	if s.Closed() {
		return "closed: " + s.Title()
	}
	return s.Title()
}

// DeadlineTitle names a deadline the case reports, telling apart the many
// advice and consultation deadlines by what their key adds to the name
// (advice_due/psychological-1 is "Advice (psychological-1)").
func DeadlineTitle(d assessment.DeadlineState) string {
	title := Sentence(d.Deadline.Title())
	which := strings.TrimLeft(strings.TrimPrefix(d.Key, string(d.Deadline)), "/:")
	if which != "" {
		title += " (" + which + ")"
	}
	return title
}

// Table lays out tab-separated cells in columns three spaces apart, with
// no padding left at the ends of lines.
type Table struct {
	out io.Writer
	buf bytes.Buffer
	tw  *tabwriter.Writer
}

// NewTable is a table written to w when flushed.
func NewTable(w io.Writer) *Table {
	t := &Table{out: w}
	t.tw = tabwriter.NewWriter(&t.buf, 0, 0, 3, ' ', 0)
	return t
}

func (t *Table) Write(p []byte) (int, error) { return t.tw.Write(p) }

// Flush writes the table out.
func (t *Table) Flush() error {
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
