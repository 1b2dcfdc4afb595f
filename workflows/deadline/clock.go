package deadline

import (
	"fmt"
	"math"
	"math/big"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/statute"
)

// AlarmHour is the London hour at which a dated alarm fires, so that nobody
// is written to at midnight.
const AlarmHour = 9

// statutoryWeekSeconds is one real week: a Clock that runs at this speed
// keeps real time.
const statutoryWeekSeconds = 7 * 24 * 60 * 60

// Clock is a case's statutory clock. The zero Clock is real time, and is
// what production uses. A compressed clock, for demonstration and training
// only (ehc demo, with EHC_DEMO=true), makes one statutory week last
// WeekSeconds real seconds from Start: the statutory time at real time t is
// Start + (t - Start) × 604800 / WeekSeconds. Start is both a real and a
// statutory instant, so Day 1 is the London date of Start.
type Clock struct {
	Start       time.Time `json:"start"`
	WeekSeconds int       `json:"week_seconds"`
}

// IsZero reports whether c is real time.
func (c Clock) IsZero() bool { return c.Start.IsZero() && c.WeekSeconds == 0 }

// Check rejects a clock that is neither real time nor a compressed clock
// with a start and a week of 1 to 604800 seconds.
func (c Clock) Check() error {
	switch {
	case c.IsZero():
		return nil
	case c.WeekSeconds < 1 || c.WeekSeconds > statutoryWeekSeconds:
		return fmt.Errorf("a compressed statutory clock needs a week of 1 to %d seconds, not %d", statutoryWeekSeconds, c.WeekSeconds)
	case c.Start.IsZero():
		return fmt.Errorf("a compressed statutory clock needs the instant it starts")
	}
	return nil
}

// At is the statutory time at real time t (real time itself for a clock
// Check rejects, which no case runs on).
func (c Clock) At(t time.Time) time.Time {
	if c.IsZero() || c.Check() != nil {
		return t
	}
	return c.Start.Add(scale(t.Sub(c.Start), statutoryWeekSeconds, int64(c.WeekSeconds), false))
}

// RealAt is the earliest real time at which the statutory time is s or later.
func (c Clock) RealAt(s time.Time) time.Time {
	if c.IsZero() || c.Check() != nil {
		return s
	}
	return c.Start.Add(scale(s.Sub(c.Start), int64(c.WeekSeconds), statutoryWeekSeconds, true))
}

// Now is the workflow's statutory time.
func (c Clock) Now(ctx workflow.Context) time.Time { return c.At(workflow.Now(ctx)) }

// Today is the workflow's statutory civil date in London.
func (c Clock) Today(ctx workflow.Context) statute.Date { return statute.DateOf(c.Now(ctx)) }

// UntilAlarm is how long, in real time, to wait before an alarm dated d is
// due; zero or less means it is due now.
func (c Clock) UntilAlarm(ctx workflow.Context, d statute.Date) time.Duration {
	if c.IsZero() || c.Check() != nil {
		return d.At(AlarmHour).Sub(workflow.Now(ctx))
	}
	return c.RealAt(d.At(AlarmHour)).Sub(workflow.Now(ctx))
}

// scale is d × num / den, rounded towards minus infinity or, with up, plus
// infinity (so that waiting the real time RealAt gives always reaches the
// statutory instant), and held within a Duration. Integer arithmetic: the
// same on every worker, so replays agree.
func scale(d time.Duration, num, den int64, up bool) time.Duration {
	n := new(big.Int).Mul(big.NewInt(int64(d)), big.NewInt(num))
	q, m := new(big.Int).DivMod(n, big.NewInt(den), new(big.Int)) // Euclidean: m >= 0, so q is the floor
	if up && m.Sign() != 0 {
		q.Add(q, big.NewInt(1))
	}
	switch {
	case q.IsInt64():
		return time.Duration(q.Int64())
	case q.Sign() > 0:
		return math.MaxInt64
	default:
		return math.MinInt64
	}
}
