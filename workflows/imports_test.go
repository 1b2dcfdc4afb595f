package workflows

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// Workflow code runs in a replayed, deterministic sandbox: it must not talk
// to a database, a mail service or the network itself, only through
// activities. So no workflow package imports net/http, and none depends,
// even indirectly, on PostgreSQL's driver, SendGrid or the adapters that
// use them (the SDK's own gRPC client brings net/http with it, which is
// why that is checked on direct imports only).
func TestWorkflowPackagesDoNoIO(t *testing.T) {
	list := func(format string) map[string][]string {
		t.Helper()
		out, err := exec.Command("go", "list", "-f", format, "./...").CombinedOutput()
		if err != nil {
			t.Fatalf("go list: %v\n%s", err, out)
		}
		m := map[string][]string{}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			pkg, deps, _ := strings.Cut(line, ":")
			m[pkg] = strings.Fields(deps)
		}
		return m
	}
	direct, all := list("{{.ImportPath}}:{{join .Imports \" \"}}"), list("{{.ImportPath}}:{{join .Deps \" \"}}")
	if len(all) < 4 {
		t.Fatalf("go list found only %v", all)
	}
	banned := []string{"github.com/jackc/pgx", "github.com/sendgrid", "github.com/ehc-send/ehc/register",
		"github.com/ehc-send/ehc/activities", "github.com/ehc-send/ehc/email"}
	allowed := []string{"github.com/ehc-send/ehc/register/caserecord", "github.com/ehc-send/ehc/activities/letters",
		"github.com/ehc-send/ehc/register/sen2"} // the return's items and checks: pure
	for pkg, deps := range all {
		for _, d := range deps {
			for _, b := range banned {
				if (d == b || strings.HasPrefix(d, b+"/")) && !slices.Contains(allowed, d) {
					t.Errorf("%s depends on %s", pkg, d)
				}
			}
		}
		for _, d := range direct[pkg] {
			if d == "net/http" || strings.HasPrefix(d, "net/http/") || d == "database/sql" {
				t.Errorf("%s imports %s", pkg, d)
			}
		}
	}
}
