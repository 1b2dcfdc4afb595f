package commands

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"golang.org/x/sync/errgroup"
	"golang.org/x/term"
	"golang.org/x/time/rate"

	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/workflows/assessment"
	"github.com/ehc-send/ehc/workflows/plan"
)

// ehc import brings an authority's open assessments and plans in force in
// from CSV: every row is checked first, as ehc start and ehc start-plan
// check theirs, and nothing starts while any row is wrong (unless
// --skip-invalid); each case or plan then starts in its true state, the
// staff summarised and the family sent nothing about the past. Running it
// again, or after Ctrl-C, starts only what is not yet in: Temporal refuses
// a second start under a reference.

// Bounds on the import's pace.
const (
	maxImportRate        = 1000
	maxImportConcurrency = 64
)

// importJob is one case or plan to start.
type importJob struct {
	what, ref string
	start     func(ctx context.Context, c client.Client) error
}

func cmdImport(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet("import")
	casesFile := fs.String("cases", "", "`file` of open assessments (CSV; ehc import --template writes its header)")
	plansFile := fs.String("plans", "", "`file` of plans in force (CSV)")
	template := fs.String("template", "", "write headed, empty cases.csv and plans.csv into `dir`, one comment line per column, and stop")
	tell := fs.Bool("tell-families", false, "write to each imported case's or plan's family once, with its real dates and any limit already missed (by default families are sent nothing about the past)")
	skip := fs.Bool("skip-invalid", false, "import the rows that pass their checks, and write the others, with why, to FILE.rejected.csv beside each input")
	perSecond := fs.Float64("rate", 50, "at most this many starts a `second`, to keep Temporal and the register within their capacity (1 to 1000)")
	workers := fs.Int("concurrency", 8, "starts in flight at once (1 to 64)")
	wait := fs.Duration("wait", confirmQuiet, "after the starts, how long to wait for the register to record something new before asking Temporal about the rest, so a start its workflow refused is named (0: do not wait; at most 10m)")
	cfg, err := e.parseOnly(fs, "import", args)
	if err != nil {
		return err
	}
	if *template != "" {
		return writeTemplates(e, *template)
	}
	switch {
	case *casesFile == "" && *plansFile == "":
		return usagef("give --cases FILE, --plans FILE or both (ehc import --template DIR writes their headers)")
	case *perSecond < 1 || *perSecond > maxImportRate:
		return usagef("--rate %g: want 1 to %d starts a second", *perSecond, maxImportRate)
	case *workers < 1 || *workers > maxImportConcurrency:
		return usagef("--concurrency %d: want 1 to %d", *workers, maxImportConcurrency)
	case *wait < 0 || *wait > 10*time.Minute:
		return usagef("--wait %s: want 0 to 10m", *wait)
	}
	jobs, err := importJobs(ctx, e, cfg, *casesFile, *plansFile, *skip, *tell)
	if err != nil {
		return err
	}
	jobs, held, err := notYetIn(ctx, e, cfg, jobs)
	if err != nil {
		return err
	}
	store, err := e.OpenRegister(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	return e.onTemporal(ctx, cfg, func(c client.Client) error {
		return runImport(ctx, e, c, store, jobs, held, rate.NewLimiter(rate.Limit(*perSecond), 1), *workers, *wait)
	})
}

func writeTemplates(e *Env, dir string) error {
	for _, f := range []struct {
		name string
		cols []column
	}{{"cases.csv", caseColumns}, {"plans.csv", planColumns}} {
		path := filepath.Join(dir, f.name)
		if _, err := os.Stat(path); err == nil {
			return usagef("%s already exists: the template does not overwrite it", path)
		}
		if err := writeTemplate(path, f.cols); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "Wrote %s (%d columns).\n", path, len(f.cols))
	}
	return nil
}

