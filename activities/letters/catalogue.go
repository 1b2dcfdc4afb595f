package letters

// The wording of every notification. Written for a family who is not a
// lawyer: what happened, what happens next and by when, what they can do.
// Legal references are given once, in brackets, for anyone who wants them.

var catalogue = merged(map[Template]entry{
	FamilyRequestReceived: {
		subject: `We have received a request for an EHC needs assessment (case {{.CaseRef}})`,
		needs:   []need{needTT},
		text: `
{{- if .Facts.Limits}}{{template "entered" .}}{{else -}}
Hello,

We received a request for an education, health and care (EHC) needs
assessment on {{date .Facts.Timetable.Day1}}. Your case reference is {{.CaseRef}}.

The law gives us time limits for each step, counted from that day:

- by {{date .Facts.Timetable.DecisionToAssessDue}} (6 weeks) we will tell you whether we will
  carry out the assessment;
- by {{date .Facts.Timetable.DecisionNotToIssueDue}} (16 weeks), if we assess, we will tell you
  whether we will issue an EHC plan;
- by {{date .Facts.Timetable.FinalPlanDue}} (20 weeks), if we issue a plan, you will have
  the final plan.

We will also let the health service, social care and the head of the
school or setting know about the request.

In a few situations set out in law (for example exceptional personal
circumstances, or being away from the area for four weeks or more) a time
limit may not apply. If that happens we will tell you why, and we must
still finish as soon as we can: the clock does not stop.
{{template "footer" .}}{{end}}`,
	},

	FamilyDecisionToAssess: {
		subject: `We will carry out an EHC needs assessment (case {{.CaseRef}})`,
		text: `
Hello,

We have decided to carry out an education, health and care (EHC) needs
assessment (case {{.CaseRef}}).

We will now ask for advice: your views, and advice from education, health,
an educational psychologist and social care, and from anyone else who can
help. We will tell you each time we ask for advice.
{{- with .Facts.Timetable}}

By {{date .DecisionNotToIssueDue}} we will tell you whether we will issue an
EHC plan. If we do, you will have the final plan by {{date .FinalPlanDue}}.
{{- end}}
{{template "footer" .}}`,
	},

	FamilyRefusalToAssess: {
		subject: `Decision: we will not carry out an EHC needs assessment (case {{.CaseRef}})`,
		needs:   []need{needOn, needReason},
		text: `
{{template "dated" .}}

Hello,

We have decided not to carry out an education, health and care (EHC)
needs assessment (case {{.CaseRef}}).

Why we decided this:
{{.Facts.Reason}}

We have also told the school or setting and the health service about
this decision.
{{template "rights" .}}{{template "footer" .}}`,
	},

	FamilyAdviceRequested: {
		subject: `{{if .FamilyViews}}We would like your views{{else}}We have asked for {{.Facts.AdviceKind.Title}}{{end}} (case {{.CaseRef}})`,
		needs:   []need{needKind, needDue},
		text: `
Hello,
{{if .FamilyViews}}
As part of the EHC needs assessment (case {{.CaseRef}}) we would like
your views and your child's views: what is going well, what is hard, and
what you hope for. Please send them to us by {{date .Facts.Due}}.
{{- else}}
As part of the EHC needs assessment (case {{.CaseRef}}) we have asked for
{{.Facts.AdviceKind.Title}}. The adviser has 6 weeks to reply, so it is due
by {{date .Facts.Due}} (reg 8(1)). You do not need to do anything; we will
tell you if it is late.
{{- end}}
{{template "footer" .}}`,
	},

	FamilyDecisionToIssue: {
		subject: `We will issue an EHC plan (case {{.CaseRef}})`,
		text: `
Hello,

We have decided to issue an education, health and care (EHC) plan
(case {{.CaseRef}}).

We will send you a draft plan first. You will then have at least 15 days
to tell us what you think of it, to ask for a particular school, college
or other setting, and to ask for a meeting with one of our officers.
{{- with .Facts.Timetable}}

You will have the final plan by {{date .FinalPlanDue}}.
{{- end}}
{{template "footer" .}}`,
	},

	FamilyDecisionNotToIssue: {
		subject: `Decision: we will not issue an EHC plan (case {{.CaseRef}})`,
		needs:   []need{needOn},
		text: `
{{template "dated" .}}

Hello,

We have finished the EHC needs assessment (case {{.CaseRef}}) and decided
not to issue an education, health and care (EHC) plan.
{{- with .Facts.Reason}}

Why we decided this:
{{.}}
{{- end}}

We have also told the school or setting and the health service about
this decision.
{{template "rights" .}}{{template "footer" .}}`,
	},

	FamilyDraftServed: {
		subject: `Your draft EHC plan: please reply by {{date .Facts.CommentsEnd}} (case {{.CaseRef}})`,
		needs:   []need{needCommentsEnd},
		text: `
Hello,

We have sent you the draft education, health and care (EHC) plan
(case {{.CaseRef}}).

You have until {{date .Facts.CommentsEnd}} (15 days, counting the day we sent
it) to:

- tell us what you think of the draft and what you would like changed;
- ask us to name a particular school, college or other setting in the
  plan. We must then consult it. Information about schools and colleges
  is in our Local Offer;
- ask for a meeting with one of our officers to talk about the draft.

The draft does not name a school or other setting. That is deliberate:
the law says it must not (section 38(5), Children and Families Act 2014),
so that you can tell us what you would like first.
{{- with .Facts.Timetable}}

You will have the final plan by {{date .FinalPlanDue}}.
{{- end}}
{{template "footer" .}}`,
	},

	FamilyFinalPlan: {
		subject: `Your final EHC plan (case {{.CaseRef}})`,
		needs:   []need{needOn},
		text: `
{{template "dated" .}}

Hello,

We have issued the final education, health and care (EHC) plan
(case {{.CaseRef}}).{{with .Facts.School}} It names {{.}}.{{end}}

We will review the plan with you at least once every 12 months.

If you disagree with the plan

You can appeal to the First-tier Tribunal (Special Educational Needs and
Disability) about the special educational needs the plan describes, the
special educational provision in it, or the school or other setting it
names (or that it names none). You must appeal within 2 months of the date
of this notice, or within 1 month of the date of a mediation certificate,
whichever is later.

Before you appeal you must contact a mediation adviser to hear about
mediation, unless your appeal is only about the school or setting named.
Mediation is free and you do not have to go ahead with it: either way the
adviser gives you a certificate. Contact details are in our Local Offer.
{{template "footer" .}}`,
	},

	FamilyWithdrawn: {
		subject: `EHC needs assessment request withdrawn (case {{.CaseRef}})`,
		text: `
Hello,

The request for an education, health and care (EHC) needs assessment
(case {{.CaseRef}}) has been withdrawn, and we have closed the case.

If you did not expect this, please contact us straight away. A new request
can be made in future if needs change.
{{template "footer" .}}`,
	},

	FamilyDeadlineMissed: {
		subject: `We are late: {{.Facts.Deadline.Title}} (case {{.CaseRef}})`,
		needs:   []need{needDeadline, needDue},
		text: `
Hello,

We have missed a time limit in your case ({{.CaseRef}}), and we are sorry.

The {{.Facts.Deadline.Title}} was due by {{date .Facts.Due}} ({{.Facts.Deadline.Regulation}}).
{{- if not .Facts.MetOn.IsZero}} It was done on {{date .Facts.MetOn}}, {{days .Facts.DaysOverdue}} late, and you will have
our letter about it. We should have told you of the delay when the time
limit passed.
{{- else if .Facts.DaysOverdue}} It is now {{days .Facts.DaysOverdue}} late.{{end}}
{{- if .Facts.Exception}}

We have recorded an exception to this time limit: {{.Facts.Exception}}.
The law allows this, but it does not stop the clock
{{- if .Facts.MetOn.IsZero}} or give us a set amount
of extra time: we must still finish as soon as practicable{{end}}.
{{- end}}

{{if not .Facts.MetOn.IsZero}}{{else if not .Facts.ExpectedBy.IsZero}}We now expect to complete it by {{date .Facts.ExpectedBy}}, and will tell you
if that changes.{{else}}We will tell you the date by which we now expect to complete it.{{end}} If you are
unhappy about the delay you can complain to us, and then to the Local
Government and Social Care Ombudsman.
{{template "footer" .}}`,
	},

	FamilyAdviceOverdue: {
		subject: `{{if .FamilyViews}}We are still waiting for your views{{else}}Advice for your EHC needs assessment is late{{end}} (case {{.CaseRef}})`,
		needs:   []need{needKind, needDue},
		text: `
Hello,
{{if .FamilyViews}}
We have not yet had your views and your child's views for the EHC needs
assessment (case {{.CaseRef}}). They were due by {{date .Facts.Due}}.
Please send them as soon as you can, or tell us if you need help.
{{- else}}
We asked for {{.Facts.AdviceKind.Title}} for the EHC needs assessment
(case {{.CaseRef}}). It was due by {{date .Facts.Due}}
{{- if .Facts.DaysOverdue}} and is now {{days .Facts.DaysOverdue}} late{{end}}.

This is holding up your case. We are chasing it, and we must still keep
to your time limits unless an exception in law applies; if one does, we
will tell you why.
{{- end}}
{{template "footer" .}}`,
	},

	AdviserRequest: {
		subject: `Request for {{.Facts.AdviceKind.Title}} by {{date .Facts.Due}}: EHC needs assessment {{.CaseRef}}`,
		needs:   []need{needKind, needDue},
		text: `
Hello,

We are carrying out an education, health and care (EHC) needs assessment,
case reference {{.CaseRef}}, and ask you for {{.Facts.AdviceKind.Title}}
(SEND Regulations 2014, reg 6(1)).

Please send your advice by {{date .Facts.Due}}. The law gives you 6 weeks from
receiving this request (reg 8(1)). The only exceptions are those in
reg 8(2); if one applies, please tell us at once.

The child's details reach you separately through our secure channel.
Please quote case reference {{.CaseRef}} in all correspondence.
{{template "signoff" .}}`,
	},

	AdviserReminder: {
		subject: `Reminder: {{.Facts.AdviceKind.Title}} due {{date .Facts.Due}} (case {{.CaseRef}})`,
		needs:   []need{needKind, needDue},
		text: `
Hello,

This is a reminder that your {{.Facts.AdviceKind.Title}} for the EHC needs
assessment, case {{.CaseRef}}, is due by {{date .Facts.Due}}
{{- if .Facts.DaysLeft}}, {{days .Facts.DaysLeft}} from now{{else}}, which is today{{end}} (reg 8(1)).

If you cannot meet this date, please tell us why as soon as possible.
{{template "signoff" .}}`,
	},

	AdviserOverdue: {
		subject: `Overdue: {{.Facts.AdviceKind.Title}} for EHC needs assessment {{.CaseRef}}`,
		needs:   []need{needKind, needDue},
		text: `
Hello,

Your {{.Facts.AdviceKind.Title}} for the EHC needs assessment, case {{.CaseRef}},
was due by {{date .Facts.Due}}
{{- if .Facts.DaysOverdue}} and is now {{days .Facts.DaysOverdue}} overdue{{end}} (reg 8(1)).

The family's statutory timetable depends on it. Please send it as soon as
possible, or tell us today if one of the circumstances in reg 8(2) applies.
{{template "signoff" .}}`,
	},

	StaffDeadlineApproaching: {
		subject: `{{if .Facts.DaysLeft}}Due in {{days .Facts.DaysLeft}}{{else}}Due today{{end}}: {{.Facts.Deadline.Title}} (case {{.CaseRef}})`,
		needs:   []need{needDeadline, needDue},
		text: `
Case {{.CaseRef}}: {{.Facts.Deadline.Title}} ({{.Facts.Deadline.Regulation}})
{{- with .Facts.AdviceKind}}, advice kind {{.}}{{end}}.
Due by {{date .Facts.Due}}: {{if .Facts.DaysLeft}}{{days .Facts.DaysLeft}} left{{else}}that is today{{end}}.

{{if .Facts.Deadline.Excusable -}}
If an exception applies, record it with its ground. It does not stop the
clock: the case must still be finished as soon as practicable.
{{else -}}
No exception in law excuses this limit.
{{end}}`,
	},

	StaffDeadlineMissed: {
		subject: `MISSED: {{.Facts.Deadline.Title}}{{if .Facts.DaysOverdue}}, {{days .Facts.DaysOverdue}} overdue{{end}} (case {{.CaseRef}})`,
		needs:   []need{needDeadline, needDue},
		text: `
Case {{.CaseRef}}: {{.Facts.Deadline.Title}} ({{.Facts.Deadline.Regulation}})
{{- with .Facts.AdviceKind}}, advice kind {{.}}{{end}}.
Was due by {{date .Facts.Due}}{{if .Facts.DaysOverdue}}: {{days .Facts.DaysOverdue}} overdue{{end}}.
{{if .Facts.Exception}}
Exception recorded: {{.Facts.Exception}}. The limit no longer binds, but
the duty to finish as soon as practicable remains, the family must be told
why, and the case is reported as an exception case.
{{- else}}
No exception is recorded: this case counts as late in national statistics.
{{- end}}
`,
	},

	PartnerRequestReceived: {
		subject: `Request for an EHC needs assessment received (case {{.CaseRef}})`,
		needs:   []need{needTT},
		text: `
{{template "dated" .}}

Hello,

We received a request for an education, health and care (EHC) needs
assessment on {{date .Facts.Timetable.Day1}}, case reference {{.CaseRef}}, for
a child or young person known to you. The law asks us to tell you
(SEND Regulations 2014, reg 4(2)).

We will decide whether to assess by {{date .Facts.Timetable.DecisionToAssessDue}} (6 weeks). If we
do, we may ask you for advice, which is due within 6 weeks of our asking.

The child's details reach you separately through our secure channel.
Please quote case reference {{.CaseRef}} in all correspondence.
{{template "signoff" .}}`,
	},

	PartnerRefusalToAssess: {
		subject: `Decision: no EHC needs assessment (case {{.CaseRef}})`,
		needs:   []need{needOn},
		text: `
{{template "dated" .}}

Hello,

We have decided not to carry out an education, health and care (EHC)
needs assessment, case reference {{.CaseRef}}. The law asks us to tell you
(SEND Regulations 2014, reg 5(2)). The family has been told why, and of
their right to appeal and to mediation.
{{template "signoff" .}}`,
	},

	PartnerDecisionNotToIssue: {
		subject: `Decision: no EHC plan (case {{.CaseRef}})`,
		needs:   []need{needOn},
		text: `
{{template "dated" .}}

Hello,

We have finished the education, health and care (EHC) needs assessment,
case reference {{.CaseRef}}, and decided not to issue an EHC plan. The law
asks us to tell you (SEND Regulations 2014, reg 10(3)). The family has been
told why, and of their right to appeal and to mediation.
{{template "signoff" .}}`,
	},

	StaffCaseEntered: {
		subject: `Entered after the fact: {{with .OverdueCount}}{{.}} overdue{{else}}nothing overdue{{end}} (case {{.CaseRef}})`,
		needs:   []need{needTT, needLimits},
		text: `
Case {{.CaseRef}} was entered on {{date .On}}; the request was received on
{{date .Facts.Timetable.Day1}} (Day 1). Reminders and escalations whose dates
passed before the case was entered were not sent;
{{- if .Facts.FamilyTold}} the family has been sent
an acknowledgement that says where the case stands
{{- if .OverdueCount}}, and one letter for each limit already missed{{end}}.
{{- else}} the family has been sent
nothing about the past.{{if .OverdueCount}} A limit still missed is told to them at its next
weekly escalation, as for any open case.{{end}}{{end}}

Where each limit stood on entry:
{{range .Facts.Limits}}
- {{.What}} ({{.Regulation}}), due {{date .Due}}: {{template "limit" .}}
{{- end}}
`,
	},

	StaffDeliveryFailed: {
		subject: `NOT DELIVERED: {{with .Facts.Notice}}{{.Title}}{{else}}a notification{{end}}{{with .Facts.NoticeTo}}, to the {{.}}{{end}} (case {{.CaseRef}})`,
		needs:   []need{needReason},
		text: `
Case {{.CaseRef}}: {{with .Facts.Notice}}the {{.Title}} ({{.}}){{else}}a notification{{end}}
{{- with .Facts.NoticeTo}} to the {{.}}{{end}}
could not be delivered by email.

Reason: {{.Facts.Reason}}

It will not be sent again by email. Contact {{with .Facts.NoticeTo}}the {{.}}{{else}}them{{end}} another way
(phone, post or in person) so that they have what it says, and correct the
email address held for them if it is wrong. 'ehc outbox --case {{.CaseRef}}'
shows the message, its recipients and its delivery state.
`,
	},
}, planLetters)

