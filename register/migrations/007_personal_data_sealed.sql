-- Personal data in one place (issue 9.6). A notification's recipients
-- (names and addresses), the caseworker to alert, its subject and its text
-- name the child and the family, and the text carries caseworkers' free-text
-- reasons. They move into one sealed column, encrypted in Go with the same
-- AES-GCM keys as Temporal's payloads (register/seal.go); the row keeps in
-- clear only what operations need, the recipients' roles among it.

-- {"recipients", "caseworker", "subject", "text"} as JSON, sealed. Null only
-- on rows from before this migration, until Store.SealLegacyOutbox seals
-- them (the worker at start, ehc migrate when it has the keys).
alter table notification_outbox add column sealed bytea;

-- To whom, without who: "family", "cc:manager", ... in the recipients' order.
alter table notification_outbox add column roles text[];
update notification_outbox o set roles = (
    select coalesce(array_agg(case when (r->>'cc')::boolean then 'cc:' else '' end || (r->>'role') order by n), '{}')
    from jsonb_array_elements(o.recipients) with ordinality as x(r, n));
alter table notification_outbox alter column roles set not null;

-- The clear columns are written no more; legacy rows keep theirs only until
-- sealed, and no row may hold both.
alter table notification_outbox alter column recipients drop not null;
alter table notification_outbox alter column subject drop not null;
alter table notification_outbox alter column body_text drop not null;
alter table notification_outbox add constraint notification_outbox_sealed_alone
    check (sealed is null or (recipients is null and caseworker is null and subject is null and body_text is null));

-- advice_requests.provider named the family when the advice was their own
-- views (reg 6(1)(a)): it says "the family" now, as Record writes it.
update advice_requests a set provider = 'the family'
where a.kind = 'family_views' and not exists (
    select 1 from advice_providers p where p.kind = a.kind and lower(p.organisation) = lower(a.provider));
