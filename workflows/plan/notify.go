package plan

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/commit"
	"github.com/ehc-send/ehc/workflows/deadline"
)

// flush commits what is pending, with one activity: every event carries
// the plan as it now stands, so the register's row follows the latest.
func (p *plan) flush(ctx workflow.Context) {
	if p.pending.Empty() {
		return
	}
	s := p.pending.Take()
	snap := p.snapshot(ctx)
	for i := range s.Events {
		s.Events[i].Plan = &snap
	}
	commit.Start(ctx, s, &p.sending, func(ctx workflow.Context, n letters.Notification, reason string) {
		p.problem(ctx, n, reason)
	}, func(ctx workflow.Context, err error) {
		if app := (*temporal.ApplicationError)(nil); errors.As(err, &app) && app.Type() == letters.ReferenceTaken {
			p.taken = app // the register holds the reference as another plan's: this one must not go on
			p.changed++
		}
	})
}

// record adds one event to the plan's register record. Its key is the
// plan and the event's place in the plan's own sequence, which continues
// across runs, so a retry or replay writes it once.
func (p *plan) record(kind, name string, on statute.Date, detail map[string]any) {
	p.Seq++
	p.pending.Events = append(p.pending.Events, caserecord.Event{
		Key: fmt.Sprintf("%s/plan/%d/%s", p.In.CaseRef, p.Seq, name), CaseRef: p.In.CaseRef,
		Kind: kind, Name: name, EffectiveOn: on, Detail: detail, Seq: p.Seq,
	})
}

// step records a step taken on the plan.
func (p *plan) step(ctx workflow.Context, name string, on statute.Date) {
	p.Steps = append(p.Steps, StepRecord{Step: name, On: on})
	p.record(caserecord.KindStep, name, on, nil)
}

// send owes one letter, keyed so the same decision or alarm always yields
// the same key. A plan's past, applied on entry, sends nothing.
func (p *plan) send(ctx workflow.Context, tmpl letters.Template, subject string, to, cc []letters.Recipient, facts letters.Facts) {
	if p.entering {
		return
	}
	p.pending.Letters = append(p.pending.Letters, letters.Notification{Facts: facts, Envelope: letters.Envelope{
		Key:        deadline.LetterKey(p.In.CaseRef, string(tmpl), "plan", subject),
		CaseRef:    p.In.CaseRef,
		Template:   tmpl,
		On:         p.today(ctx),
		To:         to,
		Cc:         cc,
		Caseworker: p.caseworker()[0],
	}})
}

func (p *plan) tellFamily(ctx workflow.Context, tmpl letters.Template, subject string, facts letters.Facts) {
	p.send(ctx, tmpl, subject, p.family(), nil, facts)
}

func (p *plan) family() []letters.Recipient {
	return []letters.Recipient{{Role: letters.RoleFamily, Name: p.In.Family.Name, Email: p.In.Family.Email}}
}

func (p *plan) caseworker() []letters.Recipient {
	return []letters.Recipient{{Role: letters.RoleCaseworker, Name: p.In.Caseworker, Email: p.In.CaseworkerEmail}}
}

func (p *plan) manager() []letters.Recipient {
	if p.In.Manager.Email == "" {
		return nil
	}
	return []letters.Recipient{{Role: letters.RoleManager, Name: p.In.Manager.Name, Email: p.In.Manager.Email}}
}

// planFacts is what every plan letter may say of the plan: its next review.
func (p *plan) planFacts() *letters.PlanFacts {
	f := &letters.PlanFacts{NextReviewDue: p.nextReviewDue()}
	if r := p.current(); r != nil {
		f.ReviewTarget = r.Target
	}
	return f
}

// fireDue fires every alarm now due, oldest first.
func (p *plan) fireDue(ctx workflow.Context) {
	p.Deadlines.FireDue(p.Policy.Schedule, p.now(ctx), func(d *deadline.Deadline, al deadline.Alarm) { p.fire(ctx, d, al) })
}

// fire sends what one alarm calls for, and records it: a reminder to the
// caseworker (and manager), an escalation to both, and, the first time a
// limit is missed (or the first escalation that fires, if that one was
// superseded while no worker ran), one letter to the family.
func (p *plan) fire(ctx workflow.Context, d *deadline.Deadline, al deadline.Alarm) {
	today := p.today(ctx)
	facts := letters.Facts{Deadline: d.Name, Due: d.Due, Plan: p.planFacts(), Exception: p.exceptionText(d.Name), ExpectedBy: d.ExpectedBy}
	occurrence := d.Key + "/" + deadline.Occurrence(al)
	if al.Kind == deadline.AlarmReminder {
		facts.DaysLeft = d.Due.DaysSince(today)
		p.record(caserecord.KindReminder, d.Key, today, map[string]any{"due": d.Due.String(), "days_left": facts.DaysLeft})
		p.send(ctx, letters.StaffDeadlineApproaching, occurrence, p.caseworker(), p.manager(), facts)
		return
	}
	facts.DaysOverdue = today.DaysSince(d.Due)
	p.record(caserecord.KindEscalation, d.Key, today, map[string]any{"due": d.Due.String(), "days_overdue": facts.DaysOverdue, "n": al.N})
	p.send(ctx, letters.StaffDeadlineMissed, occurrence, p.caseworker(), p.manager(), facts)
	if d.FamilyOwed(al) {
		d.FamilyTold = true
		p.tellFamily(ctx, letters.FamilyDeadlineMissed, d.Key, facts)
	}
}

