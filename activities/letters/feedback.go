package letters

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Family voice: a letter to a family about a step we have completed ends
// with one optional question, how well we kept them informed, answered by
// following one of four links. The links carry the letter's key and a
// signature, nothing about the child; the message has no tracking pixel,
// and nothing is recorded unless the family sends an answer.

// Answer is a family's rating of how well they were kept informed.
type Answer int

// The answers, worst first, as the board report counts them.
const (
	AnswerNotAtAll Answer = iota + 1
	AnswerNotWell
	AnswerWell
	AnswerVeryWell
)

// Answers is every answer, best first, as a letter lists them.
var Answers = []Answer{AnswerVeryWell, AnswerWell, AnswerNotWell, AnswerNotAtAll}

func (a Answer) String() string {
	switch a {
	case AnswerVeryWell:
		return "Very well"
	case AnswerWell:
		return "Well"
	case AnswerNotWell:
		return "Not well"
	case AnswerNotAtAll:
		return "Not at all"
	}
	return "answer " + strconv.Itoa(int(a))
}

// KeptInformed is whether the answer counts as kept well informed.
func (a Answer) KeptInformed() bool { return a >= AnswerWell }

// ParseAnswer reads an answer as a link carries it: its number, 1-4.
func ParseAnswer(s string) (Answer, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < int(AnswerNotAtAll) || n > int(AnswerVeryWell) {
		return 0, fmt.Errorf("answer %.8q is not one of 1 (not at all) to 4 (very well)", s)
	}
	return Answer(n), nil
}

// stages are the family letters that close a step, and the step, as the
// board report names it. Letters that ask something of the family (their
// views, a review meeting), warn of a delay or tell of an imported plan
// ask nothing: the question is about a step done.
var stages = map[Template]string{
	FamilyRequestReceived:    "request received",
	FamilyDecisionToAssess:   "decision whether to assess",
	FamilyRefusalToAssess:    "decision whether to assess",
	FamilyDecisionToIssue:    "decision whether to issue a plan",
	FamilyDecisionNotToIssue: "decision whether to issue a plan",
	FamilyDraftServed:        "draft plan",
	FamilyFinalPlan:          "final plan",
	FamilyWithdrawn:          "assessment withdrawn",
	FamilyReviewDecision:     "annual review",
	FamilyAmendedPlan:        "amended plan",
	FamilyPhaseTransfer:      "phase transfer",
	FamilyPlanCeasing:        "plan ceasing",
	FamilyPlanTransferred:    "transfer to another authority",
	FamilyPlanReceived:       "transfer to another authority",
	FamilyReassessment:       "reassessment",
}

// FeedbackStage is the step a template's letter closes, or "" when the
// letter asks no question.
func FeedbackStage(t Template) string { return stages[t] }

// FeedbackTemplates are the templates whose letters ask the question.
func FeedbackTemplates() []Template {
	out := make([]Template, 0, len(stages))
	for t := range stages {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// MinFeedbackKey is the shortest signing key taken, in bytes: HMAC-SHA256's
// own strength.
const MinFeedbackKey = 32

// MaxFeedbackToken bounds a token read from a link: a letter key is well
// under 300 characters.
const MaxFeedbackToken = 512

// Feedback signs and reads the links in family letters. A nil *Feedback
// asks nothing: letters go out as they did before the setting existed.
type Feedback struct {
	base string // the public URL of the worker's /feedback page
	key  []byte
}

// NewFeedback takes the public base URL families' links go to and the key
// that signs them.
func NewFeedback(baseURL string, key []byte) (*Feedback, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("feedback URL %.80q is not an http(s) URL without a query", baseURL)
	}
	if len(key) < MinFeedbackKey {
		return nil, fmt.Errorf("feedback key is %d bytes; want at least %d", len(key), MinFeedbackKey)
	}
	return &Feedback{base: strings.TrimRight(baseURL, "/") + "/feedback", key: key}, nil
}

// Token is the signed form of a letter's key a link carries.
func (f *Feedback) Token(letterKey string) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(letterKey)) + "." + enc.EncodeToString(f.sign(letterKey))
}

func (f *Feedback) sign(letterKey string) []byte {
	m := hmac.New(sha256.New, f.key)
	m.Write([]byte("ehc feedback v1\x00" + letterKey))
	return m.Sum(nil)[:16]
}

// ErrFeedbackToken is a link not signed by this authority, or changed.
var ErrFeedbackToken = errors.New("this link is not one we sent, or part of it is missing")

// LetterKey is the letter a token was signed for.
func (f *Feedback) LetterKey(token string) (string, error) {
	if len(token) > MaxFeedbackToken {
		return "", ErrFeedbackToken
	}
	body, _, _ := strings.Cut(token, ".")
	key, err := base64.RawURLEncoding.DecodeString(body)
	// The token must be the one Token writes, byte for byte: one spelling
	// per letter, the signature compared in constant time.
	if err != nil || !hmac.Equal([]byte(f.Token(string(key))), []byte(token)) {
		return "", ErrFeedbackToken
	}
	return string(key), nil
}

// Link is the link that answers a for the letter.
func (f *Feedback) Link(letterKey string, a Answer) string {
	return f.base + "?" + url.Values{"t": {f.Token(letterKey)}, "a": {strconv.Itoa(int(a))}}.Encode()
}

// Ask adds the question to m when it is a family's letter about a step
// done; any other message comes back as it was.
func (f *Feedback) Ask(m Message) Message {
	if f == nil || FeedbackStage(m.Template) == "" || !toFamily(m.To) {
		return m
	}
	var text, links strings.Builder
	text.WriteString("\nOne short question, if you have a moment: how well have we kept you\ninformed? Open the link for your answer:\n\n")
	for _, a := range Answers {
		l := f.Link(m.Key, a)
		fmt.Fprintf(&text, "- %s: %s\n", a, l)
		fmt.Fprintf(&links, "<li><a href=\"%s\">%s</a></li>\n", html.EscapeString(l), html.EscapeString(a.String()))
	}
	const after = "You do not have to answer. It does not change your case. We keep your\nanswer with your case reference, not your child's name.\n"
	text.WriteString("\n" + after)
	m.Text += text.String()
	m.AsksFeedback = true
	block := "<p>One short question, if you have a moment: how well have we kept you informed? Choose your answer:</p>\n<ul>\n" +
		links.String() + "</ul>\n<p>" + html.EscapeString(strings.ReplaceAll(after, "\n", " ")) + "</p>\n"
	m.HTML = strings.Replace(m.HTML, "</body></html>", block+"</body></html>", 1)
	return m
}

func toFamily(rs []Recipient) bool {
	for _, r := range rs {
		if r.Role == RoleFamily {
			return true
		}
	}
	return false
}
