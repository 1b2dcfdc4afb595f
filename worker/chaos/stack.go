package main

import (
	"fmt"
	"net/url"

	"go.temporal.io/sdk/testsuite"

	"github.com/ehc-send/ehc/codec"
	runstack "github.com/ehc-send/ehc/worker/internal/stack"
)

// stack is what the run starts for itself and stops at the end.
type stack struct {
	dir       string // binaries and logs
	temporal  *testsuite.DevServer
	address   string // the dev server's frontend
	adminURL  string // the register database, direct (the tally reads it)
	workerURL string // the same database through the fault proxy
	dbName    string
	queue     string
	keyLine   string // the payload key, id=base64
	apiKey    string // the fake SendGrid's
	mailURL   string
}

// withHost is dbURL with its host and port replaced by hostPort.
func withHost(dbURL, hostPort string) string {
	u, _ := url.Parse(dbURL)
	u.Host = hostPort
	return u.String()
}

// env is the environment the stack's processes run with: this process's,
// less every setting of ours, plus the stack's own.
func (s *stack) env(extra ...string) []string {
	env := runstack.Env("TEMPORAL_ADDRESS="+s.address, "EHC_TASK_QUEUE="+s.queue, "EHC_CODEC_KEYS="+s.keyLine)
	return append(env, extra...)
}

// workerEnv points the worker at the fault proxy and the fake SendGrid.
func (s *stack) workerEnv() []string {
	return s.env("DATABASE_URL="+s.workerURL, "SENDGRID_API_KEY="+s.apiKey, "EHC_SENDGRID_BASE_URL="+s.mailURL,
		"EHC_MAIL_FROM=SEND team <send-team@la.example.gov.uk>", "EHC_LOG_LEVEL=info")
}

// payloadKey makes the run's payload key, so payloads are encrypted as in
// production: a fresh key, or, when recording fixtures, the committed test
// key (the replay test decodes the encrypted fixture with it).
func (s *stack) payloadKey(testKey bool) (c *codec.Codec, err error) {
	if testKey {
		if s.keyLine, c, err = runstack.PayloadKeyFile(testKeyFile); err != nil {
			return nil, fmt.Errorf("-record needs the test key %s: %w", testKeyFile, err)
		}
		return c, nil
	}
	s.keyLine, c, err = runstack.NewPayloadKey("chaos")
	return c, err
}
