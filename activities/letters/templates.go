package letters

import (
	"fmt"
	"html"
	"strings"
	"text/template"

	"github.com/ehc-send/ehc/statute"
)

// Render turns a notification into the message its readers see. Subjects
// carry the case reference and never a name; bodies carry no names either,
// so a logged or stored message holds no more personal data than it must.
func Render(n Notification) (Message, error) {
	if err := n.Validate(); err != nil {
		return Message{}, err
	}
	subject, err := execute(string(n.Template)+".subject", n)
	if err != nil {
		return Message{}, err
	}
	text, err := execute(string(n.Template)+".text", n)
	if err != nil {
		return Message{}, err
	}
	return Message{Envelope: n.Envelope,
		Subject: strings.Join(strings.Fields(subject), " "), Text: text, HTML: toHTML(text)}, nil
}

func execute(name string, n Notification) (string, error) {
	var b strings.Builder
	if err := templates.ExecuteTemplate(&b, name, view{n}); err != nil {
		return "", fmt.Errorf("rendering %s for %s: %w", name, n.Key, err)
	}
	return b.String(), nil
}

// view is what a template sees: the notification and a few questions about it.
type view struct{ Notification }

// FamilyViews is true when the "advice" is the family's own views, which
// the family is asked for rather than told about.
func (v view) FamilyViews() bool { return v.Facts.AdviceKind == statute.AdviceKindFamilyViews }

// OverdueCount is how many of the limits listed were missed and are still
// not done.
func (v view) OverdueCount() int {
	n := 0
	for _, l := range v.Facts.Limits {
		if l.MetOn.IsZero() && l.DaysOverdue > 0 {
			n++
		}
	}
	return n
}

// entry is one template: its subject, its body and the facts without which
// it would mislead (a refusal with no reasons is itself unlawful).
type entry struct {
	subject, text string
	needs         []need
}

type need struct {
	field string
	ok    func(Notification) bool
}

func (e entry) missing(n Notification) []string {
	var out []string
	for _, nd := range e.needs {
		if !nd.ok(n) {
			out = append(out, nd.field)
		}
	}
	return out
}

var (
	needOn = need{"On", func(n Notification) bool { return !n.On.IsZero() }}
	needTT = need{"Facts.Timetable (Day1 and the 6-, 16- and 20-week dates)", func(n Notification) bool {
		t := n.Facts.Timetable
		return t != nil && !t.Day1.IsZero() && !t.DecisionToAssessDue.IsZero() &&
			!t.DecisionNotToIssueDue.IsZero() && !t.FinalPlanDue.IsZero()
	}}
	needReason      = need{"Facts.Reason", func(n Notification) bool { return strings.TrimSpace(n.Facts.Reason) != "" }}
	needKind        = need{"Facts.AdviceKind", func(n Notification) bool { return n.Facts.AdviceKind != "" }}
	needDue         = need{"Facts.Due", func(n Notification) bool { return !n.Facts.Due.IsZero() }}
	needDeadline    = need{"Facts.Deadline", func(n Notification) bool { return n.Facts.Deadline != "" }}
	needLimits      = need{"Facts.Limits", func(n Notification) bool { return len(n.Facts.Limits) > 0 }}
	needCommentsEnd = need{"Facts.CommentsEnd", func(n Notification) bool { return !n.Facts.CommentsEnd.IsZero() }}
)

var templates = parse()

func parse() *template.Template {
	root := template.Must(template.New("shared").Funcs(template.FuncMap{
		"date": longDate,
		"days": days,
	}).Parse(shared))
	for name, e := range catalogue {
		template.Must(root.New(string(name) + ".subject").Parse(e.subject))
		template.Must(root.New(string(name) + ".text").Parse(strings.TrimLeft(e.text, "\n")))
	}
	return root
}

// longDate is how a family reads a date: "Monday 9 March 2026".
func longDate(d statute.Date) string {
	if d.IsZero() {
		return "(date not set)"
	}
	return d.At(12).Format("Monday 2 January 2006")
}

func days(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// toHTML sets the plain text as HTML paragraphs, escaped: one wording to
// maintain, and nothing a case detail could inject.
func toHTML(text string) string {
	var b strings.Builder
	b.WriteString("<!doctype html><html><body>\n")
	for _, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		lines := strings.Split(para, "\n")
		for i, l := range lines {
			lines[i] = html.EscapeString(l)
		}
		b.WriteString("<p>" + strings.Join(lines, "<br>\n") + "</p>\n")
	}
	b.WriteString("</body></html>\n")
	return b.String()
}
