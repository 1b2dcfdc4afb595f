-- Families' answers to the question at the end of a letter about a step
-- done (how well were you kept informed?), one per letter: a family that
-- answers again changes its answer. The case reference, the step and the
-- letter's date only; nothing that names the child.
create table family_feedback (
    letter_key  text primary key references notification_outbox (key),
    case_ref    text not null,
    stage       text not null,            -- letters.FeedbackStage
    letter_on   date not null,            -- the letter's date: the month the board counts it in
    answer      smallint not null check (answer between 1 and 4), -- letters.Answer: 1 not at all .. 4 very well
    answered_at timestamptz not null default now(),
    changes     integer not null default 0 -- how many times the family changed its answer
);
create index family_feedback_letter_on on family_feedback (letter_on);

-- Whether a letter asked the question: only then may an answer to it be
-- recorded, and only those letters count as asked in the board's figures.
alter table notification_outbox add column asks_feedback boolean not null default false;
