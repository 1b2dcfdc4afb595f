-- One case per reference, for ever (issue 8): references are compared
-- without regard to case, and a case's row belongs to the workflow run
-- that first wrote it, so a second run under the same reference can never
-- overwrite the first's record.

-- The first run of the case's workflow (Temporal's FirstRunID, the same
-- across continue-as-new); null for rows written before it was kept.
alter table cases add column first_run text;
create unique index cases_ref_ci on cases (upper(case_ref));

-- The school the final plan names (CFA s.39(3)-(4)): consulted first.
alter table cases add column named_school text;
