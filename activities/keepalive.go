package activities

import (
	"context"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/ehc-send/ehc/activities/letters"
)

// keepAlive heartbeats every letters.HeartbeatEvery until the returned
// stop is called, with details (nil: none) as the attempt's progress.
func keepAlive(ctx context.Context, details ...any) (stop func()) {
	if !activity.IsActivity(ctx) {
		return func() {} // called as a plain function (a test, a tool): nobody to tell
	}
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(letters.HeartbeatEvery)
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
