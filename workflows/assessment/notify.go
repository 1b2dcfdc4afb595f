package assessment

import (
	"errors"
	"fmt"
	"slices"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/commit"
	"github.com/ehc-send/ehc/workflows/deadline"
)

// activityOptions are a step's (commit.Options): every activity a case
// schedules retries for a day.
var activityOptions = commit.Options

// send schedules one notification without waiting for it, so a slow
// transport never delays a timer. subject makes the key unique within the
// case and template: the same decision always yields the same key.
func (a *assessment) send(ctx workflow.Context, tmpl letters.Template, subject string, to, cc []letters.Recipient, facts letters.Facts) {
	if a.entering || a.dryRun {
		return // a past step's letters went before the case was entered
	}
	n := letters.Notification{Facts: facts, Envelope: letters.Envelope{
		Key:        deadline.LetterKey(a.In.CaseRef, string(tmpl), subject),
		CaseRef:    a.In.CaseRef,
		Template:   tmpl,
		On:         a.today(ctx),
		To:         to,
		Cc:         cc,
		Caseworker: a.caseworker()[0],
	}}
	if a.Batched {
		a.pending.Letters = append(a.pending.Letters, n) // the step's CommitStep sends it
		return
	}
	send(ctx, &a.sending, n, a.lost(n))
}

func send(ctx workflow.Context, inFlight *int, n letters.Notification, lost func(workflow.Context, error)) {
	schedule(ctx, inFlight, fmt.Sprintf("notify %s: %s", n.To[0].Role, n.Template), n.Key, letters.ActivityNotify, n, lost)
}

// schedule starts an activity without waiting for it, counting it in
// inFlight until it settles so the workflow does not close under it. failed,
// when given, hears of an activity that failed for good.
func schedule(ctx workflow.Context, inFlight *int, summary, key string, activity, arg any, failed func(workflow.Context, error)) {
	opts := activityOptions
	opts.Summary = summary
	f := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, opts), activity, arg)
	*inFlight++
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() { *inFlight-- }()
		if err := f.Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Warn("activity failed for good", "summary", summary, "key", key, "error", err)
			if failed != nil {
				failed(ctx, err)
			}
		}
	})
}

// metLateChange guards the family's letter for a limit met late whose
// "missed" alarm never told them: nothing ran when it was due (a worker
// down) and the late step reached the case before the alarm could fire.
const metLateChange = "family-told-when-met-late"

// tellMetLate sends the family, once, the missed-limit letter no alarm sent
// for each limit met after its due date once that alarm's moment had
// passed: superseding may drop a staff alarm, never the family's letter.
// The letter says when the step was done, not that it is still awaited.
func (a *assessment) tellMetLate(ctx workflow.Context) {
	if !a.TellsMetLate || a.entering || a.dryRun {
		return
	}
	now := a.now(ctx)
	for _, d := range a.Deadlines {
		if d.Chase != deadline.ChaseLA || !statutory(d) || d.FamilyTold || !d.MetOn.After(d.Due) || !d.MissedAlarmPassed(a.Policy.Schedule, now) {
			continue
		}
		d.FamilyTold = true
		f := a.missedFacts(ctx, d)
		f.MetOn, f.DaysOverdue, f.ExpectedBy = d.MetOn, d.MetOn.DaysSince(d.Due), statute.Date{}
		a.tellFamily(ctx, letters.FamilyDeadlineMissed, d.Key, f)
	}
}

// familyLetterChange guards the family's missed-limit letter riding on a
// later escalation when the first was superseded.
const familyLetterChange = "family-letter-never-superseded"

// lostNoticeChange guards what a notification lost for good now does:
// recorded on the case, shown to managers, and the caseworker alerted.
const lostNoticeChange = "lost-notice"

// lost makes a notification that failed after its retries loud: on the
// case (status, register, the EhcDeliveryProblem search attribute) and,
// unless it was itself such an alert, to the caseworker and manager.
func (a *assessment) lost(n letters.Notification) func(workflow.Context, error) {
	return func(ctx workflow.Context, err error) {
		if workflow.GetVersion(ctx, lostNoticeChange, workflow.DefaultVersion, 1) < 1 {
			return
		}
		a.problem(ctx, lostProblem(n, err))
	}
}

// lostProblem describes a notification lost for good; the case dates it.
func lostProblem(n letters.Notification, err error) DeliveryProblem {
	var to letters.Roles
	for _, r := range n.To {
		to = append(to, r.Role)
	}
	reason := "it could not be sent after a day of retries"
	if appErr := (*temporal.ApplicationError)(nil); errors.As(err, &appErr) && appErr.Message() != "" {
		reason = appErr.Message()
	}
	return DeliveryProblem{Key: n.Key, Template: n.Template, To: to, On: n.On, Error: reason}
}

// problem puts a lost notification on the case and alerts the staff.
func (a *assessment) problem(ctx workflow.Context, p DeliveryProblem) {
	today := a.today(ctx)
	p.On = today
	a.Problems = append(a.Problems, p)
	a.record(ctx, caserecord.KindDeliveryFailed, string(p.Template), today, map[string]any{"key": p.Key, "to": p.To.String()})
	if p.Template != letters.StaffDeliveryFailed {
		a.send(ctx, letters.StaffDeliveryFailed, "lost/"+p.Key, a.caseworker(), a.manager(),
			letters.Facts{Notice: p.Template, NoticeTo: p.To, Reason: p.Error})
	}
	a.flush(ctx)
	a.changed++ // the main loop republishes: the UI shows the problem
}

