package plan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/activities/letters"
	reg "github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/caserecord"
	"github.com/ehc-send/ehc/workflows/internal/flowtest"
)

// heldRegister holds every reference as another plan's.
type heldRegister struct{}

func (heldRegister) Record(_ context.Context, e caserecord.Event) (bool, error) {
	return false, fmt.Errorf("%w: plan %s is another plan's record; a new plan for the same child needs a new reference", reg.ErrReferenceTaken, e.CaseRef)
}

// A plan whose reference the register holds for another plan (one that
// ceased, say) stops at once with the register's reason, rather than
// running on with its record refused and its letters keyed as the first's.
func TestAPlanUnderATakenReferenceStops(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(quiet{})
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(date("2026-03-02").At(10))
	Register(env)
	mail := &flowtest.Mail{}
	env.RegisterActivity(&activities.Activities{Transport: mail, Register: heldRegister{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	env.ExecuteWorkflow(WorkflowName, input("2026-03-02", "2015-10-10"))

	err := env.GetWorkflowError()
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Type() != letters.ReferenceTaken || !strings.Contains(err.Error(), "needs a new reference") {
		t.Fatalf("the plan ended with %v; want it stopped as ReferenceTaken, naming a new reference", err)
	}
	if n := len(mail.Lines()); n != 0 {
		t.Errorf("%d letters sent under another plan's reference", n)
	}
}
