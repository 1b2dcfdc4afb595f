package plan

import (
	"errors"
	"fmt"
	"strings"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/bounds"
)

// Every step is a validated Update, as the assessment's are: its check runs
// in the validator, so a refused step leaves no trace in history, and its
// handler cannot fail.

// Bounds on what a caseworker types into a plan's steps, in characters.
const (
	MaxReason  = 2000 // reasons the family will read
	MaxSetting = 200  // a school, setting or authority's name
	MaxName    = 200
	MaxStaffID = 64
)

// listen installs the status query and one validated update per step.
func (p *plan) listen(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, StatusQuery, func() (PlanStatus, error) { return p.status(ctx), nil }); err != nil {
		return err
	}
	return errors.Join(
		on(ctx, p, UpdateScheduleReview, p.checkScheduleReview, p.scheduleReview),
		on(ctx, p, UpdateHoldReview, p.checkHoldReview, p.holdReview),
		on(ctx, p, UpdateRecordReviewReport, p.checkRecordReport, p.recordReport),
		on(ctx, p, UpdateDecideReview, p.checkDecideReview, p.decideReview),
		on(ctx, p, UpdateIssueAmendedPlan, p.checkIssueAmendedPlan, p.issueAmendedPlan),
		on(ctx, p, UpdateDecideNotToAmend, p.checkDecideNotToAmend, p.decideNotToAmend),
		on(ctx, p, UpdateRecordPhaseTransfer, p.checkRecordPhaseTransfer, p.recordPhaseTransfer),
		on(ctx, p, UpdateRecordMove, p.checkRecordMove, p.recordMove),
		on(ctx, p, UpdateSendPlan, p.checkSendPlan, p.sendPlan),
		on(ctx, p, UpdateWithdrawMove, p.checkWithdrawMove, p.withdrawMove),
		on(ctx, p, UpdateTellAfterTransferIn, p.checkTellAfterTransferIn, p.tellAfterTransferIn),
		on(ctx, p, UpdateRequestReassessment, p.checkRequestReassessment, p.requestReassessment),
		on(ctx, p, UpdateDecideReassess, p.checkDecideReassess, p.decideReassess),
		on(ctx, p, UpdateIssueReassessedPlan, p.checkIssueReassessedPlan, p.issueReassessedPlan),
		on(ctx, p, UpdateCeasePlan, p.checkCeasePlan, p.ceasePlan),
		on(ctx, p, UpdateCeasingAppealed, p.checkCeasingAppealed, p.ceasingAppealed),
		on(ctx, p, UpdateCeasingAppealEnded, p.checkCeasingAppealEnded, p.ceasingAppealEnded),
		on(ctx, p, UpdateRecordException, p.checkRecordException, p.recordException),
		on(ctx, p, UpdateExpect, p.checkExpect, p.expect),
		on(ctx, p, UpdateMediation, p.checkMediation, p.mediation),
		on(ctx, p, UpdateMediationHeld, p.checkMediationHeld, p.mediationHeld),
		on(ctx, p, UpdateCertificate, p.checkCertificate, p.certificate),
		on(ctx, p, UpdateAppeal, p.checkAppeal, p.appeal),
		on(ctx, p, UpdateResponse, p.checkResponse, p.response),
		on(ctx, p, UpdateAppealEnded, p.checkAppealEnded, p.appealEnded),
		on(ctx, p, UpdateOrder, p.checkOrder, p.order),
		on(ctx, p, UpdateComplyOrder, p.checkComplyOrder, p.complyOrder),
	)
}

// on installs one step: the validator refuses a step on a plan that has
// ended or is still making its first record, then runs the step's check;
// the handler applies it, commits its record and letters, and answers with
// the plan as it now stands.
func on[T any](ctx workflow.Context, p *plan, name string, check func(workflow.Context, T) error, apply func(workflow.Context, T)) error {
	return workflow.SetUpdateHandlerWithOptions(ctx, name,
		func(ctx workflow.Context, in T) (PlanStatus, error) {
			apply(ctx, in)
			p.flush(ctx)
			p.changed++
			return p.status(ctx), nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in T) error {
			if !p.ready {
				return temporal.NewApplicationError(fmt.Sprintf("the plan for case %s is still being set up: try again in a few seconds", p.In.CaseRef), SettingUp)
			}
			if p.Stage.Closed() {
				return fmt.Errorf("the plan for case %s ended on %s (%s): no further steps can be recorded", p.In.CaseRef, p.EndedOn, p.Stage.Title())
			}
			return check(ctx, in)
		}})
}

// dated rejects a missing date, a future date and one before notBefore
// (the step it must follow, named by after).
func (p *plan) dated(ctx workflow.Context, on, notBefore statute.Date, after string) error {
	return bounds.Dated(on, p.today(ctx), notBefore, after)
}

// checkText applies the bounds to a value typed for what; required
// refuses it empty.
func checkText(what, v string, max int, required bool) error {
	if required && strings.TrimSpace(v) == "" {
		return fmt.Errorf("%s is required", what)
	}
	if max == MaxReason {
		return bounds.Text(what, v, max)
	}
	return bounds.Line(what, v, max)
}

