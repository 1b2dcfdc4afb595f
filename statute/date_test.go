package statute_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ehc-send/ehc/statute"
)

// date parses a literal test date, failing the test on a typo.
func date(t *testing.T, s string) statute.Date {
	t.Helper()
	d, err := statute.ParseDate(s)
	if err != nil {
		t.Fatalf("bad test date %q: %v", s, err)
	}
	return d
}

// instant parses a literal RFC 3339 instant.
func instant(t *testing.T, s string) time.Time {
	t.Helper()
	i, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("bad test instant %q: %v", s, err)
	}
	return i
}

func TestDateOf(t *testing.T) {
	// Day 1 is the London civil date on which the request arrives (s.36(1)).
	cases := []struct {
		reg  string
		name string
		at   string // RFC 3339 instant
		want string // civil date in London
	}{
		{"s.36(1)", "BST late evening UTC is next day in London", "2026-06-30T23:30:00Z", "2026-07-01"},
		{"s.36(1)", "BST 22:59:59Z is 23:59:59 London same day", "2026-06-30T22:59:59Z", "2026-06-30"},
		{"s.36(1)", "BST 23:00:00Z is London midnight next day", "2026-06-30T23:00:00Z", "2026-07-01"},
		{"s.36(1)", "GMT year end 23:30Z is still 31 December", "2026-12-31T23:30:00Z", "2026-12-31"},
		{"s.36(1)", "GMT new year at midnight UTC", "2027-01-01T00:00:00Z", "2027-01-01"},
		{"s.36(1)", "GMT last second before BST starts", "2026-03-28T23:59:59Z", "2026-03-28"},
		{"s.36(1)", "GMT just before clocks go forward", "2026-03-29T00:59:59Z", "2026-03-29"},
		{"s.36(1)", "first BST midnight after clocks go forward", "2026-03-29T23:00:00Z", "2026-03-30"},
		{"s.36(1)", "last BST evening before clocks go back", "2026-10-24T22:59:59Z", "2026-10-24"},
		{"s.36(1)", "BST midnight on the day clocks go back", "2026-10-24T23:00:00Z", "2026-10-25"},
		{"s.36(1)", "GMT evening after clocks go back", "2026-10-25T23:00:00Z", "2026-10-25"},
		{"s.36(1)", "GMT late evening after clocks go back", "2026-10-25T23:59:59Z", "2026-10-25"},
		{"s.36(1)", "leap day late evening GMT", "2028-02-29T23:30:00Z", "2028-02-29"},
		{"s.36(1)", "instant in another zone is read in London", "2026-06-30T20:00:00-04:00", "2026-07-01"},
		{"s.36(1)", "instant in a zone ahead of London", "2026-12-01T00:30:00+01:00", "2026-11-30"},
	}
	for _, c := range cases {
		t.Run(c.reg+"/"+c.name, func(t *testing.T) {
			got := statute.DateOf(instant(t, c.at))
			if got.String() != c.want {
				t.Errorf("%s: DateOf(%s) = %s, want %s", c.reg, c.at, got, c.want)
			}
		})
	}
}

