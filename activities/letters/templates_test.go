package letters

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/ehc-send/ehc/statute"
)

const caseRef = "EHC-2026-0042"

// day1 is a Monday, so every week limit falls on a Monday too.
var day1 = statute.NewDate(2026, 1, 26)

// declaredTemplates reads notification.go, so a template added there without
// wording here fails this test rather than a family's notice.
func declaredTemplates(t *testing.T) []Template {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "notification.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []Template
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Template" {
			return true
		}
		for _, v := range vs.Values {
			s, err := strconv.Unquote(v.(*ast.BasicLit).Value)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, Template(s))
		}
		return true
	})
	if len(out) < 16 {
		t.Fatalf("found only %d templates in notification.go", len(out))
	}
	return out
}

func TestEveryTemplateRendersCleanly(t *testing.T) {
	declared := declaredTemplates(t)
	if len(declared) != len(catalogue) {
		t.Errorf("notification.go declares %d templates, the catalogue has %d", len(declared), len(catalogue))
	}
	for _, tpl := range declared {
		t.Run(string(tpl), func(t *testing.T) {
			n := Example(tpl)
			m, err := Render(n)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(m.Subject, caseRef) {
				t.Errorf("subject %q lacks the case reference", m.Subject)
			}
			for _, bad := range []string{"<no value>", "(date not set)", "%!", "0001", "{{", "Alice", "Carol"} {
				if strings.Contains(m.Subject+m.Text, bad) {
					t.Errorf("message contains %q:\n%s\n\n%s", bad, m.Subject, m.Text)
				}
			}
			if strings.Contains(m.Text, "\n\n\n") || strings.TrimSpace(m.Text) == "" {
				t.Errorf("body is empty or badly spaced:\n%s", m.Text)
			}
		})
	}
}

func render(t *testing.T, n Notification) Message {
	t.Helper()
	m, err := Render(n)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func wantAll(t *testing.T, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("missing %q in:\n%s", w, text)
		}
	}
}

func TestRequestReceivedGivesTheTimetable(t *testing.T) {
	n := Example(FamilyRequestReceived)
	n.Facts.Limits = nil // a case entered on time: the timetable ahead
	m := render(t, n)
	wantAll(t, m.Text, "Monday 26 January 2026",
		"by Monday 9 March 2026 (6 weeks)", "by Monday 18 May 2026 (16 weeks)", "by Monday 15 June 2026 (20 weeks)")
}

func TestRefusalAndNoPlanGiveReasonsAndRights(t *testing.T) {
	for _, tpl := range []Template{FamilyRefusalToAssess, FamilyDecisionNotToIssue} {
		m := render(t, Example(tpl))
		wantAll(t, m.Text, Example(tpl).Facts.Reason, "Date of this notice: Monday 2 March 2026",
			"First-tier Tribunal", "within 2 months", "within 1 month of\nthe date of a mediation certificate",
			"mediation adviser", "disagreement resolution service", "SENDIASS")
	}
}

func TestDraftServed(t *testing.T) {
	m := render(t, Example(FamilyDraftServed))
	// Served Monday 20 April: the 15th day, counting that day, is 4 May.
	wantAll(t, m.Subject, "Monday 4 May 2026")
	wantAll(t, m.Text, "until Monday 4 May 2026", "name a particular school", "meeting with one of our officers",
		"does not name a school", "section 38(5)")
}

func TestFinalPlanGivesAppealRights(t *testing.T) {
	m := render(t, Example(FamilyFinalPlan))
	wantAll(t, m.Text, "Riverside Primary School", "First-tier Tribunal", "within 2 months", "mediation adviser")
}

func TestDeadlineMissed(t *testing.T) {
	n := Example(FamilyDeadlineMissed)
	m := render(t, n)
	wantAll(t, m.Subject, "final EHC plan")
	wantAll(t, m.Text, "final EHC plan was due by Monday 15 June 2026 (reg 13(2))", "3 days late")
	if strings.Contains(m.Text, "exception") {
		t.Errorf("no exception was recorded, but the text mentions one:\n%s", m.Text)
	}

	n.Facts.Exception = "reg 13(3)(c): exceptional personal circumstances"
	m = render(t, n)
	wantAll(t, m.Text, "exception to this time limit: reg 13(3)(c): exceptional personal circumstances",
		"does not stop the clock", "as soon as practicable")

	n.Template = StaffDeadlineMissed
	m = render(t, n)
	wantAll(t, m.Subject, "MISSED", "3 days overdue")
	wantAll(t, m.Text, "Exception recorded: reg 13(3)(c)", "as soon as practicable")
}

