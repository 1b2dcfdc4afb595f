// Package sendgridtest is a local HTTP server that speaks SendGrid's v3
// mail/send and the Email Activity API's GET /v3/messages, for tests and
// for the chaos command: it accepts every message with 202 and an
// X-Message-Id, keeps what it was sent, and can be told to misbehave.
package sendgridtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Mail is one accepted message as a test reads it.
type Mail struct {
	Key       string // custom_args.outbox_key
	CaseRef   string
	Template  string // the first category
	To, Cc    []string
	Subject   string
	MessageID string    // the X-Message-Id it was given
	At        time.Time // when it was accepted
	// Text and HTML are the text/plain and text/html contents; with a
	// dynamic template, TemplateID and the template data it was given.
	Text, HTML   string
	TemplateID   string
	TemplateData map[string]string
}

// Fault makes mail/send misbehave; the zero Fault is normal service. At
// most one of Status, Hang and Drop should be set; Delay combines with
// none of them.
type Fault struct {
	// Delay: the mail IS accepted (counted by Accepted, findable in the
	// activity feed) as soon as the request is read, and the 202 comes
	// after Delay, or never if the client gives up first. This is SendGrid
	// answering after the client's timeout: a retry sends it twice.
	Delay time.Duration
	// Status (429, 500, 401, 403, ...): answered at once with SendGrid's
	// error JSON; the mail is NOT accepted. A 429 carries X-RateLimit-Reset
	// one second ahead.
	Status int
	// Hang: the request is read, the mail is NOT accepted, and no answer
	// comes until the client gives up (or the server closes).
	Hang bool
	// Drop: the mail IS accepted, then the connection is closed with no
	// answer: the client sees a broken connection after writing its request.
	Drop bool
	// NoMessageID: the mail IS accepted and answered 202 without an
	// X-Message-Id. (A Status of 200 or 204 answers that, the mail NOT
	// accepted.)
	NoMessageID bool
}

// Server records mails. Make one with Start (close it with Close) or New.
type Server struct {
	URL string

	srv  *httptest.Server
	done chan struct{} // closed by Close, so hung handlers return

	mu       sync.Mutex
	fault    Fault
	mails    []Mail
	accepted map[string]int
	feed     bool          // whether the account has the Email Activity add-on
	lag      time.Duration // how long after acceptance a mail shows in the feed
	queries  int
	// The feed's rate limit: at most feedLimit queries in each minute
	// starting at windowStart; over it, 429 (SendGrid's 6 a minute).
	feedLimit   int
	windowStart time.Time
	inWindow    int
	limited     int
}

// New starts a server for a test and closes it when the test ends.
func New(t testing.TB, apiKey string) *Server {
	t.Helper()
	s, err := Start(apiKey)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a server on a free loopback port that checks the API key.
// The activity feed is on with no lag, and answers at most 6 queries a
// minute as SendGrid's does; see SetActivityFeed and SetActivityRateLimit.
func Start(apiKey string) (*Server, error) {
	if apiKey == "" {
		return nil, errors.New("sendgridtest: empty API key")
	}
	s := &Server{done: make(chan struct{}), accepted: map[string]int{}, feed: true, feedLimit: DefaultActivityRateLimit}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v3/mail/send", s.send)
	mux.HandleFunc("GET /v3/messages", s.messages)
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+apiKey {
			sgError(w, http.StatusUnauthorized, "The provided authorization grant is invalid, expired, or revoked")
			return
		}
		if _, pattern := mux.Handler(r); pattern == "" {
			sgError(w, http.StatusNotFound, "not found")
			return
		}
		mux.ServeHTTP(w, r)
	}))
	s.URL = s.srv.URL
	return s, nil
}

// Close stops the server, ending any request held by Delay or Hang.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.done:
		s.mu.Unlock()
		return
	default:
		close(s.done)
	}
	s.mu.Unlock()
	s.srv.Close()
}

// SetFault changes how later requests to mail/send are answered.
func (s *Server) SetFault(f Fault) {
	s.mu.Lock()
	s.fault = f
	s.mu.Unlock()
}

