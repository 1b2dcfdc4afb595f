package statute

import "fmt"

// Disagreement (reg 32-45; HESC Rules r.20): the family's rights that run
// from each appealable decision, mediation's limits, and the limits a
// tribunal's order (or the authority's not opposing an appeal) sets.

// Limits of disagreement. The value is the key used in JSON, search
// attributes and notification keys, as for the assessment's.
const (
	MediationCertificateDue Deadline = "mediation_certificate_due"  // reg 34, 39: 3 working days
	MediationHeldBy         Deadline = "mediation_held_by"          // reg 37: 30 days
	MediationActionDue      Deadline = "mediation_action_due"       // reg 42: 2 weeks, or the reg 44 limits
	OrderNotifyDue          Deadline = "order_notify_due"           // reg 44(2)(b): 2 weeks
	OrderNoPlanDecisionDue  Deadline = "order_no_plan_decision_due" // reg 44(2)(b): 10 weeks
	OrderFinalPlanDue       Deadline = "order_final_plan_due"       // reg 44(2)(b): 14 weeks; (c): 11 weeks
	OrderDraftDue           Deadline = "order_draft_due"            // reg 44(2)(c): 5 weeks
	OrderAmendedPlanDue     Deadline = "order_amended_plan_due"     // reg 44(2)(e): 5 weeks; (f): 2 weeks
	AppealResponseDue       Deadline = "appeal_response_due"        // HESC Rules r.21: by the tribunal's directions
)

// Appealable names a decision the family may appeal to the First-tier
// Tribunal (SEND); the value is the key used in JSON.
type Appealable string

const (
	AppealRefusalToAssess   Appealable = "refusal_to_assess"   // CFA s.51(2)(a)
	AppealNoPlan            Appealable = "no_plan"             // CFA s.51(2)(b)
	AppealPlanContents      Appealable = "plan_contents"       // CFA s.51(2)(c): the plan's provision or named school
	AppealRefusalToReassess Appealable = "refusal_to_reassess" // CFA s.51(2)(d)
	AppealNotToAmend        Appealable = "not_to_amend"        // CFA s.51(2)(e)
	AppealCease             Appealable = "cease"               // CFA s.51(2)(f)
)

// Title is the decision in plain English.
func (a Appealable) Title() string {
	switch a {
	case AppealRefusalToAssess:
		return "the decision not to assess"
	case AppealNoPlan:
		return "the decision not to issue a plan"
	case AppealPlanContents:
		return "the plan's help or the school it names"
	case AppealRefusalToReassess:
		return "the decision not to reassess"
	case AppealNotToAmend:
		return "the decision not to amend the plan"
	case AppealCease:
		return "the decision to stop maintaining the plan"
	}
	return string(a)
}

// Regulation cites the right of appeal.
func (a Appealable) Regulation() string {
	switch a {
	case AppealRefusalToAssess:
		return "CFA s.51(2)(a)"
	case AppealNoPlan:
		return "CFA s.51(2)(b)"
	case AppealPlanContents:
		return "CFA s.51(2)(c)"
	case AppealRefusalToReassess:
		return "CFA s.51(2)(d)"
	case AppealNotToAmend:
		return "CFA s.51(2)(e)"
	case AppealCease:
		return "CFA s.51(2)(f)"
	}
	return ""
}

// Rights is the family's window after an appealable decision notified on
// Notice: to contact the mediation adviser (reg 33) and to appeal (HESC
// Rules r.20(1)(c)), later if a mediation certificate is issued.
type Rights struct {
	Decision         Appealable `json:"decision,omitempty"`
	Notice           Date       `json:"notice"`
	MediationAdvice  Date       `json:"mediation_adviser_by"` // reg 33: 2 months from the notice
	AppealBy         Date       `json:"appeal_by"`            // 2 months from the notice, or 1 month from a certificate if later
	Certificate      Date       `json:"certificate,omitzero"`
	CertificateLater bool       `json:"certificate_later,omitempty"` // the appeal date runs from the certificate
}

// Open reports whether the family may still appeal on today: the window
// ends quietly once its last day has passed.
func (r Rights) Open(today Date) bool { return !r.Notice.IsZero() && !today.After(r.AppealBy) }

