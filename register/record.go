package register

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/statute"
)

// ErrInvalidEvent marks an event no retry can write.
var ErrInvalidEvent = errors.New("invalid case event")

// ErrReferenceTaken marks an event from a second case under a reference the
// register already holds: no retry can write it, and it must not overwrite
// the first case's record.
var ErrReferenceTaken = errors.New("case reference already used")

// Record writes one event and the case projection it leaves, in one
// transaction. It reports whether the event was new: a retried or replayed
// activity writes nothing twice, and an older snapshot never overwrites a
// newer one.
func (s *Store) Record(ctx context.Context, e caserecord.Event) (bool, error) {
	if err := checkEvent(e); err != nil {
		return false, err
	}
	var inserted bool
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) (err error) {
		inserted, err = recordTx(ctx, tx, e)
		return err
	})
	return inserted, err
}

// checkEvent refuses an event no retry could write.
func checkEvent(e caserecord.Event) error {
	if e.Key == "" || e.CaseRef == "" || e.Kind == "" || e.EffectiveOn.IsZero() {
		return fmt.Errorf("%w: %q for case %q is incomplete: key, case, kind and date are required", ErrInvalidEvent, e.Key, e.CaseRef)
	}
	return nil
}

// recordTx writes e and the projection it leaves within tx.
func recordTx(ctx context.Context, tx pgx.Tx, e caserecord.Event) (bool, error) {
	if e.Plan != nil {
		return recordPlanTx(ctx, tx, e)
	}
	detail, err := json.Marshal(e.Detail)
	if err != nil {
		return false, err
	}
	if e.Detail == nil {
		detail = []byte("{}")
	}
	if e.Dispute != nil {
		var exists bool
		if err := tx.QueryRow(ctx, `select exists (select 1 from cases where case_ref = $1)`, e.CaseRef).Scan(&exists); err != nil {
			return false, err
		}
		if !exists { // a disagreement is on a case the register holds: no retry writes it otherwise
			return false, fmt.Errorf("%w: the disagreement's case %s is not in the register", ErrInvalidEvent, e.CaseRef)
		}
		if err := recordDisputeTx(ctx, tx, e.CaseRef, e.Dispute); err != nil {
			return false, err
		}
	}
	if e.Case.Seq > 0 { // events without a snapshot (notifications) leave the projection alone
		if err := upsertCase(ctx, tx, e.CaseRef, e.Case); err != nil {
			return false, err
		}
		if err := sameCase(ctx, tx, e.CaseRef, e.Case.FirstRun, e.Case.Seq); err != nil {
			return false, err
		}
	}
	if err := recordPeopleTx(ctx, tx, e.CaseRef, e.People); err != nil {
		return false, err
	}
	if e.Case.NamedSchool != "" { // the child's placement: with the people, erased with them
		if _, err := tx.Exec(ctx, `update case_people set named_school = $2 where case_ref = $1`, e.CaseRef, e.Case.NamedSchool); err != nil {
			return false, fmt.Errorf("recording the named school on case %s: %w", e.CaseRef, err)
		}
	}
	for _, a := range e.Case.Advice {
		if _, err := tx.Exec(ctx, `insert into advice_requests
			(case_ref, advice_id, kind, provider, requested_on, due_on, received_on, has_exception)
			values ($1, $2, $3, `+adviceProviderSQL+`, $5, $6, $7, $8)
			on conflict (case_ref, advice_id) do update set
				received_on = coalesce(advice_requests.received_on, excluded.received_on),
				has_exception = advice_requests.has_exception or excluded.has_exception`,
			e.CaseRef, a.ID, string(a.Kind), a.Provider, dateArg(a.RequestedOn), dateArg(a.DueOn),
			dateArg(a.ReceivedOn), a.HasException); err != nil {
			return false, fmt.Errorf("recording advice %s on case %s: %w", a.ID, e.CaseRef, err)
		}
	}
	var seq *int
	if n := e.Place(); n > 0 {
		seq = &n
	}
	// A case that began before the workflow kept a register has no row:
	// its notifications are not recorded rather than retried for ever.
	tag, err := tx.Exec(ctx, `insert into case_events (event_key, case_ref, kind, name, seq, effective_on, detail)
		select $1, $2, $3, $4, $5, $6, $7 where exists (select 1 from cases where case_ref = $2)
		on conflict (event_key) do nothing`,
		e.Key, e.CaseRef, e.Kind, e.Name, seq, dateArg(e.EffectiveOn), detail)
	if err != nil {
		return false, fmt.Errorf("recording event %s: %w", e.Key, err)
	}
	return tag.RowsAffected() == 1, nil
}

