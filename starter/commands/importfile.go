package commands

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ehc-send/ehc/workflows/assessment"
	"github.com/ehc-send/ehc/workflows/plan"
)

// The import's two files: one row per open assessment, one per plan in
// force. A column is named for the flag of ehc start or ehc start-plan it
// fills, and goes through the same checks.

// column is one column of an import file.
type column struct {
	name, help string
	set        func(row *importRow, v string)
}

// optionalColumns may be left out of a header: the SEN2 items, which a
// system moving in may not hold.
var optionalColumns = map[string]bool{"upn": true, "uln": true, "upn_unknown": true, "sex": true, "ethnicity": true, "postcode": true,
	"child_name": true, "needs": true, "placements": true, "personal_budget": true, "organised_arrangements": true,
	"direct_payments": true, "plan_res": true, "work_based": true, "request_received": true}

// importRow is one row as read: the flags it fills, and where it was.
type importRow struct {
	file    string
	line    int
	start   startFlags
	plan    planStartFlags
	history string
	raw     []string
	cells   []error // cells no flag could hold (a yes/no that is neither)
}

// yesNo sets a flag from a yes/no cell: empty is no.
func yesNo(name string, to func(*importRow) *bool) func(*importRow, string) {
	return func(r *importRow, v string) {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "", "no", "n", "false", "0":
		case "yes", "y", "true", "1":
			*to(r) = true
		default:
			r.cells = append(r.cells, fmt.Errorf("%s %q is not yes or no", name, v))
		}
	}
}

var caseColumns = []column{
	{"case_ref", "the case reference: 2-40 letters, digits and hyphens; nothing personal", func(r *importRow, v string) { r.start.caseRef = v }},
	{"received", "the day the request was received, Day 1 (YYYY-MM-DD)", func(r *importRow, v string) { r.start.received = v }},
	{"child_name", "the child's or young person's name", func(r *importRow, v string) { r.start.childName = v }},
	{"child_dob", "the child's date of birth (YYYY-MM-DD)", func(r *importRow, v string) { r.start.childDOB = v }},
	{"family_name", "the parent or young person the case writes to", func(r *importRow, v string) { r.start.familyName = v }},
	{"family_email", "the family's email address", func(r *importRow, v string) { r.start.familyEmail = v }},
	{"requester", "who asked: parent, young_person, school, health, social_care or other", func(r *importRow, v string) { r.start.requester = v }},
	{"school_name", "the child's school or setting", func(r *importRow, v string) { r.start.schoolName = v }},
	{"school_email", "the school's email address", func(r *importRow, v string) { r.start.schoolEmail = v }},
	{"caseworker", "the caseworker's staff ID", func(r *importRow, v string) { r.start.caseworker = v }},
	{"caseworker_email", "the caseworker's email address, for reminders", func(r *importRow, v string) { r.start.caseworkerEmail = v }},
	{"manager_email", "the SEND manager's email address, for escalations (may be empty)", func(r *importRow, v string) { r.start.managerEmail = v }},
	{"history", "the steps already taken, one per line within the cell, as typed after ehc and the reference, each with its --on date (may be empty)", func(r *importRow, v string) { r.history = v }},
	{"upn", "for SEN2: the child's Unique Pupil Number (optional column)", func(r *importRow, v string) { r.start.sen2.upn = v }},
	{"uln", "for SEN2: the young person's Unique Learner Number (optional column)", func(r *importRow, v string) { r.start.sen2.uln = v }},
	{"upn_unknown", "for SEN2: why there is neither, UN1 to UN10 (optional column)", func(r *importRow, v string) { r.start.sen2.upnUnknown = v }},
	{"sex", "for SEN2: M, F or U (optional column)", func(r *importRow, v string) { r.start.sen2.sex = v }},
	{"ethnicity", "for SEN2: the DfE's ethnicity code (optional column)", func(r *importRow, v string) { r.start.sen2.ethnicity = v }},
	{"postcode", "for SEN2: the child's home postcode (optional column)", func(r *importRow, v string) { r.start.sen2.postcode = v }},
}