// RightsAfter is the family's window after a decision notified on notice
// and, once issued, a mediation certificate: "within 2 months after" the
// notice ends on the corresponding day two months on.
func RightsAfter(notice, certificate Date) Rights {
	r := Rights{Notice: notice, MediationAdvice: MonthsBefore(notice, -2), AppealBy: MonthsBefore(notice, -2)}
	if !certificate.IsZero() {
		r.Certificate = certificate
		if by := MonthsBefore(certificate, -1); by.After(r.AppealBy) {
			r.AppealBy, r.CertificateLater = by, true
		}
	}
	return r
}

// Mediation periods (reg 34, 37, 39, 42).
const (
	certificateWorkingDays = 3  // reg 34, 39
	mediationHeldDays      = 30 // reg 37
	agreementActionWeeks   = 2  // reg 42
)

// MediationCertificateBy is the certificate's limit: 3 working days after
// the family says they do not want mediation (reg 34) or after it is held
// (reg 39).
func MediationCertificateBy(from Date) (Date, error) {
	return AddWorkingDays(from, certificateWorkingDays)
}

// MediationHeldBy30 is the day mediation must be held by: within 30 days of
// the family saying they want it (reg 37).
func MediationHeldBy30(wanted Date) Date { return wanted.AddDays(mediationHeldDays) }

// AgreementActionBy is when a mediation agreement's action must be done
// that is not one the tribunal could order (reg 42): 2 weeks.
func AgreementActionBy(agreed Date) Date { return agreed.AddWeeks(agreementActionWeeks) }

// Order is what a tribunal orders (or the authority concedes, reg 45).
type Order string

const (
	OrderAssess     Order = "assess"      // reg 44(2)(b): to assess or reassess
	OrderMakePlan   Order = "make-plan"   // reg 44(2)(c): to make and maintain a plan
	OrderAmend      Order = "amend"       // reg 44(2)(e): to amend the plan's provision
	OrderNameSchool Order = "name-school" // reg 44(2)(f): to change only the named school
	OrderCeaseKept  Order = "cease-dismissed"
	// OrderAgreedAction is a mediation agreement's action that is not one
	// the tribunal could order: within 2 weeks (reg 42).
	OrderAgreedAction Order = "agreed-action"
)

// Orders lists the kinds the CLI takes.
var Orders = []Order{OrderAssess, OrderMakePlan, OrderAmend, OrderNameSchool}

// OrderLimit is one limit an order sets.
type OrderLimit struct {
	Deadline   Deadline `json:"deadline"`
	Due        Date     `json:"due"`
	Regulation string   `json:"regulation"`
}

// OrderTimetable is every limit an order made (or conceded) on made sets,
// in the order they fall.
func OrderTimetable(o Order, made Date) ([]OrderLimit, error) {
	switch o {
	case OrderAssess:
		return []OrderLimit{
			{OrderNotifyDue, made.AddWeeks(2), "reg 44(2)(b)"},
			{OrderNoPlanDecisionDue, made.AddWeeks(10), "reg 44(2)(b)"},
			{OrderFinalPlanDue, made.AddWeeks(14), "reg 44(2)(b)"},
		}, nil
	case OrderMakePlan:
		return []OrderLimit{
			{OrderDraftDue, made.AddWeeks(5), "reg 44(2)(c)"},
			{OrderFinalPlanDue, made.AddWeeks(11), "reg 44(2)(c)"},
		}, nil
	case OrderAmend:
		return []OrderLimit{{OrderAmendedPlanDue, made.AddWeeks(5), "reg 44(2)(e)"}}, nil
	case OrderNameSchool:
		return []OrderLimit{{OrderAmendedPlanDue, made.AddWeeks(2), "reg 44(2)(f)"}}, nil
	case OrderAgreedAction:
		return []OrderLimit{{MediationActionDue, AgreementActionBy(made), "reg 42"}}, nil
	}
	return nil, fmt.Errorf("order %q is not one of assess, make-plan, amend, name-school", o)
}

// ParseOrder reads an order's kind.
func ParseOrder(s string) (Order, error) {
	for _, o := range Orders {
		if string(o) == s {
			return o, nil
		}
	}
	return "", fmt.Errorf("order %q is not one of assess, make-plan, amend, name-school", s)
}
