package commands

import (
	"context"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/sen2"
	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// ehc sen2 --check lists, before January, every item of the DfE's SEN2
// return that the record cannot give or that the specification's checks
// would refuse, by case and item, so the authority puts its data right
// before the DfE's own validation; --out writes the return itself, and
// only when nothing fails.
func cmdSEN2(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet("sen2")
	year := fs.Int("year", 0, "the calendar `year` the return covers (the January collection after it)")
	check := fs.Bool("check", false, "list what the record cannot give the return, by case and item")
	out := fs.String("out", "", "write the return to `FILE`.xml (readable by its owner only: it names children)")
	la := fs.String("la", "", "the authority's three-digit `code`, for the return's header (with --out)")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	cfg, err := e.parseOnly(fs, "sen2", args)
	if err != nil {
		return err
	}
	switch {
	case *check == (*out != ""):
		return usagef("give --check, or --out FILE.xml to write the return")
	case *year < 2023 || *year > e.Now().Year():
		return usagef("--year %d: want 2023 (the first person-level return) to %d", *year, e.Now().Year())
	case *out != "" && *asJSON:
		return usagef("--json goes with --check: --out writes the return itself")
	case *out != "" && !strings.HasSuffix(strings.ToLower(*out), ".xml"):
		return usagef("--out %q: the return is XML; name the file .xml", *out)
	case *out != "":
		if err := sen2.CheckLA(*la); err != nil {
			return usagef("--%v", err)
		}
	}
	src := register.SEN2Source{LA: *la, Software: "ehc", Release: release(), Now: e.Now()}
	return e.onRegister(ctx, cfg, func(s *register.Store) error {
		ret, fails, err := s.SEN2Check(ctx, *year, src)
		if err != nil {
			return err
		}
		if *asJSON && *check {
			if fails == nil {
				fails = []register.SEN2Failure{}
			}
			if err := writeJSON(e.Stdout, fails); err != nil {
				return err
			}
		} else if len(fails) > 0 {
			tw := cli.NewTable(e.Stdout)
			fmt.Fprintln(tw, "CASE\tITEM\tPROBLEM")
			for _, f := range fails {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", f.CaseRef, f.Item, f.Problem)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
		}
		if len(fails) > 0 {
			what := "nothing written"
			if *check {
				what = "put them right before the return"
			}
			return fmt.Errorf("%d items for the %d return would be refused: %s", len(fails), *year, what)
		}
		if *check {
			if !*asJSON {
				_, err := fmt.Fprintf(e.Stdout, "The %d return's %d people pass its checks.\n", *year, len(ret.Persons))
				return err
			}
			return nil
		}
		if err := writeReturn(*out, ret); err != nil {
			return err
		}
		t := sen2.DfETimeliness(ret, *year)
		_, err = fmt.Fprintf(e.Stdout, "Wrote the %d SEN2 return (collected January %d, reference date %s) for %d people to %s.\n"+
			"The DfE will compute from it: %d of %d plans issued in %d within 20 weeks; %d of %d excluding exceptions.\n",
			*year, ret.Header.Year, ret.Header.ReferenceDate, len(ret.Persons), *out,
			t.Within20Weeks, t.Issued, *year, t.WithinExclExceptions, t.IssuedExclExceptions)
		return err
	})
}

// writeReturn writes the return beside its final name and renames it, so
// an interrupted run leaves no half a return; 0600: it names children.
func writeReturn(path string, ret sen2.Return) error {
	b, err := xml.MarshalIndent(ret, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".partial"
	if err := os.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) { // one left over keeps its own mode
		return err
	}
	if err := os.WriteFile(tmp, append([]byte(xml.Header), append(b, '\n')...), 0o600); err != nil {
		return fmt.Errorf("writing the return: %w", err)
	}
	return os.Rename(tmp, path)
}

// release is the product's version as the build records it.
func release() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// ehc sen2-record records what a caseworker learns of a child's SEN2 items
// after the case or plan began: a UPN found, the needs the assessment
// established, the placement the final plan names, a personal budget
// taken up. Each item given replaces the recorded one; the rest stand.
func cmdSEN2Record(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet("sen2-record")
	caseRef := fs.String("case", "", "case or plan `REF`erence")
	childName := fs.String("child-name", "", "the child's `name`: with --child-dob, records the people of a plan entered before the register kept them; alone, corrects it")
	childDOB := fs.String("child-dob", "", "the child's `date` of birth (YYYY-MM-DD), with --child-name")
	var pf sen2Flags
	var plf sen2PlanFlags
	pf.flags(fs)
	plf.flags(fs)
	cfg, err := e.parseOnly(fs, "sen2-record", args)
	if err != nil {
		return err
	}
	if err := checkCaseRef(*caseRef); err != nil {
		return err
	}
	person, err := pf.person()
	if err != nil {
		return err
	}
	details, err := plf.plan()
	if err != nil {
		return err
	}
	if err := bounded("child-name", *childName, assessment.CheckName); err != nil {
		return err
	}
	c := register.SEN2Change{ChildName: strings.TrimSpace(*childName), Person: person, Plan: details, Set: map[string]bool{}}
	if *childDOB != "" {
		if *childName == "" {
			return usagef("--child-dob goes with --child-name: they record the child's people together")
		}
		if c.ChildDOB, err = parseDateFlag("child-dob", *childDOB); err != nil {
			return err
		}
		if err := e.notFuture("child-dob", c.ChildDOB); err != nil {
			return err
		}
	}
	items := map[string]string{"needs": "needs", "placement": "placements", "personal-budget": "pb", "organised-arrangements": "oa",
		"direct-payments": "dp", "plan-res": "res", "work-based": "wbp", "request-received": "request_received",
		"cease-reason": "cease_reason", "transfer-la": "transfer_la"}
	fs.Visit(func(f *flag.Flag) {
		if item, ok := items[f.Name]; ok {
			c.Set[item] = true
		}
	})
	if c.Person == (sen2.Person{}) && len(c.Set) == 0 && c.ChildName == "" {
		return usagef("nothing to record: give at least one SEN2 item (see ehc help sen2-record)")
	}
	if d := details.RequestReceived; !d.IsZero() {
		if err := e.notFuture("request-received", d); err != nil {
			return err
		}
	}
	ref := strings.ToUpper(*caseRef)
	return e.onRegister(ctx, cfg, func(s *register.Store) error {
		changed, err := s.RecordSEN2(ctx, ref, c, e.today())
		switch {
		case errors.Is(err, register.ErrSEN2Refused), errors.Is(err, register.ErrNoPeople):
			return usagef("%s: %v", ref, err)
		case err != nil:
			return err
		case len(changed) == 0:
			_, err := fmt.Fprintf(e.Stdout, "%s: the SEN2 items given were already recorded; nothing changed.\n", ref)
			return err
		}
		_, err = fmt.Fprintf(e.Stdout, "%s: recorded %s for the SEN2 return.\n", ref, strings.Join(changed, ", "))
		return err
	})
}