// A missed-limit letter that could go only after the step was done (no
// worker ran when it was due) says when it was done, not that it is awaited.
func TestDeadlineMissedAfterItWasMet(t *testing.T) {
	n := Example(FamilyDeadlineMissed)
	n.Facts.MetOn, n.Facts.DaysOverdue = n.Facts.Due.AddDays(2), 2
	n.Facts.Exception = "reg 13(3)(c): exceptional personal circumstances"
	m := render(t, n)
	wantAll(t, m.Text, "It was done on Wednesday 17 June 2026, 2 days late", "We should have told you of the delay",
		"does not stop the clock.", "complain to us")
	for _, not := range []string{"expect to complete", "as soon as practicable", "It is now"} {
		if strings.Contains(m.Text, not) {
			t.Errorf("the letter says %q of a step already done:\n%s", not, m.Text)
		}
	}
}

func TestAdviserNotices(t *testing.T) {
	m := render(t, Example(AdviserRequest))
	wantAll(t, m.Subject, "psychological advice", "Monday 15 June 2026")
	wantAll(t, m.Text, "psychological advice", caseRef, "6 weeks", "reg 8(1)")

	m = render(t, Example(AdviserReminder))
	wantAll(t, m.Text, "5 days from now")
	m = render(t, Example(AdviserOverdue))
	wantAll(t, m.Text, "3 days overdue")
	m = render(t, Example(StaffDeadlineApproaching))
	wantAll(t, m.Subject, "Due in 5 days")
	wantAll(t, m.Text, "(reg 13(2))", "5 days left")

	n := Example(StaffDeadlineApproaching)
	n.Facts.DaysLeft = 0
	wantAll(t, render(t, n).Subject, "Due today")
	n.Template = AdviserReminder
	wantAll(t, render(t, n).Text, "which is today")
}

func TestFamilyIsAskedForItsOwnViews(t *testing.T) {
	n := Example(FamilyAdviceRequested)
	n.Facts.AdviceKind = statute.AdviceKindFamilyViews
	m := render(t, n)
	wantAll(t, m.Subject, "We would like your views")
	wantAll(t, m.Text, "Please send them to us by")
}

func TestRenderRejects(t *testing.T) {
	n := Example("family.no_such_thing")
	if _, err := Render(n); err == nil || !strings.Contains(err.Error(), "unknown template") {
		t.Errorf("unknown template: got %v", err)
	}
	n = Example(FamilyRefusalToAssess)
	n.Facts.Reason = " "
	if _, err := Render(n); err == nil || !strings.Contains(err.Error(), "Facts.Reason") {
		t.Errorf("refusal without reasons: got %v", err)
	}
}

// The contract must never grow a way to put the child's name in a message.
func TestNoChildInTheContract(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeOf(Notification{}), reflect.TypeOf(Envelope{}), reflect.TypeOf(Facts{}), reflect.TypeOf(Recipient{})} {
		for i := range typ.NumField() {
			if name := strings.ToLower(typ.Field(i).Name); strings.Contains(name, "child") || strings.Contains(name, "pupil") {
				t.Errorf("%s.%s could carry the child's identity", typ.Name(), typ.Field(i).Name)
			}
		}
	}
}

// A case entered after the fact: the acknowledgement says what was done
// and when, in the past tense, and calls late only what is late.
func TestAcknowledgementOfACaseEnteredLate(t *testing.T) {
	n := Example(FamilyRequestReceived)
	m := render(t, n)
	for _, want := range []string{
		"Date of this notice: Monday 2 March 2026",
		"on Monday 26 January 2026",
		"- decision whether to assess: due by Monday 9 March 2026; done on Saturday 7 March 2026.",
		"- psychological advice: due by Monday 20 April 2026; done on Monday 27 April 2026, 7 days after the time limit.",
		"- decision whether to issue a plan: due by Monday 18 May 2026; not yet done, 4 days late.",
		"- final EHC plan: due by Monday 15 June 2026; not yet due.",
		"we will write to you separately about each delay",
	} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("acknowledgement lacks %q:\n%s", want, m.Text)
		}
	}
	if strings.Contains(m.Text, "we will tell you whether we will") {
		t.Errorf("a late-entered acknowledgement promises, in the future, a step already taken:\n%s", m.Text)
	}
	n.Facts.Limits[2].DaysOverdue = 0
	if m := render(t, n); strings.Contains(m.Text, "late") && strings.Contains(m.Text, "each delay") {
		t.Errorf("nothing overdue, yet the letter speaks of delays:\n%s", m.Text)
	}
}

func TestEveryTemplateHasATitle(t *testing.T) {
	for tpl := range catalogue {
		if _, ok := titles[tpl]; !ok {
			t.Errorf("%s has no title", tpl)
		}
	}
	if len(titles) != len(catalogue) {
		t.Errorf("%d titles for %d templates", len(titles), len(catalogue))
	}
	if got := (Roles{RoleFamily, RoleAdviser, RoleManager}).String(); got != "family, adviser and manager" {
		t.Errorf("Roles.String = %q", got)
	}
}
