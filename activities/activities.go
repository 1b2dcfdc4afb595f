package activities

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/register"
)

// InvalidNotification is the ApplicationError type Notify fails with when the
// workflow asked for something no retry can fix, so a workflow can tell a
// bad request from a transport that is down.
const InvalidNotification = "InvalidNotification"

// Transport delivers a rendered message. The log is the only one today; a
// SendGrid sender and a PostgreSQL outbox are later implementations (or
// wrappers) of this same interface, so the workflow never changes.
//
// Deliver must be idempotent on Message.Key: activities are retried, and a
// message delivered once must come back as Duplicate, not go out again.
// An error is retried by Temporal unless it is a non-retryable
// ApplicationError.
type Transport interface {
	Deliver(ctx context.Context, m Message) (Delivery, error)
}

// Message is a notification rendered for a person to read. It carries the
// recipients' names so a mail transport can address them; the text does not.
type Message struct {
	Envelope
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"html"` // the same words, for mail clients that prefer HTML
}

// Delivery is what the workflow learns about a sent message.
type Delivery struct {
	Key       string `json:"key"`
	MessageID string `json:"message_id,omitempty"`
	Duplicate bool   `json:"duplicate,omitempty"` // already delivered earlier
	// Logged is set when the message went to the worker's log and nowhere
	// else: no mail service is configured, so nothing was sent.
	Logged bool `json:"logged,omitempty"`
}

// Activities holds the clients the activities use; register a pointer.
type Activities struct {
	Transport Transport
	Register  Register
	Logger    *slog.Logger // nil means slog.Default()
}

func (a *Activities) logger() *slog.Logger {
	if a.Logger != nil {
		return a.Logger
	}
	return slog.Default()
}

// Notify validates, renders and delivers one notification.
func (a *Activities) Notify(ctx context.Context, n Notification) (Delivery, error) {
	defer keepAlive(ctx)()
	log := a.logger().With("key", n.Key, "case_ref", n.CaseRef, "template", string(n.Template))
	m, err := Render(n)
	if err != nil {
		log.Error("notification rejected", "error", err)
		return Delivery{}, temporal.NewNonRetryableApplicationError(err.Error(), InvalidNotification, err)
	}
	return a.deliver(ctx, n, m)
}

// deliver sends the rendered m and records it on the case.
func (a *Activities) deliver(ctx context.Context, n Notification, m Message) (Delivery, error) {
	log := a.logger().With("key", n.Key, "case_ref", n.CaseRef, "template", string(n.Template))
	if a.Transport == nil {
		// A wiring mistake, fixed by a deploy: stay retryable so the
		// notification goes out once the worker is fixed.
		return Delivery{}, errors.New("activities: no Transport configured")
	}
	d, err := a.Transport.Deliver(ctx, m)
	if err != nil {
		log.Warn("notification not delivered", "error", err)
		return Delivery{}, err
	}
	if d.Key == "" {
		d.Key = n.Key
	}
	if err := a.recordNotification(ctx, n, d); err != nil {
		// Retrying redelivers nothing: the transport knows the key.
		return Delivery{}, err
	}
	log.Info("notification delivered", "message_id", d.MessageID, "duplicate", d.Duplicate)
	return d, nil
}

// Validate reports what makes n impossible to send. It is pure, so a
// workflow may call it before scheduling Notify.
func (n Notification) Validate() error {
	if strings.TrimSpace(n.Key) == "" {
		return errors.New("notification has no key: retries could not be recognised as duplicates")
	}
	if strings.TrimSpace(n.CaseRef) == "" {
		return fmt.Errorf("notification %s has no case reference", n.Key)
	}
	if strings.ContainsFunc(n.CaseRef, isControl) {
		// It goes into a subject line; a newline there is header injection.
		return fmt.Errorf("notification %s: case reference %q contains a control character", n.Key, n.CaseRef)
	}
	if _, ok := catalogue[n.Template]; !ok {
		return fmt.Errorf("notification %s: unknown template %q", n.Key, n.Template)
	}
	if len(n.To) == 0 {
		return fmt.Errorf("notification %s (%s) has no recipient", n.Key, n.Template)
	}
	// Every recipient needs an address: dropping one silently would mean a
	// statutory notice that never reached someone.
	for _, list := range [][]Recipient{n.To, n.Cc} {
		for _, r := range list {
			if err := checkDeliverable(r.Email); err != nil {
				return fmt.Errorf("notification %s (%s): %s recipient: %w", n.Key, n.Template, r.Role, err)
			}
		}
	}
	if missing := catalogue[n.Template].missing(n); len(missing) > 0 {
		return fmt.Errorf("notification %s: template %s needs %s", n.Key, n.Template, strings.Join(missing, ", "))
	}
	return nil
}

// MaxEmail is the longest email address taken, in characters: RFC 5321's
// 254, the most a mail server takes in a forward path.
const MaxEmail = 254

// ErrEmailDomain is what CheckEmail's error wraps when an address is
// well-formed but its domain is not one mail could be delivered to (a@b).
var ErrEmailDomain = errors.New("no real domain: want a dot in the domain and a top-level domain of 2 or more letters, like name@example.org")

// CheckEmail rejects anything but a bare address with a real domain, so a
// step naming a recipient can be refused before a notice to them is lost.
func CheckEmail(s string) error {
	if s == "" {
		return errors.New("no email address")
	}
	if n := utf8.RuneCountInString(s); n > MaxEmail {
		return fmt.Errorf("email address is %d characters; the limit is %d", n, MaxEmail)
	}
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return fmt.Errorf("email address %q is not a bare address", MaskEmail(s))
	}
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
		return fmt.Errorf("email address %q is not a bare address", MaskEmail(s))
	}
	if !register.RealEmailDomain(s[strings.LastIndexByte(s, '@')+1:]) {
		return fmt.Errorf("email address %q has %w", MaskEmail(s), ErrEmailDomain)
	}
	return nil
}

// checkDeliverable is the rule at delivery: a bare address. It is looser
// than CheckEmail, which judges what a person types, so a case begun under
// an older rule still has its letters sent.
func checkDeliverable(s string) error {
	if s == "" {
		return errors.New("no email address")
	}
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
		return fmt.Errorf("email address %q is not a bare address", MaskEmail(s))
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
