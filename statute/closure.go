package statute

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Closure is a time schools are closed, its first and last days: the
// authority's term dates, as a file it edits (ParseClosures), or England's
// usual pattern (EnglandSummers).
type Closure struct {
	Name     string
	From, To Date // the first and last days closed
}

// LongClosureDays is "a period of at least 4 continuous weeks" (reg
// 5(4)(a), 10(4)(a), 13(3)(a)).
const LongClosureDays = 28

// Long reports whether the closure is long enough for the exception.
func (c Closure) Long() bool { return c.To.DaysSince(c.From)+1 >= LongClosureDays }

// Window is when advice asked of a school's or early-years setting's head
// falls under the exception: from 1 week before the closure to 1 week
// before the school reopens (reg 10(4)(a)/(b)), both days included.
func (c Closure) Window() (from, to Date) { return c.From.AddDays(-7), c.To.AddDays(1 - 7) }

// InWindow reports whether advice asked on d falls under the exception.
func (c Closure) InWindow(d Date) bool {
	from, to := c.Window()
	return c.Long() && !d.Before(from) && !d.After(to)
}

// Covers reports whether d is a day of the closure.
func (c Closure) Covers(d Date) bool { return !d.Before(c.From) && !d.After(c.To) }

// EnglandSummers is England's usual long closure for each year from first
// to last: the summer holiday, from 23 July to 2 September (about six
// weeks; the shorter holidays are never 4 weeks). An authority with its own
// dates gives them in a file instead.
func EnglandSummers(first, last int) []Closure {
	var out []Closure
	for y := first; y <= last; y++ {
		out = append(out, Closure{Name: fmt.Sprintf("summer %d", y), From: NewDate(y, time.July, 23), To: NewDate(y, time.September, 2)})
	}
	return out
}

// Bounds on a term dates file: ten years of every holiday, in a file no
// larger than such a list needs, dated within this century.
const (
	MaxClosures      = 100
	MaxClosuresBytes = 64 << 10
	MaxClosureName   = 60
	firstClosureYear = 2000
	lastClosureYear  = 2099
)

// ParseClosures reads a term dates file: CSV lines "from,to,name" (the
// first and last days closed, YYYY-MM-DD, and what it is), a header line
// "from,to,name" and lines starting # allowed. Every problem is named by
// the file's line; closures that overlap or touch are refused, as two that
// run on are one closure and should be given as one.
func ParseClosures(r io.Reader) ([]Closure, error) {
	limited := &io.LimitedReader{R: r, N: MaxClosuresBytes + 1}
	cr := csv.NewReader(limited)
	cr.Comment, cr.FieldsPerRecord = '#', -1
	type read struct {
		Closure
		line int
	}
	var out []read
	var errs []string
	fail := func(line int, format string, args ...any) {
		errs = append(errs, fmt.Sprintf("line %d: ", line)+fmt.Sprintf(format, args...))
	}
	for first := true; ; first = false {
		row, err := cr.Read()
		if err == io.EOF || limited.N == 0 { // the end, or past the bound (said below)
			break
		}
		if err != nil {
			return nil, fmt.Errorf("term dates: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if first && strings.TrimSpace(row[0]) == "from" {
			continue
		}
		if len(row) != 3 {
			fail(line, "want from,to,name; got %d fields", len(row))
			continue
		}
		from, err1 := ParseDate(strings.TrimSpace(row[0]))
		to, err2 := ParseDate(strings.TrimSpace(row[1]))
		name := strings.TrimSpace(row[2])
		switch {
		case err1 != nil:
			fail(line, "from %.20q is not a date (YYYY-MM-DD)", row[0])
		case err2 != nil:
			fail(line, "to %.20q is not a date (YYYY-MM-DD)", row[1])
		case from.Time().Year() < firstClosureYear || to.Time().Year() > lastClosureYear:
			fail(line, "%s to %s: dates run from %d to %d", from, to, firstClosureYear, lastClosureYear)
		case to.Before(from):
			fail(line, "to %s is before from %s", to, from)
		case to.DaysSince(from) > 120:
			fail(line, "%d days closed: a school holiday is at most 120", to.DaysSince(from)+1)
		case name == "" || utf8.RuneCountInString(name) > MaxClosureName || strings.ContainsFunc(name, unicode.IsControl):
			fail(line, "name the closure in 1 to %d characters, on one line", MaxClosureName)
		default:
			out = append(out, read{Closure{Name: name, From: from, To: to}, line})
		}
		if len(out) > MaxClosures {
			return nil, fmt.Errorf("term dates: more than %d closures", MaxClosures)
		}
	}
	if limited.N == 0 {
		return nil, fmt.Errorf("term dates: larger than %d KB: at most %d closures", MaxClosuresBytes>>10, MaxClosures)
	}
	slices.SortFunc(out, func(a, b read) int { return a.From.Time().Compare(b.From.Time()) })
	for i := 1; i < len(out); i++ {
		if prev := out[i-1]; !out[i].From.After(prev.To.AddDays(1)) {
			fail(out[i].line, "%s (%s to %s) overlaps or runs on from line %d's %s (%s to %s): give them as one closure",
				out[i].Name, out[i].From, out[i].To, prev.line, prev.Name, prev.From, prev.To)
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("term dates: %s", strings.Join(errs, "; "))
	}
	closures := make([]Closure, len(out))
	for i, c := range out {
		closures[i] = c.Closure
	}
	return closures, nil
}
