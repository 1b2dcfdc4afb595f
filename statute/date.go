// Package statute encodes the statutory EHC needs-assessment timetable
// (SEND Regulations 2014, Children and Families Act 2014) as pure,
// deterministic code shared by the workflow, the CLI and the register.
package statute

import (
	"encoding/json"
	"fmt"
	"time"
	_ "time/tzdata" // Europe/London must resolve on hosts without zoneinfo.
)

// London is the zone in which every statutory date is a civil date.
var London = mustLoad("Europe/London")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Date is a civil date. It is held as midnight UTC so that adding days never
// meets a clock change: a deadline is a date, not an instant.
type Date struct{ t time.Time }

const layout = "2006-01-02"

// NewDate returns the civil date y-m-d, normalising out-of-range values.
func NewDate(y int, m time.Month, d int) Date {
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// ParseDate reads a YYYY-MM-DD date and rejects anything else.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(layout, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

// DateOf is the civil date in London at instant t.
func DateOf(t time.Time) Date {
	l := t.In(London)
	return NewDate(l.Year(), l.Month(), l.Day())
}

// At is the instant at hour:00 London time on d, honouring BST.
func (d Date) At(hour int) time.Time {
	return time.Date(d.t.Year(), d.t.Month(), d.t.Day(), hour, 0, 0, 0, London)
}

// Time is midnight UTC on d, the form databases take a date in.
func (d Date) Time() time.Time { return d.t }

func (d Date) AddDays(n int) Date    { return Date{d.t.AddDate(0, 0, n)} }
func (d Date) AddWeeks(n int) Date   { return d.AddDays(7 * n) }
func (d Date) Before(o Date) bool    { return d.t.Before(o.t) }
func (d Date) After(o Date) bool     { return d.t.After(o.t) }
func (d Date) Equal(o Date) bool     { return d.t.Equal(o.t) }
func (d Date) IsZero() bool          { return d.t.IsZero() }
func (d Date) Weekday() time.Weekday { return d.t.Weekday() }

// DaysSince is the number of days from o to d (negative if d is earlier).
func (d Date) DaysSince(o Date) int { return int(d.t.Sub(o.t).Hours() / 24) }

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(layout)
}

func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

func (d *Date) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == nil || *s == "" {
		*d = Date{}
		return nil
	}
	p, err := ParseDate(*s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}
