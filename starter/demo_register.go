package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"go.temporal.io/api/serviceerror"

	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/statute"
)

// registerCases is ehc cases' list: every case judged on today's date, but
// in demonstration mode each demo case on the statutory date of its own
// clock (as its workflow judges it), so the demo's overdue cases show while
// the local register's other cases are judged as usual.
func registerCases(ctx context.Context, s *register.Store, f register.CaseFilter, cfg config.Config, stderr io.Writer) ([]register.CaseRow, error) {
	todayReal := today()
	if !cfg.Demo.Enabled {
		return s.Cases(ctx, f, todayReal)
	}
	on, err := demoDates(ctx, cfg, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "Demonstration mode, but the demo cases' clocks cannot be read (%v): every case judged on today's date.\n", err)
		return s.Cases(ctx, f, todayReal)
	}
	dates := map[statute.Date]bool{todayReal: true}
	var judged []string
	for _, dc := range demoCases {
		if d, ok := on[dc.ref]; ok {
			dates[d] = true
			judged = append(judged, fmt.Sprintf("%s on %s", dc.ref, longDate(d)))
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

// demoDates is the statutory date now on each demo case's clock.
func demoDates(ctx context.Context, cfg config.Config, stderr io.Writer) (map[string]statute.Date, error) {
	pc, err := cfg.PayloadCodec()
	if err != nil {
		return nil, err
	}
	c, err := dial(ctx, cfg, stderr)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	on := map[string]statute.Date{}
	for _, dc := range demoCases {
		in, err := startedInput(ctx, c, pc.DataConverter(), dc.ref)
		var notFound *serviceerror.NotFound
		switch {
		case errors.As(err, &notFound):
		case err != nil:
			return nil, err
		case !in.Clock.IsZero():
			on[dc.ref] = statute.DateOf(in.Clock.At(now()))
		}
	}
	return on, nil
}
