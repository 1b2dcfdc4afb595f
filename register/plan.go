package register

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ehc-send/ehc/register/caserecord"
)

// recordPlanTx writes a plan's event, its row and its reviews' rows within
// tx. A snapshot older than the row's is not applied (a late retry), and a
// second plan under a reference already used is refused, even once the
// first has ended.
func recordPlanTx(ctx context.Context, tx pgx.Tx, e caserecord.Event) (bool, error) {
	p := e.Plan
	detail, err := json.Marshal(e.Detail)
	if err != nil {
		return false, err
	}
	if e.Detail == nil {
		detail = []byte("{}")
	}
	var owner string
	err = tx.QueryRow(ctx, `insert into plans as p (plan_ref, first_run, seq, stage, caseworker, plan_made, transferred_in,
			last_review, next_review_due, next_deadline, overdue, ceases_on, ended_on)
		values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		on conflict (plan_ref) do update set first_run = excluded.first_run, seq = excluded.seq, stage = excluded.stage,
			caseworker = excluded.caseworker, plan_made = excluded.plan_made, transferred_in = excluded.transferred_in,
			last_review = excluded.last_review, next_review_due = excluded.next_review_due, next_deadline = excluded.next_deadline,
			overdue = excluded.overdue, ceases_on = excluded.ceases_on, ended_on = excluded.ended_on, updated_at = now()
		where p.first_run = excluded.first_run and p.seq < excluded.seq
		returning first_run`,
		e.CaseRef, p.FirstRun, p.Seq, p.Stage, p.Caseworker, dateArg(p.PlanMade), dateArg(p.TransferredIn),
		dateArg(p.LastReview), dateArg(p.NextReviewDue), dateArg(p.NextDeadline), p.Overdue,
		dateArg(p.CeasesOn), dateArg(p.EndedOn)).Scan(&owner)
	switch {
	case err == pgx.ErrNoRows: // the row is newer, or another plan's: which?
		if err := tx.QueryRow(ctx, `select first_run from plans where plan_ref = $1`, e.CaseRef).Scan(&owner); err != nil {
			return false, fmt.Errorf("reading plan %s: %w", e.CaseRef, err)
		}
		if owner != p.FirstRun { // one plan per reference, for ever: its events, letters and reviews are keyed by it
			return false, fmt.Errorf("%w: plan %s is another plan's record; a new plan for the same child needs a new reference", ErrReferenceTaken, e.CaseRef)
		}
	case err != nil:
		return false, fmt.Errorf("recording plan %s: %w", e.CaseRef, err)
	default:
		for _, r := range p.Reviews {
			if _, err := tx.Exec(ctx, `insert into plan_reviews as r (plan_ref, cycle, due, meeting, notice_on, held_on, report_on,
					decided_on, outcome, final_due, final_on, not_amended, for_transfer)
				values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
				on conflict (plan_ref, cycle) do update set due = excluded.due, meeting = excluded.meeting,
					notice_on = excluded.notice_on, held_on = excluded.held_on, report_on = excluded.report_on,
					decided_on = excluded.decided_on, outcome = excluded.outcome, final_due = excluded.final_due,
					final_on = excluded.final_on, not_amended = excluded.not_amended, for_transfer = excluded.for_transfer`,
				e.CaseRef, r.Cycle, dateArg(r.Due), dateArg(r.Meeting), dateArg(r.NoticeOn), dateArg(r.HeldOn), dateArg(r.ReportOn),
				dateArg(r.DecidedOn), textArg(r.Outcome), dateArg(r.FinalDue), dateArg(r.FinalOn), r.NotAmended, r.ForTransfer); err != nil {
				return false, fmt.Errorf("recording review %d of plan %s: %w", r.Cycle, e.CaseRef, err)
			}
		}
		if d := p.Dispute; d != nil {
			if _, err := tx.Exec(ctx, `insert into plan_disputes (plan_ref, decision, notice, mediation_from, wants_mediation,
					mediation_held, certificate_on, appealed_on, order_kind, order_made, unopposed, order_due, order_met_on)
				values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
				on conflict (plan_ref, notice, decision) do update set mediation_from = excluded.mediation_from,
					wants_mediation = excluded.wants_mediation, mediation_held = excluded.mediation_held,
					certificate_on = excluded.certificate_on, appealed_on = excluded.appealed_on, order_kind = excluded.order_kind,
					order_made = excluded.order_made, unopposed = excluded.unopposed, order_due = excluded.order_due,
					order_met_on = excluded.order_met_on`,
				e.CaseRef, d.Decision, dateArg(d.Notice), dateArg(d.MediationFrom), d.WantsMediation, dateArg(d.MediationHeld),
				dateArg(d.Certificate), dateArg(d.AppealedOn), textArg(d.OrderKind), dateArg(d.OrderMade), d.Unopposed,
				dateArg(d.OrderDue), dateArg(d.OrderMetOn)); err != nil {
				return false, fmt.Errorf("recording the disagreement on plan %s: %w", e.CaseRef, err)
			}
		}
		for _, x := range p.Transfers {
			if _, err := tx.Exec(ctx, `insert into plan_transfers as x (plan_ref, transfer, transfer_year, amend_by, amended_on, replaced)
				values ($1, $2, $3, $4, $5, $6)
				on conflict (plan_ref, transfer, amend_by) do update set transfer_year = excluded.transfer_year,
					amended_on = excluded.amended_on, replaced = excluded.replaced`,
				e.CaseRef, x.Transfer, x.Year, dateArg(x.AmendBy), dateArg(x.AmendedOn), x.Replaced); err != nil {
				return false, fmt.Errorf("recording the transfer of plan %s due amended by %s: %w", e.CaseRef, x.AmendBy, err)
			}
		}
	}
	if err := recordPeopleTx(ctx, tx, e.CaseRef, e.People); err != nil {
		return false, err
	}
	tag, err := tx.Exec(ctx, `insert into plan_events (event_key, plan_ref, kind, name, seq, effective_on, detail)
		values ($1, $2, $3, $4, $5, $6, $7) on conflict (event_key) do nothing`,
		e.Key, e.CaseRef, e.Kind, e.Name, e.Seq, dateArg(e.EffectiveOn), detail)
	if err != nil {
		return false, fmt.Errorf("recording event %s: %w", e.Key, err)
	}
	return tag.RowsAffected() == 1, nil
}
