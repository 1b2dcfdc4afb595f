package email

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/email/sendgridtest"
	"github.com/ehc-send/ehc/register"
)

// claimBarrier is a register whose claims wait until n senders have all
// claimed: two workers that both claimed a letter before either handed it
// over (a retried Notify in one, the relay in the other).
type claimBarrier struct {
	*register.Store
	wg *sync.WaitGroup
}

func (c claimBarrier) OutboxClaim(ctx context.Context, e register.OutboxEntry) (register.OutboxEntry, error) {
	out, err := c.Store.OutboxClaim(ctx, e)
	c.wg.Done()
	c.wg.Wait()
	return out, err
}

func TestTwoWorkersClaimingOneLetterSendItOnce(t *testing.T) {
	f := newDup(t, time.Second)
	m := render(t, letters.FamilyFinalPlan)
	var claimed sync.WaitGroup
	claimed.Add(2)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		box := f.outbox(t, time.Second) // another worker: its own in-process locks
		box.Store = claimBarrier{f.store, &claimed}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = box.Deliver(context.Background(), m)
		}()
	}
	wg.Wait()
	if got := f.sg.Accepted(m.Key); got != 1 {
		t.Fatalf("SendGrid accepted the letter %d times, want once (errors %v)", got, errs)
	}
	var lost int
	for _, err := range errs {
		var ae *temporal.ApplicationError
		if err != nil {
			lost++
			// It stands back while the other is sending, or finds the
			// letter gone when the other was quicker.
			if !errors.As(err, &ae) || ae.NonRetryable() || !(errors.Is(err, register.ErrAnotherSender) || errors.Is(err, register.ErrNotPending)) {
				t.Errorf("the second sender: %v; want a retryable 'another attempt is sending' or 'no longer pending'", err)
			}
		}
	}
	if lost != 1 {
		t.Errorf("errors %v: want exactly one sender to stand back", errs)
	}
	// The one that stood back retries: the row is sent, nothing goes again.
	d, err := f.outbox(t, time.Second).Deliver(context.Background(), m)
	if err != nil || !d.Duplicate || f.sg.Accepted(m.Key) != 1 {
		t.Errorf("retry: %+v, %v; accepted %d times", d, err, f.sg.Accepted(m.Key))
	}
}

// Within FeedLag the feed is not asked (it would spend 1 of its 6 queries
// a minute for an answer it cannot yet give); after it, once.
func TestNoFeedQueryWithinTheLag(t *testing.T) {
	f := newDup(t, 300*time.Millisecond)
	f.box.FeedLag = time.Second
	f.sg.SetFault(sendgridtest.Fault{Delay: 600 * time.Millisecond}) // accepted, the answer too late
	m := render(t, letters.FamilyFinalPlan)
	if _, err := f.box.Deliver(context.Background(), m); !errors.Is(err, activities.ErrMaybeSent) {
		t.Fatalf("first attempt: %v, want maybe sent", err)
	}
	f.sg.SetFault(sendgridtest.Fault{})
	for range 3 {
		_, err := f.box.Deliver(context.Background(), m)
		var ae *temporal.ApplicationError
		if !errors.As(err, &ae) || ae.Type() != activities.NotificationUnconfirmed || ae.NextRetryDelay() <= 0 || ae.NextRetryDelay() > time.Second {
			t.Fatalf("retry within the lag: %v; want %s with the rest of the lag", err, activities.NotificationUnconfirmed)
		}
	}
	if q := f.sg.Queries(); q != 0 {
		t.Errorf("%d feed queries within the lag, want 0", q)
	}
	time.Sleep(time.Second)
	d, err := f.box.Deliver(context.Background(), m)
	if err != nil || !d.Duplicate || d.MessageID != "sg-1" {
		t.Fatalf("after the lag: %+v, %v; want found in the feed", d, err)
	}
	if q := f.sg.Queries(); q != 1 {
		t.Errorf("%d feed queries, want 1", q)
	}
	if got := f.sg.Accepted(m.Key); got != 1 {
		t.Errorf("accepted %d times", got)
	}
}

