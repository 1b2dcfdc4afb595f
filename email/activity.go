package email

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/sendgrid/rest"
	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/activities"
)

var _ activities.AcceptanceChecker = (*Transport)(nil)

// Accepted asks SendGrid's Email Activity API whether it accepted the
// message q describes: GET /v3/messages filtered on the outbox_key custom
// arg every message carries (the feed's query language calls custom args
// unique_args). The feed lags the send by seconds to minutes, so "not
// found" is only trusted by the Outbox after a while.
//
// A key alone is not enough: another install on the same account (a
// training or demo one reusing case references) sends under the same keys.
// So the query is bounded by time, from the outbox row's creation (less
// feedClockMargin for the two clocks) to now, which excludes that install's
// older mails, and the answer must have gone to the letter's first
// addressee, which excludes its newer ones, sent to other people. The
// address is compared here, case-insensitively, rather than in the query,
// whose matching of letter case SendGrid does not document.
//
// The API answers 6 requests a minute per account. Transport keeps to that
// itself (feedLimit): a query over it is not made, and Accepted returns a
// RateLimited error with NextRetryDelay the time until one may be.
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
	if wait := t.feed.take(time.Now()); wait > 0 {
		return "", false, temporal.NewApplicationErrorWithOptions(
			fmt.Sprintf("email: SendGrid's activity feed allows %d queries a minute; the next in %s", t.feed.n, wait.Round(time.Second)),
			RateLimited, temporal.ApplicationErrorOptions{NextRetryDelay: wait})
	}
	req := t.req // a copy; headers are only read
	req.Method = rest.Get
	req.Body = nil
	req.BaseURL = strings.TrimSuffix(req.BaseURL, "/v3/mail/send") + "/v3/messages"
	now := time.Now().UTC()
	since := now.Add(-feedWindow)
	if !q.Since.IsZero() {
		since = q.Since.UTC().Add(-feedClockMargin)
	}
	// Several messages share the key when it was sent twice, and one per
	// recipient of each; 50 leaves room for the addressee's.
	query := fmt.Sprintf(`unique_args['outbox_key']="%s" AND last_event_time BETWEEN TIMESTAMP "%s" AND TIMESTAMP "%s"`,
		q.Key, since.Format(time.RFC3339), now.Add(feedClockMargin).Format(time.RFC3339))
	req.QueryParams = map[string]string{"query": query, "limit": "50"}
	resp, err := t.client.SendWithContext(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return "", false, ctx.Err()
		}
		return "", false, temporal.NewApplicationErrorWithCause(
			"email: SendGrid's activity feed unreachable: "+t.clean(err.Error()), Unavailable, err)
	}
	status := fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	switch c := resp.StatusCode; {
	case c == http.StatusOK:
	case c == http.StatusForbidden || c == http.StatusNotFound:
		return "", false, fmt.Errorf("email: SendGrid's Email Activity API answered %s%s: %w", status, t.reasons(resp.Body), activities.ErrNoActivityFeed)
	case c == http.StatusUnauthorized:
		return "", false, temporal.NewApplicationErrorWithOptions(
			"mail refused by SendGrid (401): the API key is wrong; letters are held pending until it is fixed", KeyRefused,
			temporal.ApplicationErrorOptions{Cause: activities.ErrMailRefused, NextRetryDelay: activities.RefusedRetryDelay})
	case c == http.StatusTooManyRequests:
		d := resetDelay(http.Header(resp.Headers).Get("X-RateLimit-Reset"), time.Now())
		return "", false, temporal.NewApplicationErrorWithOptions("email: SendGrid's activity feed rate limit ("+status+")",
			RateLimited, temporal.ApplicationErrorOptions{NextRetryDelay: d})
	default:
		return "", false, temporal.NewApplicationError("email: SendGrid's activity feed failed: "+status+t.reasons(resp.Body), Unavailable)
	}
	var body struct {
		Messages []struct {
			MsgID   string `json:"msg_id"`
			ToEmail string `json:"to_email"`
			Status  string `json:"status"`
		} `json:"messages"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
		return "", false, temporal.NewApplicationError("email: SendGrid's activity feed answered what is not its JSON", Unavailable)
	}
	for _, m := range body.Messages {
		if q.To != "" && !strings.EqualFold(strings.TrimSpace(m.ToEmail), strings.TrimSpace(q.To)) {
			continue // another install's mail under the same key
		}
		// The feed's msg_id is the X-Message-Id mail/send gave, then a dot
		// and SendGrid's per-recipient suffix: keep the part a 202 gives.
		id, _, _ := strings.Cut(m.MsgID, ".")
		return id, true, nil
	}
	return "", false, nil
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
)

// feedLimit keeps a process's activity-feed queries within n a minute:
// a query is allowed when fewer than n were made in the minute before it,
// which keeps within SendGrid's limit however it counts its minute.
type feedLimit struct {
	mu   sync.Mutex
	n    int
	past []time.Time // the last n queries, oldest first
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
