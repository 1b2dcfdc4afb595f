package register

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ehc-send/ehc/register/sen2"
	"github.com/ehc-send/ehc/statute"
)

// SEN2Change is what a caseworker has learnt of a child's SEN2 items since
// the case or plan began: each item given replaces the one recorded, and
// an item not given keeps its value.
type SEN2Change struct {
	// The child's name and date of birth: with both, a reference whose
	// people the register does not hold (a plan entered before it kept
	// them) gets them; a name alone corrects the recorded one.
	ChildName string
	ChildDOB  statute.Date
	Person    sen2.Person // each non-empty item replaces the recorded one
	// The plan's items, each set only when Set names it: needs,
	// placements, pb, oa, dp, res, wbp, request_received, cease_reason,
	// transfer_la.
	Plan sen2.Plan
	Set  map[string]bool
}

// ErrNoPeople marks a reference whose people the register does not hold;
// ErrSEN2Refused, items that together are not as the return needs them.
var (
	ErrNoPeople    = errors.New("no people recorded")
	ErrSEN2Refused = errors.New("SEN2 items refused")
)

// RecordSEN2 applies c to the people of case or plan ref, checks the
// result as the return would (sen2.Person.Check, sen2.Plan.Check) and
// audits that the items changed, naming the items, never their values. It
// changes nothing when the result does not pass.
func (s *Store) RecordSEN2(ctx context.Context, ref string, c SEN2Change, on statute.Date) ([]string, error) {
	var changed []string
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var p sen2.Person
		var planJSON []byte
		var name string
		read := func() error {
			return tx.QueryRow(ctx, `select child_name, coalesce(upn, ''), coalesce(uln, ''), coalesce(upn_unknown, ''), coalesce(sex, ''),
				coalesce(ethnicity, ''), coalesce(postcode, ''), sen2_plan from case_people where case_ref = $1 for update`, ref).
				Scan(&name, &p.UPN, &p.ULN, &p.UPNUnknown, &p.Sex, &p.Ethnicity, &p.PostCode, &planJSON)
		}
		err := read()
		if errors.Is(err, pgx.ErrNoRows) {
			created, cerr := createPeople(ctx, tx, ref, c)
			if cerr != nil {
				return cerr
			}
			changed = append(changed, created...)
			err = read()
		}
		if err != nil {
			return fmt.Errorf("reading the people of %s: %w", ref, err)
		}
		var plan sen2.Plan
		if planJSON != nil {
			if err := json.Unmarshal(planJSON, &plan); err != nil {
				return fmt.Errorf("reading the SEN2 plan items of %s: %w", ref, err)
			}
		}
		if c.ChildName != "" && c.ChildName != name && !slices.Contains(changed, "child_name") {
			if _, err := tx.Exec(ctx, `update case_people set child_name = $2 where case_ref = $1`, ref, c.ChildName); err != nil {
				return fmt.Errorf("recording the child's name on %s: %w", ref, err)
			}
			changed = append(changed, "child_name")
		}
		changed = append(changed, applySEN2(&p, &plan, c)...)
		if len(changed) == 0 {
			return nil
		}
		if err := errors.Join(p.Check(), plan.Check()); err != nil {
			return fmt.Errorf("%w: %v", ErrSEN2Refused, err)
		}
		if planJSON, err = json.Marshal(plan); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `update case_people set upn = $2, uln = $3, upn_unknown = $4, sex = $5, ethnicity = $6,
				postcode = $7, sen2_plan = $8 where case_ref = $1`,
			ref, textArg(p.UPN), textArg(p.ULN), textArg(p.UPNUnknown), textArg(p.Sex), textArg(p.Ethnicity), textArg(p.PostCode), planJSON); err != nil {
			return fmt.Errorf("recording the SEN2 items of %s: %w", ref, err)
		}
		return auditSEN2(ctx, tx, ref, changed, on)
	})
	return changed, err
}

