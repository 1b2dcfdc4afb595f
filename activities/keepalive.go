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
// after it, not after the two minutes an attempt may take.
const HeartbeatTimeout = 30 * time.Second

// keepAlive heartbeats every third of HeartbeatTimeout until the returned
// stop is called, with details (nil: none) as the attempt's progress.
func keepAlive(ctx context.Context, details ...any) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(HeartbeatTimeout / 3)
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
