-- A phase transfer is one kind of move with its amend-by date: a young
-- person may move post-16 setting twice in a calendar year (reg 18(2)), and
-- keyed by year the second overwrote the first.
alter table plan_transfers drop constraint plan_transfers_pkey;
alter table plan_transfers add primary key (plan_ref, transfer, amend_by);
