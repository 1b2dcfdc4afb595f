-- A notification the worker wrote to its log because no mail service is
-- configured (no SENDGRID_API_KEY) is 'logged': nothing was sent, and no
-- delivery event will ever come for it.
alter table notification_outbox drop constraint notification_outbox_status;
alter table notification_outbox add constraint notification_outbox_status
    check (status in ('pending', 'sent', 'logged', 'delivered', 'bounced', 'dropped', 'failed'));
