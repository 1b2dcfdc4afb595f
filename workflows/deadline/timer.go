package deadline

import (
	"time"

	"go.temporal.io/sdk/workflow"
)

// Timer is the one timer a workflow's main loop waits on for its next
// alarm. A pass keeps the timer it has while the next alarm is the same,
// and cancels it when the alarm changes: the SDK's AwaitWithOptions leaves
// its timer running when a step wakes the workflow, so every step would
// leave a timer behind that wakes it again for nothing. The zero Timer has
// none set; it is runtime state, never carried over a continue-as-new.
type Timer struct {
	armed *armed
}

type armed struct {
	key    string
	fired  bool
	cancel workflow.CancelFunc
}

// Await waits until changed() or the moment of the alarm key, wait from
// now, reusing the timer already set for that same alarm.
func (t *Timer) Await(ctx workflow.Context, key, summary string, wait time.Duration, changed func() bool) error {
	if a := t.armed; a == nil || a.key != key || a.fired {
		t.Stop()
		tctx, cancel := workflow.WithCancel(ctx)
		a = &armed{key: key, cancel: cancel}
		f := workflow.NewTimerWithOptions(tctx, wait, workflow.TimerOptions{Summary: summary})
		workflow.Go(ctx, func(ctx workflow.Context) {
			if f.Get(ctx, nil) == nil {
				a.fired = true
			}
		})
		t.armed = a
	}
	a := t.armed
	return workflow.Await(ctx, func() bool { return changed() || a.fired })
}

// Stop cancels the timer set for an alarm no longer next.
func (t *Timer) Stop() {
	if t.armed != nil && !t.armed.fired {
		t.armed.cancel()
	}
	t.armed = nil
}
