package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/statute"
)

// defaultOutboxLimit is how many notifications ehc outbox shows unless told.
const defaultOutboxLimit = 50

// cmdOutbox shows the notification outbox from the case register: what was
// sent, when, to whom, and what became of it. It shows recipients'
// addresses, which the caseworker may see and the logs never do.
func cmdOutbox(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("outbox")
	caseFlag := fs.String("case", "", "only this case's notifications (case `REF`)")
	limit := fs.Int("limit", defaultOutboxLimit, "show at most `N` notifications, the newest")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	positional, rest := splitRef(args)
	cfg, err := parseConfig(fs, "outbox", rest, stderr)
	if err != nil {
		return err
	}
	extra := fs.Args()
	if positional == "" && len(extra) > 0 {
		positional, extra = extra[0], extra[1:]
	}
	if len(extra) > 0 {
		return usagef("unexpected argument %q", extra[0])
	}
	ref := *caseFlag
	if positional != "" {
		if ref != "" && ref != positional {
			return usagef("case reference given twice: %q and --case %q", positional, ref)
		}
		ref = positional
	}
	if ref != "" {
		if err := checkCaseRef(ref); err != nil {
			return err
		}
	}
	if *limit < 1 {
		return usagef("--limit %d: give a number of notifications, 1 or more", *limit)
	}

	s, err := openRegister(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	entries, err := s.Outbox(ctx, ref, *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, entries)
	}
	return printOutbox(stdout, entries, ref, *limit)
}

// outboxStatuses say in words what became of a notification.
var outboxStatuses = map[string]string{
	register.OutboxPending:   "pending: not yet accepted by the mail service",
	register.OutboxSent:      "sent: accepted by the mail service, delivery not yet reported",
	register.OutboxLogged:    "logged (no mail service configured)",
	register.OutboxDelivered: "delivered",
	register.OutboxBounced:   "BOUNCED: refused by the recipient's mail server",
	register.OutboxDropped:   "DROPPED: the mail service would not send it",
	register.OutboxFailed:    "FAILED: refused by the mail service, not sent",
}

// printOutbox writes one block per notification, newest first.
func printOutbox(w io.Writer, es []register.OutboxEntry, ref string, limit int) error {
	if len(es) == 0 {
		if ref != "" {
			_, err := fmt.Fprintf(w, "No notifications for case %s in the outbox.\n", ref)
			return err
		}
		_, err := fmt.Fprintln(w, "No notifications in the outbox.")
		return err
	}
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteString("\n")
		}
		status, ok := outboxStatuses[e.Status]
		if !ok {
			status = e.Status
		}
		fmt.Fprintf(&b, "%s %s on %s: %s\n", e.CaseRef, e.Template, longDate(e.On), status)
		line := func(label, v string) {
			if v != "" {
				fmt.Fprintf(&b, "  %-9s %s\n", label, v)
			}
		}
		line("subject", e.Subject)
		line("to", recipients(e.Recipients, false))
		line("cc", recipients(e.Recipients, true))
		attempts := "1 attempt"
		if e.Attempts != 1 {
			attempts = fmt.Sprintf("%d attempts", e.Attempts)
		}
		line("created", fmt.Sprintf("%s (%s)", e.CreatedAt.In(statute.London).Format("Mon 2 Jan 2006 15:04:05 MST"), attempts))
		line("message", e.MessageID)
		line("error", e.LastError)
		line("key", e.Key)
	}
	if len(es) == limit {
		fmt.Fprintf(&b, "\nThe newest %d shown; --limit shows more.\n", limit)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// recipients lists the addressed (or the copied) recipients: "family: Sam
// Parent <sam@example.org>, adviser: <ep@example.org>".
func recipients(rs []register.OutboxRecipient, cc bool) string {
	var out []string
	for _, r := range rs {
		if r.Cc != cc {
			continue
		}
		who := r.Role + ":"
		if r.Name != "" {
			who += " " + r.Name
		}
		out = append(out, who+" <"+r.Email+">")
	}
	return strings.Join(out, ", ")
}
