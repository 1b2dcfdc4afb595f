-- Plans in force (workflows/plan): one row per plan, one per annual review,
-- and the plan's own append-only audit of statutory events. Dates, stages
-- and flags only: the child, the family and the named setting are in
-- case_people (for a plan its assessment made) or in Temporal's encrypted
-- payloads, never here.
create table plans (
    plan_ref         text primary key,   -- the case reference
    first_run        text not null,      -- the run that began the plan
    seq              integer not null,   -- the plan's last event applied
    stage            text not null,      -- plan_in_force, plan_ceasing, plan_ceased, plan_transferred
    caseworker       text not null,
    plan_made        date not null,
    transferred_in   date,
    last_review      date,
    next_review_due  date,
    next_deadline    date,
    overdue          boolean not null default false,
    ceases_on        date,
    ended_on         date,
    updated_at       timestamptz not null default now()
);
create index plans_next_review on plans (next_review_due) where ended_on is null;

create table plan_reviews (
    plan_ref      text not null references plans,
    cycle         integer not null,      -- 1: the plan's first review
    due           date not null,         -- CFA s.44(1)
    meeting       date,
    notice_on     date,                  -- reg 20(3)-(4)
    held_on       date,
    report_on     date,                  -- reg 20(7)
    decided_on    date,                  -- reg 20(10)
    outcome       text,                  -- maintain or amend
    final_due     date,                  -- reg 22(3)
    final_on      date,
    not_amended   boolean not null default false,
    for_transfer  boolean not null default false,
    primary key (plan_ref, cycle)
);
create index plan_reviews_held on plan_reviews (held_on);

-- Each phase transfer a plan was held to (reg 18): watched from the review
-- cycle it falls in, met by the amended plan naming the new setting.
create table plan_transfers (
    plan_ref      text not null references plans,
    transfer      text not null,         -- early_years_to_school, primary_to_secondary, ...
    transfer_year integer not null,      -- the September it happens
    amend_by      date not null,         -- reg 18(1)-(2)
    amended_on    date,
    replaced      boolean not null default false, -- a transfer of the child's own settings took its place
    primary key (plan_ref, transfer_year, transfer)
);
create index plan_transfers_amend_by on plan_transfers (amend_by);

-- Each disagreement over a decision on the plan (reg 32-45): mediation,
-- the appeal and a tribunal order with its limit (reg 44(2)).
create table plan_disputes (
    plan_ref        text not null references plans,
    decision        text not null,       -- plan_contents, not_to_amend, refusal_to_reassess, cease (CFA s.51(2))
    notice          date not null,       -- the decision's notice
    mediation_from  date,                -- the family said whether they want mediation
    wants_mediation boolean not null default false,
    mediation_held  date,
    certificate_on  date,
    appealed_on     date,
    order_kind      text,                -- amend, name-school
    order_made      date,
    unopposed       boolean not null default false, -- reg 45
    order_due       date,
    order_met_on    date,
    primary key (plan_ref, notice, decision)
);

create table plan_events (
    id           bigint generated always as identity primary key,
    event_key    text not null unique,
    plan_ref     text not null references plans,
    kind         text not null,          -- step, reminder, escalation, delivery_failed
    name         text not null,
    seq          integer not null,
    effective_on date not null,
    recorded_at  timestamptz not null default now(),
    detail       jsonb not null default '{}'
);
create index plan_events_plan on plan_events (plan_ref, id);
create trigger plan_events_append_only before update or delete on plan_events
    for each row execute function case_events_append_only();
