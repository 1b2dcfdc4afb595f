-- The outbox (001) gains what the once-only sender and the delivery
-- webhook need.

-- Whom to tell when the notification does not arrive: the case's
-- caseworker, who is usually not among its recipients (a letter to the
-- family goes to the family only). {"role", "name", "email"}; null when the
-- workflow named no one.
alter table notification_outbox add column caseworker jsonb;

-- Only the statuses the sender and the webhook write.
alter table notification_outbox add constraint notification_outbox_status
    check (status in ('pending', 'sent', 'delivered', 'bounced', 'dropped', 'failed'));

-- ehc outbox without --case: the newest notifications first.
create index notification_outbox_created on notification_outbox (created_at);
