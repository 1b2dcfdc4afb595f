package commands

import (
	"context"
	"strings"

	"go.temporal.io/sdk/client"

	"github.com/ehc-send/ehc/starter/demo"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// cmdDemo checks the command line and demonstration mode, dials Temporal,
// and hands the driver (package demo) what it needs.
func cmdDemo(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet("demo")
	ui := fs.String("ui", demo.UIURL, "the Temporal UI's `URL`, to print")
	workerLog := fs.String("worker-log", "", "the worker's log `file`, to print (make run's is .data/worker.log)")
	cfg, err := e.parseOnly(fs, "demo", args)
	if err != nil {
		return err
	}
	if !cfg.Demo.Enabled {
		return usagef("the demonstration runs only in demonstration mode: set EHC_DEMO=true (make run does). " +
			"Its cases are fictional and run on a compressed statutory clock, which production never uses")
	}
	pc, err := cfg.PayloadCodec()
	if err != nil {
		return err
	}
	return e.onTemporal(ctx, cfg, func(c client.Client) error {
		return demo.Run(ctx, demo.Options{
			Client: c, Config: cfg, DataConverter: pc.DataConverter(),
			Out: e.Stdout, UI: strings.TrimRight(*ui, "/"), WorkerLog: *workerLog, Now: e.Now,
			Status: func(ctx context.Context, ref string) (assessment.CaseStatus, error) {
				return queryStatus(ctx, c, cfg, ref)
			},
			Explain: func(ctx context.Context, ref string, err error) error { return caseError(ctx, c, cfg, ref, err) },
		})
	})
}
