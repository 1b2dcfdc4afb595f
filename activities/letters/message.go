package letters

import (
	"errors"
	"fmt"
	"strings"
)

// InvalidNotification is the ApplicationError type Notify fails with when the
// workflow asked for something no retry can fix, so a workflow can tell a
// bad request from a transport that is down.
const InvalidNotification = "InvalidNotification"

// Message is a notification rendered for a person to read. It carries the
// recipients' names so a mail transport can address them; the text does not.
type Message struct {
	Envelope
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"html"` // the same words, for mail clients that prefer HTML
	// AsksFeedback: the letter ends with the family-voice question
	// (Feedback.Ask), so the outbox may take answers to it.
	AsksFeedback bool `json:"asks_feedback,omitempty"`
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
