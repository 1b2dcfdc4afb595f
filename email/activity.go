package email

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sendgrid/rest"
	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/activities"
)

var _ activities.AcceptanceChecker = (*Transport)(nil)

// Accepted asks SendGrid's Email Activity API whether it accepted the
// message q describes, filtering on the outbox_key custom arg every message
// carries (the feed's query language calls custom args unique_args). The
// feed lags the send by seconds to minutes, so "not found" is only trusted
// by the Outbox after a while.
//
// Batched: the API answers 6 requests a minute per account, and a burst of
// timeouts leaves hundreds of letters to check. So a process's concurrent
// calls wait feedGather for others and share one query naming up to
// feedBatchKeys keys, unique_args['outbox_key'] IN ("k1","k2",…), the IN
// keyword of the feed's query language. Its answer lists each recipient's
// copy (msg_id, to_email, last_event_time) but not its custom args, so a
// copy is told to be a letter's by its addressee: a batch never holds two
// letters where one's first addressee is any addressee of the other (two
// alerts to one caseworker go in separate queries). Every call's query is
// made after the call began, so the Outbox's FeedLag before asking holds.
//
// A key alone is not enough: another install on the same account (a
// training or demo one reusing case references) sends under the same keys.
// So the query is bounded by time, from the earliest outbox row's creation
// in the batch (less feedClockMargin for the two clocks) to now, and each
// letter only takes a copy to its first addressee whose last event is no
// older than its own row (less the margin). The address is compared here,
// case-insensitively, rather than in the query, whose matching of letter
// case SendGrid does not document.
//
// Transport keeps to the rate limit itself (feedLimit): a query over it is
// not made, and every call in the batch returns a RateLimited error with
// NextRetryDelay the time until one may be; they come back together and
// share the next query.
//
// The API needs the Email Activity add-on and a key with its permission:
// without them SendGrid answers 403 (or 404), returned wrapping
// activities.ErrNoActivityFeed. A 401 is the key itself refused.
func (t *Transport) Accepted(ctx context.Context, q activities.AcceptanceQuery) (string, bool, error) {
	if q.Key == "" || strings.ContainsAny(q.Key, `"\`) {
		// A key the query language cannot quote; the outbox's keys never are.
		return "", false, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("email: outbox key %q cannot be looked up in the activity feed", q.Key), Invalid, nil)
	}
	w := &feedWaiter{q: q, ctx: ctx, done: make(chan struct{})}
	t.feed.enqueue(w, t.ask)
	select {
	case <-w.done:
		return w.id, w.found, w.err
	case <-ctx.Done():
		return "", false, ctx.Err()
	}
}

// ask makes one feed query for a batch and answers each of its callers.
func (t *Transport) ask(batch []*feedWaiter) {
	fail := func(err error) {
		for _, w := range batch {
			w.answer("", false, err)
		}
	}
	if wait := t.feed.take(time.Now()); wait > 0 {
		fail(temporal.NewApplicationErrorWithOptions(
			fmt.Sprintf("email: SendGrid's activity feed allows %d queries a minute; the next in %s", t.feed.n, wait.Round(time.Second)),
			RateLimited, temporal.ApplicationErrorOptions{NextRetryDelay: wait}))
		return
	}
	req := t.req // a copy; headers are only read
	req.Method = rest.Get
	req.Body = nil
	req.BaseURL = strings.TrimSuffix(req.BaseURL, "/v3/mail/send") + "/v3/messages"
	now := time.Now().UTC()
	since := now
	keys, seen := make([]string, 0, len(batch)), map[string]bool{}
	for _, w := range batch {
		if s := w.since(now); s.Before(since) {
			since = s
		}
		if !seen[w.q.Key] {
			seen[w.q.Key] = true
			keys = append(keys, `"`+w.q.Key+`"`)
		}
	}
	query := fmt.Sprintf(`unique_args['outbox_key'] IN (%s) AND last_event_time BETWEEN TIMESTAMP "%s" AND TIMESTAMP "%s"`,
		strings.Join(keys, ","), since.Format(time.RFC3339), now.Add(feedClockMargin).Format(time.RFC3339))
	req.QueryParams = map[string]string{"query": query, "limit": strconv.Itoa(feedAnswerLimit)}
	// Not any one caller's context: the answer is theirs all. The client's
	// own timeout bounds the request.
	resp, err := t.client.SendWithContext(context.Background(), req)
	if err != nil {
		fail(temporal.NewApplicationErrorWithCause(
			"email: SendGrid's activity feed unreachable: "+t.clean(err.Error()), Unavailable, err))
		return
	}
	status := fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	switch c := resp.StatusCode; {
	case c == http.StatusOK:
	case c == http.StatusForbidden || c == http.StatusNotFound:
		fail(fmt.Errorf("email: SendGrid's Email Activity API answered %s%s: %w", status, t.reasons(resp.Body), activities.ErrNoActivityFeed))
		return
	case c == http.StatusUnauthorized:
		fail(temporal.NewApplicationErrorWithOptions(
			"mail refused by SendGrid (401): the API key is wrong; letters are held pending until it is fixed", KeyRefused,
			temporal.ApplicationErrorOptions{Cause: activities.ErrMailRefused, NextRetryDelay: activities.RefusedRetryDelay}))
		return
	case c == http.StatusTooManyRequests:
		d := resetDelay(http.Header(resp.Headers).Get("X-RateLimit-Reset"), time.Now())
		fail(temporal.NewApplicationErrorWithOptions("email: SendGrid's activity feed rate limit ("+status+")",
			RateLimited, temporal.ApplicationErrorOptions{NextRetryDelay: d}))
		return
	default:
		fail(temporal.NewApplicationError("email: SendGrid's activity feed failed: "+status+t.reasons(resp.Body), Unavailable))
		return
	}
	var body struct {
		Messages []struct {
			MsgID         string `json:"msg_id"`
			ToEmail       string `json:"to_email"`
			LastEventTime string `json:"last_event_time"`
		} `json:"messages"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
		fail(temporal.NewApplicationError("email: SendGrid's activity feed answered what is not its JSON", Unavailable))
		return
	}
	for _, w := range batch {
		id, found := "", false
		for _, m := range body.Messages {
			if w.q.To != "" && !sameAddress(m.ToEmail, w.q.To) {
				continue // another letter's copy, or another install's mail
			}
			if at, err := time.Parse(time.RFC3339, m.LastEventTime); err == nil && at.Before(w.since(now)) {
				continue // older than this letter's row: another install's
			}
			// The feed's msg_id is the X-Message-Id mail/send gave, then a
			// dot and SendGrid's per-recipient suffix: keep the part a 202 gives.
			id, _, _ = strings.Cut(m.MsgID, ".")
			found = true
			break
		}
		if !found && len(body.Messages) >= feedAnswerLimit {
			// A full answer may have left this letter's copy out.
			w.answer("", false, temporal.NewApplicationError(
				fmt.Sprintf("email: SendGrid's activity feed answered its limit of %d messages; cannot tell whether %s is among the rest", feedAnswerLimit, w.q.Key), Unavailable))
			continue
		}
		w.answer(id, found, nil)
	}
}

