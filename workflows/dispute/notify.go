package dispute

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/commit"
	"github.com/ehc-send/ehc/workflows/deadline"
)

// flush commits what is pending: every event carries the disagreement as
// it now stands, so the register's row follows the latest.
func (d *dispute) flush(ctx workflow.Context) {
	if d.pending.Empty() {
		return
	}
	s := d.pending.Take()
	snap := d.snapshot(ctx)
	for i := range s.Events {
		s.Events[i].Dispute = &snap
	}
	commit.Start(ctx, s, &d.sending, func(ctx workflow.Context, n letters.Notification, reason string) {
		d.Problems = append(d.Problems, fmt.Sprintf("%s to %s on %s: %s", n.Template, commit.Roles(n), d.today(ctx), reason))
		d.record(caserecord.KindDeliveryFailed, string(n.Template), d.today(ctx), map[string]any{"key": n.Key})
		if n.Template != letters.StaffDeliveryFailed {
			d.send(ctx, letters.StaffDeliveryFailed, "lost/"+n.Key, d.caseworker(), d.manager(),
				letters.Facts{Notice: n.Template, NoticeTo: commit.Roles(n), Reason: reason})
		}
		d.flush(ctx)
		d.changed++
	}, nil)
}

// record adds one event, keyed by the disagreement's own sequence so a
// retry or replay writes it once.
func (d *dispute) record(kind, name string, on statute.Date, detail map[string]any) {
	d.Seq++
	d.pending.Events = append(d.pending.Events, caserecord.Event{
		Key: fmt.Sprintf("%s/dispute/%d/%s", d.In.CaseRef, d.Seq, name), CaseRef: d.In.CaseRef,
		Kind: kind, Name: name, EffectiveOn: on, Detail: detail,
	})
}

// step records a step taken.
func (d *dispute) step(name string, on statute.Date) {
	d.Steps = append(d.Steps, Step{Step: name, On: on})
	d.record(caserecord.KindStep, name, on, nil)
}

// send owes one letter, keyed so the same alarm always yields the same key.
func (d *dispute) send(ctx workflow.Context, tmpl letters.Template, subject string, to, cc []letters.Recipient, facts letters.Facts) {
	d.pending.Letters = append(d.pending.Letters, letters.Notification{Facts: facts, Envelope: letters.Envelope{
		Key: deadline.LetterKey(d.In.CaseRef, string(tmpl), "dispute", subject), CaseRef: d.In.CaseRef,
		Template: tmpl, On: d.today(ctx), To: to, Cc: cc, Caseworker: d.caseworker()[0],
	}})
}

func (d *dispute) family() []letters.Recipient {
	return []letters.Recipient{{Role: letters.RoleFamily, Name: d.In.Family.Name, Email: d.In.Family.Email}}
}

func (d *dispute) caseworker() []letters.Recipient {
	return []letters.Recipient{{Role: letters.RoleCaseworker, Name: d.In.Caseworker, Email: d.In.CaseworkerEmail}}
}

func (d *dispute) manager() []letters.Recipient {
	if d.In.Manager.Email == "" {
		return nil
	}
	return []letters.Recipient{{Role: letters.RoleManager, Name: d.In.Manager.Name, Email: d.In.Manager.Email}}
}

// fireDue fires every alarm now due, oldest first: reminders and weekly
// escalations to the caseworker and manager, and the family told once,
// on the first escalation that fires, that a limit was missed. A limit met
// late while no worker ran gets that letter too, saying when it was done.
func (d *dispute) fireDue(ctx workflow.Context) {
	today := d.today(ctx)
	d.Deadlines.FireDue(d.Policy.Schedule, d.now(ctx), func(dl *deadline.Deadline, al deadline.Alarm) {
		facts := letters.Facts{Deadline: dl.Name, Due: dl.Due}
		occurrence := dl.Key + "/" + deadline.Occurrence(al)
		if al.Kind == deadline.AlarmReminder {
			facts.DaysLeft = dl.Due.DaysSince(today)
			d.record(caserecord.KindReminder, dl.Key, today, map[string]any{"due": dl.Due.String(), "days_left": facts.DaysLeft})
			d.send(ctx, letters.StaffDeadlineApproaching, occurrence, d.caseworker(), d.manager(), facts)
			return
		}
		facts.DaysOverdue = today.DaysSince(dl.Due)
		d.record(caserecord.KindEscalation, dl.Key, today, map[string]any{"due": dl.Due.String(), "days_overdue": facts.DaysOverdue, "n": al.N})
		d.send(ctx, letters.StaffDeadlineMissed, occurrence, d.caseworker(), d.manager(), facts)
		if dl.FamilyOwed(al) {
			dl.FamilyTold = true
			d.send(ctx, letters.FamilyDeadlineMissed, dl.Key, d.family(), nil, facts)
		}
	})
	for _, dl := range d.Deadlines {
		if dl.FamilyTold || !dl.MetOn.After(dl.Due) || !dl.MissedAlarmPassed(d.Policy.Schedule, d.now(ctx)) {
			continue
		}
		dl.FamilyTold = true
		d.send(ctx, letters.FamilyDeadlineMissed, dl.Key, d.family(), nil, letters.Facts{Deadline: dl.Name, Due: dl.Due,
			MetOn: dl.MetOn, DaysOverdue: dl.MetOn.DaysSince(dl.Due)})
	}
}
