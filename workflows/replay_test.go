package workflows

import (
	"bytes"
	"encoding/base64"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"github.com/ehc-send/ehc/codec"
)

// testKeyFile is a TEST-ONLY payload key, committed beside the fixtures:
// the chaos run (make chaos-histories) encrypts with it, so the fixture
// recorded encrypted, as the real worker writes payloads, can be replayed.
var testKeyFile = filepath.Join("testdata", "histories", "TEST-KEY-chaos-codec.keys")

// Histories recorded from a real server (the integration test with
// EHC_RECORD_HISTORIES, and the chaos run's every path: timers fired, a
// refusal, an exception, a retried activity, a withdrawal, a case entered
// late, and one with encrypted payloads) must replay against today's code:
// a change to the command sequence that is not guarded by
// workflow.GetVersion fails here. Every history replays through the codec
// with the test key; payloads that are not encrypted pass through it.
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "histories", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no recorded histories in testdata/histories: record them with make histories and make chaos-histories (see docs/developing.md)")
	}
	keys, err := codec.LoadKeys("", "", testKeyFile, "the replay test's key file")
	if err != nil {
		t.Fatal(err)
	}
	pc, err := codec.New(keys)
	if err != nil {
		t.Fatal(err)
	}
	r, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{DataConverter: pc.DataConverter()})
	if err != nil {
		t.Fatal(err)
	}
	Register(r)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			if err := r.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
				t.Fatalf("replaying %s: %v", f, err)
			}
		})
	}
}

// The fixtures cover every path the chaos run records, and the encrypted
// one really is encrypted: without the key it does not replay.
func TestReplayFixturesCoverEveryPath(t *testing.T) {
	for _, kind := range []string{"timers", "refusal", "exception", "retried", "withdrawal", "entered-late", "encrypted"} {
		files, err := filepath.Glob(filepath.Join("testdata", "histories", "chaos-"+kind+"-*.json"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Errorf("no chaos-%s-*.json history: record them with make chaos-histories", kind)
		}
	}
	// A case that continued as new: the run that handed over, and the run
	// that took it on (recorded by the integration test with a low bound).
	cont, _ := filepath.Glob(filepath.Join("testdata", "histories", "ehc-*-continued-*.json"))
	handedOver := false
	for _, f := range cont {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		handedOver = handedOver || bytes.Contains(b, []byte("EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW"))
	}
	if !handedOver {
		t.Error("no ehc-*-continued-*.json history that continues as new: record it with make histories")
	}
	// A plan in force: the run that handed over after its review, and the
	// run that ended it (sent to a new authority).
	for _, pattern := range []string{"ehc-*-plan-continued-*.json", "ehc-*-plan.json"} {
		if m, _ := filepath.Glob(filepath.Join("testdata", "histories", pattern)); len(m) == 0 {
			t.Errorf("no %s history of the plan in force: record it with make histories", pattern)
		}
	}
	// A disagreement over a refusal, from the refusal to an order complied
	// with, and the assessment that started it.
	if m, _ := filepath.Glob(filepath.Join("testdata", "histories", "ehc-*-dispute.json")); len(m) == 0 {
		t.Error("no ehc-*-dispute.json history of a disagreement: record it with make histories")
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "histories", "chaos-encrypted-*.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// The codec's metadata, as protojson writes it (base64).
		if !bytes.Contains(b, []byte(base64.StdEncoding.EncodeToString([]byte("binary/encrypted")))) {
			t.Errorf("%s holds no encrypted payload", f)
		}
		r := worker.NewWorkflowReplayer()
		Register(r)
		quiet := log.NewStructuredLogger(slog.New(slog.DiscardHandler)) // the failure expected is logged as a panic
		if err := r.ReplayWorkflowHistoryFromJSONFile(quiet, f); err == nil {
			t.Errorf("%s replays without the key: its payloads are not encrypted", f)
		}
	}
}
