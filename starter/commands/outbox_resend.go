package commands

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/ehc-send/ehc/register"
)

// maxResendKey bounds --key: the longest key a workflow makes (case,
// template, advice or school, occurrence) is well under it.
const maxResendKey = 512

// cmdOutboxResend puts notifications back for the worker to send: by key,
// by case or by status (pending or failed), exactly one. It is for what an
// operator decides to resend after a fault (a refused API key whose
// letters failed, or outlived their activity's 24 hours): the worker's
// relay sends them through the outbox, so a letter already accepted is
// never sent again and asking twice sends nothing twice.
func cmdOutboxResend(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet("outbox resend")
	key := fs.String("key", "", "resend the notification with this outbox `KEY`")
	caseRef := fs.String("case", "", "resend the case's notifications not yet sent (case `REF`)")
	status := fs.String("status", "", "resend every notification with this `status`: failed or pending")
	cfg, err := e.parseConfig(fs, "outbox resend", args)
	if err != nil {
		return err
	}
	if len(fs.Args()) > 0 {
		return usagef("unexpected argument %q", fs.Args()[0])
	}
	given := 0
	for _, v := range []string{*key, *caseRef, *status} {
		if v != "" {
			given++
		}
	}
	if given != 1 {
		return usagef("give exactly one of --key, --case and --status")
	}
	switch {
	case *key != "":
		if n := len(*key); n > maxResendKey {
			return usagef("--key: the key is %d bytes; outbox keys are at most %d", n, maxResendKey)
		}
		if strings.ContainsFunc(*key, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return usagef("--key: the key contains a control character; give it as ehc outbox shows it")
		}
	case *caseRef != "":
		if err := checkCaseRef(*caseRef); err != nil {
			return err
		}
	case *status != register.OutboxFailed && *status != register.OutboxPending:
		return usagef("--status %q: give failed or pending (a sent letter is never resent)", *status)
	}

	return e.onRegister(ctx, cfg, func(s *register.Store) error {
		out, more, err := s.OutboxRequestResend(ctx, register.Resend{Key: *key, CaseRef: *caseRef, Status: *status})
		if err != nil {
			return err
		}
		return printResend(e.Stdout, out, more, *key)
	})
}

// printResend writes one line per notification and what was done.
func printResend(w io.Writer, out []register.ResendOutcome, more bool, key string) error {
	var b strings.Builder
	if len(out) == 0 {
		if key != "" {
			return fmt.Errorf("no notification in the outbox has the key %q", key)
		}
		b.WriteString("No notifications matched; nothing to resend.\n")
	}
	requested := 0
	for _, o := range out {
		fmt.Fprintf(&b, "%s %s (%s): %s\n  key %s\n", o.CaseRef, o.Template, o.Status, o.Note, o.Key)
		if o.Requested {
			requested++
		}
	}
	if len(out) > 0 {
		fmt.Fprintf(&b, "%d of %d to be sent by the worker within a minute; ehc outbox shows when they go.\n", requested, len(out))
	}
	if more {
		fmt.Fprintf(&b, "More than %d matched: run the command again for the rest.\n", register.MaxResend)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
