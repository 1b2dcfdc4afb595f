package sendgridtest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const key = "SG.fake"

func post(t *testing.T, s *Server, outboxKey string, timeout time.Duration) (int, error) {
	t.Helper()
	body := `{"subject":"s","personalizations":[{"to":[{"email":"a@example.org"}]}],"custom_args":{"outbox_key":"` +
		outboxKey + `","case_ref":"C-1"},"categories":["t"]}`
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/v3/mail/send", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

func feed(t *testing.T, s *Server, outboxKey string) (int, []string) {
	t.Helper()
	q := url.Values{"query": {`unique_args['outbox_key']="` + outboxKey + `"`}, "limit": {"10"}}
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/v3/messages?"+q.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out struct {
		Messages []struct {
			MsgID string `json:"msg_id"`
		} `json:"messages"`
	}
	json.Unmarshal(b, &out)
	var ids []string
	for _, m := range out.Messages {
		ids = append(ids, m.MsgID)
	}
	return resp.StatusCode, ids
}

func TestFaultsSayWhetherTheMailWasAccepted(t *testing.T) {
	s, err := Start(key)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	if c, err := post(t, s, "k-ok", time.Second); err != nil || c != http.StatusAccepted {
		t.Fatalf("normal: %d %v", c, err)
	}
	s.SetFault(Fault{Status: http.StatusUnauthorized})
	if c, err := post(t, s, "k-401", time.Second); err != nil || c != http.StatusUnauthorized {
		t.Fatalf("401: %d %v", c, err)
	}
	s.SetFault(Fault{Delay: 300 * time.Millisecond})
	if _, err := post(t, s, "k-slow", 100*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("delay: %v, want the client to time out", err)
	}
	s.SetFault(Fault{Hang: true})
	if _, err := post(t, s, "k-hang", 100*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("hang: %v, want the client to time out", err)
	}
	s.SetFault(Fault{Drop: true})
	if _, err := post(t, s, "k-drop", time.Second); err == nil {
		t.Fatal("drop: no error")
	}
	s.SetFault(Fault{})
	if c, err := post(t, s, "k-ok", time.Second); err != nil || c != http.StatusAccepted {
		t.Fatalf("normal again: %d %v", c, err)
	}

	for k, want := range map[string]int{"k-ok": 2, "k-401": 0, "k-slow": 1, "k-hang": 0, "k-drop": 1} {
		if got := s.Accepted(k); got != want {
			t.Errorf("Accepted(%s) = %d, want %d", k, got, want)
		}
	}
	if d := s.Duplicates(); d != 1 {
		t.Errorf("Duplicates = %d, want 1", d)
	}
	if c, ids := feed(t, s, "k-slow"); c != http.StatusOK || len(ids) != 1 || !strings.HasPrefix(ids[0], "sg-2.") {
		t.Errorf("feed k-slow: %d %v", c, ids)
	}
	if _, ids := feed(t, s, "k-hang"); len(ids) != 0 {
		t.Errorf("feed k-hang: %v, want nothing", ids)
	}
	s.SetActivityFeed(true, time.Hour)
	if _, ids := feed(t, s, "k-slow"); len(ids) != 0 {
		t.Errorf("feed with lag: %v, want nothing yet", ids)
	}
	s.SetActivityFeed(false, 0)
	if c, _ := feed(t, s, "k-slow"); c != http.StatusForbidden {
		t.Errorf("feed without the add-on: %d, want 403", c)
	}
}

func TestCloseEndsAHungRequest(t *testing.T) {
	s, err := Start(key)
	if err != nil {
		t.Fatal(err)
	}
	s.SetFault(Fault{Hang: true})
	go post(t, s, "k", time.Minute)
	time.Sleep(100 * time.Millisecond)
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("Close blocked on a hung request")
	}
}

// The Transport asks about several keys at once, bounded by time.
func TestFeedAnswersSeveralKeysAtOnce(t *testing.T) {
	s := New(t, key)
	for _, k := range []string{"k-1", "k-2", "k-3"} {
		if c, err := post(t, s, k, time.Second); err != nil || c != http.StatusAccepted {
			t.Fatalf("post %s: %d %v", k, c, err)
		}
	}
	now := time.Now().UTC()
	q := url.Values{"query": {`unique_args['outbox_key'] IN ("k-1","k-3","k-none") AND last_event_time BETWEEN TIMESTAMP "` +
		now.Add(-time.Minute).Format(time.RFC3339) + `" AND TIMESTAMP "` + now.Add(time.Minute).Format(time.RFC3339) + `"`}, "limit": {"1000"}}
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/v3/messages?"+q.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Messages []struct {
			MsgID string `json:"msg_id"`
		} `json:"messages"`
	}
	json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != http.StatusOK || len(out.Messages) != 2 ||
		!strings.HasPrefix(out.Messages[0].MsgID, "sg-1.") || !strings.HasPrefix(out.Messages[1].MsgID, "sg-3.") {
		t.Errorf("IN query: %d %+v, want sg-1 and sg-3", resp.StatusCode, out.Messages)
	}
}