var planColumns = []column{
	{"case_ref", "the case reference the plan is kept under", func(r *importRow, v string) { r.plan.caseRef = v }},
	{"plan_made", "the day the plan was made (YYYY-MM-DD)", func(r *importRow, v string) { r.plan.planMade = v }},
	{"child_dob", "the child's date of birth (YYYY-MM-DD): it sets the phase transfers", func(r *importRow, v string) { r.plan.childDOB = v }},
	{"family_name", "the parent or young person the plan's letters go to (may be empty)", func(r *importRow, v string) { r.plan.familyName = v }},
	{"family_email", "the family's email address", func(r *importRow, v string) { r.plan.familyEmail = v }},
	{"named_setting", "the school or setting the plan names (may be empty)", func(r *importRow, v string) { r.plan.setting = v }},
	{"caseworker", "the caseworker's staff ID", func(r *importRow, v string) { r.plan.caseworker = v }},
	{"caseworker_email", "the caseworker's email address, for reminders", func(r *importRow, v string) { r.plan.caseworkerEmail = v }},
	{"manager_email", "the SEND manager's email address (may be empty)", func(r *importRow, v string) { r.plan.managerEmail = v }},
	{"last_review", "the day of the plan's last annual review (empty if none yet)", func(r *importRow, v string) { r.plan.lastReview = v }},
	{"transferred_in", "the day the plan came from another authority (empty if it did not, reg 15)", func(r *importRow, v string) { r.plan.transferredIn = v }},
	{"notice_on", "a review in progress: the day its meeting's notice and advice went (may be empty)", func(r *importRow, v string) { r.plan.noticeOn = v }},
	{"meeting", "a review in progress: the day of its meeting (may be empty)", func(r *importRow, v string) { r.plan.meeting = v }},
	{"held_on", "a review in progress: the day its meeting was held (may be empty)", func(r *importRow, v string) { r.plan.heldOn = v }},
	{"report_on", "a review in progress: the day its report went (may be empty)", func(r *importRow, v string) { r.plan.reportOn = v }},
	{"decided_on", "a review in progress: the day of the decision after it, with outcome (may be empty)", func(r *importRow, v string) { r.plan.decidedOn = v }},
	{"outcome", "a review in progress: maintain or amend (may be empty)", func(r *importRow, v string) { r.plan.outcome = v }},
	{"child_name", "for SEN2: the child's or young person's name (optional column)", func(r *importRow, v string) { r.plan.childName = v }},
	{"upn", "for SEN2: the child's Unique Pupil Number (optional column)", func(r *importRow, v string) { r.plan.sen2.upn = v }},
	{"uln", "for SEN2: the young person's Unique Learner Number (optional column)", func(r *importRow, v string) { r.plan.sen2.uln = v }},
	{"upn_unknown", "for SEN2: why there is neither, UN1 to UN10 (optional column)", func(r *importRow, v string) { r.plan.sen2.upnUnknown = v }},
	{"sex", "for SEN2: M, F or U (optional column)", func(r *importRow, v string) { r.plan.sen2.sex = v }},
	{"ethnicity", "for SEN2: the DfE's ethnicity code (optional column)", func(r *importRow, v string) { r.plan.sen2.ethnicity = v }},
	{"postcode", "for SEN2: the child's home postcode (optional column)", func(r *importRow, v string) { r.plan.sen2.postcode = v }},
	{"needs", "for SEN2: the plan's needs, primary first, comma-separated, e.g. ASD,SLCN (optional column)", func(r *importRow, v string) { r.plan.sen2Plan.needs = v }},
	{"placements", "for SEN2: the placements the plan names, separated by ';', each as ehc start-plan --placement takes it, e.g. urn=123456,rank=1 (optional column)", func(r *importRow, v string) {
		for _, p := range strings.Split(v, ";") {
			if p = strings.TrimSpace(p); p != "" {
				r.plan.sen2Plan.placements = append(r.plan.sen2Plan.placements, p)
			}
		}
	}},
	{"personal_budget", "for SEN2: yes if a personal budget was taken up (optional column)", yesNo("personal_budget", func(r *importRow) *bool { return &r.plan.sen2Plan.pb })},
	{"organised_arrangements", "for SEN2: yes if it is held as organised arrangements (optional column)", yesNo("organised_arrangements", func(r *importRow) *bool { return &r.plan.sen2Plan.oa })},
	{"direct_payments", "for SEN2: yes if it is paid as direct payments (optional column)", yesNo("direct_payments", func(r *importRow) *bool { return &r.plan.sen2Plan.dp })},
	{"plan_res", "for SEN2: a residential placement, A up to 38 weeks or B 39 to 52 (optional column)", func(r *importRow, v string) { r.plan.sen2Plan.residential = v }},
	{"work_based", "for SEN2: yes if the plan includes work-based learning (optional column)", yesNo("work_based", func(r *importRow) *bool { return &r.plan.sen2Plan.wbp })},
	{"request_received", "for SEN2: the day the request that led to the plan was received (optional column)", func(r *importRow, v string) { r.plan.sen2Plan.requestReceived = v }},
}

// maxImportRows bounds a file: an authority's whole caseload, with room.
const maxImportRows = 200_000

