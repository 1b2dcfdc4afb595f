package assessment

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/bounds"
)

// boundsInputs is one of every step input, within bounds. A step input
// added to api.go must be added here (TestBoundsCoverEveryStepInput).
var boundsInputs = []any{
	DecideAssessInput{Reason: "meets s.36(8)"},
	RequestAdviceInput{Kind: statute.AdviceKindMedical, Provider: Contact{Name: "Community paediatrics", Email: "paeds@nhs.example.org"},
		EscalationEmail: "lead@nhs.example.org", Note: "first line\nsecond line"},
	RecordAdviceInput{ID: "medical-1", Kind: statute.AdviceKindMedical},
	AdviceNotNeededInput{Kind: statute.AdviceKindMedical, Reason: "last year's advice is enough; all agree"},
	DecideIssueInput{Reason: "needs a plan"},
	ServeDraftInput{},
	RecordCommentsInput{RequestedSchool: Contact{Name: "Elm Academy", Email: "office@elm.example.org"}, Note: "n"},
	ConsultSchoolInput{School: Contact{Name: "Birch School", Email: "office@birch.example.org"}},
	RecordConsultationInput{School: "Birch School", Note: "n"},
	IssueFinalPlanInput{School: "Birch School"},
	RecordExceptionInput{Ground: statute.ExceptionPersonal, Deadline: statute.AdviceDue, AdviceID: "medical-1", Note: "n"},
	ExpectInput{Deadline: statute.AdviceDue, AdviceID: "medical-1"},
	WithdrawInput{Reason: "the family moved away"},
}

// boundsStart is a start within bounds.
func boundsStart() AssessmentInput {
	return AssessmentInput{
		CaseRef: "EHC-0001", Received: date("2026-01-05"),
		Child:      Child{Name: "Ada Example", DateOfBirth: date("2016-04-01")},
		Family:     Contact{Name: "Sam Example", Email: "sam@example.org"},
		Requester:  RequesterParent,
		School:     Contact{Name: "Oak Primary", Email: "head@oak.example.org"},
		Caseworker: "cw-jones", CaseworkerEmail: "jones@la.example.gov.uk",
		Manager: Contact{Name: "SEND manager", Email: "send.manager@la.example.gov.uk"},
	}
}

// fieldBound is what a string field may hold.
type fieldBound struct {
	max       int
	multiline bool
	email     bool
}

// boundOf says, from its name, what a field may hold. A string field it
// does not know fails the tests, so a new one is given its bound.
func boundOf(path string) (fieldBound, bool) {
	last := path[strings.LastIndexByte(path, '.')+1:]
	switch {
	case last == "Reason":
		return fieldBound{max: MaxReason, multiline: true}, true
	case last == "Note":
		return fieldBound{max: MaxNote, multiline: true}, true
	case strings.HasSuffix(last, "Email"):
		return fieldBound{max: MaxEmail, email: true}, true
	case strings.HasSuffix(path, "Provider.Name"):
		return fieldBound{max: MaxProviderName}, true
	case strings.HasSuffix(path, "School.Name"), last == "School":
		return fieldBound{max: MaxSchoolName}, true
	case last == "ID", last == "AdviceID":
		return fieldBound{max: MaxAdviceID}, true
	case last == "Kind", last == "Ground", last == "Deadline", last == "Requester", last == "Update":
		return fieldBound{max: MaxCode}, true
	case last == "Caseworker":
		return fieldBound{max: MaxCaseworker}, true
	case last == "Name":
		return fieldBound{max: MaxName}, true
	}
	return fieldBound{}, false
}

// stringFields lists the paths of every string field in v's type, through
// nested structs (Contact, Child).
func stringFields(t reflect.Type, prefix string) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		switch f.Type.Kind() {
		case reflect.String:
			out = append(out, prefix+f.Name)
		case reflect.Struct:
			if f.Type.PkgPath() == reflect.TypeOf(Contact{}).PkgPath() {
				out = append(out, stringFields(f.Type, prefix+f.Name+".")...)
			}
		}
	}
	return out
}

