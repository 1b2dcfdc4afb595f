package register

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ehc-send/ehc/register/caserecord"
)

// recordDisputeTx writes a case's disagreement's row within tx, before its
// event goes to case_events. A snapshot older than the row's is not
// applied (a late retry), and one from a second disagreement's run under
// the case is refused: a case has one.
func recordDisputeTx(ctx context.Context, tx pgx.Tx, ref string, d *caserecord.DisputeSnapshot) error {
	var owner string
	err := tx.QueryRow(ctx, `insert into case_disputes as d (case_ref, first_run, seq, stage, decision, notice, mediation_from,
			wants_mediation, mediation_held, certificate_on, appealed_on, respond_by, responded_on, order_kind, order_made,
			unopposed, order_due, order_met_on, plan_issued_on, ended_on, next_deadline, overdue, agreement, order_on_time)
		values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)
		on conflict (case_ref) do update set seq = excluded.seq, stage = excluded.stage, mediation_from = excluded.mediation_from,
			wants_mediation = excluded.wants_mediation, mediation_held = excluded.mediation_held,
			certificate_on = excluded.certificate_on, appealed_on = excluded.appealed_on, respond_by = excluded.respond_by,
			responded_on = excluded.responded_on, order_kind = excluded.order_kind, order_made = excluded.order_made,
			unopposed = excluded.unopposed, order_due = excluded.order_due, order_met_on = excluded.order_met_on,
			plan_issued_on = excluded.plan_issued_on, ended_on = excluded.ended_on, next_deadline = excluded.next_deadline,
			overdue = excluded.overdue, agreement = excluded.agreement, order_on_time = excluded.order_on_time, updated_at = now()
		where d.first_run = excluded.first_run and d.seq < excluded.seq
		returning first_run`,
		ref, d.FirstRun, d.Seq, d.Stage, d.Decision, dateArg(d.Notice), dateArg(d.MediationFrom), d.WantsMediation,
		dateArg(d.MediationHeld), dateArg(d.Certificate), dateArg(d.AppealedOn), dateArg(d.RespondBy), dateArg(d.RespondedOn),
		textArg(d.OrderKind), dateArg(d.OrderMade), d.Unopposed, dateArg(d.OrderDue), dateArg(d.OrderMetOn),
		dateArg(d.PlanIssuedOn), dateArg(d.EndedOn), dateArg(d.NextDeadline), d.Overdue, d.Agreement, d.OrderOnTime).Scan(&owner)
	switch {
	case err == pgx.ErrNoRows:
		if err := tx.QueryRow(ctx, `select first_run from case_disputes where case_ref = $1`, ref).Scan(&owner); err != nil {
			return fmt.Errorf("reading the disagreement on case %s: %w", ref, err)
		}
		if owner != d.FirstRun {
			return fmt.Errorf("%w: case %s already has a disagreement recorded", ErrReferenceTaken, ref)
		}
	case err != nil:
		return fmt.Errorf("recording the disagreement on case %s: %w", ref, err)
	}
	return nil
}
