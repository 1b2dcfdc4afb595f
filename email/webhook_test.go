package email

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sendgrid/sendgrid-go/helpers/eventwebhook"
)

type call struct{ key, event, reason, email string }

type sink struct {
	mu    sync.Mutex
	calls []call
	err   error
}

func (s *sink) DeliveryEvent(_ context.Context, key, event, reason, email string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	s.calls = append(s.calls, call{key, event, reason, email})
	return nil
}

func newKey(t *testing.T) (*ecdsa.PrivateKey, string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return k, base64.StdEncoding.EncodeToString(der)
}

// sign is what SendGrid does: ECDSA over SHA-256 of timestamp then
// payload, the ASN.1 signature in base64.
func sign(t *testing.T, k *ecdsa.PrivateKey, ts string, payload []byte) string {
	t.Helper()
	h := sha256.Sum256(append([]byte(ts), payload...))
	sig, err := ecdsa.SignASN1(rand.Reader, k, h[:])
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

// batch is a SendGrid event batch; the custom args are top-level fields.
var batch = []byte(`[
 {"email":"family@example.org","timestamp":1772450000,"event":"delivered","response":"250 OK","sg_event_id":"e1","sg_message_id":"msg-1.filter","category":["family.final_plan"],"outbox_key":"EHC-1/family.final_plan/1","case_ref":"EHC-1"},
 {"email":"old@example.org","timestamp":1772450001,"event":"bounce","type":"bounce","status":"5.1.1","reason":"550 5.1.1 mailbox unavailable","sg_event_id":"e2","outbox_key":"EHC-1/adviser.request/1","case_ref":"EHC-1"},
 {"email":"gone@example.org","timestamp":1772450002,"event":"dropped","reason":"Bounced Address","sg_event_id":"e3","category":"adviser.reminder","outbox_key":"EHC-2/adviser.reminder/1","case_ref":"EHC-2"},
 {"email":"someone@example.org","timestamp":1772450003,"event":"processed","sg_event_id":"e4"}
]`)

var wantCalls = []call{
	{"EHC-1/family.final_plan/1", "delivered", "250 OK", "family@example.org"},
	{"EHC-1/adviser.request/1", "bounce", "550 5.1.1 mailbox unavailable", "old@example.org"},
	{"EHC-2/adviser.reminder/1", "dropped", "Bounced Address", "gone@example.org"},
}

func post(h http.Handler, payload []byte, sig, ts string) int {
	r := httptest.NewRequest(http.MethodPost, "/sendgrid/events", bytes.NewReader(payload))
	if sig != "" {
		r.Header.Set(eventwebhook.VerificationHTTPHeader, sig)
	}
	if ts != "" {
		r.Header.Set(eventwebhook.TimestampHTTPHeader, ts)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code
}

func TestWebhook(t *testing.T) {
	key, pub := newKey(t)
	other, _ := newKey(t)
	now := strconv.FormatInt(time.Now().Unix(), 10)
	at := func(d time.Duration) string { return strconv.FormatInt(time.Now().Add(d).Unix(), 10) }
	tampered := bytes.Replace(batch, []byte("bounce"), []byte("delivered"), 1)

	cases := []struct {
		name        string
		payload     []byte
		sig, ts     string
		sinkErr     error
		want        int
		wantApplied bool
	}{
		{"signed batch", batch, sign(t, key, now, batch), now, nil, 200, true},
		{"signed by another key", batch, sign(t, other, now, batch), now, nil, 403, false},
		{"payload tampered", tampered, sign(t, key, now, batch), now, nil, 403, false},
		{"timestamp tampered", batch, sign(t, key, now, batch), at(-5 * time.Second), nil, 403, false},
		{"signature not base64", batch, "%%%", now, nil, 403, false},
		{"no signature", batch, "", now, nil, 403, false},
		{"no timestamp", batch, sign(t, key, now, batch), "", nil, 403, false},
		{"stale", batch, sign(t, key, at(-11*time.Minute), batch), at(-11 * time.Minute), nil, 403, false},
		{"from the future", batch, sign(t, key, at(2*time.Minute), batch), at(2 * time.Minute), nil, 403, false},
		{"sink fails", batch, sign(t, key, now, batch), now, errors.New("database down"), 500, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			s := &sink{err: tc.sinkErr}
			h, err := NewWebhook(pub, s, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
			if err != nil {
				t.Fatal(err)
			}
			if got := post(h, tc.payload, tc.sig, tc.ts); got != tc.want {
				t.Errorf("status %d, want %d", got, tc.want)
			}
			if applied := slices.Equal(s.calls, wantCalls); applied != tc.wantApplied || !tc.wantApplied && len(s.calls) > 0 {
				t.Errorf("sink got %+v", s.calls)
			}
			for _, c := range wantCalls {
				if strings.Contains(logs.String(), c.email) {
					t.Errorf("log reveals %s:\n%s", c.email, logs.String())
				}
			}
		})
	}
}

func TestWebhookRefusesOtherMethodsAndHugeBodies(t *testing.T) {
	key, pub := newKey(t)
	s := &sink{}
	h, err := NewWebhook(pub, s, quiet)
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/sendgrid/events", nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", w.Code)
	}
	huge := []byte("[" + strings.Repeat(`{"event":"open"},`, 70000) + `{}]`)
	now := strconv.FormatInt(time.Now().Unix(), 10)
	if code := post(h, huge, sign(t, key, now, huge), now); code != http.StatusRequestEntityTooLarge {
		t.Errorf("%d-byte batch: %d", len(huge), code)
	}
	if len(s.calls) > 0 {
		t.Errorf("sink got %+v", s.calls)
	}
}

func TestNewWebhookRejectsBadKeys(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	for name, k := range map[string]string{
		"empty": "", "not base64": "not-a-key!", "not DER": base64.StdEncoding.EncodeToString([]byte("hello")),
		"RSA, not ECDSA": base64.StdEncoding.EncodeToString(der),
	} {
		if _, err := NewWebhook(k, &sink{}, nil); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	_, pub := newKey(t)
	if _, err := NewWebhook(pub, nil, nil); err == nil {
		t.Error("nil sink accepted")
	}
}