// withField is v (a struct) with the string field at path set to s.
func withField(v any, path, s string) any {
	p := reflect.New(reflect.TypeOf(v)).Elem()
	p.Set(reflect.ValueOf(v))
	f := p
	for _, name := range strings.Split(path, ".") {
		f = f.FieldByName(name)
	}
	f.SetString(s)
	return p.Interface()
}

// TestBoundsCoverEveryStepInput: every step input type api.go declares
// has bounds, and every string field in each is bounded: too long, or with
// a control character in it, it is refused.
func TestBoundsCoverEveryStepInput(t *testing.T) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "api.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, in := range boundsInputs {
		known[reflect.TypeOf(in).Name()] = true
	}
	ast.Inspect(file, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok {
			return true
		}
		name := ts.Name.Name
		if _, isStruct := ts.Type.(*ast.StructType); isStruct && strings.HasSuffix(name, "Input") &&
			name != "AssessmentInput" && name != "AdviceRequestInput" && !known[name] {
			t.Errorf("step input %s has no entry in boundsInputs: give it its bounds in checkBounds and add it", name)
		}
		return true
	})

	for _, in := range boundsInputs {
		name := reflect.TypeOf(in).Name()
		if err := checkBounds(in); err != nil {
			t.Errorf("%s within bounds: %v", name, err)
		}
		for _, path := range stringFields(reflect.TypeOf(in), "") {
			if _, ok := boundOf(path); !ok {
				t.Errorf("%s.%s: no bound known for the field (see boundOf)", name, path)
			}
			for _, bad := range []string{strings.Repeat("x", 10001), "x\x00y", "x\ty", "x\u2028y"} {
				if checkBounds(withField(in, path, bad)) == nil {
					t.Errorf("%s.%s = %.20q accepted", name, path, bad)
				}
			}
		}
	}
	if err := checkBounds(struct{ Note string }{"x"}); err == nil || !strings.Contains(err.Error(), "no bounds are defined for a step input") {
		t.Errorf("an unknown input: %v", err)
	}

	start := boundsStart()
	if err := checkStartBounds(start); err != nil {
		t.Errorf("start within bounds: %v", err)
	}
	for _, path := range stringFields(reflect.TypeOf(start), "") {
		switch path {
		case "CaseRef", "Family.Email", "CaseworkerEmail", "Manager.Email":
			continue // validateStart's own checks
		}
		if checkStartBounds(withField(start, path, "x\ny").(AssessmentInput)) == nil {
			t.Errorf("AssessmentInput.%s with a line break accepted", path)
		}
	}
}

