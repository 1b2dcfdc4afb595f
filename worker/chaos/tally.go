package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/email/sendgridtest"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// tally is the run's outcome: each figure with the evidence behind it.
type tally struct {
	cases, kills, crashes int
	lost, missed          []string
	alarmsDue             int // alarms (and family letters) the cases owed
	notices               int // distinct Notify keys scheduled
	lettersLost           []string
	falseLetters          []string // the family told a limit was missed that the case knew was met in time
	overtaken             []string // such a letter right when written, overtaken by a step dated before the limit
	letters, twice        int      // distinct letters accepted; extra acceptances
	twiceKeys             []string
	eventsMissing         []string
	unsettled             []string
}

// count is the tally of one run, from the histories, the register and the
// fake SendGrid.
func count(ctx context.Context, c client.Client, db *pgx.Conn, sg *sendgridtest.Server, sup *supervisor,
	driven []*caseRun, runs []*run, cutoff time.Time) (*tally, error) {
	t := &tally{cases: len(driven)}
	t.kills, t.crashes, _ = sup.counts()
	byID := map[string]*run{}
	children := map[string][]*run{}
	for _, r := range runs {
		// The latest run of an ID is the one that counts (a failed start
		// put right is followed by another).
		if old, ok := byID[r.id]; !ok || r.started.After(old.started) {
			byID[r.id] = r
		}
		if r.parent != "" {
			children[r.parent] = append(children[r.parent], r)
		}
		if r.status == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			t.unsettled = append(t.unsettled, r.id)
		}
	}

	for _, d := range driven {
		id := assessment.WorkflowID(d.ref)
		r := byID[id]
		switch {
		case r == nil:
			t.lost = append(t.lost, d.ref+": never started")
			continue
		case r.status != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED:
			t.lost = append(t.lost, fmt.Sprintf("%s (%s): workflow %s", d.ref, d.path.name, statusName(r.status)))
		case r.result.Stage != d.path.end:
			t.lost = append(t.lost, fmt.Sprintf("%s (%s): ended %s, want %s", d.ref, d.path.name, r.result.Stage, d.path.end))
		}
		for _, why := range d.refusals {
			t.lost = append(t.lost, fmt.Sprintf("%s (%s): refused %s", d.ref, d.path.name, why))
		}
		// An advice request failed, timed out or terminated is lost; one
		// cancelled when its case closed is lost if it left a letter
		// unsettled (cancelled with its Notify still pending).
		for _, ch := range children[id] {
			switch ch.status {
			case enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING:
			case enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED:
				for k, settled := range ch.notify {
					if !settled {
						t.lost = append(t.lost, fmt.Sprintf("%s (%s): advice request %s cancelled with letter %s unsettled", d.ref, d.path.name, ch.id, k))
					}
				}
			default:
				t.lost = append(t.lost, fmt.Sprintf("%s (%s): advice request %s %s", d.ref, d.path.name, ch.id, statusName(ch.status)))
			}
		}
		// Every letter the path owes must at least have been scheduled.
		for tmpl, want := range d.path.owes() {
			got := 0
			for _, x := range runs {
				if x.id != id && !strings.HasPrefix(x.id, id+"/") {
					continue
				}
				for k := range x.notify {
					if strings.HasPrefix(k, d.ref+"/"+string(tmpl)+"/") {
						got++
					}
				}
			}
			if got < want {
				t.lettersLost = append(t.lettersLost, fmt.Sprintf("%s (%s): %d %s letter(s) owed, %d ever scheduled", d.ref, d.path.name, want, tmpl, got))
			}
		}
		if d.in.CaseRef == "" {
			d.in = r.input
		}
		qctx, cancel := context.WithTimeout(ctx, time.Minute)
		v, err := c.QueryWorkflow(qctx, id, r.runID, assessment.StatusQuery)
		var st assessment.CaseStatus
		if err == nil {
			err = v.Get(&st)
		}
		cancel()
		if err != nil {
			t.lost = append(t.lost, fmt.Sprintf("%s: status query: %v", d.ref, err))
			continue
		}
		// Missed alarms are judged on the case's own clock and policy.
		d.in.Clock, d.in.Policy = r.input.Clock, r.input.Policy
		// A false letter: the family told a limit was missed that the case
		// knew was met in time, the step meeting it having reached the
		// workflow before the letter was written. One written first and
		// then overtaken by a step dated before the limit (taken late, as
		// when the worker was down for statutory weeks of the compressed
		// clock) is counted apart: the case could not know.
		for _, dl := range st.Deadlines {
			k := fmt.Sprintf("%s/%s/%s", d.ref, letters.FamilyDeadlineMissed, dl.Key)
			at, sent := r.notifyAt[k]
			if !sent || dl.Status != assessment.StatusMet {
				continue
			}
			knew := false
			for _, a := range r.seen {
				if a.id < at && slices.Contains(meets(dl.Key, false, ""), a.name) && a.name != "" {
					knew = true
				}
			}
			what := fmt.Sprintf("%s (%s): %s told the family %s (due %s) was missed; it was met on %s", d.ref, d.path.name, k, dl.Key, dl.Due, dl.MetOn)
			if knew {
				t.falseLetters = append(t.falseLetters, what)
			} else {
				t.overtaken = append(t.overtaken, what+", a step taken after the letter")
			}
		}
		advice := func(adviceID string) *run { return byID[id+"/advice/"+adviceID] }
		missed, checked := missedAlarms(d, st, r, advice, cutoff)
		t.missed, t.alarmsDue = append(t.missed, missed...), t.alarmsDue+checked
	}

	// Letters: every Notify scheduled anywhere against what SendGrid took.
	status, lastErr := map[string]string{}, map[string]string{}
	rows, err := db.Query(ctx, `select key, status, coalesce(last_error, '') from notification_outbox`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var k, s, e string
		if err := rows.Scan(&k, &s, &e); err != nil {
			return nil, err
		}
		status[k], lastErr[k] = s, e
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	accepted := map[string]int{}
	for _, m := range sg.Mails() {
		accepted[m.Key]++
	}
	for k, n := range accepted {
		t.letters++
		if n > 1 {
			t.twice += n - 1
			t.twiceKeys = append(t.twiceKeys, fmt.Sprintf("%s accepted %d times", k, n))
		}
	}
	for _, r := range runs {
		for k := range r.notify {
			t.notices++
			if accepted[k] > 0 || (status[k] == "failed" && alerted(k, accepted)) {
				continue
			}
			why := ""
			if e := lastErr[k]; e != "" {
				why = "; last error: " + e
				if len(why) > 160 {
					why = why[:160] + "..."
				}
			}
			t.lettersLost = append(t.lettersLost, fmt.Sprintf("%s (in %s, %s): outbox %q, never accepted%s", k, r.id, statusName(r.status), status[k], why))
		}
	}

	// Events: every RecordEvent completed in a history must be in case_events.
	events := map[string]bool{}
	rows, err = db.Query(ctx, `select event_key from case_events`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		events[k] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, r := range runs {
		for _, k := range r.recorded {
			if !events[k] {
				t.eventsMissing = append(t.eventsMissing, fmt.Sprintf("%s (in %s)", k, r.id))
			}
		}
	}
	for _, l := range [][]string{t.lost, t.missed, t.lettersLost, t.falseLetters, t.overtaken, t.twiceKeys, t.eventsMissing, t.unsettled} {
		sort.Strings(l)
	}
	return t, nil
}

// alerted reports whether the staff were told a failed letter did not go:
// an alert whose key names the letter's (KEY/undelivered from the outbox,
// or the case's lost/KEY) was accepted.
func alerted(key string, accepted map[string]int) bool {
	for k, n := range accepted {
		if n > 0 && k != key && strings.Contains(k, key) {
			return true
		}
	}
	return false
}

func statusName(s enumspb.WorkflowExecutionStatus) string {
	return strings.ToLower(strings.TrimPrefix(s.String(), "WORKFLOW_EXECUTION_STATUS_"))
}

// twiceLimit is the target for letters sent twice: 0.1% of letters.
const twiceLimit = 0.001

// ok reports whether every figure is at its target.
func (t *tally) ok(minKills int) bool {
	return t.kills >= minKills && len(t.lost) == 0 && len(t.missed) == 0 && len(t.lettersLost) == 0 && len(t.falseLetters) == 0 &&
		len(t.eventsMissing) == 0 && float64(t.twice) <= twiceLimit*float64(max(t.letters, 1))
}

// print writes the one table, then the evidence for any figure off target.
func (t *tally) print(w io.Writer, minKills, limit int) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	mark := func(ok bool) string {
		if ok {
			return "ok"
		}
		return "OVER TARGET"
	}
	pct := 0.0
	if t.letters > 0 {
		pct = 100 * float64(t.twice) / float64(t.letters)
	}
	fmt.Fprintln(tw, "MEASURE\tFIGURE\tTARGET\t")
	fmt.Fprintf(tw, "cases driven\t%d\t\t\n", t.cases)
	fmt.Fprintf(tw, "worker kills (kill -9)\t%d\tat least %d\t%s\n", t.kills, minKills, mark(t.kills >= minKills))
	fmt.Fprintf(tw, "lost cases\t%d\t0\t%s\n", len(t.lost), mark(len(t.lost) == 0))
	fmt.Fprintf(tw, "missed alarms\t%d of %d due\t0\t%s\n", len(t.missed), t.alarmsDue, mark(len(t.missed) == 0))
	fmt.Fprintf(tw, "letters lost\t%d of %d\t0\t%s\n", len(t.lettersLost), t.notices, mark(len(t.lettersLost) == 0))
	fmt.Fprintf(tw, "false letters (a limit known met told as missed)\t%d\t0\t%s\n", len(t.falseLetters), mark(len(t.falseLetters) == 0))
	fmt.Fprintf(tw, "letters sent twice\t%d of %d (%.2f%%)\tat most 0.1%%\t%s\n", t.twice, t.letters, pct,
		mark(float64(t.twice) <= twiceLimit*float64(max(t.letters, 1))))
	fmt.Fprintf(tw, "events missing from the register\t%d\t0\t%s\n", len(t.eventsMissing), mark(len(t.eventsMissing) == 0))
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, l := range []struct {
		what  string
		items []string
	}{{"lost cases", t.lost}, {"missed alarms", t.missed}, {"letters lost", t.lettersLost}, {"false letters", t.falseLetters},
		{"family letters overtaken by a step dated before the limit (not a target)", t.overtaken},
		{"letters sent twice", t.twiceKeys}, {"events missing from the register", t.eventsMissing},
		{"workflows still running at the end", t.unsettled}} {
		if len(l.items) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s (%d):\n", l.what, len(l.items))
		for i, it := range l.items {
			if i == limit && limit > 0 {
				fmt.Fprintf(w, "  ... and %d more\n", len(l.items)-limit)
				break
			}
			fmt.Fprintf(w, "  %s\n", it)
		}
	}
	return nil
}
