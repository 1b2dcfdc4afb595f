package statute_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/ehc-send/ehc/statute"
)

func TestParseAdviceKind(t *testing.T) {
	cases := []struct {
		reg  string
		in   string
		want statute.AdviceKind
		ok   bool
	}{
		{"reg 6(1)(a)", "family_views", statute.AdviceKindFamilyViews, true},
		{"reg 6(1)(b)", "educational", statute.AdviceKindEducational, true},
		{"reg 6(2)-(3)", "sensory_teacher", statute.AdviceKindSensoryTeacher, true},
		{"reg 6(1)(c)", "medical", statute.AdviceKindMedical, true},
		{"reg 6(1)(d)", "psychological", statute.AdviceKindPsychological, true},
		{"reg 6(1)(e)", "social_care", statute.AdviceKindSocialCare, true},
		{"reg 6(1)(f)", "other", statute.AdviceKindOther, true},
		{"reg 6(1)(g)", "preparing_adulthood", statute.AdviceKindPreparingAdulthood, true},
		{"reg 6(1)", "dental", "", false},
		{"reg 6(1)", "Medical", "", false},
		{"reg 6(1)", "", "", false},
	}
	for _, c := range cases {
		t.Run(c.reg+"/"+c.in, func(t *testing.T) {
			got, err := statute.ParseAdviceKind(c.in)
			if c.ok {
				if err != nil || got != c.want {
					t.Fatalf("%s: ParseAdviceKind(%q) = %q, %v; want %q", c.reg, c.in, got, err, c.want)
				}
				if title := got.Title(); title == "" || title == string(got) {
					t.Errorf("%s: %s.Title() = %q, want plain English", c.reg, got, title)
				}
				return
			}
			if err == nil {
				t.Fatalf("%s: ParseAdviceKind(%q) = %q, want an error", c.reg, c.in, got)
			}
			msg := err.Error()
			if !strings.Contains(msg, strconv.Quote(c.in)) {
				t.Errorf("%s: error %q does not quote the input", c.reg, msg)
			}
			for _, k := range statute.AdviceKinds {
				if !strings.Contains(msg, string(k)) {
					t.Errorf("%s: error %q does not list %s", c.reg, msg, k)
				}
			}
		})
	}
}

// TestAdviceKindsComplete checks the list holds each reg 6(1) kind once.
func TestAdviceKindsComplete(t *testing.T) {
	want := map[statute.AdviceKind]string{
		statute.AdviceKindFamilyViews:        "reg 6(1)(a)",
		statute.AdviceKindEducational:        "reg 6(1)(b)",
		statute.AdviceKindSensoryTeacher:     "reg 6(2)-(3)",
		statute.AdviceKindMedical:            "reg 6(1)(c)",
		statute.AdviceKindPsychological:      "reg 6(1)(d)",
		statute.AdviceKindSocialCare:         "reg 6(1)(e)",
		statute.AdviceKindOther:              "reg 6(1)(f),(h)",
		statute.AdviceKindPreparingAdulthood: "reg 6(1)(g)",
	}
	seen := map[statute.AdviceKind]bool{}
	for _, k := range statute.AdviceKinds {
		if seen[k] {
			t.Errorf("%s listed twice", k)
		}
		seen[k] = true
	}
	for k, reg := range want {
		t.Run(reg+"/"+string(k), func(t *testing.T) {
			if !seen[k] {
				t.Errorf("%s: %s missing from AdviceKinds", reg, k)
			}
		})
	}
	if len(statute.AdviceKinds) != len(want) {
		t.Errorf("AdviceKinds has %d kinds, want %d", len(statute.AdviceKinds), len(want))
	}
}
