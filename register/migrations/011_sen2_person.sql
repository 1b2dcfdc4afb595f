-- What the DfE's SEN2 return asks of the child that the limits do not
-- (module 1, Person): special-category data, so here with the rest of the
-- people and erased with them.
alter table case_people
    add column upn         text,  -- Unique Pupil Number
    add column uln         text,  -- Unique Learner Number
    add column upn_unknown text,  -- why there is neither: UN1-UN10
    add column sex         text,
    add column ethnicity   text,
    add column postcode    text;
