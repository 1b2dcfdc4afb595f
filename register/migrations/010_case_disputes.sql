-- A family's disagreement with a decision that closed their case without a
-- plan (CFA s.51(2)(a)-(b)): mediation, the appeal and the authority's
-- response, and a tribunal order to assess or make a plan (reg 44(2)(b)-(c)).
-- One per case: the register's row follows the workflow's latest snapshot.
create table case_disputes (
    case_ref        text primary key references cases,
    first_run       text not null,
    seq             integer not null,
    stage           text not null,       -- dispute_open, dispute_appealed, dispute_order, dispute_rights_lapsed, ...
    decision        text not null,       -- refusal_to_assess, no_plan
    notice          date not null,
    mediation_from  date,
    wants_mediation boolean not null default false,
    mediation_held  date,
    certificate_on  date,
    appealed_on     date,
    respond_by      date,
    responded_on    date,
    order_kind      text,                -- assess, make-plan
    order_made      date,
    unopposed       boolean not null default false, -- reg 45
    order_due       date,
    order_met_on    date,
    plan_issued_on  date,                -- the final plan the order required, issued
    ended_on        date,
    next_deadline   date,
    overdue         boolean not null default false,
    updated_at      timestamptz not null default now()
);
create index case_disputes_order_due on case_disputes (order_due) where order_met_on is null;
