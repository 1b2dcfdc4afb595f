package feedback_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/activities/feedback"
	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/register/registertest"
	"github.com/ehc-send/ehc/statute"
)

type mailbox struct {
	mu   sync.Mutex
	sent []letters.Message
}

func (b *mailbox) Deliver(_ context.Context, m letters.Message) (letters.Delivery, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sent = append(b.sent, m)
	return letters.Delivery{MessageID: "sg-" + m.Key}, nil
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// send runs Notify as Temporal runs it, through the outbox, and returns
// the message the family received.
func send(t *testing.T, a *activities.Activities, box *mailbox, n letters.Notification) letters.Message {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(a)
	if _, err := env.ExecuteActivity(a.Notify, n); err != nil {
		t.Fatal(err)
	}
	box.mu.Lock()
	defer box.mu.Unlock()
	return box.sent[len(box.sent)-1]
}

type answer struct {
	stage  string
	answer int
	on     statute.Date
}

func recorded(t *testing.T, store *register.Store) []answer {
	t.Helper()
	rows, err := store.Pool.Query(context.Background(), `select stage, answer, letter_on from family_feedback order by letter_key`)
	if err != nil {
		t.Fatal(err)
	}
	var out []answer
	for rows.Next() {
		var a answer
		var on time.Time
		if err := rows.Scan(&a.stage, &a.answer, &on); err != nil {
			t.Fatal(err)
		}
		a.on = statute.NewDate(on.Year(), on.Month(), on.Day())
		out = append(out, a)
	}
	return out
}

var link = regexp.MustCompile(`- (Very well|Well|Not well|Not at all): (\S+)`)

// A family follows a link in its letter: the page shows the answer chosen
// and records nothing (a mail scanner opening every link must not answer
// for them); sending it records it against the case and step; sending
// another answer changes it; a changed link records nothing. The board's
// figures count the letter and its answer.
func TestAFamilyAnswersFromItsLetter(t *testing.T) {
	ctx := context.Background()
	store := registertest.Store(t)
	links, err := letters.NewFeedback("https://ehc.example.gov.uk", []byte(strings.Repeat("s", 32)))
	if err != nil {
		t.Fatal(err)
	}
	box := &mailbox{}
	a := &activities.Activities{Transport: &activities.Outbox{Store: store, Next: box, Logger: quiet}, Register: store, Logger: quiet, Feedback: links}
	n := letters.Example(letters.FamilyFinalPlan)
	tt := n.Facts.Timetable
	if _, err := store.Record(ctx, caserecord.Event{Key: n.CaseRef + "/1/request-received", CaseRef: n.CaseRef,
		Kind: caserecord.KindStep, Name: "request-received", EffectiveOn: tt.Day1, Case: caserecord.Snapshot{Seq: 1, Stage: "requested",
			Requester: "parent", Caseworker: "cw-1", Day1: tt.Day1, DecisionToAssessDue: tt.DecisionToAssessDue,
			DecisionNotToIssueDue: tt.DecisionNotToIssueDue, FinalPlanDue: tt.FinalPlanDue}}); err != nil {
		t.Fatal(err)
	}
	m := send(t, a, box, n)
	found := link.FindAllStringSubmatch(m.Text, -1)
	if len(found) != 4 || found[0][1] != "Very well" || found[2][1] != "Not well" {
		t.Fatalf("the letter's links: %q\n%s", found, m.Text)
	}
	srv := httptest.NewServer(feedback.Handler{Links: links, Store: store, Logger: quiet})
	defer srv.Close()
	local := func(l string) string { return srv.URL + strings.TrimPrefix(l, "https://ehc.example.gov.uk") }

	status, page := get(t, local(found[0][2]))
	if status != http.StatusOK || !strings.Contains(page, `value="4" required checked`) || !strings.Contains(page, "Send my answer") {
		t.Fatalf("the page a link opens: %d\n%s", status, page)
	}
	if got := recorded(t, store); len(got) != 0 {
		t.Fatalf("opening the link recorded %+v", got)
	}
	u, _ := url.Parse(found[0][2])
	token := u.Query().Get("t")
	status, page = post(t, srv.URL+"/feedback", url.Values{"t": {token}, "a": {"4"}})
	if status != http.StatusOK || !strings.Contains(page, "Thank you") || !strings.Contains(page, "<strong>Very well</strong>") {
		t.Fatalf("sending the answer: %d\n%s", status, page)
	}
	status, _ = post(t, srv.URL+"/feedback", url.Values{"t": {token}, "a": {"2"}})
	want := []answer{{"final plan", 2, n.On}}
	if got := recorded(t, store); status != http.StatusOK || len(got) != 1 || got[0] != want[0] {
		t.Fatalf("after changing the answer: %d, %+v; want %+v", status, got, want)
	}
	post(t, srv.URL+"/feedback", url.Values{"t": {token}, "a": {"2"}}) // the same answer again: no change
	var changes int
	if err := store.Pool.QueryRow(ctx, `select changes from family_feedback`).Scan(&changes); err != nil || changes != 1 {
		t.Errorf("changes counted %d (%v); want 1 (4 to 2; 2 again is no change)", changes, err)
	}

	// Refused, and nothing changes: a changed link, an answer out of
	// range, a letter that asked nothing.
	staff := letters.Example(letters.StaffDeadlineMissed)
	staff.To = []letters.Recipient{{Role: letters.RoleCaseworker, Email: "carol@la.example.gov.uk"}}
	send(t, a, box, staff)
	for name, c := range map[string]struct {
		form   url.Values
		status int
	}{
		"changed token":           {url.Values{"t": {token[:len(token)-3] + "AAA"}, "a": {"1"}}, http.StatusBadRequest},
		"answer 9":                {url.Values{"t": {token}, "a": {"9"}}, http.StatusBadRequest},
		"a letter that asked not": {url.Values{"t": {links.Token(staff.Key)}, "a": {"1"}}, http.StatusNotFound},
	} {
		if status, page := post(t, srv.URL+"/feedback", c.form); status != c.status || !strings.Contains(page, "Sorry") {
			t.Errorf("%s: %d, want %d\n%s", name, status, c.status, page)
		}
	}
	if got := recorded(t, store); len(got) != 1 || got[0] != want[0] {
		t.Errorf("after refused answers: %+v; want %+v", got, want)
	}

	voice, err := store.FamilyVoice(ctx, n.On.AddDays(-1), n.On)
	if err != nil {
		t.Fatal(err)
	}
	wantVoice := []register.VoiceMonth{{Month: "2026-03", Stage: "", Answers: 1, KeptInformed: 0, Letters: 1},
		{Month: "2026-03", Stage: "final plan", Answers: 1, KeptInformed: 0, Letters: 1}}
	if len(voice) != 2 || voice[0] != wantVoice[0] || voice[1] != wantVoice[1] {
		t.Errorf("the board's figures: %+v; want %+v", voice, wantVoice)
	}
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	r, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return r.StatusCode, string(b)
}

func post(t *testing.T, u string, form url.Values) (int, string) {
	t.Helper()
	r, err := http.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return r.StatusCode, string(b)
}
