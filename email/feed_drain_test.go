package email

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/email/sendgridtest"
)

// The fault test's shape: 190 letters time out, and their retries come
// back spread over 10 s, each retried as Temporal would after the delay
// its error asks for. They drain in well under a minute, within the API's
// 6 queries a minute and none answered 429, and none is sent twice.
func TestMaybeSentBacklogDrainsWithinTheFeedLimit(t *testing.T) {
	const n = 190
	f := newDup(t, 300*time.Millisecond)
	var msgs []letters.Message
	for i := range n {
		m := render(t, letters.FamilyFinalPlan)
		m.Key = fmt.Sprintf("%s/%s/backlog-%d", caseRef, m.Template, i)
		m.To = []letters.Recipient{{Role: letters.RoleFamily, Name: "Parent", Email: fmt.Sprintf("family-%d@example.org", i)}}
		msgs = append(msgs, m)
	}
	f.sg.SetFault(sendgridtest.Fault{Delay: 600 * time.Millisecond})
	var wg sync.WaitGroup
	for _, m := range msgs {
		wg.Go(func() { f.box.Deliver(context.Background(), m) })
	}
	wg.Wait()
	f.sg.SetFault(sendgridtest.Fault{})

	start := time.Now()
	var mu sync.Mutex
	var drained time.Duration
	for _, m := range msgs {
		wg.Go(func() {
			time.Sleep(rand.N(10 * time.Second))
			for {
				_, err := f.box.Deliver(context.Background(), m)
				if err == nil {
					break
				}
				var ae *temporal.ApplicationError
				if !errors.As(err, &ae) || ae.NextRetryDelay() <= 0 {
					t.Errorf("%s: %v", m.Key, err)
					return
				}
				time.Sleep(ae.NextRetryDelay())
			}
			mu.Lock()
			drained = max(drained, time.Since(start))
			mu.Unlock()
		})
	}
	wg.Wait()
	t.Logf("%d letters drained in %s with %d activity-feed queries", n, drained.Round(time.Second), f.sg.Queries())
	if drained > 45*time.Second {
		t.Errorf("the backlog took %s to drain, want under 45s", drained.Round(time.Second))
	}
	if q := f.sg.Queries(); q > feedPerMinute {
		t.Errorf("%d activity-feed queries, want at most %d", q, feedPerMinute)
	}
	if l := f.sg.RateLimited(); l != 0 {
		t.Errorf("%d queries answered 429", l)
	}
	if d := f.sg.Duplicates(); d != 0 {
		t.Errorf("%d letters sent twice", d)
	}
	if p := f.box.Health.Status().PossibleDuplicates; p != 0 {
		t.Errorf("%d letters sent again unconfirmed", p)
	}
}
