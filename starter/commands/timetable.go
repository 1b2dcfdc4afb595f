package commands

import (
	"context"
	"fmt"
	"io"

	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
)

// cmdTimetable prints the statutory dates for a request received on a day.
// It needs no server: the dates are statute.Compute's. It takes the
// connection flags as every command does, so a wrapper may always pass them,
// but ignores them, and the environment too.
func cmdTimetable(_ context.Context, e *Env, args []string) error {
	fs := newFlagSet("timetable")
	received := fs.String("received", "", "`date` the request was received: Day 1 (YYYY-MM-DD)")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	if err := e.parseOffline(fs, "timetable", args); err != nil {
		return err
	}
	day1, err := parseDateFlag("received", *received)
	if err != nil {
		return err
	}
	tt := statute.Compute(day1, statute.Steps{})
	if *asJSON {
		return writeJSON(e.Stdout, tt)
	}
	return printTimetable(e.Stdout, tt)
}

// printTimetable writes Day 1 and the three limits that run from it, each
// with its title, date and regulation.
func printTimetable(w io.Writer, tt statute.Timetable) error {
	tw := cli.NewTable(w)
	fmt.Fprintf(tw, "Request received (Day 1)\t%s\t%s\n", cli.LongDate(tt.Day1), "CFA s.36(1)")
	for _, l := range tt.FromDay1() {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", cli.Sentence(l.Deadline.Title()), cli.LongDate(l.Due), l.Deadline.Regulation())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprint(w, "\nEach adviser has 6 weeks from the day advice is asked for (reg 8(1)).\n"+
		"The family has 15 days, counting the day it is served, to comment on the draft plan (reg 13(1)(a)).\n")
	return err
}
