package activities

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register"
)

// What a Transport's errors wrap, so the Outbox can tell a letter that may
// have gone from one that did not, and a bad letter from a bad key.
var (
	// ErrMaybeSent: the request reached the mail service and no answer came
	// back (a timeout, a broken connection): it may have been accepted.
	ErrMaybeSent = errors.New("the mail service may have accepted the message: no answer came after it was sent")
	// ErrMailRefused: the mail service refuses this sender's credentials
	// (SendGrid's 401 or 403). A configuration fault, not the letter's.
	ErrMailRefused = errors.New("the mail service refuses the sender's credentials")
	// ErrNoActivityFeed: the account cannot be asked what it accepted
	// (SendGrid without the Email Activity add-on, or a key without that
	// permission).
	ErrNoActivityFeed = errors.New("the mail service account has no activity feed to ask")
)

// NotificationUnconfirmed is the retryable ApplicationError type of an
// attempt that held a maybe-sent letter back because the mail service's
// activity feed may not show it yet.
const NotificationUnconfirmed = "NotificationUnconfirmed"

// DefaultFeedLag is how long after a maybe-sent hand-over the Outbox trusts
// "not in the activity feed" to mean "not accepted". SendGrid's feed is
// filled from its event pipeline and usually shows a message within
// seconds to a minute; three minutes covers its ordinary lag while
// delaying a letter that really was lost by no more than that.
const DefaultFeedLag = 3 * time.Minute

// RefusedRetryDelay is how soon a letter held back by a refused key is
// tried again: often enough that letters go within a minute of the key
// being fixed, seldom enough not to hammer SendGrid with a bad key.
const RefusedRetryDelay = time.Minute

// anotherSenderRetryDelay is how soon an attempt that found another one
// handing the letter over tries again: by then that one has its answer,
// or its retry waits for the activity feed.
const anotherSenderRetryDelay = 10 * time.Second

// uncheckedRetryDelay is how long a maybe-sent letter waits to look at
// the activity feed again after the feed failed to answer.
const uncheckedRetryDelay = 30 * time.Second

// maxUnconfirmedHold is how long a maybe-sent letter is held while the
// activity feed cannot be asked (down, or its limit of 6 requests a minute
// spent by a backlog). After that it is sent again, possibly twice: a
// family's statutory letter hours late is worse than a second copy.
const maxUnconfirmedHold = 30 * time.Minute

// AcceptanceChecker is a Transport that can say whether the mail service
// accepted the message q describes: found, with the service's message ID.
// An error wrapping ErrNoActivityFeed means it cannot be asked.
type AcceptanceChecker interface {
	Accepted(ctx context.Context, q AcceptanceQuery) (messageID string, found bool, err error)
}

// AcceptanceQuery describes a message the mail service may have accepted.
// The key alone could match another install's mail on the same account
// (a training install reusing case references): the message also went to
// To, and no earlier than Since.
type AcceptanceQuery struct {
	Key   string
	To    string    // the first addressee's email
	Since time.Time // the outbox row's creation: no send of it is older
	// Others are the letter's other addressees (To's rest and Cc): a
	// checker that asks about several letters at once must not confuse a
	// copy to one of them with another letter's to the same person.
	Others []string
}

// MailHealth is whether the mail service is taking this worker's letters,
// for the worker's metrics and health check. The zero value is healthy;
// nil methods do nothing. Refused is set by a refused key and cleared by
// the next accepted send, or once no refusal has come for refusedFreshFor.
type MailHealth struct {
	mu       sync.Mutex
	refused  bool
	reason   string
	since    time.Time
	last     time.Time // the latest refusal
	attempts uint64
	resent   uint64
	relay    int
	now      func() time.Time // nil: time.Now; tests move it
}

// refusedFreshFor is how long a refusal keeps Refused set with no send
// since: two of the letters' RefusedRetryDelay, so a worker still seeing
// them refused says so throughout, while one whose held letters' retries
// went to other workers (which may have sent them) stops saying so.
const refusedFreshFor = 2 * RefusedRetryDelay

func (h *MailHealth) clock() time.Time {
	if h.now != nil {
		return h.now()
	}
	return time.Now()
}

// MailStatus is a snapshot of MailHealth.
type MailStatus struct {
	Refused         bool
	Reason          string    // the mail service's refusal, while Refused
	Since           time.Time // the first refusal of this run of them
	RefusedAttempts uint64    // every refused attempt since the worker started
	// PossibleDuplicates counts letters sent again after an attempt that
	// may have sent them, unconfirmed by the mail service: the upper bound
	// on letters this worker sent twice.
	PossibleDuplicates uint64
	// Relaying is how many pending letters only the relay is sending
	// (operators' resends, and letters whose activity gave up), at its
	// last pass.
	Relaying int
}

func (h *MailHealth) refuse(reason string) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.clock()
	if !h.refused || now.Sub(h.last) >= refusedFreshFor {
		h.refused, h.since = true, now
	}
	h.reason, h.last = reason, now
	h.attempts++
}

func (h *MailHealth) accepted() {
	if h == nil {
		return
	}
	h.mu.Lock()
	h.refused, h.reason, h.since = false, "", time.Time{}
	h.mu.Unlock()
}

