package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// importResult is the bulk import of an authority's caseload through
// ehc import: half open assessments (each with a step already taken),
// half plans in force (each with its last review).
type importResult struct {
	importedPerSec float64 // ehc import's own starts a second
	settledPerSec  float64 // until every one has its register row
	settled        int
	again          int // started by the same import run again: want 0
	workerPeak     float64
}

// importCaseload writes n rows, imports them, waits until every one has
// made its first record, and imports the same files again.
func importCaseload(ctx context.Context, s *runStack, o options) (*importResult, error) {
	r := &importResult{}
	cases, plans, err := writeCaseload(s.dir, o.imports)
	if err != nil {
		return r, err
	}
	ehc := filepath.Join(s.dir, "ehc")
	began := time.Now()
	out, err := s.ehcOut(ctx, 15*time.Minute, ehc, "import", "--cases", cases, "--plans", plans, "--rate", "1000", "--concurrency", "32")
	if err != nil {
		return r, err
	}
	n, err := importedCount(out)
	if err != nil {
		return r, err
	}
	r.importedPerSec = perSecond(n, time.Since(began))
	logf("import: %d started in %s", n, time.Since(began).Round(time.Millisecond))
	for deadline := time.Now().Add(o.settleTimeout); ; time.Sleep(500 * time.Millisecond) {
		var c, p int
		if err := s.db.QueryRow(ctx, `select (select count(*) from cases where case_ref like 'BI-%'), (select count(*) from plans where plan_ref like 'BP-%')`).Scan(&c, &p); err != nil {
			return r, err
		}
		r.settled = c + p
		if r.settled >= o.imports || time.Now().After(deadline) {
			break
		}
	}
	r.settledPerSec = perSecond(r.settled, time.Since(began))
	logf("import: %d of %d settled in %s", r.settled, o.imports, time.Since(began).Round(time.Millisecond))
	if r.workerPeak, err = peak(s.worker.Process.Pid); err != nil {
		return r, fmt.Errorf("the worker's memory: %w", err)
	}
	out, err = s.ehcOut(ctx, 15*time.Minute, ehc, "import", "--cases", cases, "--plans", plans, "--rate", "1000", "--concurrency", "32")
	if err != nil {
		return r, err
	}
	if r.again, err = importedCount(out); err != nil {
		return r, err
	}
	return r, nil
}

// writeCaseload writes n rows: cases BI-00001... received 30 days ago and
// decided on, plans BP-00001... made 20 months ago and reviewed 8 months ago.
func writeCaseload(dir string, n int) (string, string, error) {
	day := func(d int) string { return today().AddDays(d).String() }
	var cb, pb strings.Builder
	cb.WriteString("case_ref,received,child_name,child_dob,family_name,family_email,requester,school_name,school_email,caseworker,caseworker_email,manager_email,history\n")
	pb.WriteString("case_ref,plan_made,child_dob,family_name,family_email,named_setting,caseworker,caseworker_email,manager_email,last_review,transferred_in,notice_on,meeting,held_on,report_on,decided_on,outcome\n")
	for i := range n {
		if i%2 == 0 {
			fmt.Fprintf(&cb, "BI-%05d,%s,Child %d,2016-04-01,Parent %d,parent%d@example.org,parent,Oak Primary,senco@oak.example.org,cw-%d,cw%d@la.example.gov.uk,,decide-assess --assess --on %s\n",
				i, day(-30), i, i, i, i%20, i%20, day(-25))
		} else {
			fmt.Fprintf(&pb, "BP-%05d,%s,2014-02-02,Parent %d,parent%d@example.org,Oak Primary,cw-%d,cw%d@la.example.gov.uk,,%s,,,,,,,\n",
				i, day(-600), i, i, i%20, i%20, day(-240))
		}
	}
	cases, plans := filepath.Join(dir, "import-cases.csv"), filepath.Join(dir, "import-plans.csv")
	if err := os.WriteFile(cases, []byte(cb.String()), 0o644); err != nil {
		return "", "", err
	}
	return cases, plans, os.WriteFile(plans, []byte(pb.String()), 0o644)
}

var importedLine = regexp.MustCompile(`Imported (\d+) of (\d+) cases and plans`)

func importedCount(out string) (int, error) {
	m := importedLine.FindStringSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("ehc import said no count: %s", out)
	}
	return strconv.Atoi(m[1])
}

// ehcOut runs the CLI once, within timeout, and returns what it printed.
func (s *runStack) ehcOut(ctx context.Context, timeout time.Duration, bin string, args ...string) (string, error) {
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(cctx, bin, args...)
	cmd.Env = s.cliEnv()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("ehc %s: %v: %s", args[0], err, strings.TrimSpace(out.String()))
	}
	return out.String(), nil
}
