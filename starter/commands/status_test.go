package commands

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"go.temporal.io/sdk/client"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// longName is a school or provider name of n runes, in words.
func longName(prefix string, n int) string {
	name := prefix
	for i := 1; utf8.RuneCountInString(name) < n; i++ {
		name += fmt.Sprintf(" Wing%d", i)
	}
	return string([]rune(name)[:n])
}

// busyStatus is a case at its most crowded: a dozen advice requests, long
// school and provider names, consultations, exceptions on every deadline,
// late comments and many steps out of date order.
func busyStatus() assessment.CaseStatus {
	st := assessing()
	st.Stage = assessment.StageFinalPlanIssued
	st.Caseworker = longName("caseworker-with-a-long-staff-identifier", 64)
	st.Requester = assessment.RequesterYoungPerson
	st.NamedSchool = longName("St Mary's Church of England | Voluntary Aided Primary School", 200)
	st.DraftCommentsEnd = statute.NewDate(2026, 4, 13)
	st.CommentsOn = statute.NewDate(2026, 4, 16)
	st.CommentsLateDays = 3
	st.Overdue = true
	d := func(m, day int) statute.Date { return statute.NewDate(2026, time.Month(m), day) }
	for i, k := range statute.AdviceKinds {
		for n := 1; n <= 2; n++ {
			id := fmt.Sprintf("%s-%d", k, n)
			a := assessment.AdviceState{ID: id, Kind: k, Provider: longName("Provider "+id, 200),
				Requested: d(2, 1+i), Due: d(3, 15+i), Status: assessment.StatusMissed, DaysOverdue: 30 + i}
			if n == 2 {
				a.Received, a.Status, a.DaysOverdue = d(4, 1+i), assessment.StatusMetLate, 17
			}
			st.Advice = append(st.Advice, a)
			st.Deadlines = append(st.Deadlines, assessment.DeadlineState{Key: "advice_due/" + id, Deadline: statute.AdviceDue,
				Regulation: "reg 8(1)", Due: a.Due, Status: a.Status, MetOn: a.Received, DaysOverdue: a.DaysOverdue,
				Exception: "reg 8(2)(c)", ExpectedBy: d(5, 1)})
			st.Exceptions = append(st.Exceptions, assessment.ExceptionRecord{Regulation: "reg 8(2)(c)",
				RecordExceptionInput: assessment.RecordExceptionInput{On: d(3, 20), Ground: statute.ExceptionAwayFromArea,
					Deadline: statute.AdviceDue, AdviceID: id, From: d(3, 1), To: d(4, 1)}})
		}
	}
	for i := range 6 {
		school := longName(fmt.Sprintf("School %d Academy", i), 40+32*i) // up to 200 runes
		st.Consultations = append(st.Consultations, assessment.ConsultationState{School: school,
			Sent: d(4, 1), Due: d(4, 15), Answered: d(4, 10), Agrees: i%2 == 0})
		st.Deadlines = append(st.Deadlines, assessment.DeadlineState{Key: "consultation_due/" + school, Deadline: statute.ConsultationDue,
			Regulation: "CoP 9.83", Due: d(4, 15), Status: assessment.StatusMet, MetOn: d(4, 10)})
		st.Steps = append(st.Steps, assessment.StepRecord{Step: "consult-school", On: d(4, 1), Detail: school})
	}
	st.Deadlines[3].Status, st.Deadlines[3].MetOn, st.Deadlines[3].DaysOverdue = assessment.StatusMetLate, d(6, 30), 22
	for _, g := range []statute.ExceptionGround{statute.ExceptionSchoolClosure, statute.ExceptionPersonal, statute.ExceptionAwayFromArea} {
		st.Exceptions = append(st.Exceptions, assessment.ExceptionRecord{Regulation: g.Regulation(statute.FinalPlanDue),
			RecordExceptionInput: assessment.RecordExceptionInput{On: d(5, 1), Ground: g, Deadline: statute.FinalPlanDue, From: d(4, 20)}})
	}
	st.Steps = append(st.Steps,
		assessment.StepRecord{Step: "record-exception", On: d(3, 20), Detail: "reg 13(3)(c) final_plan_due"},
		assessment.StepRecord{Step: "expect", On: d(3, 20), Detail: "advice_due/medical-1 by 2026-05-01"},
		assessment.StepRecord{Step: "record-comments", On: d(4, 16), Detail: "school requested; 3 days after the period ended"},
		assessment.StepRecord{Step: "issue-final-plan", On: d(6, 30), Detail: st.NamedSchool},
	)
	st.AdviceNotNeeded = []assessment.AdviceNotNeededInput{{On: d(2, 2), Kind: statute.AdviceKindSocialCare,
		Reason: longName("social care assessed the family last term and all agree it is enough", 300)}}
	st.DeliveryProblems = []assessment.DeliveryProblem{{Key: "EHC-1/family.decision_to_assess/1", Template: "family.decision_to_assess",
		To: letters.Roles{letters.RoleFamily}, On: d(2, 3), Error: "the mail service refused the message for s***@example.org"}}
	return st
}

