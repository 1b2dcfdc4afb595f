-- A disagreement's order may be a mediation agreement (reg 42), not the
-- tribunal's; and whether it was complied with on time is every one of its
-- limits met by its date, not only the last.
alter table case_disputes
    add column agreement     boolean not null default false,
    add column order_on_time boolean not null default false;
