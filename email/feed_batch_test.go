package email

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/email/sendgridtest"
	"github.com/ehc-send/ehc/register"
)

// A burst of timeouts (the fault test's 10 s of SendGrid answering late)
// leaves many letters maybe sent. Their retries share activity-feed
// queries, so they drain within the API's 6 queries a minute: each letter
// SendGrid accepted is recorded sent, not sent again, and a letter it never
// took is still sent once its FeedLag is over.
func TestMaybeSentBurstSharesFeedQueries(t *testing.T) {
	const accepted, lost = 100, 5
	f := newDup(t, 300*time.Millisecond)
	var msgs []letters.Message
	for i := range accepted + lost {
		m := render(t, letters.FamilyFinalPlan)
		m.Key = fmt.Sprintf("%s/%s/burst-%d", caseRef, m.Template, i)
		// Each family its own address; the first two letters go to one
		// family, so a copy to it cannot be told apart within one query.
		addr := fmt.Sprintf("family-%d@example.org", max(i, 1))
		m.To = []letters.Recipient{{Role: letters.RoleFamily, Name: "Parent", Email: addr}}
		if i == accepted {
			// A lost letter to the caseworker every family letter is copied
			// to: their copies to her must not count as this one's.
			m.To = []letters.Recipient{caseworker}
		}
		msgs = append(msgs, m)
	}
	deliverAll := func(ms []letters.Message) ([]letters.Delivery, []error) {
		ds, errs := make([]letters.Delivery, len(ms)), make([]error, len(ms))
		var wg sync.WaitGroup
		for i, m := range ms {
			wg.Go(func() { ds[i], errs[i] = f.box.Deliver(context.Background(), m) })
		}
		wg.Wait()
		return ds, errs
	}

	// SendGrid takes the first 100 and answers after the client gave up;
	// the last 5 it never takes (a hang).
	f.sg.SetFault(sendgridtest.Fault{Delay: 600 * time.Millisecond})
	_, errs := deliverAll(msgs[:accepted])
	f.sg.SetFault(sendgridtest.Fault{Hang: true})
	_, lostErrs := deliverAll(msgs[accepted:])
	for i, err := range append(errs, lostErrs...) {
		if err == nil {
			t.Fatalf("letter %d: first attempt answered; want a timeout", i)
		}
	}
	f.sg.SetFault(sendgridtest.Fault{})
	if n := len(f.sg.Mails()); n != accepted {
		t.Fatalf("SendGrid accepted %d mails in the burst, want %d", n, accepted)
	}

	time.Sleep(f.box.FeedLag)
	start := time.Now()
	ds, errs := deliverAll(msgs)
	took := time.Since(start)
	for i, err := range errs {
		if err != nil {
			t.Errorf("retry of letter %d: %v", i, err)
		}
	}
	for i, m := range msgs {
		if got := f.sg.Accepted(m.Key); got != 1 {
			t.Errorf("letter %d accepted %d times, want once", i, got)
		}
		r := f.row(t, m.Key)
		if r.Status != register.OutboxSent {
			t.Errorf("letter %d: row %s, want sent", i, r.Status)
		}
		if wantDup := i < accepted; ds[i].Duplicate != wantDup {
			t.Errorf("letter %d: delivery %+v, want duplicate %v (found in the feed)", i, ds[i], wantDup)
		}
	}
	if d := f.sg.Duplicates(); d != 0 {
		t.Errorf("%d letters sent twice", d)
	}
	q := f.sg.Queries()
	t.Logf("%d letters checked with %d activity-feed queries in %s", accepted+lost, q, took.Round(time.Millisecond))
	// Two queries for the batch (100 keys each at most), one more for the
	// letter to the caseworker, who has a copy of every other.
	if q > 4 {
		t.Errorf("%d activity-feed queries for %d letters, want at most 4", q, accepted+lost)
	}
	if n := f.sg.RateLimited(); n != 0 {
		t.Errorf("%d feed queries over SendGrid's 6 a minute", n)
	}
	if n := f.box.Health.Status().PossibleDuplicates; n != lost {
		t.Errorf("%d possible duplicates counted, want the %d letters SendGrid never took", n, lost)
	}
}