// writeTemplate writes a headed, empty import file: a comment line per
// column saying what goes in it, then the header.
func writeTemplate(path string, cols []column) error {
	var b strings.Builder
	for _, c := range cols {
		fmt.Fprintf(&b, "# %s: %s\n", c.name, c.help)
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	b.WriteString(strings.Join(names, ",") + "\n")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// shapeProblem is a row the file's shape refuses: it cannot be read as
// its columns (a quote left open, too few or too many cells).
type shapeProblem struct {
	row *importRow
	err error
}

// readImport reads every row of an import file, naming each problem of
// shape by file and line; a header missing a column, or naming one twice
// or one unknown, refuses the file.
func readImport(path string, cols []column) ([]*importRow, []shapeProblem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, usagef("%v", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment, r.FieldsPerRecord, r.ReuseRecord = '#', -1, false
	header, err := r.Read()
	if err != nil {
		return nil, nil, usagef("%s: no header row: %v", path, err)
	}
	index := map[string]int{}
	known := map[string]bool{}
	for _, c := range cols {
		known[c.name] = true
	}
	for i, h := range header {
		name := strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, twice := index[name]; twice {
			return nil, nil, usagef("%s: the header names column %s twice", path, name)
		}
		if !known[name] {
			return nil, nil, usagef("%s: the header's column %q is not one the import reads (ehc import --template DIR writes them)", path, name)
		}
		index[name] = i
	}
	var missing []string
	for _, c := range cols {
		if _, ok := index[c.name]; !ok && !optionalColumns[c.name] {
			missing = append(missing, c.name)
		}
	}
	if len(missing) > 0 {
		return nil, nil, usagef("%s: the header has no column %s (ehc import --template DIR writes the files' headers)", path, strings.Join(missing, ", "))
	}
	var rows []*importRow
	var problems []shapeProblem
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				problems = append(problems, shapeProblem{&importRow{file: path, line: pe.StartLine, raw: rec}, fmt.Errorf("%s:%d: %v", path, pe.StartLine, pe.Err)})
				continue
			}
			return nil, nil, err
		}
		if len(rows)+len(problems) >= maxImportRows {
			return nil, nil, usagef("%s: more than %d rows", path, maxImportRows)
		}
		row := &importRow{file: path, line: line, raw: rec}
		if len(rec) != len(header) { // too many is a comma unquoted: every later cell is in the wrong column
			problems = append(problems, shapeProblem{row, fmt.Errorf("%s:%d: %d cells, the header has %d", path, line, len(rec), len(header))})
			continue
		}
		for _, c := range cols {
			if i, ok := index[c.name]; ok {
				c.set(row, strings.TrimSpace(rec[i]))
			}
		}
		rows = append(rows, row)
	}
	return rows, problems, nil
}

// columnOf renames a flag in a check's message to the column it came from.
func columnOf(err error, cols []column) string {
	msg := err.Error()
	for _, c := range cols {
		flag := "--" + strings.ReplaceAll(c.name, "_", "-")
		switch c.name {
		case "case_ref":
			flag = "--case"
		case "named_setting":
			flag = "--named-setting"
		case "placements":
			flag = "--placement"
		}
		msg = strings.ReplaceAll(msg, flag+" ", c.name+" ")
		msg = strings.ReplaceAll(msg, flag+":", c.name+":")
	}
	return msg
}

// caseInput checks a case's row as ehc start would, with its history.
func (r *importRow) caseInput(ctx context.Context, e *Env) (assessment.AssessmentInput, error) {
	var errs []error
	in, err := r.start.input(e)
	if err != nil {
		errs = append(errs, fmt.Errorf("%s:%d: %s", r.file, r.line, columnOf(err, caseColumns)))
	}
	if r.history != "" && checkCaseRef(r.start.caseRef) == nil { // checked even when the row has other problems: all are named at once
		name := fmt.Sprintf("%s:%d: history, step", r.file, r.line)
		if in.History, err = parseHistory(ctx, e, strings.NewReader(r.history), name, strings.ToUpper(r.start.caseRef)); err != nil {
			errs = append(errs, err)
		}
	}
	return in, errors.Join(errs...)
}

// planInput checks a plan's row as ehc start-plan would.
func (r *importRow) planInput(e *Env) (plan.PlanInput, error) {
	var errs []error
	for _, err := range r.cells {
		errs = append(errs, fmt.Errorf("%s:%d: %v", r.file, r.line, err))
	}
	in, err := r.plan.input(e)
	if err != nil {
		errs = append(errs, fmt.Errorf("%s:%d: %s", r.file, r.line, columnOf(err, planColumns)))
	}
	return in, errors.Join(errs...)
}
