package register

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
)

// ErrNoLetter is an answer to a letter the outbox does not hold, or one
// that asks no question.
var ErrNoLetter = errors.New("no letter asking this question")

// Feedback is a family's answer as recorded.
type Feedback struct {
	CaseRef, Stage string
	LetterOn       statute.Date
	Answer         letters.Answer
	Changed        bool // the family had answered before, differently (as far as one answer at a time can tell)
}

// RecordFeedback keeps a family's answer to the letter with key; answering
// again replaces the answer. The letter must be in the outbox and be one
// that asks (letters.FeedbackStage), so a signed link to any other letter
// records nothing.
func (s *Store) RecordFeedback(ctx context.Context, letterKey string, a letters.Answer) (Feedback, error) {
	if a < letters.AnswerNotAtAll || a > letters.AnswerVeryWell {
		return Feedback{}, fmt.Errorf("answer %d is not 1-4", a)
	}
	var f Feedback
	var tpl string
	var on time.Time
	err := s.Pool.QueryRow(ctx, `select case_ref, template, on_date from notification_outbox where key = $1 and asks_feedback`, letterKey).Scan(&f.CaseRef, &tpl, &on)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && letters.FeedbackStage(letters.Template(tpl)) == "") {
		return Feedback{}, ErrNoLetter
	}
	if err != nil {
		return Feedback{}, err
	}
	f.Stage, f.LetterOn, f.Answer = letters.FeedbackStage(letters.Template(tpl)), civil(&on), a
	var before *int
	if err := s.Pool.QueryRow(ctx, `select answer from family_feedback where letter_key = $1`, letterKey).Scan(&before); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return Feedback{}, err
	}
	var changes int
	err = s.Pool.QueryRow(ctx, `insert into family_feedback (letter_key, case_ref, stage, letter_on, answer)
		values ($1, $2, $3, $4, $5)
		on conflict (letter_key) do update set answer = excluded.answer, answered_at = now(),
			changes = family_feedback.changes + (family_feedback.answer <> excluded.answer)::int
		returning changes`, letterKey, f.CaseRef, f.Stage, on, int(a)).Scan(&changes)
	f.Changed = before != nil && *before != int(a)
	return f, err
}

// VoiceMonth is what families said about the letters of one month at one
// stage ("" for every stage together).
type VoiceMonth struct {
	Month        string // YYYY-MM, the letters' month
	Stage        string
	Answers      int
	KeptInformed int // answered well or very well
	Letters      int // letters that asked, answered or not
}

// FamilyVoice is the answers to letters dated from..to, by month and stage
// and by month over every stage, with how many letters asked. Case
// references stay in the table: the figures are counts.
func (s *Store) FamilyVoice(ctx context.Context, from, to statute.Date) ([]VoiceMonth, error) {
	rows, err := s.Pool.Query(ctx, `
		with asked as (
			select o.key, to_char(o.on_date, 'YYYY-MM') as month, o.template, f.answer
			from notification_outbox o left join family_feedback f on f.letter_key = o.key
			where o.on_date between $1 and $2 and o.asks_feedback and o.status in ('sent', 'delivered') -- a letter that reached no one asked no one
		)
		select month, coalesce(template, ''), count(answer), count(*) filter (where answer >= $3), count(*)
		from asked group by grouping sets ((month, template), (month)) order by month, 2`,
		dateArg(from), dateArg(to), int(letters.AnswerWell))
	if err != nil {
		return nil, err
	}
	byStage := map[[2]string]*VoiceMonth{}
	var out []VoiceMonth
	var order [][2]string
	for rows.Next() {
		var month, tpl string
		var v VoiceMonth
		if err := rows.Scan(&month, &tpl, &v.Answers, &v.KeptInformed, &v.Letters); err != nil {
			return nil, err
		}
		k := [2]string{month, letters.FeedbackStage(letters.Template(tpl))} // two templates may close one stage
		if byStage[k] == nil {
			byStage[k] = &VoiceMonth{Month: month, Stage: k[1]}
			order = append(order, k)
		}
		m := byStage[k]
		m.Answers, m.KeptInformed, m.Letters = m.Answers+v.Answers, m.KeptInformed+v.KeptInformed, m.Letters+v.Letters
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, k := range order {
		out = append(out, *byStage[k])
	}
	return out, nil
}
