package commands

import (
	"context"
	"fmt"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/starter/internal/cli"
)

// ehc sen2 --check lists, before January, every item of the DfE's SEN2
// return that a case's record cannot yet give, by case and item, so the
// authority puts its data right before the DfE's own validation. The
// return itself is not yet written.
func cmdSEN2(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet("sen2")
	year := fs.Int("year", 0, "the calendar `year` the return covers (the January collection after it)")
	check := fs.Bool("check", false, "list what each case's record cannot yet give the return")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	cfg, err := e.parseOnly(fs, "sen2", args)
	if err != nil {
		return err
	}
	switch {
	case !*check:
		return usagef("only --check is built: the return itself (the XML) is not yet produced")
	case *year < 2023 || *year > e.Now().Year():
		return usagef("--year %d: want 2023 (the first person-level return) to %d", *year, e.Now().Year())
	}
	return e.onRegister(ctx, cfg, func(s *register.Store) error {
		fails, err := s.SEN2Check(ctx, *year)
		if err != nil {
			return err
		}
		if *asJSON {
			if fails == nil {
				fails = []register.SEN2Failure{}
			}
			return writeJSON(e.Stdout, fails)
		}
		if len(fails) == 0 {
			_, err := fmt.Fprintf(e.Stdout, "Every case in %d has the SEN2 items the product records.\n", *year)
			return err
		}
		tw := cli.NewTable(e.Stdout)
		fmt.Fprintln(tw, "CASE\tITEM\tPROBLEM")
		for _, f := range fails {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", f.CaseRef, f.Item, f.Problem)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		return fmt.Errorf("%d items to put right before the %d return", len(fails), *year)
	})
}
