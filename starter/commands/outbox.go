package commands

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/ehc-send/ehc/codec"
	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
)

// defaultOutboxLimit is how many notifications ehc outbox shows unless told.
const defaultOutboxLimit = 50

// maxOutboxKey bounds --show's key: the longest key a workflow makes (case,
// template, advice or school, occurrence) is well under it.
const maxOutboxKey = 512

// cmdOutbox shows the notification outbox from the case register: what was
// sent, when, to whom, and what became of it. It shows recipients'
// addresses, which the caseworker may see and the logs never do; --show
// prints one letter as it was sent. Both open the register's sealed copy
// with the payload keys (EHC_CODEC_KEYS or EHC_CODEC_KEYS_FILE); without
// them only the recipients' roles show.
func cmdOutbox(ctx context.Context, e *Env, args []string) error {
	if len(args) > 0 && args[0] == "resend" {
		return cmdOutboxResend(ctx, e, args[1:]) // outbox_resend.go
	}
	fs := newFlagSet("outbox")
	caseFlag := fs.String("case", "", "only this case's notifications (case `REF`)")
	limit := fs.Int("limit", defaultOutboxLimit, "show at most `N` notifications, the newest")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	show := fs.String("show", "", "print the letter with this outbox `KEY` (as the listing shows it): recipients, subject and text")
	positional, rest := splitRef(args)
	cfg, err := e.parseConfig(fs, "outbox", rest)
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
	if err := checkOutboxKey(*show); err != nil {
		return err
	}
	if *show != "" && ref != "" {
		return usagef("--show prints one notification, by its key: give it without a case reference")
	}

	return e.onRegister(ctx, cfg, func(s *register.Store) error {
		if err := withSealer(s, cfg); err != nil {
			return err
		}
		if *show != "" {
			n, err := s.OutboxByKey(ctx, *show)
			if err != nil {
				return err
			}
			if *asJSON {
				return writeJSON(e.Stdout, n)
			}
			return printLetter(e.Stdout, n)
		}
		entries, err := s.Outbox(ctx, ref, *limit)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e.Stdout, entries)
		}
		return printOutbox(e.Stdout, entries, ref, *limit)
	})
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
		fmt.Fprintf(&b, "%s %s on %s: %s\n", e.CaseRef, e.Template, cli.LongDate(e.On), status)
		line := func(label, v string) {
			if v != "" {
				fmt.Fprintf(&b, "  %-9s %s\n", label, v)
			}
		}
		line("subject", e.Subject)
		line("to", recipients(e.Recipients, false))
		line("cc", recipients(e.Recipients, true))
		if e.Sealed {
			line("sealed", sealedNote)
		}
		attempts := "1 attempt"
		if e.Attempts != 1 {
			attempts = fmt.Sprintf("%d attempts", e.Attempts)
		}
		line("created", fmt.Sprintf("%s (%s)", e.CreatedAt.In(statute.London).Format("Mon 2 Jan 2006 15:04:05 MST"), attempts))
		line("message", e.MessageID)
		line("error", e.LastError)
		if e.MaybeSent && e.Status == register.OutboxPending && e.MaybeSentAt != nil {
			// The operator's cue not to resend by hand: the worker checks SendGrid first.
			line("unsure", "handed to the mail service at "+e.MaybeSentAt.In(statute.London).Format("15:04:05 MST")+
				" with no answer; the worker asks SendGrid whether it arrived before sending again")
		}
		if e.ResendRequestedAt != nil {
			line("resend", "asked for at "+e.ResendRequestedAt.In(statute.London).Format("Mon 2 Jan 2006 15:04:05 MST")+"; the worker sends it")
		}
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
		if r.Email == "" { // read without the keys: the role is all there is
			out = append(out, r.Role)
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

// sealedNote is what a notification read without the keys says of itself.
const sealedNote = "names, addresses, subject and text are encrypted: give the payload keys (EHC_CODEC_KEYS or EHC_CODEC_KEYS_FILE) to read them"

// withSealer gives s the payload keys, when they are configured, to open
// the notifications' sealed recipients and text with.
func withSealer(s *register.Store, cfg config.Config) error {
	if s.Sealer != nil || len(cfg.Codec.Keys) == 0 {
		return nil
	}
	pc, err := codec.New(cfg.Codec.Keys)
	if err != nil {
		return err
	}
	s.Sealer = pc
	return nil
}

// checkOutboxKey bounds --show's key; empty is no --show.
func checkOutboxKey(k string) error {
	if n := len(k); n > maxOutboxKey {
		return usagef("--show: the key is %d bytes; outbox keys are at most %d", n, maxOutboxKey)
	}
	if strings.ContainsFunc(k, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return usagef("--show: the key contains a control character; give it as the listing shows it")
	}
	return nil
}

// printLetter writes one notification whole: who it went to, its status,
// and the letter as sent.
func printLetter(w io.Writer, e register.OutboxEntry) error {
	if e.Sealed {
		return fmt.Errorf("notification %s is sealed (%s)", e.Key, sealedNote)
	}
	if err := printOutbox(w, []register.OutboxEntry{e}, e.CaseRef, 0); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\nSubject: %s\n\n%s\n", e.Subject, strings.TrimRight(e.Text, "\n"))
	return err
}
