package statute

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
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

// MaxClosures bounds a term dates file: ten years of every holiday.
const MaxClosures = 100

// ParseClosures reads a term dates file: CSV lines "from,to,name" (the
// first and last days closed, YYYY-MM-DD, and what it is), a header line
// "from,to,name" and lines starting # allowed. Every problem is named by
// line.
func ParseClosures(r io.Reader) ([]Closure, error) {
	cr := csv.NewReader(r)
	cr.Comment, cr.FieldsPerRecord = '#', -1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("term dates: %w", err)
	}
	var out []Closure
	var errs []string
	for i, row := range rows {
		line := i + 1
		if i == 0 && len(row) > 0 && strings.TrimSpace(row[0]) == "from" {
			continue
		}
		if len(row) != 3 {
			errs = append(errs, fmt.Sprintf("line %d: want from,to,name; got %d fields", line, len(row)))
			continue
		}
		from, err1 := ParseDate(strings.TrimSpace(row[0]))
		to, err2 := ParseDate(strings.TrimSpace(row[1]))
		name := strings.TrimSpace(row[2])
		switch {
		case err1 != nil:
			errs = append(errs, fmt.Sprintf("line %d: from %q is not a date (YYYY-MM-DD)", line, row[0]))
		case err2 != nil:
			errs = append(errs, fmt.Sprintf("line %d: to %q is not a date (YYYY-MM-DD)", line, row[1]))
		case to.Before(from):
			errs = append(errs, fmt.Sprintf("line %d: to %s is before from %s", line, to, from))
		case to.DaysSince(from) > 120:
			errs = append(errs, fmt.Sprintf("line %d: %d days closed: a school holiday is at most 120", line, to.DaysSince(from)+1))
		case name == "" || len(name) > 60:
			errs = append(errs, fmt.Sprintf("line %d: name the closure in 1 to 60 characters", line))
		default:
			out = append(out, Closure{Name: name, From: from, To: to})
		}
	}
	if len(out) > MaxClosures {
		errs = append(errs, fmt.Sprintf("%d closures: at most %d", len(out), MaxClosures))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("term dates: %s", strings.Join(errs, "; "))
	}
	slices.SortFunc(out, func(a, b Closure) int { return a.From.Time().Compare(b.From.Time()) })
	return out, nil
}
