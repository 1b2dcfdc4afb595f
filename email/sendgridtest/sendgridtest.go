// Package sendgridtest is a local HTTP server that speaks SendGrid's v3
// mail/send for tests: it accepts every message with 202 and an
// X-Message-Id, and keeps what it was sent.
package sendgridtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Mail is one accepted message as a test reads it.
type Mail struct {
	Key      string // custom_args.outbox_key
	CaseRef  string
	Template string // the first category
	To, Cc   []string
	Subject  string
}

// Server records mails; close it with t.Cleanup (New does).
type Server struct {
	URL   string
	mu    sync.Mutex
	mails []Mail
}

// New starts a server that checks the API key and records each mail.
func New(t testing.TB, apiKey string) *Server {
	s := &Server{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v3/mail/send" {
			http.Error(w, `{"errors":[{"message":"not found"}]}`, http.StatusNotFound)
			return
		}
		if r.Header.Get("Authorization") != "Bearer "+apiKey {
			http.Error(w, `{"errors":[{"message":"The provided authorization grant is invalid"}]}`, http.StatusUnauthorized)
			return
		}
		var body struct {
			Subject          string `json:"subject"`
			Personalizations []struct {
				To, Cc []struct{ Email string }
			} `json:"personalizations"`
			CustomArgs map[string]string `json:"custom_args"`
			Categories []string          `json:"categories"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || len(body.Personalizations) != 1 {
			http.Error(w, `{"errors":[{"message":"bad request"}]}`, http.StatusBadRequest)
			return
		}
		m := Mail{Key: body.CustomArgs["outbox_key"], CaseRef: body.CustomArgs["case_ref"], Subject: body.Subject}
		if len(body.Categories) > 0 {
			m.Template = body.Categories[0]
		}
		for _, a := range body.Personalizations[0].To {
			m.To = append(m.To, a.Email)
		}
		for _, a := range body.Personalizations[0].Cc {
			m.Cc = append(m.Cc, a.Email)
		}
		s.mu.Lock()
		s.mails = append(s.mails, m)
		n := len(s.mails)
		s.mu.Unlock()
		w.Header().Set("X-Message-Id", fmt.Sprintf("sg-%d", n))
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// Mails returns what was accepted, in order.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}