// A backlog of maybe-sent letters asks the feed no more than 6 times a
// minute: the rest wait, unsent, without a query SendGrid would refuse.
func TestFeedQueriesKeepToTheRateLimit(t *testing.T) {
	f := newDup(t, 300*time.Millisecond)
	f.sg.SetActivityFeed(true, time.Hour) // shows nothing: every check is "not yet"
	tr := f.box.Next.(*Transport)
	var held int
	for i := range 8 {
		key := caseRef + "/family.final_plan/" + string(rune('a'+i))
		_, found, err := tr.Accepted(context.Background(), activities.AcceptanceQuery{Key: key, To: family.Email, Since: time.Now()})
		var ae *temporal.ApplicationError
		switch {
		case err == nil && !found:
		case errors.As(err, &ae) && ae.Type() == RateLimited && ae.NextRetryDelay() > 50*time.Second:
			held++
		default:
			t.Errorf("query %d: %v", i, err)
		}
	}
	if held != 2 || f.sg.Queries() != 6 || f.sg.RateLimited() != 0 {
		t.Errorf("%d held, %d queries made, %d refused 429; want 2 held and 6 made, none refused", held, f.sg.Queries(), f.sg.RateLimited())
	}
	// Another worker on the account has its own count: SendGrid refuses it.
	_, _, err := newTransport(t, Options{BaseURL: f.sg.URL}).Accepted(context.Background(),
		activities.AcceptanceQuery{Key: caseRef + "/x", Since: time.Now()})
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) || ae.Type() != RateLimited || ae.NextRetryDelay() < 50*time.Second || f.sg.RateLimited() != 1 {
		t.Errorf("over the account's limit: %v (%d refused); want SendGrid's 429 with its reset", err, f.sg.RateLimited())
	}
}

// Another install on the account (training, reusing case references) sent
// a mail with the same key to someone else: that is not this letter.
func TestFeedMatchesTheAddresseeAndTime(t *testing.T) {
	f := newDup(t, 300*time.Millisecond)
	m := render(t, letters.FamilyFinalPlan)
	demo := m
	demo.To = []letters.Recipient{{Role: letters.RoleFamily, Email: "trainee@demo.example.org"}}
	demo.Cc = nil
	if _, err := newTransport(t, Options{BaseURL: f.sg.URL}).Deliver(context.Background(), demo); err != nil {
		t.Fatal(err)
	}
	tr := f.box.Next.(*Transport)
	if _, found, err := tr.Accepted(context.Background(), activities.AcceptanceQuery{Key: m.Key, To: family.Email, Since: time.Now()}); err != nil || found {
		t.Errorf("the demo's mail to another address: found %v, %v; want not found", found, err)
	}
	if _, found, err := tr.Accepted(context.Background(), activities.AcceptanceQuery{Key: m.Key, To: "Trainee@Demo.example.org", Since: time.Now()}); err != nil || !found {
		t.Errorf("the same address in other letter case: found %v, %v", found, err)
	}
	if _, found, err := tr.Accepted(context.Background(), activities.AcceptanceQuery{Key: m.Key, To: demo.To[0].Email, Since: time.Now().Add(time.Hour)}); err != nil || found {
		t.Errorf("a mail older than the row (less the margin): found %v, %v; want not found", found, err)
	}

	// Through the Outbox: the letter's send times out unanswered and was
	// not taken; the demo's mail does not stand in for it.
	f.sg.SetFault(sendgridtest.Fault{Hang: true})
	if _, err := f.box.Deliver(context.Background(), m); !errors.Is(err, activities.ErrMaybeSent) {
		t.Fatalf("first attempt: %v", err)
	}
	f.sg.SetFault(sendgridtest.Fault{})
	time.Sleep(f.box.FeedLag)
	d, err := f.box.Deliver(context.Background(), m)
	if err != nil || d.Duplicate {
		t.Fatalf("retry: %+v, %v; want the letter sent, not taken for the demo's", d, err)
	}
	if got := f.sg.Accepted(m.Key); got != 2 { // the demo's and the letter
		t.Errorf("accepted %d under the key, want 2", got)
	}
	mails := f.sg.Mails()
	if last := mails[len(mails)-1]; len(last.To) != 1 || last.To[0] != family.Email {
		t.Errorf("the letter went to %v", last.To)
	}
}

