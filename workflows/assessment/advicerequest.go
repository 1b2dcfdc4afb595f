package assessment

import (
	"errors"
	"fmt"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/deadline"
)

// AdviceRequest chases one adviser for the advice asked of them: reminders
// before the six weeks are up (reg 8(1)), then weekly escalations copied to
// the caseworker and manager until the parent signals that it arrived. It
// is a child of the assessment, so each request shows on its own in the UI.
func AdviceRequest(ctx workflow.Context, in AdviceRequestInput) (AdviceResult, error) {
	// Letters go on a context the case's close cannot cancel: once owed,
	// the adviser's letter is sent whatever becomes of the case.
	settles := workflow.GetVersion(ctx, adviceSettlesChange, workflow.DefaultVersion, 1) >= 1
	sendCtx := ctx
	if settles {
		sendCtx, _ = workflow.NewDisconnectedContext(ctx)
	}
	policy := in.Policy.normalise()
	// The request's ID keys its letters, as it has since the first.
	d := &deadline.Deadline{Key: in.ID, Name: statute.AdviceDue,
		Due: statute.AdviceDueFrom(in.Requested), Chase: deadline.ChaseAdviser, AdviceID: in.ID}
	sending := 0
	adviser := []letters.Recipient{{Role: letters.RoleAdviser, Name: in.Provider.Name, Email: in.Provider.Email}}
	staff := []letters.Recipient{{Role: letters.RoleCaseworker, Name: in.Caseworker.Name, Email: in.Caseworker.Email}}
	if in.Manager.Email != "" {
		staff = append(staff, letters.Recipient{Role: letters.RoleManager, Name: in.Manager.Name, Email: in.Manager.Email})
	}
	if in.Escalation.Email != "" {
		staff = append(staff, letters.Recipient{Role: letters.RoleAdviser, Name: in.Escalation.Name, Email: in.Escalation.Email})
	}
	tell := func(tmpl letters.Template, subject string, cc []letters.Recipient, f letters.Facts) {
		f.AdviceKind, f.AdviceID, f.Deadline, f.Due = in.Kind, in.ID, statute.AdviceDue, d.Due
		n := letters.Notification{Facts: f, Envelope: letters.Envelope{
			Key:     deadline.LetterKey(in.CaseRef, string(tmpl), d.Key, subject),
			CaseRef: in.CaseRef, Template: tmpl, On: in.Clock.Today(ctx), To: adviser, Cc: cc, Caseworker: staff[0]}}
		send(sendCtx, &sending, n, func(ctx workflow.Context, err error) { tellCaseLost(ctx, n, err) })
	}
	fire := func(d *deadline.Deadline, al deadline.Alarm) {
		now := in.Clock.Today(ctx)
		if al.Kind == deadline.AlarmReminder {
			tell(letters.AdviserReminder, deadline.Occurrence(al), nil, letters.Facts{DaysLeft: d.Due.DaysSince(now)})
		} else {
			tell(letters.AdviserOverdue, deadline.Occurrence(al), staff, letters.Facts{DaysOverdue: now.DaysSince(d.Due)})
		}
	}
	if in.Entered {
		// Requested before the case was entered: the letter went then, and
		// alarms whose moment passed are not sent as if new.
		d.SkipPassed(policy.Schedule, in.Clock.Now(ctx))
	} else {
		tell(letters.AdviserRequest, "1", nil, letters.Facts{})
	}

	received := workflow.GetSignalChannel(ctx, AdviceReceivedSignal)
	arrived := func() bool { return received.Len() > 0 }
	watched := deadline.Set{d}
	var timer deadline.Timer
	for d.MetOn.IsZero() {
		var got AdviceReceived
		if received.ReceiveAsync(&got) {
			d.MetOn = got.On
			break
		}
		watched.FireDue(policy.Schedule, in.Clock.Now(ctx), fire)
		al, _, ok := watched.Next(policy.Schedule, in.Clock.Now(ctx))
		if !ok && settles {
			// Nothing left to chase: wait for the advice, or for the case to close.
			sel := workflow.NewSelector(ctx)
			sel.AddReceive(received, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, &got); d.MetOn = got.On })
			sel.AddReceive(ctx.Done(), func(workflow.ReceiveChannel, bool) {})
			sel.Select(ctx)
			break
		}
		if !ok {
			received.Receive(ctx, &got)
			d.MetOn = got.On
			break
		}
		if wait := in.Clock.UntilAlarm(ctx, al.Date); wait > 0 {
			summary := deadline.Summary(d, al)
			if err := timer.Await(ctx, al.Date.String()+" "+summary, summary, wait, arrived); err != nil || ctx.Err() != nil {
				break // the case closed
			}
		}
	}
	timer.Stop()
	if err := ctx.Err(); err != nil {
		// The case closed before the advice came: nothing more to chase,
		// but what is owed already still goes.
		if settles {
			_ = workflow.Await(sendCtx, func() bool { return sending == 0 })
		}
		return AdviceResult{ID: in.ID}, err
	}
	// The case may close the moment the advice arrives: what is owed still
	// goes, so the wait is on a context its close cannot cancel.
	_ = workflow.Await(sendCtx, func() bool { return sending == 0 })
	late := 0
	if d.MetOn.After(d.Due) {
		late = d.MetOn.DaysSince(d.Due)
	}
	return AdviceResult{ID: in.ID, Received: d.MetOn, DaysLate: late}, nil
}

