package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ehc-send/ehc/statute"
)

// startFlagsFor is a whole ehc start for ref, received on received.
func startFlagsFor(ref, received, familyEmail string) []string {
	return []string{"start", "--case", ref, "--received", received, "--child-name", "Ada Example", "--child-dob", "2016-04-01",
		"--family-name", "Sam Example", "--family-email", familyEmail, "--requester", "parent",
		"--school-name", "Oak Primary", "--school-email", "head@oak.example.org",
		"--caseworker", "cw-jones", "--caseworker-email", "jones@la.example.gov.uk", "--manager-email", "manager@la.example.gov.uk"}
}

// A reference that ever had a case can never start another, whatever its
// letters' case: the refusal says how and when it ended, and the register
// and the letters are left exactly as they were.
func TestIntegrationClosedReferenceRefused(t *testing.T) {
	c, store, sg, env := startTemporal(t)
	today := statute.DateOf(time.Now())
	day := func(n int) string { return today.AddDays(n).String() }
	ehc(t, env, 0, startFlagsFor("NEW-1", day(-3), "sam@example.org")...)
	ehc(t, env, 0, "withdraw", "NEW-1", "--reason", "the family moved away", "--on", day(-1))
	checkOutbox(t, env, sg, "NEW-1", today, []string{"family.request_received", "family.withdrawn", "partner.request_received"})
	waitListed(t, env, "NEW-1", "--stage", "withdrawn")
	steps := registerSteps(t, store, "NEW-1")
	mails := len(sg.Mails())

	for _, ref := range []string{"NEW-1", "new-1"} {
		out := ehc(t, env, 1, startFlagsFor(ref, day(0), "someone.else@example.org")...)
		if want := fmt.Sprintf("case NEW-1 ended on %s (request withdrawn); a new request for the same child needs a new reference", day(-1)); !strings.Contains(out, want) {
			t.Errorf("ehc start --case %s again:\n%s\nwant %q", ref, out, want)
		}
	}
	time.Sleep(500 * time.Millisecond) // anything wrongly started would have written by now
	if got := registerSteps(t, store, "NEW-1"); strings.Join(got, "|") != strings.Join(steps, "|") {
		t.Errorf("register changed: %q, was %q", got, steps)
	}
	var day1, email string
	if err := store.Pool.QueryRow(context.Background(), `select c.day1::text, p.family_email from cases c join case_people p using (case_ref) where c.case_ref = 'NEW-1'`).Scan(&day1, &email); err != nil || day1 != day(-3) || email != "sam@example.org" {
		t.Errorf("register case: day1 %s, family %s, %v", day1, email, err)
	}
	if len(sg.Mails()) != mails {
		t.Errorf("%d letters sent after the refusal", len(sg.Mails())-mails)
	}
	recordHistories(t, c, "NEW-1")
}

// A case entered four months after its request with its true history (a
// file of the steps as typed) sends exactly: the acknowledgement with the
// real dates, one delay notice for each limit missed, and one summary to
// staff; the adviser still awaited is not sent the request again. Nothing
// for advice and decisions that were on time.
func TestIntegrationEnteredLateWithHistory(t *testing.T) {
	c, store, sg, env := startTemporal(t)
	today := statute.DateOf(time.Now())
	day := func(n int) string { return today.AddDays(n).String() }
	// Day 1 is 120 days ago: the 6-week decision (day -78) was on time,
	// three kinds of advice (asked day -75, due day -33) came on time, the
	// psychological advice has not come, and the 16-week decision (due day
	// -8) is missed.
	history := fmt.Sprintf(`# LATE-1 as it happened
decide-assess --assess --on %s
request-advice --kind family_views --provider-name "Family" --provider-email sam@example.org --on %s
request-advice --kind educational --provider-name "Oak Primary" --provider-email head@oak.example.org --on %s
request-advice --kind medical --provider-name "Paediatrics" --provider-email paeds@nhs.example.org --on %s
request-advice --kind psychological --provider-name "EP service" --provider-email ep@la.example.gov.uk --on %s
advice-not-needed --kind social_care --reason "social care assessed last term; all agree it is enough" --on %s
record-advice --kind family_views --on %s
record-advice --kind educational --on %s
record-advice --kind medical --on %s
`, day(-80), day(-75), day(-75), day(-75), day(-75), day(-75), day(-50), day(-40), day(-36))
	path := filepath.Join(t.TempDir(), "late-1.history")
	if err := os.WriteFile(path, []byte(history), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.history")
	if err := os.WriteFile(bad, []byte("decide-assess --assess --on "+day(-80)+"\nserve-draft --on "+day(-70)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := ehc(t, env, 1, append(startFlagsFor("LATE-1", day(-120), "sam@example.org"), "--history", bad)...); !strings.Contains(out,
		"case LATE-1 was not started: step 2 of the history (serve-draft): cannot serve the draft plan") {
		t.Errorf("a history that breaks a rule: %s", out)
	}
	ehc(t, env, 0, append(startFlagsFor("LATE-1", day(-120), "sam@example.org"), "--history", path)...)
	checkOutbox(t, env, sg, "LATE-1", today, []string{"family.advice_overdue", "family.deadline_missed", "family.request_received", "staff.case_entered"})
	for _, m := range sg.Mails() {
		if m.CaseRef == "LATE-1" && strings.Contains(m.Key, "deadline_missed") && !strings.HasSuffix(m.Key, "/decision_not_to_issue_due") {
			t.Errorf("delay notice for the wrong limit: %s", m.Key)
		}
	}
	var steps []string
	for range 50 {
		if steps = registerSteps(t, store, "LATE-1"); len(steps) >= 10 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(steps) != 10 || steps[0] != "request-received "+day(-120) || steps[1] != "decide-assess "+day(-80) || steps[9] != "record-advice "+day(-36) {
		t.Errorf("register steps: %q", steps)
	}
	out := ehc(t, env, 0, "status", "LATE-1")
	if !strings.Contains(out, "gathering advice") || !strings.Contains(out, "33 days") {
		t.Errorf("status after entry:\n%s", out)
	}
	ehc(t, env, 0, "withdraw", "LATE-1", "--reason", "the family moved away", "--on", day(0))
	waitListed(t, env, "LATE-1", "--stage", "withdrawn")
	recordHistories(t, c, "LATE-1")
}
