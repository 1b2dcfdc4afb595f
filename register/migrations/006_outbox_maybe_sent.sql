-- Issue 9.3/9.4: what the outbox needs to avoid sending a letter twice and
-- to resend what an operator asks for.
--
-- maybe_sent: an attempt handed the letter to the mail service and no
-- answer was recorded (a timeout, a broken connection, a worker killed
-- between the service's 202 and 'sent'). It is set just before the
-- hand-over and cleared by a definite "not accepted"; before any resend of
-- such a row the sender asks the service whether it took it.
-- maybe_sent_at: when that hand-over began (the database's clock, so the
-- age of an attempt is measured on one clock whatever the workers' are).
-- resend_requested_at: an operator asked (ehc outbox resend) for the
-- letter to be sent; the worker's relay sends it from this time on and
-- clears it when done.
alter table notification_outbox
    add column maybe_sent boolean not null default false,
    add column maybe_sent_at timestamptz,
    add column resend_requested_at timestamptz;

create index notification_outbox_resend on notification_outbox (resend_requested_at)
    where resend_requested_at is not null;

-- Rows an older worker left pending with attempts and no error may have
-- been accepted (it recorded nothing before sending, and may have been
-- killed after SendGrid's 202): maybe sent, with no hand-over time, so the
-- next attempt asks the service at once. Newer workers write the mark
-- themselves, so no guess is made about their rows.
update notification_outbox set maybe_sent = true
    where status = 'pending' and attempts > 0 and last_error is null;

-- The relay's look for pending letters nothing retries any more
-- (register/outbox_check.go, OutboxAdoptOrphans).
create index notification_outbox_pending on notification_outbox (updated_at)
    where status = 'pending';