// titles name each notification in a sentence, for the alert that says
// which one did not arrive.
var titles = merged(map[Template]string{
	FamilyRequestReceived:     "acknowledgement of the request",
	FamilyDecisionToAssess:    "decision to assess",
	FamilyRefusalToAssess:     "decision not to assess",
	FamilyAdviceRequested:     "notice that advice was requested",
	FamilyDecisionToIssue:     "decision to issue a plan",
	FamilyDecisionNotToIssue:  "decision not to issue a plan",
	FamilyDraftServed:         "draft plan notice",
	FamilyFinalPlan:           "final plan notice",
	FamilyWithdrawn:           "confirmation of the withdrawal",
	FamilyDeadlineMissed:      "notice of a missed time limit",
	FamilyAdviceOverdue:       "notice that advice is late",
	AdviserRequest:            "request for advice",
	AdviserReminder:           "reminder that advice is due",
	AdviserOverdue:            "notice that advice is overdue",
	StaffDeadlineApproaching:  "deadline reminder",
	StaffDeadlineMissed:       "missed deadline alert",
	StaffDeliveryFailed:       "alert that a notification was not delivered",
	StaffCaseEntered:          "summary of a case entered after the fact",
	PartnerRequestReceived:    "notice to partners of the request",
	PartnerRefusalToAssess:    "notice to partners of the decision not to assess",
	PartnerDecisionNotToIssue: "notice to partners of the decision not to issue a plan",
}, planTitles)

