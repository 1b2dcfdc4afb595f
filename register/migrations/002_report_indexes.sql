-- Indexes for the timeliness report and the caseworker's list (ehc report,
-- ehc cases): each report section is a range on an indexed date column.

-- Decisions not to issue a plan made in a period, with their due date so
-- the count of those within 16 weeks (reg 10(1)) needs no table access.
create index cases_not_to_issue_on on cases (decided_to_issue_on) include (decision_not_to_issue_due) where not issue;

-- Advice not yet received, by due date: late advice makes a case overdue,
-- and the list finds it all in one range scan rather than a probe per case.
create index advice_requests_outstanding on advice_requests (due_on) where received_on is null;
