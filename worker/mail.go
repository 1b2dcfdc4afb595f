package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/mail"
	"time"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/activities/feedback"
	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/email"
	"github.com/ehc-send/ehc/register"
)

// outbox is the transport every notification goes through: a row in the
// register first, then SendGrid when an API key is set, else the log.
// Outside demonstration mode a worker with no mail service must be told to
// log letters (EHC_MAIL_LOG_ONLY): otherwise families' letters would be
// marked done and never sent.
func outbox(cfg config.Mail, demo bool, store *register.Store, logger *slog.Logger) (*activities.Outbox, error) {
	o := &activities.Outbox{Store: store, Next: &activities.LogTransport{Logger: logger}, Logger: logger}
	if cfg.SendGridAPIKey == "" {
		if !cfg.LogOnly && !demo {
			return nil, errors.New("SENDGRID_API_KEY is not set, so no letter would reach anyone: set it, or set EHC_MAIL_LOG_ONLY=true to write letters to the outbox and this log only (they show as \"logged\")")
		}
		logger.Warn("no SENDGRID_API_KEY: letters are LOGGED ONLY, to the outbox and this log; nobody receives them")
		return o, nil
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("EHC_MAIL_FROM: %w", err)
	}
	templates := make(map[letters.Template]string, len(cfg.Templates))
	for name, id := range cfg.Templates {
		templates[letters.Template(name)] = id
	}
	t, err := email.NewTransport(email.Options{APIKey: cfg.SendGridAPIKey, From: email.Address{Name: from.Name, Email: from.Address},
		BaseURL: cfg.BaseURL, EU: cfg.EU, Sandbox: cfg.Sandbox, Timeout: cfg.Timeout, Templates: templates})
	if err != nil {
		return nil, fmt.Errorf("SendGrid settings: %w", err)
	}
	o.Next = t
	return o, nil
}

// feedbackLinks signs the links family letters end with, when a feedback
// URL is set; nil asks nothing.
func feedbackLinks(cfg config.Mail) (*letters.Feedback, error) {
	if cfg.FeedbackURL == "" {
		return nil, nil
	}
	f, err := letters.NewFeedback(cfg.FeedbackURL, cfg.FeedbackKey)
	if err != nil {
		return nil, fmt.Errorf("EHC_FEEDBACK_URL, EHC_FEEDBACK_KEY: %w", err)
	}
	return f, nil
}

// serveWebhook listens for SendGrid's Event Webhook when a verification key
// is set, and for families' answers when feedback links are. The port is
// taken before the worker starts, so a clash stops it with a clear message
// rather than half-way.
func serveWebhook(cfg config.Mail, sink email.EventSink, links *letters.Feedback, answers feedback.Recorder, logger *slog.Logger) (stop func(), err error) {
	if cfg.WebhookKey == "" && links == nil {
		return func() {}, nil
	}
	mux := http.NewServeMux()
	if cfg.WebhookKey != "" {
		h, err := email.NewWebhook(cfg.WebhookKey, sink, logger)
		if err != nil {
			return nil, fmt.Errorf("EHC_SENDGRID_WEBHOOK_KEY: %w", err)
		}
		mux.Handle("/sendgrid/events", h)
	}
	if links != nil {
		mux.Handle("/feedback", feedback.Handler{Links: links, Store: answers, Logger: logger})
	}
	ln, err := net.Listen("tcp", cfg.WebhookAddr)
	if err != nil {
		return nil, fmt.Errorf("EHC_WEBHOOK_ADDR %s: %w (is another worker running?)", cfg.WebhookAddr, err)
	}
	// Families reach /feedback from the internet: no connection is held
	// open by a slow client for longer than a page takes.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("SendGrid webhook stopped", "error", err)
		}
	}()
	logger.Info("serving SendGrid's Event Webhook and feedback answers", "addr", ln.Addr().String(),
		"sendgrid_events", cfg.WebhookKey != "", "feedback", links != nil)
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}

// relayEvery is how often the worker looks for letters an operator asked
// to resend (ehc outbox resend): soon enough to watch them go.
const relayEvery = 10 * time.Second

// startRelay runs the outbox's relay until the returned stop is called.
func startRelay(o *activities.Outbox) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		o.Relay(ctx, relayEvery)
	}()
	return func() { cancel(); <-done }
}