// Title names the notification in words: "decision not to assess".
func (t Template) Title() string {
	if s, ok := titles[t]; ok {
		return s
	}
	if t == "" {
		return "notification"
	}
	return string(t)
}

// shared holds the passages several notices repeat word for word.
const shared = `
{{- define "dated"}}{{if not .On.IsZero}}Date of this notice: {{date .On}}{{end}}{{end}}

{{- define "rights"}}
If you disagree with this decision

You can appeal. You have the right to appeal against this decision to the
First-tier Tribunal (Special Educational Needs and Disability). You must
appeal within 2 months of the date of this notice, or within 1 month of
the date of a mediation certificate, whichever is later.

Mediation. Before you can appeal you must contact a mediation adviser to
hear about mediation, within 2 months of the date of this notice.
Mediation is free and you do not have to go ahead with it: either way the
adviser gives you a certificate, which you need to appeal.

Disagreement resolution. You can also use our free, independent
disagreement resolution service to try to settle things without an
appeal. Using it does not affect your right to appeal.

Information and advice. Your local SEND Information, Advice and Support
Service (SENDIASS) gives free, impartial and confidential advice, and can
help you with any of these steps.

Contact details for the mediation adviser, the disagreement resolution
service and SENDIASS are in our Local Offer.
{{end}}

{{- define "footer"}}
If you have any questions, please contact us and quote case reference
{{.CaseRef}}. Your local SEND Information, Advice and Support Service
(SENDIASS) gives free, impartial advice about every step.

SEND team
{{end}}

{{- define "nextreview"}}
{{- with .Facts.Plan}}{{if not .NextReviewDue.IsZero}}

{{if not .ReviewTarget.IsZero}}We aim to hold the next review by {{date .ReviewTarget}}. The law says it
must be held by {{date .NextReviewDue}} at the latest (CFA s.44(1)).
{{- else}}The next review will be by {{date .NextReviewDue}}.{{end}}
{{- end}}{{end}}
{{- end}}

{{- define "limit"}}
{{- if not .MetOn.IsZero}}done on {{date .MetOn}}{{with .DaysLate}}, {{days .}} after the time limit{{end}}
{{- else if .DaysOverdue}}not yet done, {{days .DaysOverdue}} late
{{- else}}not yet due{{end}}
{{- end}}

{{- define "entered"}}
{{- template "dated" .}}

Hello,

We received a request for an education, health and care (EHC) needs
assessment on {{date .Facts.Timetable.Day1}}. Your case reference is {{.CaseRef}}.
We have now added your case to our case records, and this letter sets out
where it stands. The time limits are counted from the day we received the
request, as they always were.
{{range .Facts.Limits}}
- {{.What}}: due by {{date .Due}}; {{template "limit" .}}.
{{- end}}
{{- if .OverdueCount}}

Where we are late, we will write to you separately about each delay, and
we are sorry.
{{- end}}

From now on we will write to you at each step, and tell you if any time
limit is missed.
{{template "footer" .}}
{{- end}}

{{- define "signoff"}}
SEND team
{{end}}`
