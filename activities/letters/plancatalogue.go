package letters

import "maps"

// The wording of the letters a family has while the plan is in force:
// its annual reviews and amendments (CFA s.44; reg 18-22), a move to
// another authority (reg 15) and ceasing (CFA s.45, reg 29-31).

var planLetters = map[Template]entry{
	FamilyReviewMeeting: {
		subject: `Your EHC plan's review meeting on {{date .Facts.Plan.Review.Meeting}} (case {{.CaseRef}})`,
		needs:   []need{needReview},
		text: `
{{template "dated" .}}

Hello,

We will review your child's education, health and care (EHC) plan
(case {{.CaseRef}}) at a meeting on {{date .Facts.Plan.Review.Meeting}}. You are
invited, and so is your child or young person.

Before the meeting we will ask for advice from the school or setting,
health and social care, and send you everything we receive at least
2 weeks before the meeting (by {{date .Facts.Plan.Review.NoticeBy}}). Please tell us your
views, and your child's, before or at the meeting: what is going well,
what is hard, and what should change.

Within 2 weeks of the meeting (by {{date .Facts.Plan.Review.ReportDue}}) you will have the
report of the meeting, and within 4 weeks (by {{date .Facts.Plan.Review.DecisionDue}}) our
decision whether to keep the plan as it is, amend it or stop it. If we
propose to amend it, the proposed changes come with that decision
(SEND Regulations 2014, reg 20 and 22).
{{template "footer" .}}`,
	},

	FamilyReviewDecision: {
		subject: `{{if eq .Facts.Plan.Outcome "amend"}}We propose to amend your EHC plan{{else}}Your EHC plan's review: our decision{{end}} (case {{.CaseRef}})`,
		needs:   []need{needOn, needOutcome},
		text: `
{{template "dated" .}}

Hello,
{{if eq .Facts.Plan.Outcome "amend"}}
After the review of your child's education, health and care (EHC) plan
(case {{.CaseRef}}) we propose to amend it. The proposed changes come
with this letter.

You have until {{date .Facts.Plan.Review.AmendmentCommentsEnd}} (at least 15 days) to tell us what you
think of them, to ask us to name a particular school, college or other
setting, and to ask for a meeting with one of our officers
(reg 22(2)). We must then send you the final amended plan, or tell you
that we have decided not to amend it after all, by
{{date .Facts.Plan.Review.FinalAmendedPlanDue}} (8 weeks from this notice, reg 22(3)).
{{else}}
After the review of your child's education, health and care (EHC) plan
(case {{.CaseRef}}) we have decided to keep the plan as it is, without
changes.
{{- template "nextreview" .}}
{{template "rights" .}}
{{- end}}{{template "footer" .}}`,
	},

	FamilyAmendedPlan: {
		subject: `{{if .Facts.School}}Your amended EHC plan{{else}}Your EHC plan: our decision after your comments{{end}} (case {{.CaseRef}})`,
		needs:   []need{needOn},
		text: `
{{template "dated" .}}

Hello,
{{if .Facts.School}}
We have issued the final amended education, health and care (EHC) plan
(case {{.CaseRef}}). It names {{.Facts.School}}.
{{- else if .Facts.Reason}}
Having considered your comments on the proposed changes, we have decided
not to amend your child's education, health and care (EHC) plan
(case {{.CaseRef}}) (reg 22(4)).

Why we decided this:
{{.Facts.Reason}}
{{- else}}
We have issued the final amended education, health and care (EHC) plan
(case {{.CaseRef}}).
{{- end}}
{{- template "nextreview" .}}
{{template "rights" .}}{{template "footer" .}}`,
	},

	FamilyPhaseTransfer: {
		subject: `Your child's move to the next phase of education (case {{.CaseRef}})`,
		needs:   []need{needTransfer},
		text: `
Hello,

Your child moves from {{.Facts.Plan.Transfer.Transfer.Title}} in September
{{.Facts.Plan.Transfer.TransferYear}}. The law says the education, health and care (EHC) plan
(case {{.CaseRef}}) must be reviewed and amended to name the new school,
college or other setting by {{date .Facts.Plan.Transfer.AmendBy}} ({{.Facts.Plan.Transfer.Regulation}}).
{{- with .Facts.Plan}}{{if not .ReviewTarget.IsZero}}

So that there is time for that, we aim to hold the review by {{date .ReviewTarget}}.
{{- else if not .NextReviewDue.IsZero}}

So that there is time for that, the review will be by {{date .NextReviewDue}}.
{{- end}}{{end}}

You can ask us to name a particular school, college or other setting.
Information about them is in our Local Offer; please tell us your
preference as early as you can.
{{template "footer" .}}`,
	},

	FamilyPlanCeasing: {
		subject: `Decision: we propose to stop maintaining your EHC plan (case {{.CaseRef}})`,
		needs:   []need{needOn, needReason, needCeasesOn},
		text: `
{{template "dated" .}}

Hello,

We have decided to stop maintaining your child's education, health and
care (EHC) plan (case {{.CaseRef}}) (section 45, Children and Families
Act 2014). We consulted you and the school or setting first (reg 31).

Why we decided this:
{{.Facts.Reason}}

We will keep the plan, and the help it sets out, until at least
{{date .Facts.Plan.CeasesOn}}, the end of the time you have to appeal. If you appeal, we
keep the plan until the appeal is decided.
{{template "rights" .}}{{template "footer" .}}`,
	},

	FamilyPlanTransferred: {
		subject: `Your EHC plan has been sent to your new local authority (case {{.CaseRef}})`,
		needs:   []need{needOn},
		text: `
{{template "dated" .}}

Hello,

Because you have moved, we have sent your child's education, health and
care (EHC) plan (case {{.CaseRef}}) to your new local authority
(reg 15). The plan stays in force: the new authority must now secure the
help it sets out.

Within 6 weeks of receiving it, the new authority must tell you whether
it will reassess your child's needs and when it will review the plan. The
first review there is due within 12 months of the last one, or 3 months
after the move if that is later.
{{template "footer" .}}`,
	},

	FamilyPlanReceived: {
		subject: `Your EHC plan is now with us (case {{.CaseRef}})`,
		needs:   []need{needOn, needNextReview},
		text: `
{{template "dated" .}}

Hello,

We are now responsible for your child's education, health and care (EHC)
plan (case {{.CaseRef}}), which your previous local authority sent us
when you moved. We will secure the help it sets out.
{{if .Facts.Plan.Reassessment}}
We have decided to reassess your child's needs. We will send you the
final plan, amended or replaced, by {{date .Facts.Plan.Reassessment.FinalPlanDue}} (reg 27).
{{- else}}
We do not propose to reassess your child's needs now.
{{- end}}

We will review the plan by {{date .Facts.Plan.NextReviewDue}} (reg 15): within 12 months of
its last review, or 3 months after the move if that is later.
{{template "footer" .}}`,
	},

	FamilyReassessment: {
		subject: `{{if .Facts.Plan.Reassessment}}We will reassess your child's needs{{else}}Decision: we will not reassess your child's needs{{end}} (case {{.CaseRef}})`,
		needs:   []need{needOn},
		text: `
{{template "dated" .}}

Hello,
{{if .Facts.Plan.Reassessment}}
We have agreed to reassess the needs of your child, whose education,
health and care (EHC) plan is case {{.CaseRef}} (reg 25). We will ask
for advice again, as we did for the first assessment, and send you the
final plan, amended or replaced, by {{date .Facts.Plan.Reassessment.FinalPlanDue}} (14 weeks, reg 27).
The plan stays in force meanwhile.
{{- else}}
We have decided not to reassess the needs of your child, whose education,
health and care (EHC) plan is case {{.CaseRef}} (reg 25). The plan stays
in force and will be reviewed as usual.

Why we decided this:
{{.Facts.Reason}}
{{template "rights" .}}
{{- end}}{{template "footer" .}}`,
	},

	FamilyPlanEntered: {
		subject: `Your child's EHC plan is now on our new case records (case {{.CaseRef}})`,
		needs:   []need{needOn, needNextReview},
		text: `
{{template "dated" .}}

Hello,

We have moved your child's education, health and care (EHC) plan (case
{{.CaseRef}}) onto our new case records. The plan itself has not changed,
and it stays in force. This letter sets out where it stands.
{{- if .Facts.Limits}}
{{range .Facts.Limits}}
- {{.What}}: due by {{date .Due}}; {{template "limit" .}}.
{{- end}}
{{- end}}
{{- template "nextreview" .}}
{{- if .OverdueCount}}

Where we are late, we are sorry. We are putting it right as quickly as we
can.
{{- end}}

From now on we will write to you at each step, and tell you if any time
limit is missed.
{{template "footer" .}}`,
	},

	StaffPlanEntered: {
		subject: `Plan entered after the fact: {{with .OverdueCount}}{{.}} overdue{{else}}nothing overdue{{end}} (case {{.CaseRef}})`,
		needs:   []need{needLimits},
		text: `
The EHC plan for case {{.CaseRef}} was entered on {{date .On}}. Reminders
and escalations whose dates passed before it was entered were not sent.
{{if .Facts.FamilyTold}}The family has been sent one letter saying where the plan stands.
{{- else}}The family has been sent nothing about the past.{{end}}

Where each limit stood on entry:
{{range .Facts.Limits}}
- {{.What}} ({{.Regulation}}), due {{date .Due}}: {{template "limit" .}}
{{- end}}
`,
	},
}

