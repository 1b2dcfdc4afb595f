package commands

import "testing"

// ehc demo runs only in demonstration mode, and says how to get there;
// nothing is sent otherwise.
func TestDemoRefusedOutsideDemoMode(t *testing.T) {
	env := stubDial(t)
	wantUsage(t, env, []string{"demo"}, "the demonstration runs only in demonstration mode: set EHC_DEMO=true (make run does). "+
		"Its cases are fictional and run on a compressed statutory clock, which production never uses")
	env.Getenv = func(k string) string {
		if k == "EHC_DEMO_WEEK_SECONDS" {
			return "3"
		}
		return ""
	}
	wantUsage(t, env, []string{"demo"}, "EHC_DEMO_WEEK_SECONDS: a compressed statutory clock is for demonstration and training only: set EHC_DEMO=true, or leave it unset")
	env.Getenv = func(k string) string {
		return map[string]string{"EHC_DEMO": "true", "SENDGRID_API_KEY": "SG.real"}[k]
	}
	wantUsage(t, env, []string{"demo"}, "EHC_DEMO: demonstration mode is refused with production mail settings (SENDGRID_API_KEY without EHC_SENDGRID_SANDBOX=true): its cases are fictional and must not be mailed")
}
