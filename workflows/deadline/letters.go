package deadline

import (
	"fmt"
	"strings"
)

// LetterKey is the one scheme every letter is keyed by: the case reference,
// the template, then what makes the letter unique within the case and
// template. The same decision or alarm always yields the same key, so the
// outbox sends it once however often it is retried or replayed.
func LetterKey(caseRef, template string, subject ...string) string {
	return strings.Join(append([]string{caseRef, template}, subject...), "/")
}

// Occurrence names one alarm of d within its sequence ("lead14", "2"): with
// d.Key, the subject of the letter the alarm sends.
func Occurrence(al Alarm) string {
	if al.Kind == AlarmReminder {
		return fmt.Sprintf("lead%d", al.Lead)
	}
	return fmt.Sprint(al.N)
}

// Summary describes an alarm for the Temporal UI's timer summary: the
// limit, its regulation and due date, and which alarm it is.
func Summary(d *Deadline, al Alarm) string {
	what := "escalation"
	if al.Kind == AlarmReminder {
		what = fmt.Sprintf("reminder %d days before", al.Lead)
	}
	return fmt.Sprintf("%s %s due %s: %s", d.Name.Regulation(), d.Name.Title(), d.Due, what)
}
