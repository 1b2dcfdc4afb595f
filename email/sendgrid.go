// Package email delivers notifications through SendGrid: the Transport that
// sends them and the Event Webhook receiver that hears what became of them.
package email

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sendgrid/rest"
	"github.com/sendgrid/sendgrid-go"
	"github.com/sendgrid/sendgrid-go/helpers/mail"
	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/activities/letters"
)

// Error types, so a workflow or a test can tell the outcomes apart.
const (
	RateLimited = "SendGridRateLimited" // retryable, after the rate-limit reset
	Unavailable = "SendGridUnavailable" // 5xx, timeouts, network: retryable
	Rejected    = "SendGridRejected"    // 4xx: non-retryable, SendGrid's message says why
	KeyRefused  = "SendGridKeyRefused"  // 401/403: the key, not the letter; retryable after activities.RefusedRetryDelay
	MaybeSent   = "SendGridNoAnswer"    // the request was sent and no answer came: retryable, check before resending
	Invalid     = "InvalidMessage"      // nothing to send: non-retryable
)

const (
	globalHost   = "https://api.sendgrid.com"
	euHost       = "https://api.eu.sendgrid.com" // what sendgrid.SetDataResidency(req, "eu") sets
	maxRateDelay = 10 * time.Minute
	// DefaultTimeout is long enough for SendGrid's slow answers (a 202 can
	// take well over 10s under load) and short enough that a hung request
	// ends well inside the Notify activity's StartToClose.
	DefaultTimeout = 30 * time.Second
)

// Address is the sender.
type Address struct{ Name, Email string }

// Options configure a Transport.
type Options struct {
	APIKey  string
	From    Address
	BaseURL string // default https://api.sendgrid.com; http only to loopback (tests)
	// EU sends through api.eu.sendgrid.com. SetDataResidency replaces the
	// host of BaseURL, so EU allows BaseURL only empty or one of SendGrid's
	// own hosts: a custom BaseURL would be silently ignored.
	EU        bool
	Sandbox   bool                        // mail_settings.sandbox_mode: validated, never delivered
	Timeout   time.Duration               // per HTTP request; default DefaultTimeout
	Templates map[letters.Template]string // optional dynamic template ID per notification
}

var templateID = regexp.MustCompile(`^d-[0-9a-f]{32}$`)

// Transport sends through SendGrid's v3 mail/send. Make one with NewTransport.
//
// SendGrid has no idempotency key, so a send whose 202 was lost is sent
// again on retry; exactly-once is the Outbox's job. Deliver helps it: an
// error after the request was written (a timeout, a broken connection)
// wraps activities.ErrMaybeSent, and Accepted asks SendGrid's Email
// Activity API whether a key was accepted. Within one process a Key
// already accepted comes back as Duplicate, so a Notify retried after its
// register write failed does not send twice.
type Transport struct {
	req       rest.Request // the POST, host and headers; each Deliver copies it and sets Body
	client    *rest.Client // ours, not rest.DefaultClient: a global shared by every user of the library
	key       string       // kept only to redact it from anything SendGrid echoes
	from      *mail.Email
	sandbox   bool
	templates map[letters.Template]string

	feed *feedLimit // activity-feed queries, activity.go

	mu   sync.Mutex
	sent map[string]string // Key -> X-Message-Id
}

// NewTransport checks o and makes a Transport.
func NewTransport(o Options) (*Transport, error) {
	if strings.TrimSpace(o.APIKey) == "" || strings.ContainsFunc(o.APIKey, isSpace) {
		return nil, errors.New("email: SendGrid API key missing or contains whitespace")
	}
	if err := letters.CheckEmail(o.From.Email); err != nil {
		return nil, fmt.Errorf("email: sender: %w", err)
	}
	if strings.ContainsFunc(o.From.Name, isControl) {
		return nil, fmt.Errorf("email: sender name %q contains a control character", o.From.Name)
	}
	base := strings.TrimRight(o.BaseURL, "/")
	if base == "" {
		base = globalHost
	}
	if err := checkBaseURL(base); err != nil {
		return nil, err
	}
	if o.EU && base != globalHost && base != euHost {
		return nil, fmt.Errorf("email: EU data residency sends to %s; BaseURL %q would be ignored", euHost, o.BaseURL)
	}
	switch {
	case o.Timeout < 0:
		return nil, fmt.Errorf("email: negative timeout %s", o.Timeout)
	case o.Timeout == 0:
		o.Timeout = DefaultTimeout
	}
	tpl := make(map[letters.Template]string, len(o.Templates))
	for name, id := range o.Templates {
		if name == "" || !templateID.MatchString(id) {
			return nil, fmt.Errorf("email: template %q: %q is not a dynamic template ID (d- and 32 hex digits)", name, id)
		}
		tpl[name] = id
	}

	req := sendgrid.GetRequest(o.APIKey, "/v3/mail/send", base)
	req.Method = rest.Post
	if o.EU {
		var err error
		if req, err = sendgrid.SetDataResidency(req, "eu"); err != nil {
			return nil, fmt.Errorf("email: %w", err)
		}
	}
	hc := &http.Client{
		Timeout: o.Timeout,
		// A redirect would re-send the key elsewhere or turn the POST into a GET.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &Transport{req: req, client: &rest.Client{HTTPClient: hc}, key: o.APIKey,
		from: mail.NewEmail(o.From.Name, o.From.Email), sandbox: o.Sandbox, templates: tpl, feed: &feedLimit{n: feedPerMinute}}, nil
}

