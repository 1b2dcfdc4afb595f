// Package flowtest is what the processes' workflow tests share: a mail
// service that keeps what the real CommitStep activity rendered and sent,
// so a test asserts the letters a family or caseworker would receive.
package flowtest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/activities/letters"
)

// Mail is a Transport that keeps every message delivered.
type Mail struct {
	mu   sync.Mutex
	Msgs []letters.Message // in the order delivered; read under no lock once the test's workflow has ended
	keys map[string]int
	// Refuse fails every delivery of a template for good, as a mail
	// service that will never take it does.
	Refuse letters.Template
	// Slow holds every delivery of a template for a moment, as a mail
	// service under load does; a delivery cancelled meanwhile is not sent.
	Slow letters.Template
}

// Deliver keeps m, or refuses or delays it as set.
func (r *Mail) Deliver(ctx context.Context, m letters.Message) (letters.Delivery, error) {
	if m.Template == r.Slow {
		select {
		case <-ctx.Done():
			return letters.Delivery{}, ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if m.Template == r.Refuse {
		return letters.Delivery{}, temporal.NewNonRetryableApplicationError("the mail service refused the message for "+letters.MaskEmail(m.To[0].Email), "Refused", nil)
	}
	if r.keys == nil {
		r.keys = map[string]int{}
	}
	r.keys[m.Key]++
	r.Msgs = append(r.Msgs, m)
	return letters.Delivery{Key: m.Key}, nil
}

// Lines renders each message as "date template role[,role]" in send order.
func (r *Mail) Lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, m := range r.Msgs {
		var roles []string
		for _, p := range append(append([]letters.Recipient{}, m.To...), m.Cc...) {
			roles = append(roles, string(p.Role))
		}
		out = append(out, fmt.Sprintf("%s %s %s", m.On, m.Template, strings.Join(roles, ",")))
	}
	return out
}

// Sorted is Lines by date, then template: the letters of one step go at
// once, in no fixed order.
func (r *Mail) Sorted() []string {
	out := r.Lines()
	sort.Strings(out)
	return out
}

// Find is every message of a template.
func (r *Mail) Find(tmpl letters.Template) []letters.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []letters.Message
	for _, m := range r.Msgs {
		if m.Template == tmpl {
			out = append(out, m)
		}
	}
	return out
}

// Twice is every key delivered more than once.
func (r *Mail) Twice() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for k, n := range r.keys {
		if n > 1 {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
