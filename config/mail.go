package config

import (
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
	WebhookAddr    string            // where the worker listens for the Event Webhook
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
	{envWebhookAddr, "webhook-addr", "127.0.0.1:8089", "`host:port` the worker serves SendGrid's Event Webhook on (/sendgrid/events)"},
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
	if m.WebhookKey != "" {
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
