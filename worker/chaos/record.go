package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/proxy"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/ehc-send/ehc/codec"
	"github.com/ehc-send/ehc/workflows"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// testKeyFile is the committed test-only key the chaos run encrypts with
// when it records fixtures, so the replay test can decode the encrypted one.
const testKeyFile = "workflows/testdata/histories/TEST-KEY-chaos-codec.keys"

// fixture is one kind of history the replay test must hold.
type fixture struct {
	name string
	want func(d *caseRun, r *run) bool
}

var fixtures = []fixture{
	{"timers", func(d *caseRun, r *run) bool { return d != nil && d.path.name == "late-plan" && r.timersFired > 0 }},
	{"refusal", func(d *caseRun, r *run) bool { return d != nil && d.path.name == "refused" }},
	{"exception", func(d *caseRun, r *run) bool { return r.updates[assessment.UpdateRecordException] > 0 }},
	{"retried", func(d *caseRun, r *run) bool { return d != nil && r.retried }},
	{"withdrawal", func(d *caseRun, r *run) bool { return d != nil && d.path.name == "withdrawn-at-advice" }},
	{"entered-late", func(d *caseRun, r *run) bool { return d != nil && d.path.entered }},
	{"no-plan", func(d *caseRun, r *run) bool { return d != nil && d.path.name == "no-plan" }},
	{"advice-timers", func(d *caseRun, r *run) bool {
		return r.typ == assessment.AdviceRequestWorkflowName && r.timersFired > 0
	}},
	{"encrypted", func(d *caseRun, r *run) bool { return d != nil && d.path.name == "on-time" }},
}

// record writes one history of each fixture kind into dir, after replaying
// it against today's code: decrypted, except "encrypted", which is kept as
// the worker wrote it (the replay test decodes it with the test key). Only
// completed runs that replay cleanly are written; earlier chaos-*.json
// files are replaced.
func record(ctx context.Context, dir string, pc *codec.Codec, driven []*caseRun, runs []*run, log io.Writer) error {
	byRef := map[string]*caseRun{}
	for _, d := range driven {
		byRef[assessment.WorkflowID(d.ref)] = d
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].id < runs[j].id })
	old, _ := filepath.Glob(filepath.Join(dir, "chaos-*.json"))
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	used := map[*run]bool{} // one history per kind where the run allows
	for _, f := range fixtures {
		written := false
		for pass := 0; pass < 2 && !written; pass++ {
			for _, r := range runs {
				if r.status != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED || !f.want(byRef[r.id], r) || (pass == 0 && used[r]) {
					continue
				}
				h := r.history
				if f.name != "encrypted" {
					var err error
					if h, err = decrypted(ctx, pc, r.history); err != nil {
						return err
					}
				}
				if err := replay(h, pc.DataConverter()); err != nil {
					fmt.Fprintf(log, "chaos: %s does not replay, not recorded: %v\n", r.id, err)
					continue
				}
				b, err := protojson.Marshal(h)
				if err != nil {
					return err
				}
				name := filepath.Join(dir, "chaos-"+f.name+"-"+strings.ReplaceAll(r.id, "/", "_")+".json")
				if err := os.WriteFile(name, b, 0o644); err != nil {
					return err
				}
				fmt.Fprintf(log, "chaos: recorded %s\n", name)
				written, used[r] = true, true
				break
			}
		}
		if !written {
			fmt.Fprintf(log, "chaos: no history of kind %q to record\n", f.name)
		}
	}
	return nil
}

// decrypted is a copy of h with every payload decoded.
func decrypted(ctx context.Context, pc *codec.Codec, h *historypb.History) (*historypb.History, error) {
	c := proto.Clone(h).(*historypb.History)
	err := proxy.VisitPayloads(ctx, c, proxy.VisitPayloadsOptions{
		Visitor: func(_ *proxy.VisitPayloadsContext, p []*commonpb.Payload) ([]*commonpb.Payload, error) {
			return pc.Decode(p)
		},
	})
	return c, err
}

// replay runs h against today's workflow code.
func replay(h *historypb.History, dc converter.DataConverter) error {
	r, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{DataConverter: dc})
	if err != nil {
		return err
	}
	workflows.Register(r)
	return r.ReplayWorkflowHistory(nil, h)
}

// keep writes the decrypted histories of the cases named in the evidence
// (each item begins with the case's reference or a workflow ID of it), and
// of their advice requests, into dir, for whoever looks into them.
func keep(ctx context.Context, dir string, pc *codec.Codec, runs []*run, evidence []string) {
	named := map[string]bool{}
	for _, e := range evidence {
		if i := strings.IndexAny(e, ": "); i > 0 {
			named[caseOf(e[:i])] = true
		}
	}
	for _, r := range runs {
		if !named[caseOf(r.id)] {
			continue
		}
		h, err := decrypted(ctx, pc, r.history)
		if err != nil {
			continue
		}
		if b, err := protojson.Marshal(h); err == nil {
			_ = os.WriteFile(filepath.Join(dir, strings.ReplaceAll(r.id, "/", "_")+"-"+r.runID+".json"), b, 0o644)
		}
	}
}

// caseOf is the case reference in a workflow ID, an outbox key or a reference.
func caseOf(s string) string {
	s = strings.TrimPrefix(s, "ehc-")
	if i := strings.Index(s, "/"); i >= 0 {
		s = s[:i]
	}
	return s
}
