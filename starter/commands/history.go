package commands

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/google/shlex"

	"github.com/ehc-send/ehc/workflows/assessment"
)

// A history is the steps a case has already taken, for entering a case
// after the fact (ehc start --history FILE). Each line is a step as the
// caseworker would type it, without "ehc" or the case reference, and with
// its true date:
//
//	# NEW-1: what happened before it was entered
//	decide-assess --assess --on 2026-07-10
//	request-advice --kind psychological --provider-name "EP service" --provider-email ep@la.gov.uk --on 2026-07-15
//	record-advice --kind psychological --on 2026-08-20
//
// Every line goes through its command's own checks, so the file is refused
// (by line) before anything is started.

// historyKey carries, in a command's context, where its step is collected
// rather than sent.
type historyKey struct{}

type collected struct {
	steps []assessment.PastStep
}

// collecting is the history being read, if the command runs as one line
// of it.
func collecting(ctx context.Context) *collected {
	c, _ := ctx.Value(historyKey{}).(*collected)
	return c
}

// readHistory parses a history file for case ref.
func readHistory(ctx context.Context, e *Env, path, ref string) ([]assessment.PastStep, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usagef("--history: %v", err)
	}
	defer f.Close()
	return parseHistory(ctx, e, f, path, ref)
}

func parseHistory(ctx context.Context, e *Env, r io.Reader, name, ref string) ([]assessment.PastStep, error) {
	c := &collected{}
	ctx = context.WithValue(ctx, historyKey{}, c)
	quiet := e.writingTo(io.Discard, io.Discard)
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		words, err := shlex.Split(line)
		if err != nil {
			return nil, usagef("%s:%d: %v", name, n, err)
		}
		cmd, ok := lookup(words[0])
		if !ok || !isStep(cmd.name) {
			return nil, usagef("%s:%d: %q is not a step a history can hold (steps: %s)", name, n, words[0], strings.Join(historySteps, ", "))
		}
		before := len(c.steps)
		args := append([]string{ref}, words[1:]...)
		if err := cmd.run(ctx, quiet, args); err != nil {
			return nil, usagef("%s:%d: %s: %v", name, n, cmd.name, err)
		}
		if len(c.steps) != before+1 {
			return nil, usagef("%s:%d: %s recorded no step", name, n, cmd.name)
		}
		if len(c.steps) > assessment.MaxHistorySteps {
			return nil, usagef("%s: more than %d steps", name, assessment.MaxHistorySteps)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, usagef("--history %s: %v", name, err)
	}
	return c.steps, nil
}

// historySteps are the commands a history may hold: the steps, not the
// reports or the directory.
var historySteps = []string{
	assessment.UpdateDecideAssess, assessment.UpdateRequestAdvice, assessment.UpdateRecordAdvice,
	assessment.UpdateAdviceNotNeeded, assessment.UpdateDecideIssue, assessment.UpdateServeDraft,
	assessment.UpdateRecordComments, assessment.UpdateConsultSchool, assessment.UpdateRecordConsultation,
	assessment.UpdateIssueFinalPlan, assessment.UpdateRecordException, assessment.UpdateExpect, assessment.UpdateWithdraw,
}

func isStep(name string) bool {
	for _, s := range historySteps {
		if s == name {
			return true
		}
	}
	return false
}

// collect keeps one step of a history; a past step must say when it was
// taken.
func (c *collected) collect(s *step, update string, input any) error {
	if *s.on == "" {
		return usagef("--on is required: a step already taken needs its true date")
	}
	raw, err := json.Marshal(input)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", update, err)
	}
	c.steps = append(c.steps, assessment.PastStep{Update: update, Input: raw})
	return nil
}
