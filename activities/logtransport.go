package activities

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"strings"
	"sync"
	"unicode/utf8"
)

// LogTransport is the Transport when no mail service is configured: it
// logs that each message would have been sent, by key, case, template and
// masked recipients, never its subject or text, which name the child and
// carry caseworkers' words (logs are kept and shared widely). The letter
// itself is in the outbox, sealed: 'ehc outbox --show KEY' prints it. Its
// Delivery says Logged: nothing was sent. Use it by pointer.
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
func (t *LogTransport) Deliver(ctx context.Context, m Message) (Delivery, error) {
	if err := ctx.Err(); err != nil {
		return Delivery{}, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if id, ok := t.sent[m.Key]; ok {
		return Delivery{Key: m.Key, MessageID: id, Duplicate: true, Logged: true}, nil
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
	return Delivery{Key: m.Key, MessageID: id, Logged: true}, nil
}

// messageID is derived from the key so that the same message has the same
// ID in every process.
func messageID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "log-" + hex.EncodeToString(sum[:8])
}

func maskAll(rs []Recipient) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r.Role) + ":" + MaskEmail(r.Email)
	}
	return strings.Join(out, ", ")
}

// MaskEmail keeps the first character of the local part and the domain:
// "family@example.org" becomes "f***@example.org".
func MaskEmail(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at <= 0 {
		return "***"
	}
	r, _ := utf8.DecodeRuneInString(email)
	return string(r) + "***" + email[at:]
}