func sameAddress(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

// feedWaiter is one Accepted call waiting for its batch's answer.
type feedWaiter struct {
	q     activities.AcceptanceQuery
	ctx   context.Context
	done  chan struct{}
	id    string
	found bool
	err   error
}

func (w *feedWaiter) answer(id string, found bool, err error) {
	w.id, w.found, w.err = id, found, err
	close(w.done)
}

// since is the earliest last-event time a copy of w's letter can have.
func (w *feedWaiter) since(now time.Time) time.Time {
	if w.q.Since.IsZero() {
		return now.Add(-feedWindow)
	}
	return w.q.Since.UTC().Add(-feedClockMargin)
}

// conflicts says whether a and b cannot share a query: one's first
// addressee is an addressee of the other, so a copy to it could be either's.
func (a *feedWaiter) conflicts(b *feedWaiter) bool {
	has := func(w *feedWaiter, addr string) bool {
		if addr == "" {
			return true // unmatched by address: any copy is taken, so alone
		}
		if sameAddress(w.q.To, addr) {
			return true
		}
		for _, c := range w.q.Others {
			if sameAddress(c, addr) {
				return true
			}
		}
		return false
	}
	return has(b, a.q.To) || has(a, b.q.To)
}

const (
	// feedClockMargin widens the query's time bounds for the difference
	// between the register's clock and SendGrid's.
	feedClockMargin = 10 * time.Minute
	// feedWindow bounds a query given no Since: the Outbox always gives
	// one; 30 days is as far back as the feed keeps.
	feedWindow = 30 * 24 * time.Hour
	// feedPerMinute is the Email Activity API's rate limit per account.
	feedPerMinute = 6
	// feedGather is how long a call waits for others to share its query:
	// retries of a burst of timed-out letters arrive within about a second.
	feedGather = time.Second
	// feedBatchKeys bounds the keys one query names, keeping its URL short
	// (a key is under 100 characters).
	feedBatchKeys = 100
	// feedAnswerLimit is the most messages the API answers a query with.
	feedAnswerLimit = 1000
)

// feedLimit keeps a process's activity-feed queries within n a minute:
// a query is allowed when fewer than n were made in the minute before it,
// which keeps within SendGrid's limit however it counts its minute.
type feedLimit struct {
	mu   sync.Mutex
	n    int
	past []time.Time // the last n queries, oldest first

	// Batching (Accepted): calls waiting for a query, and whether a
	// goroutine is making them.
	queue   []*feedWaiter
	running bool
}

// enqueue adds w to the next query; the first call starts the goroutine
// that gathers calls for feedGather and then asks, batch after batch
// (paced), until none wait.
func (l *feedLimit) enqueue(w *feedWaiter, ask func([]*feedWaiter)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.queue = append(l.queue, w)
	if l.running {
		return
	}
	l.running = true
	go func() {
		time.Sleep(feedGather)
		for {
			for d := l.pace(time.Now()); d > 0; d = l.pace(time.Now()) {
				time.Sleep(min(d, feedGather/4)) // and look again: the batch may fill
			}
			batch := l.next()
			if batch == nil {
				return
			}
			ask(batch)
		}
	}()
}

// pace is how long to gather a backlog (calls waiting together) before
// the next query: none while most of the minute's queries are unspent;
// once half are, one query per n-th of a minute (unless a full batch
// waits), so a backlog arriving over seconds shares a few queries rather
// than spending them all and waiting out the minute.
func (l *feedLimit) pace(now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := 0
	for _, p := range l.past {
		if now.Sub(p) < time.Minute {
			recent++
		}
	}
	switch {
	case len(l.queue) < 2:
		return 0 // a lone call, not a backlog: asked about at once
	case len(l.queue) >= feedBatchKeys:
		return 0 // a full batch is worth a query now
	case recent < (l.n+1)/2:
		return 0
	}
	return max(l.past[len(l.past)-1].Add(time.Minute/time.Duration(l.n)).Sub(now), 0)
}

// next takes the next batch off the queue: callers still waiting, up to
// feedBatchKeys, none conflicting with another; nil when none wait.
func (l *feedLimit) next() []*feedWaiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	var batch, rest []*feedWaiter
	for _, w := range l.queue {
		if w.ctx.Err() != nil {
			continue // gone: Accepted returned its context's error
		}
		ok := len(batch) < feedBatchKeys
		for _, b := range batch {
			ok = ok && !w.conflicts(b)
		}
		if ok {
			batch = append(batch, w)
		} else {
			rest = append(rest, w)
		}
	}
	l.queue = rest
	if len(batch) == 0 {
		l.running = false
	}
	return batch
}

// take reserves a query at now: 0, or how long until one may be made.
func (l *feedLimit) take(now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.past) >= l.n {
		if wait := l.past[0].Add(time.Minute).Sub(now); wait > 0 {
			return wait
		}
		l.past = l.past[1:]
	}
	l.past = append(l.past, now)
	return 0
}