var planTitles = map[Template]string{
	FamilyReviewMeeting:   "notice of the review meeting",
	FamilyReviewDecision:  "decision after the annual review",
	FamilyAmendedPlan:     "final amended plan notice",
	FamilyPhaseTransfer:   "notice of the phase transfer",
	FamilyPlanCeasing:     "decision to cease the plan",
	FamilyPlanTransferred: "notice that the plan went to the new authority",
	FamilyPlanReceived:    "the new authority's notice after a move",
	FamilyReassessment:    "decision whether to reassess",
	StaffPlanEntered:      "summary of a plan entered after the fact",
	FamilyPlanEntered:     "where a plan moved onto the product stands",
}

var (
	needReview = need{"Facts.Plan.Review (the meeting's dates)", func(n Notification) bool {
		return n.Facts.Plan != nil && n.Facts.Plan.Review != nil && !n.Facts.Plan.Review.Meeting.IsZero()
	}}
	needOutcome = need{"Facts.Plan.Outcome (and, to amend, the amendment notice's dates)", func(n Notification) bool {
		p := n.Facts.Plan
		switch {
		case p == nil:
			return false
		case p.Outcome == OutcomeAmend:
			return p.Review != nil && !p.Review.FinalAmendedPlanDue.IsZero()
		}
		return p.Outcome == OutcomeMaintain
	}}
	needTransfer = need{"Facts.Plan.Transfer", func(n Notification) bool {
		return n.Facts.Plan != nil && n.Facts.Plan.Transfer != nil && !n.Facts.Plan.Transfer.AmendBy.IsZero()
	}}
	needNextReview = need{"Facts.Plan.NextReviewDue", func(n Notification) bool { return n.Facts.Plan != nil && !n.Facts.Plan.NextReviewDue.IsZero() }}
	needCeasesOn   = need{"Facts.Plan.CeasesOn", func(n Notification) bool { return n.Facts.Plan != nil && !n.Facts.Plan.CeasesOn.IsZero() }}
)

// merged is the assessment's letters (or titles) and the plan's, as one.
func merged[V any](a, b map[Template]V) map[Template]V {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}
