package commands

import (
	"bytes"
	"testing"

	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
)

func TestFormatting(t *testing.T) {
	if got := cli.LongDate(statute.NewDate(2026, 3, 9)); got != "Mon 9 Mar 2026" {
		t.Errorf("longDate = %q", got)
	}
	if got := cli.LongDate(statute.Date{}); got != "" {
		t.Errorf("cli.LongDate(zero) = %q", got)
	}
	for in, want := range map[string]string{"met_late": "met late", "not_applicable": "not applicable", "": "-", "met": "met"} {
		if got := statusWord(in); got != want {
			t.Errorf("statusWord(%q) = %q, want %q", in, got, want)
		}
	}
	for _, c := range []struct {
		d    assessment.DeadlineState
		want string
	}{
		{assessment.DeadlineState{Key: "final_plan_due", Deadline: statute.FinalPlanDue}, "Final EHC plan"},
		{assessment.DeadlineState{Key: "advice_due/medical-1", Deadline: statute.AdviceDue}, "Advice (medical-1)"},
		{assessment.DeadlineState{Key: "consultation_due/Oak Academy", Deadline: statute.ConsultationDue}, "School's answer to consultation (Oak Academy)"},
		{assessment.DeadlineState{Key: "something-else", Deadline: statute.AdviceDue}, "Advice (something-else)"},
	} {
		if got := cli.DeadlineTitle(c.d); got != c.want {
			t.Errorf("cli.DeadlineTitle(%s) = %q, want %q", c.d.Key, got, c.want)
		}
	}
	for _, c := range []struct {
		status string
		on     statute.Date
		late   int
		want   string
	}{
		{assessment.StatusMetLate, statute.NewDate(2026, 4, 10), 4, "met Fri 10 Apr 2026\n4 days late"},
		{assessment.StatusMet, statute.NewDate(2026, 4, 10), 0, "met Fri 10 Apr 2026"},
		{assessment.StatusMissed, statute.Date{}, 1, "missed, 1 day overdue"},
		{assessment.StatusNotApplicable, statute.Date{}, 0, "not applicable"},
	} {
		if got := standing(c.status, "met", c.on, c.late); got != c.want {
			t.Errorf("standing(%s) = %q, want %q", c.status, got, c.want)
		}
	}

	var b bytes.Buffer
	tw := cli.NewTable(&b)
	tw.Write([]byte("a\tbb\t\nccc\td\te\n"))
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	if want := "a     bb\nccc   d    e\n"; b.String() != want {
		t.Errorf("table %q, want %q", b.String(), want)
	}
}
