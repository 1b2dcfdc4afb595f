package config

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/worker"
)

func TestWorkerOptions(t *testing.T) {
	o, err := Tuning{}.WorkerOptions(10 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if o.MaxConcurrentActivityExecutionSize != 0 || o.MaxConcurrentWorkflowTaskExecutionSize != 0 {
		t.Errorf("no limits set: got %d activities, %d workflow tasks; want the SDK's defaults (0)",
			o.MaxConcurrentActivityExecutionSize, o.MaxConcurrentWorkflowTaskExecutionSize)
	}
	if o.MaxHeartbeatThrottleInterval != 10*time.Second || o.DefaultHeartbeatThrottleInterval != 10*time.Second {
		t.Errorf("heartbeats throttled to %v and %v; want the activities' 10s", o.MaxHeartbeatThrottleInterval, o.DefaultHeartbeatThrottleInterval)
	}
	if o.WorkerStopTimeout != stopTimeout || stopTimeout <= 0 {
		t.Errorf("WorkerStopTimeout = %v, want %v", o.WorkerStopTimeout, stopTimeout)
	}
	autoscale := worker.NewPollerBehaviorAutoscaling(worker.PollerBehaviorAutoscalingOptions{})
	if !reflect.DeepEqual(o.WorkflowTaskPollerBehavior, autoscale) || !reflect.DeepEqual(o.ActivityTaskPollerBehavior, autoscale) {
		t.Errorf("pollers %#v, %#v; want autoscaling by default", o.WorkflowTaskPollerBehavior, o.ActivityTaskPollerBehavior)
	}

	o, err = Tuning{MaxConcurrentActivities: 20, MaxConcurrentWorkflowTasks: 8, Pollers: 4}.WorkerOptions(10 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if o.MaxConcurrentActivityExecutionSize != 20 || o.MaxConcurrentWorkflowTaskExecutionSize != 8 {
		t.Errorf("got %d activities, %d workflow tasks; want 20, 8",
			o.MaxConcurrentActivityExecutionSize, o.MaxConcurrentWorkflowTaskExecutionSize)
	}
	four := worker.NewPollerBehaviorSimpleMaximum(worker.PollerBehaviorSimpleMaximumOptions{MaximumNumberOfPollers: 4})
	if !reflect.DeepEqual(o.WorkflowTaskPollerBehavior, four) {
		t.Errorf("pollers %#v; want at most 4", o.WorkflowTaskPollerBehavior)
	}

	if _, err := (Tuning{MaxConcurrentWorkflowTasks: 1}).WorkerOptions(10 * time.Second); err == nil ||
		!strings.Contains(err.Error(), "EHC_MAX_CONCURRENT_WORKFLOW_TASKS") {
		t.Errorf("1 workflow task: got error %v, want one naming EHC_MAX_CONCURRENT_WORKFLOW_TASKS", err)
	}
}

// Each tuning setting names itself and its bounds when it is wrong, and a
// right one is taken.
func TestTuningSettings(t *testing.T) {
	for _, tc := range []struct {
		env, value, wantErr string
		want                Tuning
	}{
		{"EHC_POLLERS", "autoscale", "", Tuning{StickyCacheSize: 2000}},
		{"EHC_POLLERS", "8", "", Tuning{Pollers: 8, StickyCacheSize: 2000}},
		{"EHC_POLLERS", "1", "EHC_POLLERS", Tuning{}},
		{"EHC_POLLERS", "lots", "EHC_POLLERS", Tuning{}},
		{"EHC_STICKY_CACHE_SIZE", "2000", "", Tuning{StickyCacheSize: 2000}},
		{"EHC_STICKY_CACHE_SIZE", "-1", "EHC_STICKY_CACHE_SIZE", Tuning{}},
		{"EHC_STICKY_CACHE_SIZE", "2000000", "from 0 to 1000000", Tuning{}},
	} {
		c, err := load(t, map[string]string{tc.env: tc.value})
		switch {
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s=%s: error %v; want one naming %q", tc.env, tc.value, err, tc.wantErr)
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s=%s: %v", tc.env, tc.value, err)
		case tc.wantErr == "" && c.Tuning != tc.want:
			t.Errorf("%s=%s: %+v; want %+v", tc.env, tc.value, c.Tuning, tc.want)
		}
	}
}