func TestDateAt(t *testing.T) {
	cases := []struct {
		reg  string
		name string
		date string
		hour int
		want string // UTC instant
	}{
		{"reg 5(1)", "BST date 09:00 is 08:00 UTC", "2026-07-01", 9, "2026-07-01T08:00:00Z"},
		{"reg 5(1)", "GMT date 09:00 is 09:00 UTC", "2026-12-31", 9, "2026-12-31T09:00:00Z"},
		{"reg 5(1)", "day before BST starts is GMT", "2026-03-28", 9, "2026-03-28T09:00:00Z"},
		{"reg 5(1)", "day BST starts, 09:00 is BST", "2026-03-29", 9, "2026-03-29T08:00:00Z"},
		{"reg 5(1)", "day before BST ends is BST", "2026-10-24", 9, "2026-10-24T08:00:00Z"},
		{"reg 5(1)", "day BST ends, 09:00 is GMT", "2026-10-25", 9, "2026-10-25T09:00:00Z"},
		{"reg 5(1)", "BST midnight is 23:00 UTC the day before", "2026-07-01", 0, "2026-06-30T23:00:00Z"},
		{"reg 5(1)", "GMT midnight is 00:00 UTC", "2026-12-31", 0, "2026-12-31T00:00:00Z"},
		{"reg 5(1)", "leap day 09:00 GMT", "2028-02-29", 9, "2028-02-29T09:00:00Z"},
	}
	for _, c := range cases {
		t.Run(c.reg+"/"+c.name, func(t *testing.T) {
			d := date(t, c.date)
			got := d.At(c.hour)
			want := instant(t, c.want)
			if !got.Equal(want) {
				t.Errorf("%s: %s.At(%d) = %s, want %s", c.reg, c.date, c.hour, got.UTC().Format(time.RFC3339), c.want)
			}
			if back := statute.DateOf(got); !back.Equal(d) {
				t.Errorf("%s: DateOf(%s.At(%d)) = %s, want %s", c.reg, c.date, c.hour, back, c.date)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	cases := []struct {
		reg   string
		name  string
		in    string
		valid bool
	}{
		{"s.36(1)", "ordinary date", "2026-03-09", true},
		{"s.36(1)", "leap day in a leap year", "2028-02-29", true},
		{"s.36(1)", "year end", "2026-12-31", true},
		{"s.36(1)", "30 February", "2026-02-30", false},
		{"s.36(1)", "29 February in a common year", "2027-02-29", false},
		{"s.36(1)", "two-digit year", "26-01-01", false},
		{"s.36(1)", "slashes", "2026/01/01", false},
		{"s.36(1)", "empty", "", false},
		{"s.36(1)", "month 13", "2026-13-01", false},
		{"s.36(1)", "unpadded month and day", "2026-1-5", false},
		{"s.36(1)", "leading space", " 2026-01-01", false},
		{"s.36(1)", "timestamp, not a date", "2026-01-01T00:00:00Z", false},
		{"s.36(1)", "UK order", "01-03-2026", false},
	}
	for _, c := range cases {
		t.Run(c.reg+"/"+c.name, func(t *testing.T) {
			d, err := statute.ParseDate(c.in)
			if c.valid {
				if err != nil {
					t.Fatalf("%s: ParseDate(%q) error %v", c.reg, c.in, err)
				}
				if d.String() != c.in {
					t.Errorf("%s: ParseDate(%q).String() = %q", c.reg, c.in, d.String())
				}
				return
			}
			if err == nil {
				t.Fatalf("%s: ParseDate(%q) = %s, want an error", c.reg, c.in, d)
			}
			if q := strconv.Quote(c.in); !strings.Contains(err.Error(), q) {
				t.Errorf("%s: error %q does not quote the input %s", c.reg, err, q)
			}
			if !d.IsZero() {
				t.Errorf("%s: ParseDate(%q) returned non-zero %s with an error", c.reg, c.in, d)
			}
		})
	}
}

func TestDateJSON(t *testing.T) {
	cases := []struct {
		reg      string
		name     string
		date     string // "" for the zero Date
		wantJSON string
	}{
		{"reg 5(1)", "date", "2026-03-09", `"2026-03-09"`},
		{"reg 5(1)", "leap day", "2028-02-29", `"2028-02-29"`},
		{"reg 13(1)(a)", "zero date is null", "", `null`},
	}
	for _, c := range cases {
		t.Run(c.reg+"/"+c.name, func(t *testing.T) {
			var d statute.Date
			if c.date != "" {
				d = date(t, c.date)
			}
			b, err := json.Marshal(d)
			if err != nil {
				t.Fatalf("%s: Marshal: %v", c.reg, err)
			}
			if string(b) != c.wantJSON {
				t.Errorf("%s: Marshal(%q) = %s, want %s", c.reg, c.date, b, c.wantJSON)
			}
			// Round trip, inside a struct as callers use it.
			type wrap struct {
				D statute.Date `json:"d"`
			}
			wb, err := json.Marshal(wrap{d})
			if err != nil {
				t.Fatalf("%s: Marshal wrap: %v", c.reg, err)
			}
			if want := `{"d":` + c.wantJSON + `}`; string(wb) != want {
				t.Errorf("%s: Marshal wrap = %s, want %s", c.reg, wb, want)
			}
			back := wrap{D: date(t, "1999-01-01")} // must be overwritten
			if err := json.Unmarshal(wb, &back); err != nil {
				t.Fatalf("%s: Unmarshal(%s): %v", c.reg, wb, err)
			}
			if !back.D.Equal(d) || back.D.String() != c.date {
				t.Errorf("%s: round trip %q -> %s -> %q", c.reg, c.date, wb, back.D.String())
			}
		})
	}
}

func TestDateUnmarshalJSON(t *testing.T) {
	cases := []struct {
		reg     string
		name    string
		in      string
		want    string // "" for zero
		wantErr bool
	}{
		{"reg 8(1)", "date string", `"2026-03-09"`, "2026-03-09", false},
		{"reg 8(1)", "null is zero", `null`, "", false},
		{"reg 8(1)", "empty string is zero", `""`, "", false},
		{"reg 8(1)", "impossible date", `"2026-02-30"`, "", true},
		{"reg 8(1)", "wrong layout", `"2026/01/01"`, "", true},
		{"reg 8(1)", "number", `20260309`, "", true},
		{"reg 8(1)", "object", `{}`, "", true},
	}
	for _, c := range cases {
		t.Run(c.reg+"/"+c.name, func(t *testing.T) {
			var d statute.Date
			err := json.Unmarshal([]byte(c.in), &d)
			if c.wantErr {
				if err == nil {
					t.Fatalf("%s: Unmarshal(%s) = %s, want an error", c.reg, c.in, d)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: Unmarshal(%s): %v", c.reg, c.in, err)
			}
			if d.String() != c.want || d.IsZero() != (c.want == "") {
				t.Errorf("%s: Unmarshal(%s) = %q, want %q", c.reg, c.in, d.String(), c.want)
			}
		})
	}
}

func TestDaysSince(t *testing.T) {
	cases := []struct {
		reg  string
		name string
		d, o string
		want int
	}{
		{"s.36(1)", "across BST start", "2026-03-29", "2026-03-28", 1},
		{"s.36(1)", "day after BST start", "2026-03-30", "2026-03-29", 1},
		{"s.36(1)", "across BST end", "2026-10-25", "2026-10-24", 1},
		{"s.36(1)", "day after BST end", "2026-10-26", "2026-10-25", 1},
		{"s.36(1)", "same day", "2026-03-09", "2026-03-09", 0},
		{"s.36(1)", "earlier is negative", "2026-03-28", "2026-03-29", -1},
		{"reg 5(1)", "6 weeks across BST start", "2026-05-01", "2026-03-20", 42},
		{"reg 13(2)", "20 weeks across BST end and year end", "2027-03-09", "2026-10-20", 140},
		{"s.36(1)", "common year", "2027-01-01", "2026-01-01", 365},
		{"s.36(1)", "leap year", "2029-01-01", "2028-01-01", 366},
		{"s.36(1)", "across leap day", "2028-03-01", "2028-02-28", 2},
		{"s.36(1)", "year end", "2027-01-01", "2026-12-31", 1},
		{"s.36(1)", "negative across BST end", "2026-10-01", "2026-11-01", -31},
	}
	for _, c := range cases {
		t.Run(c.reg+"/"+c.name, func(t *testing.T) {
			if got := date(t, c.d).DaysSince(date(t, c.o)); got != c.want {
				t.Errorf("%s: %s.DaysSince(%s) = %d, want %d", c.reg, c.d, c.o, got, c.want)
			}
		})
	}
}

func TestDateArithmetic(t *testing.T) {
	cases := []struct {
		reg   string
		name  string
		from  string
		days  int
		weeks int
		want  string
		wday  time.Weekday // weekday of want
	}{
		{"s.36(1)", "one day across BST start", "2026-03-28", 1, 0, "2026-03-29", time.Sunday},
		{"s.36(1)", "one day across BST end", "2026-10-24", 1, 0, "2026-10-25", time.Sunday},
		{"s.36(1)", "days into leap day", "2028-02-28", 1, 0, "2028-02-29", time.Tuesday},
		{"s.36(1)", "days past leap day", "2028-02-28", 2, 0, "2028-03-01", time.Wednesday},
		{"s.36(1)", "negative days", "2027-01-01", -1, 0, "2026-12-31", time.Thursday},
		{"reg 5(1)", "six weeks", "2026-01-26", 0, 6, "2026-03-09", time.Monday},
		{"reg 10(1)", "sixteen weeks", "2026-01-26", 0, 16, "2026-05-18", time.Monday},
		{"reg 13(2)", "twenty weeks", "2026-01-26", 0, 20, "2026-06-15", time.Monday},
	}
	for _, c := range cases {
		t.Run(c.reg+"/"+c.name, func(t *testing.T) {
			from := date(t, c.from)
			var got statute.Date
			if c.weeks != 0 {
				got = from.AddWeeks(c.weeks)
			} else {
				got = from.AddDays(c.days)
			}
			if got.String() != c.want {
				t.Errorf("%s: %s + %dd/%dw = %s, want %s", c.reg, c.from, c.days, c.weeks, got, c.want)
			}
			if got.Weekday() != c.wday {
				t.Errorf("%s: %s is a %s, want %s", c.reg, got, got.Weekday(), c.wday)
			}
			want := date(t, c.want)
			if !got.Equal(want) || got.Before(want) || got.After(want) {
				t.Errorf("%s: %s not Equal to %s", c.reg, got, want)
			}
			if c.days+c.weeks > 0 && (!got.After(from) || !from.Before(got)) {
				t.Errorf("%s: %s should be after %s", c.reg, got, from)
			}
		})
	}
}

// TestAddWeeksKeepsWeekday checks, for every Day 1 in 2026–2028 (two clock
// changes a year and a leap day), that each limit is a whole number of days
// and weeks later and falls on the same weekday: a clock change never shifts
// a deadline.
func TestAddWeeksKeepsWeekday(t *testing.T) {
	limits := []struct {
		reg   string
		weeks int
	}{
		{"reg 5(1)", 6}, {"reg 8(1)", 6}, {"reg 10(1)", 16}, {"reg 13(2)", 20},
	}
	for _, l := range limits {
		t.Run(l.reg+"/"+strconv.Itoa(l.weeks)+" weeks", func(t *testing.T) {
			for d := date(t, "2026-01-01"); d.Before(date(t, "2029-01-01")); d = d.AddDays(1) {
				due := d.AddWeeks(l.weeks)
				if n := due.DaysSince(d); n != 7*l.weeks {
					t.Fatalf("%s: %s + %d weeks = %s, %d days", l.reg, d, l.weeks, due, n)
				}
				if due.Weekday() != d.Weekday() {
					t.Fatalf("%s: %s (%s) + %d weeks = %s (%s)", l.reg, d, d.Weekday(), l.weeks, due, due.Weekday())
				}
				if !statute.DateOf(due.At(9)).Equal(due) || !statute.DateOf(due.At(0)).Equal(due) || !statute.DateOf(due.At(23)).Equal(due) {
					t.Fatalf("%s: %s does not round-trip through London instants", l.reg, due)
				}
			}
		})
	}
}
