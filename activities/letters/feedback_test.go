package letters

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func testFeedback(t testing.TB) *Feedback {
	t.Helper()
	f, err := NewFeedback("https://ehc.example.gov.uk/", []byte(strings.Repeat("k", MinFeedbackKey)))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func same(a, b Message) bool {
	return a.Subject == b.Subject && a.Text == b.Text && a.HTML == b.HTML && a.AsksFeedback == b.AsksFeedback
}

var feedbackLink = regexp.MustCompile(`https://ehc\.example\.gov\.uk/feedback\?\S+`)

// Every family letter about a step done ends with the question and four
// links, one per answer, each carrying that letter's key; every other
// letter (asking the family something, warning of a delay, to staff or
// advisers) goes out as it was.
func TestFamilyLettersAboutAStepDoneAsk(t *testing.T) {
	f := testFeedback(t)
	asked := 0
	for tpl := range catalogue {
		m := render(t, Example(tpl))
		got := f.Ask(m)
		if FeedbackStage(tpl) == "" {
			if !same(got, m) {
				t.Errorf("%s: changed by Ask, though it asks nothing", tpl)
			}
			continue
		}
		asked++
		if !strings.HasPrefix(string(tpl), "family.") || !got.AsksFeedback {
			t.Errorf("%s: asks, but is not a family letter or is not marked as asking", tpl)
		}
		links := feedbackLink.FindAllString(got.Text, -1)
		if len(links) != len(Answers) || !strings.Contains(got.Text, "how well have we kept you\ninformed?") {
			t.Fatalf("%s: %d links in the text, want %d:\n%s", tpl, len(links), len(Answers), got.Text)
		}
		for i, l := range links {
			u, err := url.Parse(l)
			if err != nil {
				t.Fatal(err)
			}
			key, err := f.LetterKey(u.Query().Get("t"))
			a, aerr := ParseAnswer(u.Query().Get("a"))
			if err != nil || aerr != nil || key != m.Key || a != Answers[i] {
				t.Errorf("%s: link %d reads as letter %q answer %v (%v, %v); want %q, %v", tpl, i, key, a, err, aerr, m.Key, Answers[i])
			}
			if !strings.Contains(got.Text, "- "+Answers[i].String()+": "+l) {
				t.Errorf("%s: link %d is not beside its answer %q", tpl, i, Answers[i])
			}
		}
		if n := strings.Count(got.HTML, `<a href="https://ehc.example.gov.uk/feedback?`); n != len(Answers) {
			t.Errorf("%s: %d links in the HTML, want %d", tpl, n, len(Answers))
		}
		if strings.Contains(got.HTML, "<img") || !strings.HasSuffix(got.HTML, "</body></html>\n") {
			t.Errorf("%s: the HTML has an image (a tracking pixel?) or lost its end", tpl)
		}
		if !strings.HasPrefix(got.Text, m.Text) || got.Subject != m.Subject {
			t.Errorf("%s: the letter itself changed", tpl)
		}
	}
	if asked < 12 {
		t.Errorf("only %d templates ask", asked)
	}
	var none *Feedback
	if m := render(t, Example(FamilyFinalPlan)); !same(none.Ask(m), m) {
		t.Error("with no feedback link set, a letter changed")
	}
	staff := render(t, Example(FamilyFinalPlan))
	staff.To = []Recipient{{Role: RoleCaseworker, Email: "carol@la.example.gov.uk"}}
	if !same(f.Ask(staff), staff) {
		t.Error("a copy of a family letter sent to staff only asked staff")
	}
}

// A link is good only as it was signed: a changed letter key, a cut
// signature or another authority's key is refused.
func TestFeedbackLinksCannotBeForged(t *testing.T) {
	f := testFeedback(t)
	tok := f.Token("EHC-2026-0042/family.final_plan/1")
	other, _ := NewFeedback("https://ehc.example.gov.uk", []byte(strings.Repeat("x", MinFeedbackKey)))
	body, sig, _ := strings.Cut(tok, ".")
	forged := f.Token("EHC-2026-0043/family.final_plan/1")
	for name, bad := range map[string]string{
		"empty": "", "no signature": body, "cut signature": body + "." + sig[:len(sig)-2],
		"another letter's signature": strings.Split(forged, ".")[0] + "." + sig,
		"not base64":                 "!!." + sig, "too long": strings.Repeat("a", MaxFeedbackToken+1),
	} {
		if _, err := f.LetterKey(bad); !errors.Is(err, ErrFeedbackToken) {
			t.Errorf("%s: %v, want ErrFeedbackToken", name, err)
		}
	}
	if _, err := other.LetterKey(tok); !errors.Is(err, ErrFeedbackToken) {
		t.Errorf("another key's link read: %v", err)
	}
	if k, err := f.LetterKey(tok); err != nil || k != "EHC-2026-0042/family.final_plan/1" {
		t.Errorf("its own link: %q, %v", k, err)
	}
	for _, s := range []string{"0", "5", "", "4x", "-1"} {
		if _, err := ParseAnswer(s); err == nil {
			t.Errorf("answer %q taken", s)
		}
	}
	for _, bad := range []struct {
		url string
		key int
	}{{"ftp://x.example", 32}, {"https://", 32}, {"https://x.example/?q=1", 32}, {"https://x.example", 31}} {
		if _, err := NewFeedback(bad.url, make([]byte, bad.key)); err == nil {
			t.Errorf("NewFeedback(%q, %d bytes) taken", bad.url, bad.key)
		}
	}
}

// FuzzFeedbackToken: whatever a link carries, reading it does not panic,
// and only a token this key signed reads.
func FuzzFeedbackToken(f *testing.F) {
	fb := testFeedback(f)
	f.Add(fb.Token("EHC-2026-0042/family.final_plan/1"))
	f.Add("a.b")
	f.Fuzz(func(t *testing.T, tok string) {
		key, err := fb.LetterKey(tok)
		if err == nil && fb.Token(key) != tok {
			t.Errorf("%q read as letter %q, whose token is %q", tok, key, fb.Token(key))
		}
	})
}