// adviceSettlesChange guards how advice requests end when their case closes:
// the case waits until each child has started and sent what it owes, rather
// than cancelling it with its letter still pending.
const adviceSettlesChange = "advice-settles"

// settleAdvice ends every advice child before the case closes. Each is
// first awaited until it has started (a child cancelled before its start
// was sent would never be started, and its letter never written), then
// cancelled, then awaited while it sends the letters it already owes.
func (a *assessment) settleAdvice(ctx workflow.Context) {
	if workflow.GetVersion(ctx, adviceSettlesChange, workflow.DefaultVersion, 1) < 1 {
		return
	}
	for _, r := range a.Advice {
		if r.child != nil {
			_ = r.child.GetChildWorkflowExecution().Get(ctx, nil)
		}
	}
	a.cancelAdvice()
	for _, r := range a.Advice {
		if r.child != nil {
			_ = r.child.Get(ctx, nil) // ended: received, cancelled or failed (logged by startAdvice)
		}
	}
}

// adviceWorkflowID keeps the child's ID free of anything but the case
// reference and the request's kind and number.
func adviceWorkflowID(caseRef, id string) string { return WorkflowID(caseRef) + "/advice/" + id }

// startAdvice starts the chaser for one request; entered says the request
// was made before the case was entered, so its letter already went.
func (a *assessment) startAdvice(ctx workflow.Context, r *adviceRequest, entered bool) workflow.ChildWorkflowFuture {
	opts := workflow.ChildWorkflowOptions{
		WorkflowID: adviceWorkflowID(a.In.CaseRef, r.ID),
		// The case cancels its children itself and waits for them
		// (settleAdvice); this is for a case terminated by an operator.
		ParentClosePolicy:   enums.PARENT_CLOSE_POLICY_REQUEST_CANCEL,
		WaitForCancellation: true,
		StaticSummary:       fmt.Sprintf("%s: %s requested %s, due %s (reg 8(1))", a.In.CaseRef, r.Kind, r.Requested, r.Due),
	}
	f := workflow.ExecuteChildWorkflow(workflow.WithChildOptions(a.adviceCtx, opts), AdviceRequest, AdviceRequestInput{
		CaseRef: a.In.CaseRef, ID: r.ID, Kind: r.Kind, Provider: r.Provider, Requested: r.Requested,
		Escalation: Contact{Name: r.Provider.Name + " (escalation)", Email: r.EscalationEmail},
		Caseworker: Contact{Name: a.In.Caseworker, Email: a.In.CaseworkerEmail}, Manager: a.In.Manager, Policy: a.Policy,
		Clock: a.In.Clock, Entered: entered,
	})
	workflow.Go(ctx, func(ctx workflow.Context) {
		var res AdviceResult
		if err := f.Get(ctx, &res); err != nil && !errors.As(err, new(*temporal.CanceledError)) {
			workflow.GetLogger(ctx).Warn("advice request ended abnormally", "advice", r.ID, "error", err)
		}
		r.ended = true
		if a.awaitingChildren {
			a.changed++ // the case may now continue as new
		}
	})
	return f
}

func (a *assessment) signalAdvice(ctx workflow.Context, r *adviceRequest, on statute.Date) {
	if err := r.child.SignalChildWorkflow(ctx, AdviceReceivedSignal, AdviceReceived{On: on}).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("advice request not told of receipt", "advice", r.ID, "error", err)
	}
}

// tellCaseLost tells the case that one of this child's letters is lost for
// good, so it is on the case and the staff are alerted (lostNoticeChange).
func tellCaseLost(ctx workflow.Context, n letters.Notification, err error) {
	parent := workflow.GetInfo(ctx).ParentWorkflowExecution
	if parent == nil || workflow.GetVersion(ctx, lostNoticeChange, workflow.DefaultVersion, 1) < 1 {
		return
	}
	if err := workflow.SignalExternalWorkflow(ctx, parent.ID, "", DeliveryFailedSignal, lostProblem(n, err)).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("the case was not told of a lost advice letter", "key", n.Key, "error", err)
	}
}
