package main

import (
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/config"
)

// No key, no silent success: outside demo mode a worker with no mail
// service starts only when told to log letters.
func TestWorkerWithNoMailServiceMustBeToldToLog(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	mail := config.Default().Mail
	if _, err := outbox(mail, false, nil, logger); err == nil || !strings.Contains(err.Error(), "EHC_MAIL_LOG_ONLY=true") {
		t.Errorf("no key, not demo: %v; want a refusal naming EHC_MAIL_LOG_ONLY", err)
	}
	for name, c := range map[string]struct {
		logOnly, demo bool
	}{"log only": {true, false}, "demo": {false, true}} {
		mail.LogOnly = c.logOnly
		o, err := outbox(mail, c.demo, nil, logger)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, ok := o.Next.(*activities.LogTransport); !ok {
			t.Errorf("%s: transport %T; want the log", name, o.Next)
		}
	}
}