// importJobs checks every row of both files and builds a start for each
// one that passes. With any row wrong it reports them all and starts
// nothing, unless skip, when the wrong rows go to FILE.rejected.csv.
func importJobs(ctx context.Context, e *Env, cfg config.Config, casesFile, plansFile string, skip, tell bool) ([]importJob, error) {
	var jobs []importJob
	var problems []error
	rejected := map[string][][]string{}
	seen := map[string]string{}
	headers := map[string][]string{}
	reject := func(row *importRow, err error) {
		problems = append(problems, err)
		rejected[row.file] = append(rejected[row.file], append(append([]string{}, row.raw...), strings.ReplaceAll(err.Error(), "\n", "; ")))
	}
	once := func(row *importRow, kind, ref string) bool {
		k := kind + "/" + ref
		if at, dup := seen[k]; dup {
			reject(row, fmt.Errorf("%s:%d: case_ref %s is on %s too: one %s per reference", row.file, row.line, ref, at, kind))
			return false
		}
		seen[k] = fmt.Sprintf("%s:%d", row.file, row.line)
		return true
	}
	for _, f := range []struct {
		path string
		cols []column
		add  func(*importRow)
	}{
		{casesFile, caseColumns, func(row *importRow) {
			in, err := row.caseInput(ctx, e)
			if err != nil {
				reject(row, err)
				return
			}
			if once(row, "case", in.CaseRef) {
				casePolicy(cfg, &in)
				in.QuietEntry = !tell
				jobs = append(jobs, importJob{"case", in.CaseRef, func(ctx context.Context, c client.Client) error {
					_, err := c.ExecuteWorkflow(ctx, assessment.StartOptions(in, cfg.TaskQueue), assessment.AssessmentWorkflowName, in)
					return err
				}})
			}
		}},
		{plansFile, planColumns, func(row *importRow) {
			in, err := row.planInput(e)
			if err != nil {
				reject(row, err)
				return
			}
			if at, both := seen["case/"+in.CaseRef]; both { // the case's assessment starts its own plan, under this ID, when it issues it
				reject(row, fmt.Errorf("%s:%d: case_ref %s is an open assessment on %s too: import the plan once the assessment is done, or the plan alone", row.file, row.line, in.CaseRef, at))
				return
			}
			if once(row, "plan", in.CaseRef) {
				in.Policy = plan.PolicyOf(cfg.ReminderLeads, cfg.EscalationEvery, cfg.UnderFiveMonths, cfg.TransferLeadDays, cfg.ResponseDays)
				in.TellFamily = tell
				jobs = append(jobs, importJob{"plan", in.CaseRef, func(ctx context.Context, c client.Client) error {
					_, err := c.ExecuteWorkflow(ctx, plan.StartOptions(in, cfg.TaskQueue), plan.WorkflowName, in)
					return err
				}})
			}
		}},
	} {
		if f.path == "" {
			continue
		}
		rows, shape, err := readImport(f.path, f.cols)
		if err != nil {
			return nil, err
		}
		for _, sp := range shape {
			reject(sp.row, sp.err)
		}
		for _, c := range f.cols {
			headers[f.path] = append(headers[f.path], c.name)
		}
		for _, row := range rows {
			f.add(row)
		}
	}
	if len(problems) == 0 {
		return jobs, nil
	}
	for _, p := range problems {
		fmt.Fprintln(e.Stderr, "ehc import:", p)
	}
	if !skip {
		return nil, usagef("%d rows have problems, listed above: nothing was imported (put them right, or import the rest with --skip-invalid)", len(problems))
	}
	for file, rows := range rejected {
		if err := writeRejected(file, append([][]string{append(headers[file], "problem")}, rows...)); err != nil {
			return nil, err
		}
		fmt.Fprintf(e.Stderr, "ehc import: %d rows of %s, with why, are in %s\n", len(rows), file, rejectedPath(file))
	}
	return jobs, nil
}

func rejectedPath(file string) string {
	return strings.TrimSuffix(file, filepath.Ext(file)) + ".rejected.csv"
}