// TestBoundRefusals: each refusal names the field and the limit.
func TestBoundRefusals(t *testing.T) {
	long := strings.Repeat("x", 10000)
	for _, c := range []struct {
		in   any
		want string
	}{
		{DecideAssessInput{Reason: long}, "the reason is 10000 characters; the limit is 2000"},
		{WithdrawInput{Reason: long}, "the reason is 10000 characters; the limit is 2000"},
		{RequestAdviceInput{Kind: statute.AdviceKindMedical, Provider: Contact{Name: long, Email: "paeds@nhs.example.org"}},
			"the adviser's name is 10000 characters; the limit is 200"},
		{RequestAdviceInput{Kind: statute.AdviceKindMedical, Provider: Contact{Name: "Paeds", Email: "paeds@nhs.example.org"}, Note: long},
			"the note is 10000 characters; the limit is 2000"},
		{RecordConsultationInput{School: long}, "the school's name is 10000 characters; the limit is 200"},
		{DecideAssessInput{Reason: "two\nlines"}, ""},
		{DecideAssessInput{Reason: "a\ttab"}, "the reason contains a tab (U+0009): it may have line breaks but no other control characters"},
		{RecordConsultationInput{School: "Elm\nAcademy"}, "the school's name contains a line break (U+000A): it must be a single line without control characters"},
		{RecordAdviceInput{ID: "medical-1\r"}, "the advice request ID contains a carriage return (U+000D): it must be a single line without control characters"},
		{IssueFinalPlanInput{School: "Elm\x1b[2J"}, "the school's name contains a control character (U+001B): it must be a single line without control characters"},
		{IssueFinalPlanInput{School: "Elm\xff"}, "the school's name is not valid UTF-8 text"},
		{ConsultSchoolInput{School: Contact{Name: "Elm", Email: "a@b"}},
			`the school's email: email address "a***@b" has no real domain: want a dot in the domain and a top-level domain of 2 or more letters, like name@example.org`},
		{RecordCommentsInput{RequestedSchool: Contact{Name: "Elm", Email: strings.Repeat("e", 300) + "@example.org"}},
			"the requested school's email: email address is 312 characters; the limit is 254"},
		// Every problem at once.
		{RecordConsultationInput{School: long, Note: long},
			"the school's name is 10000 characters; the limit is 200\nthe note is 10000 characters; the limit is 2000"},
	} {
		err := checkBounds(c.in)
		if got := errString(err); got != c.want {
			t.Errorf("%T:\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestStartBoundRefusals(t *testing.T) {
	for _, c := range []struct {
		edit func(*AssessmentInput)
		want string
	}{
		{func(in *AssessmentInput) { in.Child.Name = strings.Repeat("x", 10000) }, "the child's name is 10000 characters; the limit is 200"},
		{func(in *AssessmentInput) { in.Family.Name = strings.Repeat("x", 10000) }, "the family's name is 10000 characters; the limit is 200"},
		{func(in *AssessmentInput) { in.Caseworker = "cw\n42" },
			"the caseworker ID contains a line break (U+000A): it must be a single line without control characters"},
		{func(in *AssessmentInput) { in.Caseworker = strings.Repeat("c", 10002) }, "the caseworker ID is 10002 characters; the limit is 64"},
		{func(in *AssessmentInput) { in.Child.DateOfBirth = date("1900-01-01") },
			"the child's date of birth 1900-01-01 makes the child 126 on Day 1 (2026-01-05); the age limit is 25"},
		{func(in *AssessmentInput) { in.Child.DateOfBirth = date("2000-01-06") }, ""}, // 25 on Day 1: the day before the 26th birthday
		{func(in *AssessmentInput) { in.Child.DateOfBirth = date("2000-01-05") },
			"the child's date of birth 2000-01-05 makes the child 26 on Day 1 (2026-01-05); the age limit is 25"},
		{func(in *AssessmentInput) { in.Child.DateOfBirth = date("2026-01-05") }, ""}, // born on Day 1
		{func(in *AssessmentInput) { in.Child.DateOfBirth = date("2026-01-06") },
			"the child's date of birth 2026-01-06 is after Day 1 (2026-01-05)"},
	} {
		in := boundsStart()
		c.edit(&in)
		if got := errString(checkStartBounds(in)); got != c.want {
			t.Errorf("got %q\nwant %q", got, c.want)
		}
	}
}

func TestChildAge(t *testing.T) {
	for _, c := range []struct {
		dob, day string
		want     int
	}{
		{"2016-04-01", "2026-01-05", 9},
		{"2016-01-05", "2026-01-05", 10},
		{"2016-01-06", "2026-01-05", 9},
		{"2008-02-29", "2026-02-28", 17}, // a leap-day birthday comes on 1 March
		{"2008-02-29", "2026-03-01", 18},
		{"2026-01-06", "2026-01-05", -1},
	} {
		if got := ChildAge(date(c.dob), date(c.day)); got != c.want {
			t.Errorf("ChildAge(%s, %s) = %d; want %d", c.dob, c.day, got, c.want)
		}
	}
}

// A case whose start breaks the bounds never starts, and says why: the
// messages the CLI would have given, in the workflow's words.
func TestStartRefusedOutOfBounds(t *testing.T) {
	h := newHarness(t, "2026-01-05")
	h.in.Child.Name = strings.Repeat("x", 10000)
	h.in.Child.DateOfBirth = date("1900-01-01")
	h.in.Caseworker = "cw\n42"
	h.in.Family.Email = "a@b"
	h.env.ExecuteWorkflow(AssessmentWorkflowName, h.in)
	err := h.env.GetWorkflowError()
	if err == nil {
		t.Fatal("workflow started; want it refused")
	}
	for _, want := range []string{
		"the child's name is 10000 characters; the limit is 200",
		"the child's date of birth 1900-01-01 makes the child 126 on Day 1 (2026-01-05); the age limit is 25",
		"the caseworker ID contains a line break (U+000A): it must be a single line without control characters",
		`the family's email (they must be told their timetable): email address "a***@b" has no real domain`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q\nlacks %q", err, want)
		}
	}
	if lines := h.rec.Lines(); len(lines) != 0 {
		t.Errorf("notifications sent: %v", lines)
	}
}

// An update out of bounds is refused by its validator, before the step's
// own checks, and changes nothing.
func TestUpdateRefusedOutOfBounds(t *testing.T) {
	h := newHarness(t, "2026-01-05")
	long := h.reject("2026-01-06", UpdateDecideAssess, DecideAssessInput{On: date("2026-01-06"), Reason: strings.Repeat("r", 10000)})
	tab := h.reject("2026-01-06", UpdateWithdraw, WithdrawInput{On: date("2026-01-06"), Reason: "moved\taway"})
	h.step("2026-01-07", UpdateWithdraw, WithdrawInput{On: date("2026-01-07"), Reason: "the family moved away"})
	h.run()
	for _, c := range []struct {
		r    *rejection
		want string
	}{
		{long, "the reason is 10000 characters; the limit is 2000"},
		{tab, "the reason contains a tab (U+0009): it may have line breaks but no other control characters"},
	} {
		if c.r.err == nil || !strings.Contains(c.r.err.Error(), c.want) {
			t.Errorf("refusal %v; want %q", c.r.err, c.want)
		}
		if !reflect.DeepEqual(c.r.before, c.r.after) {
			t.Errorf("status changed by a refused update")
		}
	}
}

// A step in a history goes through the same bounds as the live update.
func TestHistoryStepOutOfBounds(t *testing.T) {
	h := newHarness(t, "2026-01-05")
	raw, err := json.Marshal(DecideAssessInput{On: date("2026-01-05"), Reason: strings.Repeat("r", 10000)})
	if err != nil {
		t.Fatal(err)
	}
	h.in.History = []PastStep{{Update: UpdateDecideAssess, Input: raw}}
	h.env.ExecuteWorkflow(AssessmentWorkflowName, h.in)
	if err := h.env.GetWorkflowError(); err == nil || !strings.Contains(err.Error(), "the reason is 10000 characters; the limit is 2000") {
		t.Errorf("start: %v; want the reason's bound", err)
	}
}

// FuzzCheckBounds puts s in every string field of every step input and of
// the start, and dob as the child's date of birth. No input panics; one
// accepted fits its field's limit, is UTF-8, and has no control character
// but a line break in a reason or note; an accepted caseworker ID fits a
// Temporal search attribute and cannot break a table row; an accepted date
// of birth makes the child 0 to 25 on Day 1.
func FuzzCheckBounds(f *testing.F) {
	f.Add("Ada Example", "2016-04-01")
	f.Add("cw\n42", "2016-04-01")
	f.Add(strings.Repeat("x", 10000), "1900-01-01")
	f.Add("a@b", "2026-01-06")
	f.Add("two\nlines", "2000-01-05")
	f.Fuzz(func(t *testing.T, s, dob string) {
		accepted := func(what string, b fieldBound, v string) {
			if n := utf8.RuneCountInString(v); n > b.max {
				t.Errorf("%s: %d characters accepted; the limit is %d", what, n, b.max)
			}
			if !utf8.ValidString(v) {
				t.Errorf("%s: invalid UTF-8 accepted", what)
			}
			for _, r := range v {
				if bounds.IsControl(r) && !(b.multiline && r == '\n') {
					t.Errorf("%s: control character %U accepted", what, r)
				}
			}
			if b.email && v != "" && letters.CheckEmail(v) != nil {
				t.Errorf("%s: %q accepted, which is not an address", what, v)
			}
		}
		for _, in := range boundsInputs {
			for _, path := range stringFields(reflect.TypeOf(in), "") {
				b, _ := boundOf(path)
				if checkBounds(withField(in, path, s)) == nil {
					accepted(reflect.TypeOf(in).Name()+"."+path, b, s)
				}
			}
		}
		start := boundsStart()
		for _, path := range stringFields(reflect.TypeOf(start), "") {
			b, _ := boundOf(path)
			switch path {
			case "CaseRef", "Family.Email", "CaseworkerEmail", "Manager.Email":
				continue // validateStart's own checks
			}
			if checkStartBounds(withField(start, path, s).(AssessmentInput)) == nil {
				accepted("AssessmentInput."+path, b, s)
			}
		}
		start.Caseworker = s
		if checkStartBounds(start) == nil {
			if len(s) > SearchAttributeMaxBytes {
				t.Errorf("caseworker ID of %d bytes accepted: Temporal takes %d", len(s), SearchAttributeMaxBytes)
			}
			if strings.ContainsAny(s, "\t\n\r\v\f") {
				t.Errorf("caseworker ID %q accepted: it would break a table row", s)
			}
		}
		// 0001-01-01 is the zero date: no date of birth given.
		if d, err := statute.ParseDate(dob); err == nil && !d.IsZero() {
			start := boundsStart()
			start.Child.DateOfBirth = d
			if checkStartBounds(start) == nil {
				if age := ChildAge(d, start.Received); age < 0 || age > MaxChildAge {
					t.Errorf("date of birth %s accepted: the child is %d on Day 1", d, age)
				}
			}
		}
	})
}

// A run begun before the bounds is judged on replay as it was then: no
// bounds, and a bare address enough. A new run is judged by the bounds.
func TestStartBoundsOnlyForNewRuns(t *testing.T) {
	in := boundsStart()
	in.Child.Name = strings.Repeat("x", 300)
	in.Child.DateOfBirth = date("1990-01-01")
	in.Family.Email = "sam@localhost"
	if err := validateStart(in, date("2026-01-05"), false); err != nil {
		t.Errorf("begun before the bounds: %v", err)
	}
	err := validateStart(in, date("2026-01-05"), true)
	for _, want := range []string{
		"the child's name is 300 characters; the limit is 200",
		"the child's date of birth 1990-01-01 makes the child 36 on Day 1 (2026-01-05); the age limit is 25",
		`the family's email (they must be told their timetable): email address "s***@localhost" has no real domain`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("new run: %v\nlacks %q", err, want)
		}
	}
	// Refused as before the bounds came.
	in.Family.Email = "sam at example"
	if err := validateStart(in, date("2026-01-05"), false); err == nil || !strings.Contains(err.Error(), `email address "***" is not a bare address`) {
		t.Errorf("begun before the bounds, a bad address: %v", err)
	}

	// The workflow asks which it is.
	h := newHarness(t, "2026-01-05")
	h.env.OnGetVersion(boundsChange, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	h.in.Child.Name = strings.Repeat("x", 300)
	h.in.Child.DateOfBirth = date("1990-01-01")
	h.step("2026-01-06", UpdateWithdraw, WithdrawInput{On: date("2026-01-06"), Reason: "the family moved away"})
	if res := h.run(); res.Stage != StageWithdrawn {
		t.Errorf("begun before the bounds: %+v", res)
	}
}
