-- What the DfE's SEN2 return asks of a plan that its limits do not (modules
-- 4 and 5: needs, placements, personal budget), kept with the people: the
-- needs are health details. A plan entered without its assessment has its
-- people here too, so a row's reference is a case's or a plan's.
alter table case_people drop constraint if exists case_people_case_ref_fkey;
alter table case_people add column sen2_plan jsonb; -- sen2.Plan