// Status is the health now.
func (h *MailHealth) Status() MailStatus {
	if h == nil {
		return MailStatus{}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	st := MailStatus{RefusedAttempts: h.attempts, PossibleDuplicates: h.resent, Relaying: h.relay}
	if h.refused && h.clock().Sub(h.last) < refusedFreshFor {
		st.Refused, st.Reason, st.Since = true, h.reason, h.since
	}
	return st
}

func (h *MailHealth) relaying(n int) {
	if h == nil {
		return
	}
	h.mu.Lock()
	h.relay = n
	h.mu.Unlock()
}

func (h *MailHealth) resending() {
	if h == nil {
		return
	}
	h.mu.Lock()
	h.resent++
	h.mu.Unlock()
}

// confirm is asked before sending a letter an earlier attempt may have
// sent (e is its row as claimed). done means Deliver returns d and err
// without sending; otherwise the letter is sent again, which has been
// logged as a possible duplicate.
func (o *Outbox) confirm(ctx context.Context, m letters.Message, e register.OutboxEntry, log *slog.Logger) (d letters.Delivery, done bool, err error) {
	c, ok := o.Next.(AcceptanceChecker)
	if !ok {
		log.Warn("possible duplicate: sending again a letter an earlier attempt may have sent; this transport cannot be asked whether it was accepted")
		o.Health.resending()
		return letters.Delivery{}, false, nil
	}
	age, err := o.maybeSentAge(ctx, m.Key, e.MaybeSentAt != nil)
	if err != nil {
		return letters.Delivery{}, true, err
	}
	// The feed answers 6 queries a minute: asking before it can show the
	// letter would spend them for nothing.
	if lag := o.feedLag(); age < lag {
		log.Info("a maybe-sent letter may not be in the mail service's activity feed yet: looking later, before sending it",
			"age", age.Round(time.Second).String(), "retry_in", (lag - age).Round(time.Second).String())
		return letters.Delivery{}, true, retryLater(fmt.Sprintf("notification %s may have been sent %s ago; the activity feed may not show it yet", m.Key, age.Round(time.Second)), nil, lag-age)
	}
	q := AcceptanceQuery{Key: m.Key, Since: e.CreatedAt}
	for i, r := range append(append([]letters.Recipient{}, m.To...), m.Cc...) {
		if i == 0 && len(m.To) > 0 {
			q.To = r.Email
		} else {
			q.Others = append(q.Others, r.Email)
		}
	}
	id, found, err := c.Accepted(ctx, q)
	switch {
	case errors.Is(err, ErrNoActivityFeed):
		o.noFeed.Do(func() { // about the account, not any one letter: once per worker
			o.logger().Warn("the mail service account has no Email Activity feed this API key may read (SendGrid's Email Activity add-on, and the key's Email Activity permission): a letter whose send timed out cannot be checked and is sent again, possibly twice",
				"error", errorReason(err))
		})
		log.Warn("possible duplicate: sending again a letter an earlier attempt may have sent; the mail service cannot be asked whether it was accepted")
		o.Health.resending()
		return letters.Delivery{}, false, nil
	case errors.Is(err, ErrMailRefused):
		reason := errorReason(err)
		o.Health.refuse(reason)
		log.Error(reason)
		return letters.Delivery{}, true, err
	case err != nil:
		if age >= maxUnconfirmedHold {
			log.Warn("possible duplicate: sending again a letter an earlier attempt may have sent; the mail service could not be asked whether it was accepted", "error", errorReason(err))
			o.Health.resending()
			return letters.Delivery{}, false, nil
		}
		wait := uncheckedRetryDelay
		var ae *temporal.ApplicationError
		if errors.As(err, &ae) && ae.NextRetryDelay() > 0 {
			wait = ae.NextRetryDelay() // the feed's rate limit: 6 requests a minute
		}
		log.Warn("could not ask the mail service whether a maybe-sent letter was accepted: not sending it yet", "error", errorReason(err))
		return letters.Delivery{}, true, retryLater(fmt.Sprintf("notification %s may have been sent and the mail service could not be asked: %s", m.Key, errorReason(err)), err, wait)
	case found:
		if err := o.recordSent(ctx, m.Key, id, false); err != nil {
			return letters.Delivery{}, true, fmt.Errorf("notification %s was accepted earlier (%s) and the outbox could not record it: %w", m.Key, id, err)
		}
		log.Info("the mail service had accepted this letter already: recorded as sent, not sent again", "message_id", id)
		return letters.Delivery{Key: m.Key, MessageID: id, Duplicate: true}, true, nil
	}
	log.Warn("possible duplicate: sending again a letter an earlier attempt may have sent; the mail service's activity feed does not show it")
	o.Health.resending()
	return letters.Delivery{}, false, nil
}

// maybeSentAge is how long ago the unanswered hand-over began. A row an
// older worker left (no hand-over recorded) counts as long past: its
// attempt ended at least an activity timeout ago.
func (o *Outbox) maybeSentAge(ctx context.Context, key string, recorded bool) (time.Duration, error) {
	if !recorded {
		return time.Duration(1<<63 - 1), nil
	}
	return o.Store.OutboxMaybeSentAge(ctx, key)
}

func (o *Outbox) feedLag() time.Duration {
	if o.FeedLag > 0 {
		return o.FeedLag
	}
	return DefaultFeedLag
}

func retryLater(msg string, cause error, after time.Duration) error {
	return temporal.NewApplicationErrorWithOptions(msg, NotificationUnconfirmed,
		temporal.ApplicationErrorOptions{Cause: cause, NextRetryDelay: max(after, time.Second)})
}
