package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"
)

// oneTimerChange guards the main loop's one alarm timer. Before it, each
// pass waited with AwaitWithOptions, whose timer is not cancelled when a
// step wakes the case (the SDK leaves it running): every step left a timer
// on the server that would wake the case again at the alarm's moment for
// nothing, and started another. Now a pass keeps the timer it has while
// the next alarm is the same, and cancels it when the alarm changes.
const oneTimerChange = "one-alarm-timer"

// alarmTimer is the timer the main loop is waiting on: for which alarm
// (its date and what it says), and whether it has fired.
type alarmTimer struct {
	key    string
	fired  bool
	cancel workflow.CancelFunc
}

// awaitAlarm waits until changed() or the moment of the next alarm, wait
// from now, reusing the timer already set for that same alarm.
func (a *assessment) awaitAlarm(ctx workflow.Context, key, summary string, wait time.Duration, changed func() bool) error {
	if t := a.timer; t == nil || t.key != key || t.fired {
		a.stopAlarm()
		tctx, cancel := workflow.WithCancel(ctx)
		armed := &alarmTimer{key: key, cancel: cancel}
		f := workflow.NewTimerWithOptions(tctx, wait, workflow.TimerOptions{Summary: summary})
		workflow.Go(ctx, func(ctx workflow.Context) {
			if f.Get(ctx, nil) == nil {
				armed.fired = true
			}
		})
		a.timer = armed
	}
	return workflow.Await(ctx, func() bool { return changed() || a.timer.fired })
}

// stopAlarm cancels the timer set for an alarm no longer next.
func (a *assessment) stopAlarm() {
	if a.timer != nil && !a.timer.fired {
		a.timer.cancel()
	}
	a.timer = nil
}
