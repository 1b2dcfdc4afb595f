// Package feedback is the page a family's answer link opens: it shows the
// answer chosen with one button to send it, and records it when sent. A
// link followed by a mail scanner (which opens every link in a message)
// records nothing, so no answer is one a family did not give.
package feedback

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/register"
)

// Recorder keeps an answer (register.Store).
type Recorder interface {
	RecordFeedback(ctx context.Context, letterKey string, a letters.Answer) (register.Feedback, error)
}

// maxForm bounds what a POST may carry: a token and an answer.
const maxForm = 2 << 10

// Handler serves GET and POST on the feedback path.
type Handler struct {
	Links  *letters.Feedback
	Store  Recorder
	Logger *slog.Logger
}

// ServeHTTP shows the question with the linked answer chosen (GET) or
// records the answer sent (POST).
func (h Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// No script, no external resource, no referrer: the page is a form.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		h.ask(w, r)
	case http.MethodPost:
		h.record(w, r)
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		h.page(w, http.StatusMethodNotAllowed, view{Problem: "This page only shows and takes an answer."})
	}
}

func (h Handler) ask(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v, status := h.read(q.Get("t"), q.Get("a"))
	h.page(w, status, v)
}

func (h Handler) record(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		h.page(w, http.StatusBadRequest, view{Problem: "We could not read the answer sent. Please open the link in the letter again."})
		return
	}
	v, status := h.read(r.PostForm.Get("t"), r.PostForm.Get("a"))
	if v.Problem != "" {
		h.page(w, status, v)
		return
	}
	if v.Answer == 0 { // a form sent with no answer, or one not offered
		h.page(w, http.StatusBadRequest, view{Problem: "Please choose one of the four answers. Open the link in the letter again to choose."})
		return
	}
	key, _ := h.Links.LetterKey(v.Token) // read has checked it
	f, err := h.Store.RecordFeedback(r.Context(), key, v.Answer)
	switch {
	case errors.Is(err, register.ErrNoLetter):
		h.page(w, http.StatusNotFound, view{Problem: "We could not find the letter this link came from."})
		return
	case err != nil:
		h.logger().Error("feedback not recorded", "error", err.Error())
		h.page(w, http.StatusServiceUnavailable, view{Problem: "We could not save your answer just now. Please try again later."})
		return
	}
	// The case, not the answer: the log is read more widely than the
	// board, which gives answers as counts only.
	h.logger().Info("feedback recorded", "case_ref", f.CaseRef, "stage", f.Stage, "changed", f.Changed)
	v.Recorded, v.Stage = true, f.Stage
	h.page(w, http.StatusOK, v)
}

// read checks a token and an answer as a link or the form carries them.
func (h Handler) read(token, answer string) (view, int) {
	if _, err := h.Links.LetterKey(token); err != nil {
		return view{Problem: "This link is not one we sent, or part of it is missing. Please open the link in the letter again."}, http.StatusBadRequest
	}
	a, err := letters.ParseAnswer(answer)
	if err != nil {
		a = 0 // the family chooses on the page
	}
	return view{Token: token, Answer: a}, http.StatusOK
}

func (h Handler) logger() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return slog.Default()
}

type view struct {
	Token    string
	Answer   letters.Answer
	Stage    string
	Recorded bool
	Problem  string
}

func (v view) Answers() []letters.Answer { return letters.Answers }

func (h Handler) page(w http.ResponseWriter, status int, v view) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := pageTemplate.Execute(w, v); err != nil {
		h.logger().Error("feedback page", "error", err)
	}
}

var pageTemplate = template.Must(template.New("feedback").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>How well have we kept you informed?</title>
<style>body{font-family:sans-serif;max-width:34em;margin:2em auto;padding:0 1em;line-height:1.5;font-size:1.1em}
label{display:block;margin:.4em 0}button{font-size:1em;padding:.5em 1.2em;margin-top:1em}</style></head><body>
{{- if .Problem}}
<h1>Sorry</h1>
<p>{{.Problem}}</p>
{{- else if .Recorded}}
<h1>Thank you</h1>
<p>We have saved your answer: <strong>{{.Answer}}</strong>. It helps us see where we need to keep families better informed.</p>
<p>If you want to change it, open any of the links in the letter again.</p>
{{- else}}
<h1>How well have we kept you informed?</h1>
<form method="post">
<input type="hidden" name="t" value="{{.Token}}">
{{- range .Answers}}
<label><input type="radio" name="a" value="{{printf "%d" .}}" required{{if eq . $.Answer}} checked{{end}}> {{.}}</label>
{{- end}}
<button type="submit">Send my answer</button>
</form>
<p>You do not have to answer, and your answer does not change your case. We keep it with your case reference, not your child's name.</p>
{{- end}}
</body></html>
`))
