package config

import (
	"encoding/base64"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Mail is how notifications leave: SendGrid when an API key is set, the
// worker's log (through the outbox) when not.
type Mail struct {
	SendGridAPIKey string            // never logged
	From           string            // "Name <address>" or an address
	BaseURL        string            // SendGrid's API; tests point it at a local server
	EU             bool              // EU data residency
	Sandbox        bool              // SendGrid validates but does not deliver
	Timeout        time.Duration     // per HTTP request
	Templates      map[string]string // notification template -> SendGrid dynamic template ID
	WebhookKey     string            // Event Webhook verification key (base64); empty: no webhook
	WebhookAddr    string            // where the worker listens for the Event Webhook and families' feedback links
	// FeedbackURL is the public base URL of the worker's feedback page
	// (families' links go to FeedbackURL/feedback); empty: letters ask no
	// question. FeedbackKey signs the links; never logged.
	FeedbackURL string
	FeedbackKey []byte
	// LogOnly lets a worker with no mail service write letters to the
	// outbox and its log only ("logged"); without it such a worker refuses
	// to start outside demonstration mode, so no letter is silently unsent.
	LogOnly bool
}

const (
	envSendGridKey      = "SENDGRID_API_KEY"
	envMailFrom         = "EHC_MAIL_FROM"
	envSendGridBaseURL  = "EHC_SENDGRID_BASE_URL"
	envSendGridEU       = "EHC_SENDGRID_EU"
	envSendGridSandbox  = "EHC_SENDGRID_SANDBOX"
	envSendGridTimeout  = "EHC_SENDGRID_TIMEOUT"
	envSendGridTemplate = "EHC_SENDGRID_TEMPLATES"
	envWebhookKey       = "EHC_SENDGRID_WEBHOOK_KEY"
	envWebhookAddr      = "EHC_WEBHOOK_ADDR"
	envMailLogOnly      = "EHC_MAIL_LOG_ONLY"
	envFeedbackURL      = "EHC_FEEDBACK_URL"
	envFeedbackKey      = "EHC_FEEDBACK_KEY"
)

var mailSettings = []Setting{
	{envSendGridKey, "sendgrid-api-key", "", "SendGrid API `key`; without one, notifications are written to the outbox and the log only"},
	{envMailFrom, "mail-from", "SEND team <send-team@example.gov.uk>", "the `sender` of every notification, \"Name <address>\""},
	{envSendGridBaseURL, "sendgrid-base-url", "https://api.sendgrid.com", "SendGrid API base `URL`"},
	{envSendGridEU, "sendgrid-eu", "false", "send through SendGrid's EU data residency (`bool`)"},
	{envSendGridSandbox, "sendgrid-sandbox", "false", "SendGrid sandbox mode: validated, never delivered (`bool`)"},
	{envSendGridTimeout, "sendgrid-timeout", "30s", "HTTP `timeout` for each request to SendGrid (a request unanswered by then may have been accepted: the outbox checks before resending)"},
	{envSendGridTemplate, "sendgrid-templates", "", "dynamic template IDs, `template=d-id,...` (the built-in wording otherwise)"},
	{envWebhookKey, "sendgrid-webhook-key", "", "Event Webhook verification `key` (base64); set to receive delivery events"},
	{envWebhookAddr, "webhook-addr", "127.0.0.1:8089", "`host:port` the worker serves SendGrid's Event Webhook (/sendgrid/events) and families' feedback links (/feedback) on"},
	{envFeedbackURL, "feedback-url", "", "public base `URL` the worker's /feedback page is reached at (behind the authority's proxy); set, each family letter about a step done ends with one optional question, how well we kept them informed"},
	{envFeedbackKey, "feedback-key", "", "base64 `key` of at least 32 bytes that signs the feedback links (required with EHC_FEEDBACK_URL; keep it: a new key makes older letters' links fail)"},
	{envMailLogOnly, "mail-log-only", "false", "with no SENDGRID_API_KEY, write letters to the outbox and the worker's log only (`bool`); without it, such a worker refuses to start outside demo mode"},
}

func defaultMail() Mail {
	return Mail{From: "SEND team <send-team@example.gov.uk>", BaseURL: "https://api.sendgrid.com",
		Timeout: 30 * time.Second, Templates: map[string]string{}, WebhookAddr: "127.0.0.1:8089"}
}

func (r *resolver) mail() Mail {
	m := Mail{
		SendGridAPIKey: r.str(envSendGridKey),
		From:           r.str(envMailFrom),
		BaseURL:        r.str(envSendGridBaseURL),
		EU:             r.boolean(envSendGridEU),
		Sandbox:        r.boolean(envSendGridSandbox),
		Timeout:        r.timeout(envSendGridTimeout),
		Templates:      r.templates(envSendGridTemplate),
		WebhookKey:     r.str(envWebhookKey),
		WebhookAddr:    r.str(envWebhookAddr),
		LogOnly:        r.boolean(envMailLogOnly),
	}
	if a, err := mail.ParseAddress(m.From); err != nil || a.Address == "" {
		r.fail(envMailFrom, "%q is not \"Name <address>\" or an address", m.From)
	}
	if u, err := url.Parse(m.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		r.fail(envSendGridBaseURL, "%q is not an http(s) URL", m.BaseURL)
	}
	if m.FeedbackURL = r.str(envFeedbackURL); m.FeedbackURL != "" {
		if u, err := url.Parse(m.FeedbackURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			r.fail(envFeedbackURL, "%q is not an http(s) URL without a query", m.FeedbackURL)
		}
		k, err := base64.StdEncoding.DecodeString(r.str(envFeedbackKey))
		switch {
		case r.str(envFeedbackKey) == "":
			r.fail(envFeedbackKey, "missing: EHC_FEEDBACK_URL needs a key to sign the links (32 random bytes, base64: openssl rand -base64 32)")
		case err != nil:
			r.fail(envFeedbackKey, "is not base64")
		case len(k) < 32:
			r.fail(envFeedbackKey, "is %d bytes; want at least 32", len(k))
		}
		m.FeedbackKey = k
	}
	if m.FeedbackURL == "" && r.str(envFeedbackKey) != "" {
		r.fail(envFeedbackKey, "is set but EHC_FEEDBACK_URL is not: give the public URL families' links go to, or unset the key")
	}
	if m.WebhookKey != "" || m.FeedbackURL != "" {
		r.address(envWebhookAddr)
	}
	return m
}

func (r *resolver) boolean(i string) bool {
	b, err := strconv.ParseBool(r.values[i].raw)
	if err != nil {
		r.fail(i, "%q is not true or false", r.values[i].raw)
	}
	return b
}

func (r *resolver) timeout(i string) time.Duration {
	v := r.values[i].raw
	d, err := time.ParseDuration(v)
	switch {
	case err != nil:
		r.fail(i, "%q is not a duration such as 10s", v)
	case d <= 0 || d > 2*time.Minute:
		r.fail(i, "%s: must be more than 0 and at most 2m", d)
	}
	return d
}

func (r *resolver) templates(i string) map[string]string {
	v := r.values[i].raw
	out := map[string]string{}
	if v == "" {
		return out
	}
	for _, pair := range strings.Split(v, ",") {
		name, id, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok || name == "" || !strings.HasPrefix(id, "d-") {
			r.fail(i, "%q is not template=d-id", pair)
			continue
		}
		out[name] = id
	}
	return out
}
