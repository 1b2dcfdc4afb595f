package letters

import (
	"time"

	"github.com/ehc-send/ehc/register/caserecord"
)

// The contract of the activities that keep a case's records and send its
// letters (package activities), as the workflows see it: what they are
// called, what they take and return, and the error types they fail with.

// The activities' names, as the worker registers them (the methods of
// activities.Activities).
const (
	ActivityCommitStep  = "CommitStep"
	ActivityNotify      = "Notify"
	ActivityRecordEvent = "RecordEvent"
)

// Step is what one step of a case leaves, for CommitStep: the events the
// register keeps (the last carrying the case's snapshot) and the letters
// the step owes.
type Step struct {
	Events  []caserecord.Event `json:"events,omitempty"`
	Letters []Notification     `json:"letters,omitempty"`
}

// StepResult names the step's letters no retry can send: refused for good
// by the mail service, or not letters at all (a template's facts missing).
type StepResult struct {
	Lost []LostLetter `json:"lost,omitempty"`
}

// LostLetter is one letter of a step that will never be sent, and why.
type LostLetter struct {
	Key    string `json:"key"`
	Reason string `json:"reason"`
}

// LettersUnsent is the ApplicationError type CommitStep retries with while
// some of its letters are not yet sent. Its details are their keys and the
// letters already lost for good ([]LostLetter), so a workflow whose step
// ran out of retries knows which letters to call lost, and why.
const LettersUnsent = "LettersUnsent"

// ReferenceTaken is the error type of an event refused because another case
// already holds its reference.
const ReferenceTaken = "ReferenceTaken"

// HeartbeatTimeout is what a workflow gives these activities as their
// heartbeat timeout: an attempt not heard from for this long (its worker
// killed, or its task lost between the server and a poller) is tried again
// after it, not after the two minutes an attempt may take. 30 s was too
// tight: under make chaos a loaded server heard running attempts too late,
// timed them out mid-check and left letters waiting.
const HeartbeatTimeout = time.Minute

// HeartbeatEvery is how often a running attempt heartbeats, and the most
// the SDK may hold a heartbeat back (config.Tuning sets its throttle to
// it): six chances a timeout.
const HeartbeatEvery = HeartbeatTimeout / 6