func TestStatusFitsTheScreen(t *testing.T) {
	st := busyStatus()
	var out bytes.Buffer
	if err := printStatus(&out, st); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for i, l := range strings.Split(text, "\n") {
		if n := utf8.RuneCountInString(l); n > screenWidth {
			t.Errorf("line %d is %d runes wide (at most %d):\n%s", i+1, n, screenWidth, l)
		}
	}
	// Nothing is lost to the wrapping: every word of every long name is there.
	words := map[string]bool{}
	for _, w := range strings.Fields(text) {
		words[w] = true
	}
	names := []string{st.NamedSchool}
	for _, c := range st.Consultations {
		names = append(names, c.School)
	}
	for _, a := range st.Advice {
		names = append(names, a.Provider)
	}
	for _, name := range names {
		for _, w := range strings.Fields(name) {
			if !words[w] && !strings.Contains(text, w) {
				t.Errorf("%q of %q is missing", w, name)
			}
		}
	}
	for _, want := range []string{
		"Stage:          closed: final plan issued\n",
		"Named school:   St Mary's Church of England | Voluntary Aided Primary School Wing1",
		"End of the family's 15",
		"reg 13(1)(a)",
		"Comments:       recorded Thu 16 Apr 2026, 3 days after the period ended (reg 13(1)(a))\n",
		"comments recorded",
		"School's answer to",
		"Advice (medical-1)",
		"exception under reg 8(2)(c)",
		"Final EHC plan",
		"Time away from the area",
		"final EHC plan",                   // the step detail's deadline key, by its title
		"advice (medical-1) by 2026-05-01", // likewise
		"NOT DELIVERED: 1 notification(s) failed for good",
		"Decision to assess",
		"Social care advice",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("status lacks %q:\n%s", want, text)
		}
	}
	for _, key := range []string{"final_plan_due", "advice_due", "draft_comments_end", "consultation_due", "final_plan_issued"} {
		if strings.Contains(text, key) {
			t.Errorf("status shows the key %q:\n%s", key, text)
		}
	}
	if t.Failed() {
		t.Logf("status:\n%s", text)
	}
}

// An open case whose next deadline is a school's answer, the school's name
// as long as it may be: the next-deadline line wraps too.
func TestStatusNextDeadlineWraps(t *testing.T) {
	st := busyStatus()
	st.Stage = assessment.StageDraftServed
	school := longName("Longest Named School", 200)
	due := statute.NewDate(2026, 3, 12)
	st.Deadlines = append(st.Deadlines, assessment.DeadlineState{Key: "consultation_due/" + school, Deadline: statute.ConsultationDue,
		Regulation: "CoP 9.83", Due: due, Status: assessment.StatusPending})
	st.NextDeadline = due
	var out bytes.Buffer
	if err := printStatus(&out, st); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for i, l := range strings.Split(text, "\n") {
		if n := utf8.RuneCountInString(l); n > screenWidth {
			t.Errorf("line %d is %d runes wide (at most %d):\n%s", i+1, n, screenWidth, l)
		}
	}
	if !strings.Contains(text, "Next deadline: School's answer to consultation (Longest Named School Wing1") ||
		!strings.Contains(text, "Thu 12 Mar 2026 (CoP 9.83).\n") {
		t.Errorf("next deadline line:\n%s", text)
	}
}

