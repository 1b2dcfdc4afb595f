package email

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/sendgrid/sendgrid-go/helpers/eventwebhook"

	"github.com/ehc-send/ehc/activities/letters"
)

// EventSink applies one delivery event to the notification it belongs to.
// It must be idempotent: SendGrid retries a whole batch after any failure,
// and a signed batch may be replayed within the freshness window.
type EventSink interface {
	DeliveryEvent(ctx context.Context, key, event, reason, email string) error
}

const (
	maxBody    = 1 << 20 // SendGrid posts batches of at most 768 KB
	maxAge     = 10 * time.Minute
	maxAheadBy = time.Minute // clock skew
)

type webhook struct {
	key  *ecdsa.PublicKey
	sink EventSink
	log  *slog.Logger
	now  func() time.Time
}

// NewWebhook receives SendGrid's signed Event Webhook. publicKeyBase64 is
// the verification key SendGrid shows for the webhook; a nil logger means
// slog.Default().
func NewWebhook(publicKeyBase64 string, sink EventSink, logger *slog.Logger) (http.Handler, error) {
	if sink == nil {
		return nil, errors.New("email: webhook needs an EventSink")
	}
	key, err := publicKey(publicKeyBase64)
	if err != nil {
		return nil, fmt.Errorf("email: webhook verification key: %w", err)
	}
	if logger == nil {
		logger = slog.Default()
	}
	return &webhook{key: key, sink: sink, log: logger, now: time.Now}, nil
}

// publicKey wraps the helper, which panics on a valid key that is not ECDSA.
func publicKey(b64 string) (k *ecdsa.PublicKey, err error) {
	defer func() {
		if recover() != nil {
			k, err = nil, errors.New("not an ECDSA public key")
		}
	}()
	return eventwebhook.ConvertPublicKeyBase64ToECDSA(b64)
}

// event holds the fields we use; custom args arrive as top-level fields.
type event struct {
	Event     string `json:"event"`
	Email     string `json:"email"`
	Reason    string `json:"reason"`   // bounce, dropped
	Response  string `json:"response"` // deferred, delivered
	OutboxKey string `json:"outbox_key"`
}

func (h *webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		http.Error(w, "body too large or unreadable", http.StatusRequestEntityTooLarge)
		return
	}
	sig, ts := r.Header.Get(eventwebhook.VerificationHTTPHeader), r.Header.Get(eventwebhook.TimestampHTTPHeader)
	if why := h.check(body, sig, ts); why != "" {
		h.log.WarnContext(r.Context(), "sendgrid webhook refused", "why", why, "remote", r.RemoteAddr)
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	var batch []json.RawMessage
	if err := json.Unmarshal(body, &batch); err != nil {
		http.Error(w, "not a JSON array of events", http.StatusBadRequest)
		return
	}
	applied := 0
	for _, raw := range batch {
		var e event
		// One odd event must not make SendGrid retry the batch for a day.
		if json.Unmarshal(raw, &e) != nil || e.OutboxKey == "" {
			continue
		}
		if e.Reason == "" {
			e.Reason = e.Response
		}
		if err := h.sink.DeliveryEvent(r.Context(), e.OutboxKey, e.Event, e.Reason, e.Email); err != nil {
			h.log.ErrorContext(r.Context(), "sendgrid event not applied; SendGrid will retry the batch",
				"key", e.OutboxKey, "event", e.Event, "email", letters.MaskEmail(e.Email), "error", err)
			http.Error(w, "event not applied", http.StatusInternalServerError)
			return
		}
		applied++
	}
	h.log.DebugContext(r.Context(), "sendgrid events applied", "events", len(batch), "applied", applied)
	w.WriteHeader(http.StatusOK)
}

// check says why a batch is refused, or "" if it is SendGrid's and fresh.
func (h *webhook) check(body []byte, sig, ts string) string {
	if sig == "" || ts == "" {
		return "signature or timestamp header missing"
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "timestamp not unix seconds"
	}
	// A signature never expires, so an old batch could be replayed forever.
	if age := h.now().Sub(time.Unix(sec, 0)); age > maxAge || age < -maxAheadBy {
		return "timestamp outside the accepted window"
	}
	if ok, err := eventwebhook.VerifySignature(h.key, body, sig, ts); err != nil || !ok {
		return "signature invalid"
	}
	return ""
}