// FamilyProvider is advice_requests.provider when the advice is the family's
// own (reg 6(1)(a)): who they are is in case_people, and only there.
const FamilyProvider = "the family"

// adviceProviderSQL is the provider an advice request is recorded with
// ($3 kind, $4 provider as asked): as asked, but for the family's own views
// asked of anyone the directory does not list for them (the family
// themselves, by name), FamilyProvider. It does not read case_people: the
// worker's database role may only write there.
const adviceProviderSQL = `case when $3 = 'family_views' and not exists (
		select 1 from advice_providers where kind = $3 and lower(organisation) = lower($4))
	then '` + FamilyProvider + `' else $4 end`

// sameCase refuses an event from a run other than the one that owns the
// case's row, or from a reference that differs from the row's only in case.
// A row written before runs were kept belongs to whichever run writes to it
// next, except a run's first event: that is a new case, and the row is not
// its own.
func sameCase(ctx context.Context, tx pgx.Tx, ref, run string, seq int) error {
	var owner string
	var ownerRun *string
	var stage string
	var closed *time.Time
	err := tx.QueryRow(ctx, `select case_ref, first_run, stage, closed_on from cases where upper(case_ref) = upper($1)`, ref).
		Scan(&owner, &ownerRun, &stage, &closed)
	if err != nil {
		return fmt.Errorf("checking case %s: %w", ref, err)
	}
	switch {
	case owner != ref:
		return fmt.Errorf("%w: %s is case %s", ErrReferenceTaken, ref, owner)
	case run != "" && (ownerRun != nil && *ownerRun != run || ownerRun == nil && seq == 1):
		how := "is open (" + stage + ")"
		if closed != nil {
			how = fmt.Sprintf("ended on %s (%s)", closed.Format(time.DateOnly), stage)
		}
		return fmt.Errorf("%w: case %s %s; a new request for the same child needs a new reference", ErrReferenceTaken, ref, how)
	}
	return nil
}

func upsertCase(ctx context.Context, tx pgx.Tx, ref string, c caserecord.Snapshot) error {
	regs := c.ExceptionRegs
	if regs == nil {
		regs = []string{}
	}
	_, err := tx.Exec(ctx, `insert into cases (case_ref, stage, requester, caseworker, day1,
			decision_to_assess_due, decision_not_to_issue_due, final_plan_due, draft_comments_end,
			decided_to_assess_on, assess, decided_to_issue_on, issue, draft_served_on, final_plan_on,
			closed_on, next_deadline, overdue, exception_regs, has_exception, seq, first_run, updated_at)
		values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, now())
		on conflict (case_ref) do update set
			stage = excluded.stage, requester = excluded.requester, caseworker = excluded.caseworker,
			day1 = excluded.day1, decision_to_assess_due = excluded.decision_to_assess_due,
			decision_not_to_issue_due = excluded.decision_not_to_issue_due, final_plan_due = excluded.final_plan_due,
			draft_comments_end = excluded.draft_comments_end, decided_to_assess_on = excluded.decided_to_assess_on,
			assess = excluded.assess, decided_to_issue_on = excluded.decided_to_issue_on, issue = excluded.issue,
			draft_served_on = excluded.draft_served_on, final_plan_on = excluded.final_plan_on,
			closed_on = excluded.closed_on, next_deadline = excluded.next_deadline, overdue = excluded.overdue,
			exception_regs = excluded.exception_regs, has_exception = excluded.has_exception,
			seq = excluded.seq, first_run = coalesce(cases.first_run, excluded.first_run), updated_at = now()
		where cases.seq < excluded.seq
			and (cases.first_run is null or excluded.first_run is null or cases.first_run = excluded.first_run)`,
		ref, c.Stage, c.Requester, c.Caseworker, dateArg(c.Day1),
		dateArg(c.DecisionToAssessDue), dateArg(c.DecisionNotToIssueDue), dateArg(c.FinalPlanDue), dateArg(c.DraftCommentsEnd),
		dateArg(c.DecidedToAssessOn), c.Assess, dateArg(c.DecidedToIssueOn), c.Issue, dateArg(c.DraftServedOn), dateArg(c.FinalPlanOn),
		dateArg(c.ClosedOn), dateArg(c.NextDeadline), c.Overdue, regs, c.HasException, c.Seq, textArg(c.FirstRun))
	if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == "cases_ref_ci" {
		return fmt.Errorf("%w: %s differs only in case from a reference the register holds", ErrReferenceTaken, ref)
	}
	if err != nil {
		return fmt.Errorf("recording case %s: %w", ref, err)
	}
	return nil
}

