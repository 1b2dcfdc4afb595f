// Package search names the search attributes every statutory process sets,
// so managers filter every kind of case in the Temporal UI the same way.
// None of them holds personal data: a case is known by its reference only.
package search

import (
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// The attributes, as registered on the namespace.
var (
	CaseRef      = temporal.NewSearchAttributeKeyKeyword("EhcCaseRef")
	Stage        = temporal.NewSearchAttributeKeyKeyword("EhcStage")
	NextDeadline = temporal.NewSearchAttributeKeyTime("EhcNextDeadline")
	Overdue      = temporal.NewSearchAttributeKeyBool("EhcOverdue")
	Caseworker   = temporal.NewSearchAttributeKeyKeyword("EhcCaseworker")
	// DeliveryProblem is set once a notification fails for good: someone
	// must reach its recipients another way.
	DeliveryProblem = temporal.NewSearchAttributeKeyBool("EhcDeliveryProblem")

	// A plan in force (workflows/plan): when its next annual review is due
	// (CFA s.44(1)), whether a review is overdue, and the day a phase
	// transfer's amended plan must name the new setting by (reg 18).
	NextReviewDue   = temporal.NewSearchAttributeKeyTime("EhcNextReviewDue")
	ReviewOverdue   = temporal.NewSearchAttributeKeyBool("EhcReviewOverdue")
	PhaseTransferBy = temporal.NewSearchAttributeKeyTime("EhcPhaseTransferBy")
	// Order is the kind of tribunal order (reg 44(2)) a plan owes, while
	// it is owed: with EhcNextDeadline and EhcOverdue, orders due and
	// breached. (A Keyword, as Temporal's dev server takes three Datetime
	// attributes at most.)
	Order = temporal.NewSearchAttributeKeyKeyword("EhcOrder")
)

// Attributes is every search attribute the workflows set: what a namespace
// (or the local dev server) must have registered.
func Attributes() []temporal.SearchAttributeKey {
	return []temporal.SearchAttributeKey{CaseRef, Stage, NextDeadline, Overdue, Caseworker, DeliveryProblem,
		NextReviewDue, ReviewOverdue, PhaseTransferBy, Order}
}

// Declared is every attribute with a zero value of its type: what a dev
// server's options register (testsuite.DevServerOptions.SearchAttributes).
func Declared() temporal.SearchAttributes {
	var updates []temporal.SearchAttributeUpdate
	for _, k := range Attributes() {
		switch k := k.(type) {
		case temporal.SearchAttributeKeyKeyword:
			updates = append(updates, k.ValueSet(""))
		case temporal.SearchAttributeKeyTime:
			updates = append(updates, k.ValueSet(time.Time{}))
		case temporal.SearchAttributeKeyBool:
			updates = append(updates, k.ValueSet(false))
		}
	}
	return temporal.NewSearchAttributes(updates...)
}

// StartOptions start one process's workflow for a case: id, on taskQueue,
// its search attributes set from the start (the reference, the first
// stage, the caseworker). A second start for the same ID fails rather than
// joining or replacing the one running, and an ID is used again only after
// a start refused for its input, which may be put right and retried.
func StartOptions(id, taskQueue, caseRef, stage, caseworker string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                                       id,
		TaskQueue:                                taskQueue,
		WorkflowIDConflictPolicy:                 enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			CaseRef.ValueSet(caseRef), Stage.ValueSet(stage), Caseworker.ValueSet(caseworker)),
	}
}
