// Package search names the search attributes every statutory process sets,
// so managers filter every kind of case in the Temporal UI the same way.
// None of them holds personal data: a case is known by its reference only.
package search

import "go.temporal.io/sdk/temporal"

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
)

// Attributes is every search attribute the workflows set: what a namespace
// (or the local dev server) must have registered.
func Attributes() []temporal.SearchAttributeKey {
	return []temporal.SearchAttributeKey{CaseRef, Stage, NextDeadline, Overdue, Caseworker, DeliveryProblem}
}