// SetActivityFeed says whether GET /v3/messages works (an account without
// the Email Activity add-on is answered 403) and how long an accepted mail
// takes to appear in it.
func (s *Server) SetActivityFeed(on bool, lag time.Duration) {
	s.mu.Lock()
	s.feed, s.lag = on, lag
	s.mu.Unlock()
}

// DefaultActivityRateLimit is the Email Activity API's limit: 6 queries a
// minute per account.
const DefaultActivityRateLimit = 6

// SetActivityRateLimit sets how many activity-feed queries a minute are
// answered before 429 with X-RateLimit-Reset; 0 or less removes the limit.
func (s *Server) SetActivityRateLimit(perMinute int) {
	s.mu.Lock()
	s.feedLimit = perMinute
	s.mu.Unlock()
}

// RateLimited is how many activity-feed queries were answered 429.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limited
}

// Mails returns what was accepted, in order, duplicates included.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// Accepted is how many times a mail with this outbox key was accepted.
func (s *Server) Accepted(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted[key]
}

// Duplicates is how many accepted mails repeated an outbox key already
// accepted: the "letters sent twice" count.
func (s *Server) Duplicates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.accepted {
		n += c - 1
	}
	return n
}

// Queries is how many activity-feed requests were answered, 429s included.
func (s *Server) Queries() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queries
}

func sgError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]string{{"message": msg}}})
}

func (s *Server) send(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Subject          string `json:"subject"`
		Personalizations []struct {
			To, Cc       []struct{ Email string }
			TemplateData map[string]any `json:"dynamic_template_data"`
		} `json:"personalizations"`
		CustomArgs map[string]string `json:"custom_args"`
		Categories []string          `json:"categories"`
		Content    []struct{ Type, Value string }
		TemplateID string `json:"template_id"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || len(body.Personalizations) != 1 {
		sgError(w, http.StatusBadRequest, "bad request")
		return
	}
	s.mu.Lock()
	f := s.fault
	s.mu.Unlock()
	switch {
	case f.Status != 0:
		if f.Status == http.StatusTooManyRequests {
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Second).Unix(), 10))
		}
		sgError(w, f.Status, http.StatusText(f.Status))
		return
	case f.Hang:
		s.wait(r, -1)
		return
	}

	m := Mail{Key: body.CustomArgs["outbox_key"], CaseRef: body.CustomArgs["case_ref"], Subject: body.Subject, At: time.Now(),
		TemplateID: body.TemplateID}
	for _, c := range body.Content {
		switch c.Type {
		case "text/plain":
			m.Text = c.Value
		case "text/html":
			m.HTML = c.Value
		}
	}
	if d := body.Personalizations[0].TemplateData; d != nil {
		m.TemplateData = map[string]string{}
		for k, v := range d {
			m.TemplateData[k] = fmt.Sprint(v)
		}
	}
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
	m.MessageID = fmt.Sprintf("sg-%d", len(s.mails)+1)
	s.mails = append(s.mails, m)
	s.accepted[m.Key]++
	s.mu.Unlock()

	if f.Drop {
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				if tc, ok := c.(*net.TCPConn); ok {
					tc.SetLinger(0) // a reset, as a broken network gives
				}
				c.Close()
				return
			}
		}
	}
	if f.Delay > 0 && !s.wait(r, f.Delay) {
		return
	}
	if !f.NoMessageID {
		w.Header().Set("X-Message-Id", m.MessageID)
	}
	w.WriteHeader(http.StatusAccepted)
}

// wait holds a request for d (forever if d < 0) or until the client gives
// up or the server closes; it reports whether d elapsed.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	var after <-chan time.Time
	if d >= 0 {
		after = time.After(d)
	}
	select {
	case <-after:
		return true
	case <-r.Context().Done():
	case <-s.done:
	}
	return false
}

// The Email Activity query language as the Transport writes it:
// unique_args['name']="value" finds messages by a custom arg (SendGrid's
// docs: query={query_type}="{content}"), or unique_args['name'] IN ("v1",
// "v2",…) by any of several values, optionally AND last_event_time BETWEEN
// TIMESTAMP "t1" AND TIMESTAMP "t2" (RFC 3339). Anything else is answered
// 400, so a client writing another query fails here.
var feedQuery = regexp.MustCompile(`^unique_args\['([A-Za-z0-9_]+)'\](?:="([^"]*)"| IN \(("[^"]*"(?:, ?"[^"]*")*)\))` +
	`(?: AND last_event_time BETWEEN TIMESTAMP "([^"]+)" AND TIMESTAMP "([^"]+)")?$`)

