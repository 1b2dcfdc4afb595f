package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
)

// JudgedCases is ehc cases' list in demonstration mode: each demo case
// judged on the statutory date of its own clock (on, from Dates), as its
// workflow judges it, so the demo's overdue cases show while the local
// register's other cases are judged on todayReal as usual.
func JudgedCases(ctx context.Context, s *register.Store, f register.CaseFilter, todayReal statute.Date, on map[string]statute.Date, stderr io.Writer) ([]register.CaseRow, error) {
	dates := map[statute.Date]bool{todayReal: true}
	var judged []string
	for _, dc := range demoCases {
		if d, ok := on[dc.ref]; ok {
			dates[d] = true
			judged = append(judged, fmt.Sprintf("%s on %s", dc.ref, cli.LongDate(d)))
		}
	}
	if len(judged) > 0 {
		fmt.Fprintf(stderr, "Demonstration mode: demo cases judged on their statutory dates (%s), other cases on today's.\n", strings.Join(judged, ", "))
	}
	var rows []register.CaseRow
	for d := range dates {
		rs, err := s.Cases(ctx, f, d)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if own, demo := on[r.CaseRef]; (demo && own == d) || (!demo && d == todayReal) {
				rows = append(rows, r)
			}
		}
	}
	// As the register orders them: overdue first, longest overdue first,
	// then by next deadline.
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		switch {
		case a.Overdue != b.Overdue:
			return a.Overdue
		case a.DaysOverdue != b.DaysOverdue:
			return a.DaysOverdue > b.DaysOverdue
		case a.NextDeadline.IsZero() != b.NextDeadline.IsZero():
			return !a.NextDeadline.IsZero()
		case !a.NextDeadline.Equal(b.NextDeadline):
			return a.NextDeadline.Before(b.NextDeadline)
		}
		return a.CaseRef < b.CaseRef
	})
	return rows, nil
}

// Dates is the statutory date now on each demo case's clock, read from
// how each was started (dc is the payload codec's data converter); a demo
// case not started has none.
func Dates(ctx context.Context, c client.Client, dc converter.DataConverter, now time.Time) (map[string]statute.Date, error) {
	on := map[string]statute.Date{}
	for _, d := range demoCases {
		in, err := startedInput(ctx, c, dc, d.ref)
		var notFound *serviceerror.NotFound
		switch {
		case errors.As(err, &notFound):
		case err != nil:
			return nil, err
		case !in.Clock.IsZero():
			on[d.ref] = statute.DateOf(in.Clock.At(now))
		}
	}
	return on, nil
}
