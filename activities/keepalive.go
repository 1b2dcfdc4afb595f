package activities

import (
	"context"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
)

// HeartbeatTimeout is what a workflow gives these activities as their
// heartbeat timeout: an attempt not heard from for this long (its worker
// killed, or its task lost between the server and a poller) is tried again
// after it, not after the two minutes an attempt may take. 30 s was too
// tight: under make chaos a loaded server heard running attempts too late,
// timed them out mid-check and left letters waiting.
const HeartbeatTimeout = time.Minute

// HeartbeatEvery is how often a running attempt heartbeats, and the most
// the SDK may hold a heartbeat back (config.Tuning sets its throttle to
// it): six chances a timeout.
const HeartbeatEvery = HeartbeatTimeout / 6

// keepAlive heartbeats every HeartbeatEvery until the returned
// stop is called, with details (nil: none) as the attempt's progress.
func keepAlive(ctx context.Context, details ...any) (stop func()) {
	if !activity.IsActivity(ctx) {
		return func() {} // called as a plain function (a test, a tool): nobody to tell
	}
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(HeartbeatEvery)
		defer t.Stop()
		for {
			activity.RecordHeartbeat(ctx, details...)
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	var once sync.Once
	// stop returns once the last heartbeat is out, so one the caller sends
	// next is the last the server has.
	return func() { once.Do(func() { close(done); <-finished }) }
}
