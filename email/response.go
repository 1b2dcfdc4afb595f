package email

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sendgrid/rest"
	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/activities/letters"
)

// outcome maps SendGrid's status to what Temporal should do: the client
// returns no error for a 4xx or 5xx, so this is the only place it is seen.
func (t *Transport) outcome(r *rest.Response) (string, error) {
	h := http.Header(r.Headers)
	status := fmt.Sprintf("%d %s", r.StatusCode, http.StatusText(r.StatusCode))
	switch c := r.StatusCode; {
	case c == http.StatusAccepted && h.Get("X-Message-Id") != "":
		return h.Get("X-Message-Id"), nil
	case c == http.StatusOK && t.sandbox:
		// Sandbox mode validates and answers 200; nothing is ever
		// delivered or shown in the feed, so a resend cannot duplicate it.
		return h.Get("X-Message-Id"), nil
	case c >= 200 && c < 300:
		// Not SendGrid's acceptance (a 202 with its message ID): a proxy
		// on the way, or a changed API. It may have been taken: check
		// before sending again, never record it as sent.
		return "", temporal.NewApplicationErrorWithCause(
			fmt.Sprintf("email: SendGrid answered %s without its acceptance (202 and an X-Message-Id), so the message may or may not have been accepted", status),
			MaybeSent, activities.ErrMaybeSent)
	case c == http.StatusTooManyRequests:
		d := resetDelay(h.Get("X-RateLimit-Reset"), time.Now())
		return "", temporal.NewApplicationErrorWithOptions(
			fmt.Sprintf("email: SendGrid rate limit (%s), retrying in %s", status, d), RateLimited,
			temporal.ApplicationErrorOptions{NextRetryDelay: d})
	case c == http.StatusUnauthorized || c == http.StatusForbidden:
		// The key is wrong or lacks Mail Send: any letter would be refused
		// alike, so the letter waits for the key to be fixed.
		// SendGrid's 403 is also an unverified sender: a setting, like the key.
		msg := fmt.Sprintf("mail refused by SendGrid (%d): the API key is wrong or lacks Mail Send permission; letters are held pending until it is fixed", c)
		if c == http.StatusForbidden {
			msg = "mail refused by SendGrid (403): the API key is wrong or lacks Mail Send permission, or the sender (EHC_MAIL_FROM) is not a verified Sender Identity; letters are held pending until it is fixed"
		}
		return "", temporal.NewApplicationErrorWithOptions(msg+t.reasons(r.Body), KeyRefused,
			temporal.ApplicationErrorOptions{Cause: activities.ErrMailRefused, NextRetryDelay: activities.RefusedRetryDelay})
	case c >= 400 && c < 500:
		// Bad request, bad key, too large: sending it again changes nothing.
		return "", temporal.NewNonRetryableApplicationError(
			"email: SendGrid refused the message: "+status+t.reasons(r.Body), Rejected, nil)
	default:
		// 5xx; a 1xx or 3xx means a wrong BaseURL, which a deploy fixes.
		return "", temporal.NewApplicationError("email: SendGrid failed: "+status+t.reasons(r.Body), Unavailable)
	}
}

// resetDelay is how long until X-RateLimit-Reset (unix seconds). Without
// the header it is 0, leaving the delay to the retry policy.
func resetDelay(header string, now time.Time) time.Duration {
	s, err := strconv.ParseInt(strings.TrimSpace(header), 10, 64)
	if err != nil {
		return 0
	}
	return min(max(time.Unix(s, 0).Sub(now), time.Second), maxRateDelay)
}

// reasons is SendGrid's own explanation, errors[].field and .message.
func (t *Transport) reasons(body string) string {
	var b struct {
		Errors []struct{ Field, Message string } `json:"errors"`
	}
	if json.Unmarshal([]byte(body), &b) != nil {
		return "" // not SendGrid's JSON: say nothing rather than echo it
	}
	var out []string
	for _, e := range b.Errors {
		if e.Field != "" {
			e.Message = e.Field + ": " + e.Message
		}
		out = append(out, e.Message)
	}
	if len(out) == 0 {
		return ""
	}
	return ": " + t.clean(strings.Join(out, "; "))
}

var address = regexp.MustCompile(`[^\s<>"',;:()\[\]]+@[^\s<>"',;:()\[\]]+`)

// clean keeps addresses and the key out of errors, which are logged and
// stored in workflow history, and keeps them short.
func (t *Transport) clean(s string) string {
	s = strings.ReplaceAll(s, t.key, "[redacted]")
	s = address.ReplaceAllStringFunc(s, letters.MaskEmail)
	if len(s) > 500 {
		s = strings.ToValidUTF8(s[:500], "") + "…"
	}
	return s
}
