package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/register"
)

var acts *activities.Activities

// activityOptions let a notification or a register write retry for a day:
// an outage must not lose a statutory notice or record, but must not hold
// the case either.
var activityOptions = workflow.ActivityOptions{
	StartToCloseTimeout:    time.Minute,
	ScheduleToCloseTimeout: 24 * time.Hour,
}

// send schedules one notification without waiting for it, so a slow
// transport never delays a timer. subject makes the key unique within the
// case and template: the same decision always yields the same key.
func (a *assessment) send(ctx workflow.Context, tmpl activities.Template, subject string, to, cc []activities.Recipient, facts activities.Facts) {
	send(ctx, &a.sending, activities.Notification{Facts: facts, Envelope: activities.Envelope{
		Key:        fmt.Sprintf("%s/%s/%s", a.In.CaseRef, tmpl, subject),
		CaseRef:    a.In.CaseRef,
		Template:   tmpl,
		On:         a.today(ctx),
		To:         to,
		Cc:         cc,
		Caseworker: a.caseworker()[0],
	}})
}

func send(ctx workflow.Context, inFlight *int, n activities.Notification) {
	schedule(ctx, inFlight, fmt.Sprintf("notify %s: %s", n.To[0].Role, n.Template), n.Key, acts.Notify, n)
}

// schedule starts an activity without waiting for it, counting it in
// inFlight until it settles so the workflow does not close under it.
func schedule(ctx workflow.Context, inFlight *int, summary, key string, activity, arg any) {
	opts := activityOptions
	opts.Summary = summary
	f := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, opts), activity, arg)
	*inFlight++
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() { *inFlight-- }()
		if err := f.Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Warn("activity failed for good", "summary", summary, "key", key, "error", err)
		}
	})
}

func (a *assessment) family() []activities.Recipient {
	return []activities.Recipient{{Role: activities.RoleFamily, Name: a.In.Family.Name, Email: a.In.Family.Email}}
}

func (a *assessment) caseworker() []activities.Recipient {
	return []activities.Recipient{{Role: activities.RoleCaseworker, Name: a.In.Caseworker, Email: a.In.CaseworkerEmail}}
}

func (a *assessment) manager() []activities.Recipient {
	if a.In.Manager.Email == "" {
		return nil
	}
	return []activities.Recipient{{Role: activities.RoleManager, Name: a.In.Manager.Name, Email: a.In.Manager.Email}}
}

func (a *assessment) tellFamily(ctx workflow.Context, tmpl activities.Template, subject string, facts activities.Facts) {
	a.send(ctx, tmpl, subject, a.family(), nil, facts)
}

// exceptionText names a recorded exception as the family is told it.
func (a *assessment) exceptionText(d *deadline) string {
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
func (a *assessment) missedFacts(ctx workflow.Context, d *deadline) activities.Facts {
	f := activities.Facts{Deadline: d.Name, Due: d.Due, Exception: a.exceptionText(d), AdviceID: d.AdviceID,
		School: d.School, ExpectedBy: d.ExpectedBy}
	if now := a.today(ctx); now.After(d.Due) {
		f.DaysOverdue = now.DaysSince(d.Due)
	}
	return f
}

// fire sends what one alarm calls for, and records it.
func (a *assessment) fire(ctx workflow.Context, d *deadline, al alarm) {
	now := a.today(ctx)
	kind, detail := register.KindEscalation, map[string]any{"due": d.Due.String(), "days_overdue": now.DaysSince(d.Due), "n": al.N}
	if al.Kind == alarmReminder {
		kind, detail = register.KindReminder, map[string]any{"due": d.Due.String(), "days_left": d.Due.DaysSince(now)}
	}
	a.record(ctx, kind, d.Key, now, detail)
	facts := a.missedFacts(ctx, d)
	occurrence := fmt.Sprintf("%s/%d", d.Key, al.N)
	switch al.Kind {
	case alarmReminder:
		facts.DaysLeft, facts.DaysOverdue = d.Due.DaysSince(now), 0
		a.send(ctx, activities.StaffDeadlineApproaching, fmt.Sprintf("%s/lead%d", d.Key, al.Lead), a.caseworker(), a.manager(), facts)
		return
	}
	switch d.Chase {
	case chaseLA:
		a.send(ctx, activities.StaffDeadlineMissed, occurrence, a.caseworker(), a.manager(), facts)
		if al.Kind == alarmMissed {
			a.tellFamily(ctx, activities.FamilyDeadlineMissed, d.Key, facts)
		}
	case chaseConsult:
		a.send(ctx, activities.StaffDeadlineMissed, occurrence, a.caseworker(), a.manager(), facts)
	case chaseAdvice:
		facts.AdviceKind = a.adviceByID(d.AdviceID).Kind
		a.tellFamily(ctx, activities.FamilyAdviceOverdue, d.Key, facts)
	}
}
