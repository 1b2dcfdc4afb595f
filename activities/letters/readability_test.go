package letters

import (
	"strings"
	"testing"

	"github.com/jdkato/prose/summarize"
)

// Plain English, measured: every letter to a family, in each of its
// forms, reads at a Flesch-Kincaid grade of at most MaxFamilyGrade (a
// reading age of about 14) and a Flesch reading ease of at least
// MinFamilyEase ("fairly difficult" at worst), as github.com/jdkato/prose's
// summarize package counts sentences, words and syllables. Legal
// references are part of the text the measure reads; the feedback
// question's links are read as the words "this link".
const (
	MaxFamilyGrade = 9.0
	MinFamilyEase  = 50.0
)

func TestFamilyLettersReadPlainly(t *testing.T) {
	forms := map[string]func(*Notification){
		"as in the example": func(*Notification) {},
		"not entered late":  func(n *Notification) { n.Facts.Limits = nil },
		"no reassessment":   func(n *Notification) { n.Facts.Plan.Reassessment = nil; n.Facts.Limits = nil },
	}
	n := 0
	var worstGrade, worstEase struct {
		v   float64
		tpl Template
	}
	worstEase.v = 100
	for tpl := range catalogue {
		if !strings.HasPrefix(string(tpl), "family.") {
			continue
		}
		for form, change := range forms {
			msg := Example(tpl)
			change(&msg)
			d := summarize.NewDocument(render(t, msg).Text)
			if FeedbackStage(tpl) != "" { // and with the question the letter ends with, its links read as a link's words
				d = summarize.NewDocument(feedbackLink.ReplaceAllString(testFeedback(t).Ask(render(t, msg)).Text, "this link"))
			}
			grade, ease := d.FleschKincaid(), d.FleschReadingEase()
			if grade > worstGrade.v {
				worstGrade.v, worstGrade.tpl = grade, tpl
			}
			if ease < worstEase.v {
				worstEase.v, worstEase.tpl = ease, tpl
			}
			if grade > MaxFamilyGrade || ease < MinFamilyEase {
				t.Errorf("%s (%s): grade %.1f, reading ease %.1f; want at most %.1f and at least %.1f", tpl, form, grade, ease, MaxFamilyGrade, MinFamilyEase)
			}
			n++
		}
	}
	t.Logf("%d letters measured: highest grade %.1f (%s), lowest reading ease %.1f (%s)", n, worstGrade.v, worstGrade.tpl, worstEase.v, worstEase.tpl)
	if n < 3*15 {
		t.Errorf("%d letters measured; the family's templates are missing", n)
	}
}
