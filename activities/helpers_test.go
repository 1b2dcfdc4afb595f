package activities

import (
	"testing"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
)

// The fictional case letters.Example writes to.
const caseRef = "EHC-2026-0042"

var day1 = statute.NewDate(2026, 1, 26)

// full is a letter of the template with every fact it could use.
func full(tpl letters.Template) letters.Notification { return letters.Example(tpl) }

func render(t *testing.T, n letters.Notification) letters.Message {
	t.Helper()
	m, err := letters.Render(n)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
