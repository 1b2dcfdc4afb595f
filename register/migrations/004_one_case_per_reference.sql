-- One case per reference, for ever (issue 8): references are compared
-- without regard to case, and a case's row belongs to the workflow run
-- that first wrote it, so a second run under the same reference can never
-- overwrite the first's record.

-- References that differ only in case would stop the index below; name
-- them, so the authority can decide which is which before migrating.
do $$
declare clash text;
begin
    select string_agg(refs, '; ') into clash from (
        select string_agg(case_ref, ' and ' order by case_ref) as refs
        from cases group by upper(case_ref) having count(*) > 1) c;
    if clash is not null then
        raise exception 'cases differ only in the case of their references: %; rename one of each pair (its workflow, cases, case_people, case_events, advice_requests and notification_outbox rows) and migrate again', clash;
    end if;
end $$;

-- The first run of the case's workflow (Temporal's FirstRunID, the same
-- across continue-as-new); null for rows written before it was kept.
alter table cases add column first_run text;
create unique index cases_ref_ci on cases (upper(case_ref));

-- The school the final plan names (CFA s.39(3)-(4)): the child's placement,
-- so kept with the other personal data.
alter table case_people add column named_school text;