func writeRejected(file string, rows [][]string) error {
	f, err := os.OpenFile(rejectedPath(file), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600) // children's details: as private as the input should be
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(rows); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// notYetIn leaves out the jobs whose reference the register already holds
// (as ehc start asks it): Temporal forgets a closed case after its
// retention, the register does not. It says how many it left out.
func notYetIn(ctx context.Context, e *Env, cfg config.Config, jobs []importJob) ([]importJob, int, error) {
	store, err := e.OpenRegister(ctx, cfg)
	if err != nil {
		return nil, 0, fmt.Errorf("cannot check the case register before importing: %w", err)
	}
	defer store.Close()
	refs := make([]string, len(jobs))
	for i, j := range jobs {
		refs[i] = j.ref
	}
	cases, plans, err := store.HeldRefs(ctx, refs)
	if err != nil {
		return nil, 0, err
	}
	var left []importJob
	for _, j := range jobs {
		if (j.what == "case" && cases[strings.ToUpper(j.ref)]) || (j.what == "plan" && plans[strings.ToUpper(j.ref)]) {
			continue
		}
		left = append(left, j)
	}
	return left, len(jobs) - len(left), nil
}

// casePolicy fills a case's policy and partners from the configuration, as
// ehc start does.
func casePolicy(cfg config.Config, in *assessment.AssessmentInput) {
	in.Policy = assessment.PolicyOf(cfg.ReminderLeads, cfg.EscalationEvery, cfg.ConsultDays)
	in.Policy.Plan = plan.PolicyOf(cfg.ReminderLeads, cfg.EscalationEvery, cfg.UnderFiveMonths, cfg.TransferLeadDays, cfg.ResponseDays)
	in.Policy.Dispute.ResponseWorkingDays = cfg.ResponseDays
	if cfg.HealthBodyEmail != "" { // reg 4(2)
		in.HealthBody = assessment.Contact{Name: "Health body (SEND)", Email: cfg.HealthBodyEmail}
	}
	if cfg.SocialCareEmail != "" {
		in.SocialCare = assessment.Contact{Name: "Social care (SEND)", Email: cfg.SocialCareEmail}
	}
}

// runImport starts the jobs at the limiter's pace, workers at a time,
// waits for them to take (confirmImport), and says how many are in, how
// many were already in and which failed.
func runImport(ctx context.Context, e *Env, c client.Client, store *register.Store, jobs []importJob, held int, limit *rate.Limiter, workers int, wait time.Duration) error {
	var already atomic.Int64
	already.Add(int64(held))
	var mu sync.Mutex
	var failed []string
	var started []importJob
	bar := newImportProgress(e.Stderr, len(jobs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	begun := time.Now()
	for _, j := range jobs {
		if limit.Wait(gctx) != nil {
			break // interrupted: what started is in; the rest start next time
		}
		g.Go(func() error {
			sctx, cancel := context.WithTimeout(context.WithoutCancel(gctx), 30*time.Second) // a start under way finishes: Ctrl-C stops only the next
			defer cancel()
			err := j.start(sctx, c)
			var dup *serviceerror.WorkflowExecutionAlreadyStarted
			switch {
			case err == nil:
				mu.Lock()
				started = append(started, j)
				mu.Unlock()
			case errors.As(err, &dup):
				already.Add(1)
			default:
				mu.Lock()
				failed = append(failed, fmt.Sprintf("%s %s: %v", j.what, j.ref, err))
				mu.Unlock()
			}
			bar.add()
			return nil
		})
	}
	_ = g.Wait()
	bar.done()
	var outcome importOutcome
	if wait > 0 {
		var err error
		if outcome, err = confirmImport(ctx, store, c, started, wait); err != nil {
			return err
		}
	}
	failed = append(failed, outcome.refused...)
	took := time.Since(begun).Round(time.Second)
	fmt.Fprintf(e.Stdout, "Imported %d of %d cases and plans in %s; %d were already in; %d failed.\n",
		len(started)-len(outcome.refused), len(jobs)+held, took, already.Load(), len(failed))
	if outcome.waiting > 0 {
		fmt.Fprintf(e.Stdout, "%d of them started but are not yet in the register after %s without progress: the worker may be down or behind; they settle when it runs (ehc cases lists them).\n",
			outcome.waiting, wait)
	}
	for _, f := range failed {
		fmt.Fprintln(e.Stderr, "ehc import:", f)
	}
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("interrupted: run the same import again to start the rest")
	case len(failed) > 0:
		return fmt.Errorf("%d starts failed, listed above: run the same import again once they are put right", len(failed))
	}
	return nil
}

// importProgress is a bar with rate and time left on a terminal, and a
// plain line every tenth of the way otherwise (a log, a pipe).
type importProgress struct {
	mu    sync.Mutex // lines and the bar come from every start in flight
	bar   *progressbar.ProgressBar
	w     io.Writer
	total int
	n     atomic.Int64
	begun time.Time
}

func newImportProgress(w io.Writer, total int) *importProgress {
	p := &importProgress{w: w, total: total, begun: time.Now()}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription("importing"),
			progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("starts"),
			progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish())
	}
	return p
}

func (p *importProgress) add() {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := p.n.Add(1)
	if p.bar != nil {
		_ = p.bar.Add(1)
		return
	}
	step := int64(max(p.total/10, 1))
	if n%step == 0 || n == int64(p.total) {
		secs := time.Since(p.begun).Seconds()
		perSec := float64(n) / max(secs, 0.001)
		left := time.Duration(float64(int64(p.total)-n)/max(perSec, 0.001)) * time.Second
		fmt.Fprintf(p.w, "ehc import: %d of %d done (%.0f%%), %.1f a second, about %s left\n",
			n, p.total, 100*float64(n)/float64(max(p.total, 1)), perSec, left.Round(time.Second))
	}
}

func (p *importProgress) done() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
