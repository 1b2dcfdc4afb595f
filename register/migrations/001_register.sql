-- The case register: what outlives a workflow. Dates are civil dates in
-- Europe/London; recorded_at/updated_at are instants.

-- One row per case: the current projection of its workflow. No personal data.
create table cases (
    case_ref                  text primary key,
    stage                     text not null,
    requester                 text not null,
    caseworker                text not null,
    day1                      date not null,
    decision_to_assess_due    date not null,   -- reg 5(1)
    decision_not_to_issue_due date not null,   -- reg 10(1)
    final_plan_due            date not null,   -- reg 13(2)
    draft_comments_end        date,            -- reg 13(1)(a)
    decided_to_assess_on      date,            -- the decision either way
    assess                    boolean,
    decided_to_issue_on       date,
    issue                     boolean,
    draft_served_on           date,
    final_plan_on             date,
    closed_on                 date,
    next_deadline             date,            -- earliest open due date
    overdue                   boolean not null default false,
    exception_regs            text[] not null default '{}', -- regulations cited by exceptions recorded
    has_exception             boolean not null default false, -- an exception to a 6/16/20-week limit (SEN2)
    seq                       integer not null, -- the workflow's event sequence; a stale write never wins
    updated_at                timestamptz not null default now()
);
create index cases_day1 on cases (day1);
create index cases_final_plan_on on cases (final_plan_on) where final_plan_on is not null;
create index cases_decided_to_assess_on on cases (decided_to_assess_on) where decided_to_assess_on is not null;
create index cases_open on cases (next_deadline) where closed_on is null;
create index cases_caseworker on cases (caseworker, stage);

-- Special-category and contact data, apart so it can be access-controlled
-- (grant it to fewer roles) and erased without touching the statistics.
create table case_people (
    case_ref      text primary key references cases on delete cascade,
    child_name    text not null,
    child_dob     date,
    family_name   text,
    family_email  text,
    school_name   text,
    school_email  text,
    recorded_at   timestamptz not null default now()
);

-- Append-only: one row per statutory step, reminder, escalation and
-- notification. event_key is derived from the workflow and its step, so a
-- retried or replayed activity cannot write twice.
create table case_events (
    id           bigint generated always as identity primary key,
    event_key    text not null unique,
    case_ref     text not null references cases,
    kind         text not null,      -- step, reminder, escalation, notification
    name         text not null,      -- the step, deadline or template
    seq          integer,            -- the case's own event order; null for notifications
    effective_on date not null,      -- the date it took effect
    recorded_at  timestamptz not null default now(),
    detail       jsonb not null default '{}'
);
create index case_events_case on case_events (case_ref, id);

create function case_events_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'case_events is append-only';
end $$;
create trigger case_events_append_only before update or delete on case_events
    for each row execute function case_events_append_only();

-- The advice-provider directory: who is asked for each kind of advice.
create table advice_providers (
    id               bigint generated always as identity primary key,
    kind             text not null,   -- reg 6(1) kind
    organisation     text not null,
    email            text not null,
    escalation_email text,
    is_default       boolean not null default false,
    unique (kind, organisation)
);
create unique index advice_providers_one_default on advice_providers (kind) where is_default;

-- One row per advice request, projected from the workflow.
create table advice_requests (
    case_ref     text not null references cases,
    advice_id    text not null,       -- e.g. psychological-1
    kind         text not null,
    provider     text not null,       -- organisation as asked
    requested_on date not null,
    due_on       date not null,       -- reg 8(1): 6 weeks
    received_on  date,
    has_exception boolean not null default false,
    primary key (case_ref, advice_id)
);
create index advice_requests_requested_on on advice_requests (requested_on);

-- Every notification, written before it is sent (the SendGrid issue).
create table notification_outbox (
    key          text primary key,    -- case / template / subject / occurrence
    case_ref     text not null,
    template     text not null,
    on_date      date not null,
    recipients   jsonb not null,
    subject      text not null,
    body_text    text not null,
    status       text not null default 'pending', -- pending, sent, delivered, bounced, dropped, failed
    message_id   text,
    attempts     integer not null default 0,
    last_error   text,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now()
);
create index notification_outbox_case on notification_outbox (case_ref, created_at);