// Steps are listed by the date they took effect; steps of one day keep
// the order they were recorded in.
func TestStatusStepsByDate(t *testing.T) {
	st := assessing()
	st.Steps = []assessment.StepRecord{
		{Step: "decide-assess", On: statute.NewDate(2026, 2, 27), Detail: "assess"},
		{Step: "request-advice", On: statute.NewDate(2026, 2, 24), Detail: "psychological-1"},
		{Step: "request-advice", On: statute.NewDate(2026, 2, 27), Detail: "medical-1"},
		{Step: "request-advice", On: statute.NewDate(2026, 2, 27), Detail: "educational-1"},
		{Step: "request-received", On: statute.NewDate(2026, 1, 19)},
	}
	var out bytes.Buffer
	if err := printStatus(&out, st); err != nil {
		t.Fatal(err)
	}
	_, steps, _ := strings.Cut(out.String(), "\nSteps\n")
	want := `  Mon 19 Jan 2026   request-received
  Tue 24 Feb 2026   request-advice     psychological-1
  Fri 27 Feb 2026   decide-assess      assess
  Fri 27 Feb 2026   request-advice     medical-1
  Fri 27 Feb 2026   request-advice     educational-1
`
	if steps != want {
		t.Errorf("steps:\n%s\nwant:\n%s", steps, want)
	}
}

// The end of the family's 15 days is a row of the deadlines, in date order.
func TestStatusCommentsPeriod(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*assessment.CaseStatus)
		want string
	}{
		{"open", func(st *assessment.CaseStatus) {}, "open; no comments yet"},
		{"ended", func(st *assessment.CaseStatus) { st.Today = statute.NewDate(2026, 4, 1) }, "ended; no comments recorded"},
		{"in time", func(st *assessment.CaseStatus) { st.CommentsOn = statute.NewDate(2026, 3, 20) }, "comments recorded"},
	} {
		st := assessing()
		st.Stage = assessment.StageDraftServed
		st.DraftCommentsEnd = statute.NewDate(2026, 3, 24)
		c.edit(&st)
		var out bytes.Buffer
		if err := printStatus(&out, st); err != nil {
			t.Fatal(err)
		}
		text := out.String()
		row := regexp.MustCompile(`\n  End of the family's 15 days to +reg 13\(1\)\(a\) +Tue 24 Mar 2026 +` + regexp.QuoteMeta(c.want) + "\n")
		if !row.MatchString(text) {
			t.Errorf("%s: no row %q:\n%s", c.name, row, text)
		}
		// Between the advice due on 7 Apr and the decision to assess on 2 Mar.
		_, table, _ := strings.Cut(text, "\nDeadlines\n")
		if i, j, k := strings.Index(table, "Decision whether to assess"), strings.Index(table, "End of the family's"), strings.Index(table, "Advice (adv-1)"); !(i < j && j < k) {
			t.Errorf("%s: comments row out of date order:\n%s", c.name, text)
		}
	}
}

func TestWrapText(t *testing.T) {
	for _, c := range []struct {
		in    string
		width int
		want  []string
	}{
		{"a bb ccc", 4, []string{"a bb", "ccc"}},
		{"abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"x abcdefghij y", 4, []string{"x", "abcd", "efgh", "ij y"}},
		{"one\ntwo three", 20, []string{"one", "two three"}},
		{"", 5, []string{""}},
	} {
		if got := wrapText(c.in, c.width); strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("wrapText(%q, %d) = %q, want %q", c.in, c.width, got, c.want)
		}
	}
	if got := printable("a\tb\r\nc"); got != "a b\nc" {
		t.Errorf("printable = %q", got)
	}
}

// A deprecated Temporal setting still works, and the caseworker is told to
// rename it before the next release.
func TestDeprecatedSettingIsWarnedOf(t *testing.T) {
	env := stubDial(t)
	getenv := env.Getenv
	env.Getenv = func(k string) string {
		if k == "TEMPORAL_TLS_CA" {
			return "/etc/ehc/ca.pem"
		}
		return getenv(k)
	}
	var stderr bytes.Buffer
	var dialled config.Config
	env.Stderr = &stderr
	env.Dial = func(_ context.Context, cfg config.Config, _ io.Writer) (client.Client, error) {
		dialled = cfg
		return nil, errDialled
	}
	Run(context.Background(), env, []string{"status", "EHC-1"})
	if dialled.TLSCAFile != "/etc/ehc/ca.pem" {
		t.Errorf("dialled with CA %q; want the deprecated name's", dialled.TLSCAFile)
	}
	if want := "ehc: warning: TEMPORAL_TLS_CA is deprecated and will not be read after this release: rename it TEMPORAL_TLS_SERVER_CA_CERT_PATH\n"; !strings.HasPrefix(stderr.String(), want) {
		t.Errorf("stderr %q; want it to begin %q", stderr.String(), want)
	}
}
