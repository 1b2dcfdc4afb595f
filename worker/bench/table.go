package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"
)

// unit is how a figure is shown.
type unit int

const (
	perSec    unit = iota // cases or starts a second
	seconds               // a latency, in seconds
	millis                // a latency, in milliseconds (measured in seconds)
	ratioX                // a ratio
	megabytes             // memory, in MB (10^6 bytes; measured in bytes)
	count                 // a whole number
)

func (u unit) format(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	switch u {
	case perSec:
		return fmt.Sprintf("%.2f/s", v)
	case seconds:
		return fmt.Sprintf("%.2f s", v)
	case millis:
		return fmt.Sprintf("%.0f ms", v*1000)
	case ratioX:
		return fmt.Sprintf("%.2f", v)
	case megabytes:
		return fmt.Sprintf("%.0f MB", v/1e6)
	default:
		return fmt.Sprintf("%.0f", v)
	}
}

// target is what a figure must be: at least or at most value. The zero
// target is none (the figure is shown for what it says).
type target struct {
	atLeast bool
	atMost  bool
	value   float64
	// worst judges the worst run, not the median: a step that timed out
	// in any run is one too many.
	worst bool
}

func atLeast(v float64) target { return target{atLeast: true, value: v} }
func atMost(v float64) target  { return target{atMost: true, value: v} }

func (t target) none() bool { return !t.atLeast && !t.atMost }

func (t target) format(u unit) string {
	if t.none() {
		return ""
	}
	v := u.format(t.value)
	if t.atLeast {
		return ">= " + v
	}
	return "<= " + v
}

// figure is one row of the table: its value in each run.
type figure struct {
	name   string
	unit   unit
	runs   []float64 // one a run; NaN where a run did not measure it
	target target
}

// judge says whether the figure meets its target: "" with none, "met",
// "NOT met (figure)", or "not measured".
func (f figure) judge() string {
	if f.target.none() {
		return ""
	}
	lo, med, hi, ok := spread(f.runs)
	if !ok {
		return "not measured"
	}
	v := med
	if f.target.worst {
		v = hi
		if f.target.atLeast {
			v = lo
		}
	}
	if (f.target.atLeast && v >= f.target.value) || (f.target.atMost && v <= f.target.value) {
		return "met"
	}
	return "NOT met (" + f.unit.format(v) + ")"
}

// render writes the figures as one Markdown table, columns aligned.
func render(w io.Writer, figs []figure) error {
	rows := [][]string{{"figure", "min", "median", "max", "target", ""}}
	for _, f := range figs {
		lo, med, hi, ok := spread(f.runs)
		cells := []string{f.name, "n/a", "n/a", "n/a", f.target.format(f.unit), f.judge()}
		if ok {
			cells[1], cells[2], cells[3] = f.unit.format(lo), f.unit.format(med), f.unit.format(hi)
		}
		rows = append(rows, cells)
	}
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	line := func(cells []string) string {
		var b strings.Builder
		b.WriteString("|")
		for i, c := range cells {
			b.WriteString(" " + c + strings.Repeat(" ", width[i]-utf8.RuneCountInString(c)) + " |")
		}
		return b.String() + "\n"
	}
	var b strings.Builder
	b.WriteString(line(rows[0]))
	rule := make([]string, len(width))
	for i, n := range width {
		rule[i] = strings.Repeat("-", n)
	}
	b.WriteString(line(rule))
	for _, r := range rows[1:] {
		b.WriteString(line(r))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
