package activities

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"strings"
	"sync"

	"github.com/ehc-send/ehc/activities/letters"
)

// LogTransport is the Transport when no mail service is configured: it
// logs that each message would have been sent, by key, case, template and
// masked recipients, never its subject or text, which name the child and
// carry caseworkers' words (logs are kept and shared widely). The letter
// itself is in the outbox, sealed: 'ehc outbox --show KEY' prints it. Its
// letters.Delivery says Logged: nothing was sent. Use it by pointer.
//
// It is safe to retry within one process: a second Deliver with the same
// Key logs nothing and returns Duplicate. The set lives in memory, so after
// a restart a retried activity logs the message again; exactly-once across
// restarts is the PostgreSQL outbox's job (a later issue), which records the
// Key in the same transaction as the message.
type LogTransport struct {
	Logger *slog.Logger // nil means slog.Default()

	mu   sync.Mutex
	sent map[string]string // Key -> MessageID
}

// Deliver logs m once per Key.
func (t *LogTransport) Deliver(ctx context.Context, m letters.Message) (letters.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return letters.Delivery{}, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if id, ok := t.sent[m.Key]; ok {
		return letters.Delivery{Key: m.Key, MessageID: id, Duplicate: true, Logged: true}, nil
	}
	id := messageID(m.Key)
	log := t.Logger
	if log == nil {
		log = slog.Default()
	}
	// Addresses are personal data: masked. No subject, no text.
	log.InfoContext(ctx, "notification",
		"key", m.Key, "case_ref", m.CaseRef, "template", string(m.Template),
		"message_id", id, "to", maskAll(m.To), "cc", maskAll(m.Cc))
	if t.sent == nil {
		t.sent = make(map[string]string)
	}
	t.sent[m.Key] = id
	return letters.Delivery{Key: m.Key, MessageID: id, Logged: true}, nil
}

// messageID is derived from the key so that the same message has the same
// ID in every process.
func messageID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "log-" + hex.EncodeToString(sum[:8])
}

func maskAll(rs []letters.Recipient) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r.Role) + ":" + letters.MaskEmail(r.Email)
	}
	return strings.Join(out, ", ")
}