// Held is a reference the register already holds, and how its case stands.
type Held struct {
	CaseRef  string       `json:"case_ref"` // as the register spells it
	Stage    string       `json:"stage"`
	Day1     statute.Date `json:"day1"`
	ClosedOn statute.Date `json:"closed_on,omitzero"`
}

// Holds finds the case under ref, compared without regard to case: a
// reference that ever had a case can never start another.
func (s *Store) Holds(ctx context.Context, ref string) (Held, bool, error) {
	var h Held
	var day1 time.Time
	var closed *time.Time
	err := s.Pool.QueryRow(ctx, `select case_ref, stage, day1, closed_on from cases where upper(case_ref) = upper($1)`, ref).
		Scan(&h.CaseRef, &h.Stage, &day1, &closed)
	if errors.Is(err, pgx.ErrNoRows) {
		return Held{}, false, nil
	}
	if err != nil {
		return Held{}, false, fmt.Errorf("looking up case %s: %w", ref, err)
	}
	h.Day1 = statute.NewDate(day1.Date())
	if closed != nil {
		h.ClosedOn = statute.NewDate(closed.Date())
	}
	return h, true, nil
}

// textArg passes an empty string as NULL.
func textArg(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// dateArg passes a civil date to PostgreSQL as text, and a zero date as NULL.
func dateArg(d statute.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// HeldRefs reports which of refs the register already holds as a case's
// and which as a plan's (references compared as the register keeps them,
// upper case): an import's check, in two queries however many rows.
func (s *Store) HeldRefs(ctx context.Context, refs []string) (cases, plans map[string]bool, err error) {
	cases, plans = map[string]bool{}, map[string]bool{}
	for _, q := range []struct {
		sql  string
		into map[string]bool
	}{
		{`select upper(case_ref) from cases where upper(case_ref) = any($1)`, cases},
		{`select upper(plan_ref) from plans where upper(plan_ref) = any($1)`, plans},
	} {
		rows, err := s.Pool.Query(ctx, q.sql, refs)
		if err != nil {
			return nil, nil, fmt.Errorf("checking the register for the import's references: %w", err)
		}
		for rows.Next() {
			var ref string
			if err := rows.Scan(&ref); err != nil {
				rows.Close()
				return nil, nil, err
			}
			q.into[ref] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
	}
	return cases, plans, nil
}

// recordPeopleTx keeps the people a case's or plan's first event carries.
// A retry, or a later run, never overwrites them: what was recorded since
// (ehc sen2-record) stands. A plan entered under its case's reference
// keeps the case's people: the worker may write them, never read them
// (docs/operating.md, Grants), so its SEN2 items are sen2-record's.
func recordPeopleTx(ctx context.Context, tx pgx.Tx, ref string, p *caserecord.People) error {
	if p == nil {
		return nil
	}
	var plan []byte
	if !p.Plan.IsZero() {
		var err error
		if plan, err = json.Marshal(p.Plan); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, `insert into case_people
		(case_ref, child_name, child_dob, family_name, family_email, school_name, school_email, upn, uln, upn_unknown, sex, ethnicity, postcode, sen2_plan)
		values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) on conflict (case_ref) do nothing`,
		ref, p.ChildName, dateArg(p.ChildDOB), p.FamilyName, p.FamilyEmail, p.SchoolName, p.SchoolEmail,
		textArg(p.SEN2.UPN), textArg(p.SEN2.ULN), textArg(p.SEN2.UPNUnknown), textArg(p.SEN2.Sex), textArg(p.SEN2.Ethnicity), textArg(p.SEN2.PostCode), plan); err != nil {
		return fmt.Errorf("recording the people on %s: %w", ref, err)
	}
	return nil
}