// feedValues are the values a matched feedQuery looks for.
func feedValues(q []string) map[string]bool {
	if q[3] == "" {
		return map[string]bool{q[2]: true}
	}
	vs := map[string]bool{}
	for _, v := range strings.Split(q[3], ",") {
		vs[strings.Trim(strings.TrimSpace(v), `"`)] = true
	}
	return vs
}

type activity struct {
	FromEmail     string `json:"from_email"`
	MsgID         string `json:"msg_id"`
	Subject       string `json:"subject"`
	ToEmail       string `json:"to_email"`
	Status        string `json:"status"`
	OpensCount    int    `json:"opens_count"`
	ClicksCount   int    `json:"clicks_count"`
	LastEventTime string `json:"last_event_time"`
}

// messages answers GET /v3/messages?query=unique_args['outbox_key']="K"&limit=N
// (or IN (…), as feedQuery).
func (s *Server) messages(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	feed, lag := s.feed, s.lag
	s.mu.Unlock()
	if !feed {
		sgError(w, http.StatusForbidden, "access forbidden")
		return
	}
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit < 1 || limit > 1000 {
		sgError(w, http.StatusBadRequest, "limit must be 1 to 1000")
		return
	}
	q := feedQuery.FindStringSubmatch(r.URL.Query().Get("query"))
	var from, to time.Time
	if q != nil && q[4] != "" {
		var err1, err2 error
		from, err1 = time.Parse(time.RFC3339, q[4])
		to, err2 = time.Parse(time.RFC3339, q[5])
		if err1 != nil || err2 != nil {
			q = nil
		}
	}
	if q == nil {
		sgError(w, http.StatusBadRequest, "invalid query")
		return
	}
	out := []activity{}
	values := feedValues(q)
	now := time.Now()
	s.mu.Lock()
	s.queries++
	if s.feedLimit > 0 {
		if now.Sub(s.windowStart) >= time.Minute {
			s.windowStart, s.inWindow = now, 0
		}
		if s.inWindow >= s.feedLimit {
			s.limited++
			reset := s.windowStart.Add(time.Minute)
			s.mu.Unlock()
			w.Header().Set("X-RateLimit-Limit", strconv.Itoa(s.feedLimit))
			w.Header().Set("X-RateLimit-Remaining", "0")
			// Rounded up: the client must not come back before the window ends.
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset.Add(time.Second-1).Unix(), 10))
			sgError(w, http.StatusTooManyRequests, "too many requests")
			return
		}
		s.inWindow++
	}
	for _, m := range s.mails {
		arg := map[string]string{"outbox_key": m.Key, "case_ref": m.CaseRef}[q[1]]
		if !values[arg] || now.Sub(m.At) < lag || len(out) == limit {
			continue
		}
		// Each recipient's copy is a message of its own in the feed.
		for i, addr := range append(append([]string{}, m.To...), m.Cc...) {
			// Its last event, the delivery, is taken to be when it was accepted.
			at := m.At.UTC().Truncate(time.Second)
			if len(out) == limit || !from.IsZero() && (at.Before(from) || at.After(to)) {
				continue
			}
			// A feed msg_id is the X-Message-Id with SendGrid's filter suffix.
			out = append(out, activity{MsgID: fmt.Sprintf("%s.filterdrecv-fake-1.%d", m.MessageID, i), Subject: m.Subject,
				ToEmail: addr, Status: "delivered", LastEventTime: at.Format(time.RFC3339)})
		}
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"messages": out})
}