// checkBaseURL refuses plain http except to this machine: the API key
// travels in a header.
func checkBaseURL(base string) error {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("email: BaseURL %q is not a URL like https://api.sendgrid.com", base)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if ip := net.ParseIP(u.Hostname()); u.Hostname() == "localhost" || ip != nil && ip.IsLoopback() {
			return nil
		}
	}
	return fmt.Errorf("email: BaseURL %q must be https (http only to localhost)", base)
}

func isSpace(r rune) bool   { return r <= ' ' || r == 0x7f }
func isControl(r rune) bool { return r < ' ' || r == 0x7f }

// Deliver sends m as one email. To and Cc share a personalization so every
// recipient sees who else was told, as with a letter copied to others.
func (t *Transport) Deliver(ctx context.Context, m letters.Message) (letters.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return letters.Delivery{}, err
	}
	if m.Key == "" || len(m.To) == 0 || m.Text == "" && m.HTML == "" {
		return letters.Delivery{}, temporal.NewNonRetryableApplicationError(
			"email: message has no key, no recipient or no body", Invalid, nil)
	}
	t.mu.Lock()
	id, dup := t.sent[m.Key]
	t.mu.Unlock()
	if dup {
		return letters.Delivery{Key: m.Key, MessageID: id, Duplicate: true}, nil
	}

	req := t.req // a copy; the shared header map is only read
	req.Body = mail.GetRequestBody(t.build(m))
	// Whether the request was written tells "not sent" (no connection)
	// from "maybe sent" (SendGrid may have taken it and not answered).
	var wrote atomic.Bool
	traced := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(w httptrace.WroteRequestInfo) { wrote.Store(w.Err == nil) }})
	resp, err := t.client.SendWithContext(traced, req)
	if err != nil {
		maybe := wrote.Load()
		if ctx.Err() != nil {
			if maybe {
				// Cancelled or timed out by Temporal: let it say so.
				return letters.Delivery{}, fmt.Errorf("%w (%w)", ctx.Err(), activities.ErrMaybeSent)
			}
			return letters.Delivery{}, ctx.Err()
		}
		if maybe {
			return letters.Delivery{}, temporal.NewApplicationErrorWithCause(
				"email: no answer from SendGrid after the request was sent, so it may have been accepted: "+t.clean(err.Error()),
				MaybeSent, fmt.Errorf("%w: %w", activities.ErrMaybeSent, err))
		}
		return letters.Delivery{}, temporal.NewApplicationErrorWithCause(
			"email: SendGrid unreachable: "+t.clean(err.Error()), Unavailable, err)
	}
	if id, err = t.outcome(resp); err != nil {
		return letters.Delivery{}, err
	}
	t.mu.Lock()
	if t.sent == nil {
		t.sent = make(map[string]string)
	}
	t.sent[m.Key] = id
	t.mu.Unlock()
	return letters.Delivery{Key: m.Key, MessageID: id}, nil
}

func (t *Transport) build(m letters.Message) *mail.SGMailV3 {
	p := mail.NewPersonalization()
	seen := map[string]bool{}
	// SendGrid refuses (400, for good) a personalization naming an address
	// twice; one copy reaches the person just as well.
	unique := func(rs []letters.Recipient) []*mail.Email {
		var out []*mail.Email
		for _, r := range rs {
			if k := strings.ToLower(r.Email); !seen[k] {
				seen[k] = true
				out = append(out, mail.NewEmail(r.Name, r.Email))
			}
		}
		return out
	}
	p.AddTos(unique(m.To)...)
	p.AddCCs(unique(m.Cc)...)

	sg := mail.NewV3Mail().SetFrom(t.from)
	if cw := m.Caseworker; cw.Email != "" {
		sg.SetReplyTo(mail.NewEmail(cw.Name, cw.Email)) // a family's reply reaches their caseworker
	}
	if id, ok := t.templates[m.Template]; ok {
		// The template lays out our words; its subject should be {{subject}}.
		sg.SetTemplateID(id)
		html := m.HTML
		if html == "" {
			html = textHTML(m.Text) // a resend keeps only the text; a template given no html would show a blank letter
		}
		for k, v := range map[string]string{"subject": m.Subject, "text": m.Text, "html": html,
			"case_ref": m.CaseRef, "template": string(m.Template)} {
			p.SetDynamicTemplateData(k, v)
		}
	} else {
		sg.Subject = m.Subject
		// text/plain must come first; SendGrid refuses empty content.
		for _, c := range []*mail.Content{mail.NewContent("text/plain", m.Text), mail.NewContent("text/html", m.HTML)} {
			if c.Value != "" {
				sg.AddContent(c)
			}
		}
	}
	sg.AddPersonalizations(p)
	// Custom args come back in every Event Webhook event: the outbox key
	// ties a bounce to the notification it belongs to.
	sg.SetCustomArg("outbox_key", m.Key).SetCustomArg("case_ref", m.CaseRef)
	sg.AddCategories(string(m.Template))
	// No open pixel, no rewritten links, whatever the account's defaults:
	// a family's letter does not report on its reader, and the answer
	// links in it go where they say.
	sg.SetTrackingSettings(mail.NewTrackingSettings().
		SetOpenTracking(mail.NewOpenTrackingSetting().SetEnable(false)).
		SetClickTracking(mail.NewClickTrackingSetting().SetEnable(false).SetEnableText(false)))
	if t.sandbox {
		sg.SetMailSettings(mail.NewMailSettings().SetSandboxMode(mail.NewSetting(true)))
	}
	return sg
}

// textHTML is plain text as minimal HTML: escaped, a paragraph for each
// block between blank lines, line breaks kept.
func textHTML(text string) string {
	var b strings.Builder
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if para = strings.Trim(para, "\n"); para == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(html.EscapeString(para), "\n", "<br>\n"))
		b.WriteString("</p>\n")
	}
	return b.String()
}