// Only SendGrid's acceptance (202 with an X-Message-Id) is "sent"; any
// other 2xx may or may not be, and is checked before a resend.
func TestOnlyA202WithItsIDIsSent(t *testing.T) {
	f := newDup(t, time.Second)
	f.sg.SetFault(sendgridtest.Fault{NoMessageID: true})
	m := render(t, letters.FamilyFinalPlan)
	if _, err := f.box.Deliver(context.Background(), m); !errors.Is(err, activities.ErrMaybeSent) {
		t.Fatalf("202 without an ID: %v, want maybe sent", err)
	}
	if r := f.row(t, m.Key); r.Status != register.OutboxPending || !r.MaybeSent {
		t.Fatalf("row %s maybe_sent %v: want pending and maybe sent", r.Status, r.MaybeSent)
	}
	f.sg.SetFault(sendgridtest.Fault{})
	time.Sleep(f.box.FeedLag)
	d, err := f.box.Deliver(context.Background(), m)
	if err != nil || !d.Duplicate || d.MessageID != "sg-1" || f.sg.Accepted(m.Key) != 1 {
		t.Fatalf("retry: %+v, %v, accepted %d: want found in the feed as sg-1, sent once", d, err, f.sg.Accepted(m.Key))
	}

	for _, status := range []int{200, 204} {
		f.sg.SetFault(sendgridtest.Fault{Status: status})
		_, err := newTransport(t, Options{BaseURL: f.sg.URL}).Deliver(context.Background(), render(t, letters.FamilyWithdrawn))
		var ae *temporal.ApplicationError
		if !errors.Is(err, activities.ErrMaybeSent) || !errors.As(err, &ae) || ae.NonRetryable() {
			t.Errorf("%d: %v; want a retryable maybe-sent", status, err)
		}
	}
	// Sandbox mode's answer is 200: validated, never delivered.
	f.sg.SetFault(sendgridtest.Fault{Status: 200})
	if _, err := newTransport(t, Options{BaseURL: f.sg.URL, Sandbox: true}).Deliver(context.Background(), render(t, letters.FamilyWithdrawn)); err != nil {
		t.Errorf("sandbox 200: %v", err)
	}
}

// A relay resend has the text only: under a dynamic template its html is
// made from the text, so the letter is never blank.
func TestTemplateGetsHTMLFromTheText(t *testing.T) {
	f := newDup(t, time.Second)
	const id = "d-0123456789abcdef0123456789abcdef"
	tr := newTransport(t, Options{BaseURL: f.sg.URL, Templates: map[letters.Template]string{letters.FamilyFinalPlan: id}})
	m := render(t, letters.FamilyFinalPlan)
	m.HTML = ""
	m.Text = "Dear Alice & Bob,\n<script>x</script>\n\nThe plan is attached."
	if _, err := tr.Deliver(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := f.sg.Mails()[0]
	want := "<p>Dear Alice &amp; Bob,<br>\n&lt;script&gt;x&lt;/script&gt;</p>\n<p>The plan is attached.</p>\n"
	if got.TemplateID != id || got.TemplateData["html"] != want || got.TemplateData["text"] != m.Text {
		t.Errorf("template %q, html %q, text %q; want html %q", got.TemplateID, got.TemplateData["html"], got.TemplateData["text"], want)
	}
	// With HTML given, it goes as given.
	m2 := render(t, letters.FamilyFinalPlan)
	m2.Key += "-html"
	if _, err := tr.Deliver(context.Background(), m2); err != nil {
		t.Fatal(err)
	}
	if m2.HTML == "" || f.sg.Mails()[1].TemplateData["html"] != m2.HTML {
		t.Errorf("the given HTML was not sent as it is")
	}
}