// validateStart judges a plan's start, naming every problem at once.
func validateStart(in PlanInput, today statute.Date) error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(bounds.CaseRef(in.CaseRef))
	add(in.Clock.Check())
	add(checkText("the caseworker", in.Caseworker, MaxStaffID, true))
	add(checkText("the named setting", in.NamedSetting, MaxSetting, false))
	add(checkText("the family's name", in.Family.Name, MaxName, false))
	add(checkText("the SEND manager's name", in.Manager.Name, MaxName, false))
	if err := letters.CheckEmail(in.Family.Email); err != nil {
		add(fmt.Errorf("the family's email (they must be told of every review): %w", err))
	}
	if err := letters.CheckEmail(in.CaseworkerEmail); err != nil {
		add(fmt.Errorf("the caseworker's email (reminders go there): %w", err))
	}
	if in.Manager.Email != "" {
		if err := letters.CheckEmail(in.Manager.Email); err != nil {
			add(fmt.Errorf("the SEND manager's email: %w", err))
		}
	}
	past := func(what string, d, notBefore statute.Date, after string) {
		switch {
		case d.IsZero():
		case d.After(today):
			add(fmt.Errorf("%s %s is in the future (today is %s)", what, d, today))
		case d.Before(notBefore):
			add(fmt.Errorf("%s %s is before %s (%s)", what, d, after, notBefore))
		}
	}
	switch {
	case in.PlanMade.IsZero():
		add(errors.New("the date the plan was made is required"))
	case in.ChildDOB.IsZero():
		add(errors.New("the child's date of birth is required (it sets the plan's phase transfers)"))
	case !in.ChildDOB.Before(in.PlanMade):
		add(fmt.Errorf("the child's date of birth %s is not before the plan was made (%s)", in.ChildDOB, in.PlanMade))
	case statute.ReviewDueAfter(in.ChildDOB, 26*12).Before(in.PlanMade):
		add(fmt.Errorf("the child's date of birth %s makes them over 25 when the plan was made (%s)", in.ChildDOB, in.PlanMade))
	}
	if c := in.Child; c != nil {
		add(checkText("the child's name", c.Name, MaxName, false))
		for _, err := range []error{c.SEN2.Check(), c.Plan.Check()} {
			if err != nil {
				add(fmt.Errorf("the child's SEN2 details: %w", err))
			}
		}
		past("the request received on", c.Plan.RequestReceived, statute.Date{}, "")
		if r := c.Plan.RequestReceived; !r.IsZero() && in.PlanMade.Before(r) {
			add(fmt.Errorf("the request received on %s is after the plan was made (%s)", r, in.PlanMade))
		}
	}
	past("the plan made on", in.PlanMade, statute.Date{}, "")
	past("the last review on", in.LastReview, in.PlanMade, "the plan was made")
	past("the transfer in on", in.TransferredIn, in.PlanMade, "the plan was made")
	from := in.PlanMade
	if !in.LastReview.IsZero() {
		from = in.LastReview
	}
	if r := in.Review; r != nil {
		past("the review's notice on", r.NoticeOn, from, "the start of its review period")
		held := from
		if r.NoticeOn.After(from) {
			held = r.NoticeOn
		}
		past("the review held on", r.HeldOn, held, "its notice or the start of its review period")
		past("the review's report on", r.ReportOn, r.HeldOn, "the meeting")
		past("the review's decision on", r.DecidedOn, r.HeldOn, "the meeting")
		switch {
		case !r.NoticeOn.IsZero() && r.Meeting.IsZero():
			add(errors.New("a review whose notice went needs its meeting's date"))
		case !r.NoticeOn.IsZero() && r.Meeting.Before(r.NoticeOn):
			add(fmt.Errorf("the review meeting %s is before its notice (%s)", r.Meeting, r.NoticeOn))
		}
		if (!r.ReportOn.IsZero() || !r.DecidedOn.IsZero()) && r.HeldOn.IsZero() {
			add(errors.New("a review's report or decision needs the date the meeting was held"))
		}
		if !r.DecidedOn.IsZero() && r.Outcome != OutcomeMaintain && r.Outcome != OutcomeAmend {
			add(fmt.Errorf("the review's outcome %q is not maintain or amend", r.Outcome))
		}
	}
	if p := in.Policy; p.UnderFiveMonths < 0 || p.UnderFiveMonths > statute.AnnualReviewMonths {
		add(fmt.Errorf("the policy's review interval for under-5s, %d months, is outside 1 to 12 (0: the default, %d)", p.UnderFiveMonths, DefaultUnderFiveMonths))
	}
	if p := in.Policy; p.TransferLeadDays < 0 || p.TransferLeadDays > 180 {
		add(fmt.Errorf("the policy's transfer lead, %d days, is outside 1 to 180 (0: the default, %d)", p.TransferLeadDays, DefaultTransferLeadDays))
	}
	if p := in.Policy; p.ResponseWorkingDays < 0 || p.ResponseWorkingDays > MaxResponseWorkingDays {
		add(fmt.Errorf("the policy's response time, %d working days, is outside 1 to %d (0: the default, %d)", p.ResponseWorkingDays, MaxResponseWorkingDays, DefaultResponseWorkingDays))
	}
	if p := in.Policy; p.HistoryBound < 0 || p.HistoryBound > MaxHistoryBound {
		add(fmt.Errorf("the policy's history bound %d is outside 0 (the default, %d) to %d events", p.HistoryBound, DefaultHistoryBound, MaxHistoryBound))
	}
	return errors.Join(errs...)
}