// DeliveryFailedSignal is what an advice child sends its case when one of
// its letters is lost for good, so the case shows it as its own.
const DeliveryFailedSignal = "delivery-failed"

// hearLostAdvice takes the advice children's lost letters onto the case.
func (a *assessment) hearLostAdvice(ctx workflow.Context) {
	ch := workflow.GetSignalChannel(ctx, DeliveryFailedSignal)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var p DeliveryProblem
			if !ch.Receive(ctx, &p) {
				return
			}
			a.problem(ctx, p)
		}
	})
}

func (a *assessment) family() []letters.Recipient {
	return []letters.Recipient{{Role: letters.RoleFamily, Name: a.In.Family.Name, Email: a.In.Family.Email}}
}

func (a *assessment) caseworker() []letters.Recipient {
	return []letters.Recipient{{Role: letters.RoleCaseworker, Name: a.In.Caseworker, Email: a.In.CaseworkerEmail}}
}

func (a *assessment) manager() []letters.Recipient {
	if a.In.Manager.Email == "" {
		return nil
	}
	return []letters.Recipient{{Role: letters.RoleManager, Name: a.In.Manager.Name, Email: a.In.Manager.Email}}
}

// partners are who reg 4(2) says hear of the request; tell picks those a
// notice goes to. Only cases begun with partner notices (lateEntryChange)
// send them.
func (a *assessment) tellPartners(ctx workflow.Context, tmpl letters.Template, facts letters.Facts, roles ...letters.Role) {
	if !a.Partners {
		return
	}
	all := []letters.Recipient{
		{Role: letters.RoleSchool, Name: a.In.School.Name, Email: a.In.School.Email},
		{Role: letters.RoleHealth, Name: a.In.HealthBody.Name, Email: a.In.HealthBody.Email},
		{Role: letters.RoleSocialCare, Name: a.In.SocialCare.Name, Email: a.In.SocialCare.Email},
	}
	var to []letters.Recipient
	for _, r := range all {
		if r.Email != "" && slices.Contains(roles, r.Role) {
			to = append(to, r)
		}
	}
	if len(to) > 0 {
		a.send(ctx, tmpl, "1", to, nil, facts)
	}
}

func (a *assessment) tellFamily(ctx workflow.Context, tmpl letters.Template, subject string, facts letters.Facts) {
	a.send(ctx, tmpl, subject, a.family(), nil, facts)
}

// exceptionText names a recorded exception as the family is told it.
func (a *assessment) exceptionText(d *deadline.Deadline) string {
	for i := len(a.Exceptions) - 1; i >= 0; i-- {
		e := a.Exceptions[i]
		if e.Deadline == d.Name && e.AdviceID == d.AdviceID {
			return e.Regulation + ": " + e.Ground.Title()
		}
	}
	return ""
}

// missedFacts is what a letter about d says: which limit, by when, how late,
// any exception and the new expected date.
func (a *assessment) missedFacts(ctx workflow.Context, d *deadline.Deadline) letters.Facts {
	f := letters.Facts{Deadline: d.Name, Due: d.Due, Exception: a.exceptionText(d), AdviceID: d.AdviceID,
		School: d.School, ExpectedBy: d.ExpectedBy}
	if now := a.today(ctx); now.After(d.Due) {
		f.DaysOverdue = now.DaysSince(d.Due)
	}
	return f
}

// fire sends what one alarm calls for, and records it.
func (a *assessment) fire(ctx workflow.Context, d *deadline.Deadline, al deadline.Alarm) {
	now := a.today(ctx)
	kind, detail := caserecord.KindEscalation, map[string]any{"due": d.Due.String(), "days_overdue": now.DaysSince(d.Due), "n": al.N}
	if al.Kind == deadline.AlarmReminder {
		kind, detail = caserecord.KindReminder, map[string]any{"due": d.Due.String(), "days_left": d.Due.DaysSince(now)}
	}
	a.record(ctx, kind, d.Key, now, detail)
	facts := a.missedFacts(ctx, d)
	occurrence := d.Key + "/" + deadline.Occurrence(al)
	switch al.Kind {
	case deadline.AlarmReminder:
		facts.DaysLeft, facts.DaysOverdue = d.Due.DaysSince(now), 0
		a.send(ctx, letters.StaffDeadlineApproaching, occurrence, a.caseworker(), a.manager(), facts)
		return
	}
	switch d.Chase {
	case deadline.ChaseLA:
		a.send(ctx, letters.StaffDeadlineMissed, occurrence, a.caseworker(), a.manager(), facts)
		switch {
		case al.Kind == deadline.AlarmMissed:
			d.FamilyTold = true
			a.tellFamily(ctx, letters.FamilyDeadlineMissed, d.Key, facts)
		case d.FamilyOwed(al) && workflow.GetVersion(ctx, familyLetterChange, workflow.DefaultVersion, 1) >= 1:
			d.FamilyTold = true // its first escalation was superseded
			a.tellFamily(ctx, letters.FamilyDeadlineMissed, d.Key, facts)
		}
	case deadline.ChaseConsult:
		a.send(ctx, letters.StaffDeadlineMissed, occurrence, a.caseworker(), a.manager(), facts)
	case deadline.ChaseAdvice:
		facts.AdviceKind = a.adviceByID(d.AdviceID).Kind
		a.tellFamily(ctx, letters.FamilyAdviceOverdue, d.Key, facts)
	}
}