// tellMetLate sends the family, once, the missed-limit letter no alarm
// sent for a limit met after its due date once that alarm's moment had
// passed (no worker ran when it was due): it says when it was done.
func (p *plan) tellMetLate(ctx workflow.Context) {
	now := p.now(ctx)
	for _, d := range p.Deadlines {
		if d.Chase != deadline.ChaseLA || d.FamilyTold || !d.MetOn.After(d.Due) || !d.MissedAlarmPassed(p.Policy.Schedule, now) {
			continue
		}
		d.FamilyTold = true
		p.tellFamily(ctx, letters.FamilyDeadlineMissed, d.Key, letters.Facts{Deadline: d.Name, Due: d.Due,
			MetOn: d.MetOn, DaysOverdue: d.MetOn.DaysSince(d.Due), Plan: p.planFacts()})
	}
}

// problem puts a letter lost for good on the plan and alerts the staff.
func (p *plan) problem(ctx workflow.Context, n letters.Notification, reason string) {
	today := p.today(ctx)
	to := commit.Roles(n)
	p.Problems = append(p.Problems, DeliveryProblem{Key: n.Key, Template: string(n.Template), To: to.String(), On: today, Error: reason})
	p.record(caserecord.KindDeliveryFailed, string(n.Template), today, map[string]any{"key": n.Key, "to": to.String()})
	if n.Template != letters.StaffDeliveryFailed {
		p.send(ctx, letters.StaffDeliveryFailed, "lost/"+n.Key, p.caseworker(), p.manager(),
			letters.Facts{Notice: n.Template, NoticeTo: to, Reason: reason})
	}
	p.flush(ctx)
	p.changed++
}

// skipPassed is entering a plan after the fact: the alarms whose moments
// passed before it was entered are not news, and the family hears nothing
// of its past; the staff's summary says what is overdue.
func (p *plan) skipPassed(ctx workflow.Context) {
	now := p.now(ctx)
	for _, d := range p.Deadlines {
		if !d.Open() && d.MetOn.IsZero() {
			continue
		}
		if d.MissedAlarmPassed(p.Policy.Schedule, now) {
			d.FamilyTold = true
		}
		if d.Open() {
			d.SkipPassed(p.Policy.Schedule, now)
		}
	}
}

// summarise sends the staff, once, where each limit stood on the day the
// plan was entered.
func (p *plan) summarise(ctx workflow.Context) {
	today := p.today(ctx)
	var limits, families []letters.LimitFact
	for _, d := range p.Deadlines {
		l := letters.LimitFact{What: d.Name.Title(), Regulation: d.Name.Regulation(), Due: d.Due, MetOn: d.MetOn}
		switch {
		case !d.MetOn.IsZero() && d.MetOn.After(d.Due):
			l.DaysLate = d.MetOn.DaysSince(d.Due)
		case d.MetOn.IsZero() && today.After(d.Due):
			l.DaysOverdue = today.DaysSince(d.Due)
		}
		limits = append(limits, l)
		if d.Chase != deadline.ChaseStaff { // the authority's own aim is not the family's limit
			families = append(families, l)
		}
	}
	p.entering = false
	p.send(ctx, letters.StaffPlanEntered, "1", p.caseworker(), p.manager(), letters.Facts{Limits: limits, FamilyTold: p.In.TellFamily})
	if p.In.TellFamily { // only an input that asks: a plan entered without it sends what it always did
		f := p.planFacts()
		if f.ReviewTarget.Before(today) {
			f.ReviewTarget = statute.Date{} // an aim already passed is the staff's to chase, not one to give the family
		}
		p.tellFamily(ctx, letters.FamilyPlanEntered, "1", letters.Facts{Limits: families, Plan: f})
	}
}

// watching is the newest open limit named name.
func (p *plan) watching(name statute.Deadline) *deadline.Deadline {
	for i := len(p.Deadlines) - 1; i >= 0; i-- {
		if d := p.Deadlines[i]; d.Name == name && d.Open() {
			return d
		}
	}
	return nil
}

func (p *plan) checkExpect(ctx workflow.Context, in ExpectInput) error {
	if p.watching(in.Deadline) == nil {
		return fmt.Errorf("no %q limit is open on this plan (plan-status lists them)", in.Deadline)
	}
	if in.By.IsZero() || in.By.Before(in.On) {
		return fmt.Errorf("the expected date %s must be on or after %s, the day it is recorded", in.By, in.On)
	}
	return p.dated(ctx, in.On, p.In.PlanMade, "the plan was made")
}

// expect records when a missed or at-risk limit is now expected to be met:
// the family is told now if it is already missed, else in the letter if it
// is, so the missed-limit letter's promise of a date is kept.
func (p *plan) expect(ctx workflow.Context, in ExpectInput) {
	d := p.watching(in.Deadline)
	d.ExpectedBy = in.By
	p.step(ctx, UpdateExpect, in.On)
	if today := p.today(ctx); today.After(d.Due) && d.Chase == deadline.ChaseLA {
		p.tellFamily(ctx, letters.FamilyDeadlineMissed, d.Key+"/expected-"+in.By.String(), letters.Facts{Deadline: d.Name, Due: d.Due,
			DaysOverdue: today.DaysSince(d.Due), ExpectedBy: in.By, Exception: p.exceptionText(d.Name), Plan: p.planFacts()})
	}
}