// createPeople makes the people row of a reference the register knows as
// a case or a plan but holds no people for, from the child's name and date
// of birth given.
func createPeople(ctx context.Context, tx pgx.Tx, ref string, c SEN2Change) ([]string, error) {
	if c.ChildName == "" || c.ChildDOB.IsZero() {
		return nil, fmt.Errorf("%w: the register holds no people for %s (a plan entered before it kept them, or an erased case): give the child's name and date of birth to record them", ErrNoPeople, ref)
	}
	tag, err := tx.Exec(ctx, `insert into case_people (case_ref, child_name, child_dob)
		select $1, $2, $3 where exists (select 1 from cases where case_ref = $1) or exists (select 1 from plans where plan_ref = $1)`,
		ref, c.ChildName, dateArg(c.ChildDOB))
	if err != nil {
		return nil, fmt.Errorf("recording the people of %s: %w", ref, err)
	}
	if tag.RowsAffected() == 0 {
		return nil, fmt.Errorf("%w: %s is not a case or plan the register holds", ErrNoPeople, ref)
	}
	return []string{"child_name", "child_dob"}, nil
}

// applySEN2 applies c and names the items it changed. A number given
// replaces the reason there was none, and a reason given the numbers: the
// item cleared is named too.
func applySEN2(p *sen2.Person, plan *sen2.Plan, c SEN2Change) []string {
	var changed []string
	text := func(item string, to *string, v string) {
		if v != "" && *to != v {
			*to, changed = v, append(changed, item)
		}
	}
	clear := func(item string, to *string) {
		if *to != "" {
			*to, changed = "", append(changed, item)
		}
	}
	if c.Person.UPNUnknown != "" {
		clear("upn", &p.UPN)
		clear("uln", &p.ULN)
	} else if c.Person.UPN != "" || c.Person.ULN != "" {
		clear("upn_unknown", &p.UPNUnknown)
	}
	text("upn", &p.UPN, c.Person.UPN)
	text("uln", &p.ULN, c.Person.ULN)
	text("upn_unknown", &p.UPNUnknown, c.Person.UPNUnknown)
	text("sex", &p.Sex, c.Person.Sex)
	text("ethnicity", &p.Ethnicity, c.Person.Ethnicity)
	text("postcode", &p.PostCode, c.Person.PostCode)
	set := func(item string, apply func()) {
		if !c.Set[item] {
			return
		}
		before, _ := json.Marshal(plan)
		apply()
		if after, _ := json.Marshal(plan); string(after) != string(before) { // only what changed is audited
			changed = append(changed, item)
		}
	}
	set("needs", func() { plan.Needs = c.Plan.Needs })
	set("placements", func() { plan.Placements = c.Plan.Placements })
	set("pb", func() { plan.PersonalBudget = c.Plan.PersonalBudget })
	set("oa", func() { plan.OrganisedArrangements = c.Plan.OrganisedArrangements })
	set("dp", func() { plan.DirectPayments = c.Plan.DirectPayments })
	set("res", func() { plan.Residential = c.Plan.Residential })
	set("wbp", func() { plan.WorkBased = c.Plan.WorkBased })
	set("request_received", func() { plan.RequestReceived = c.Plan.RequestReceived })
	set("cease_reason", func() { plan.CeaseReason = c.Plan.CeaseReason })
	set("transfer_la", func() { plan.TransferLA = c.Plan.TransferLA })
	return changed
}

// auditSEN2 appends the change to the case's or the plan's own events.
func auditSEN2(ctx context.Context, tx pgx.Tx, ref string, items []string, on statute.Date) error {
	detail, err := json.Marshal(map[string]any{"items": items})
	if err != nil {
		return err
	}
	key := fmt.Sprintf("%s/sen2/%d", ref, time.Now().UnixNano())
	tag, err := tx.Exec(ctx, `insert into case_events (event_key, case_ref, kind, name, effective_on, detail)
		select $1, $2, 'step', 'sen2-recorded', $3, $4 where exists (select 1 from cases where case_ref = $2)`,
		key, ref, dateArg(on), detail)
	if err != nil {
		return fmt.Errorf("auditing the SEN2 change on %s: %w", ref, err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	// a plan entered without its case: its own events, after its latest
	if _, err := tx.Exec(ctx, `insert into plan_events (event_key, plan_ref, kind, name, seq, effective_on, detail)
		select $1, $2, 'step', 'sen2-recorded', seq, $3, $4 from plans where plan_ref = $2`,
		key, ref, dateArg(on), detail); err != nil {
		return fmt.Errorf("auditing the SEN2 change on %s: %w", ref, err)
	}
	return nil
}
