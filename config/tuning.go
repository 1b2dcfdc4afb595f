package config

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/worker"
)

// Tuning is how hard one worker works, and where it reports.
type Tuning struct {
	MaxConcurrentActivities    int    // 0: the SDK's default
	MaxConcurrentWorkflowTasks int    // 0: the SDK's default
	MetricsAddr                string // Prometheus /metrics; empty: off
	// Pollers is the most task pollers of each kind; 0 scales them to the
	// queue's backlog (the SDK's autoscaling, up to its default of 100).
	Pollers int
	// StickyCacheSize is how many cases the worker keeps in memory between
	// their tasks; 0 is the SDK's default (10,000). Each costs about 90 KB
	// (10,000 held 885 MB); most cases wait weeks between steps, and one not
	// held replays its short history when its next task comes.
	StickyCacheSize int
}

const (
	envMaxActivities    = "EHC_MAX_CONCURRENT_ACTIVITIES"
	envMaxWorkflowTasks = "EHC_MAX_CONCURRENT_WORKFLOW_TASKS"
	envMetricsAddr      = "EHC_METRICS_ADDR"
	envPollers          = "EHC_POLLERS"
	envStickyCache      = "EHC_STICKY_CACHE_SIZE"
)

// DefaultStickyCacheSize is how many cases a worker holds by default.
const DefaultStickyCacheSize = 2000

var tuningSettings = []Setting{
	{envMaxActivities, "max-concurrent-activities", "0", "`n` activities (a step's record and letters) one worker runs at once; 0 is the SDK's default"},
	{envMaxWorkflowTasks, "max-concurrent-workflow-tasks", "0", "`n` workflow tasks one worker runs at once; 0 is the SDK's default"},
	{envMetricsAddr, "metrics-addr", "", "`host:port` to serve the SDK's Prometheus metrics on (/metrics); empty is off"},
	{envPollers, "pollers", "autoscale", "task pollers of each kind: autoscale (to the queue's backlog) or at most `n`"},
	{envStickyCache, "sticky-cache-size", strconv.Itoa(DefaultStickyCacheSize), "`n` cases kept in the worker's memory between their tasks (about 90 KB each); 0 is the SDK's default, 10000"},
}

func (r *resolver) tuning() Tuning {
	t := Tuning{
		MaxConcurrentActivities:    r.count(envMaxActivities),
		MaxConcurrentWorkflowTasks: r.count(envMaxWorkflowTasks),
		MetricsAddr:                r.str(envMetricsAddr),
		StickyCacheSize:            r.countUpTo(envStickyCache, 1_000_000),
	}
	if v := strings.TrimSpace(r.str(envPollers)); v != "autoscale" {
		t.Pollers = r.count(envPollers)
		if t.Pollers < 2 {
			r.fail(envPollers, "%q: want autoscale or a number of pollers from 2 to 10000 (one each for the sticky and the normal queue)", v)
		}
	}
	if t.MaxConcurrentWorkflowTasks == 1 {
		r.fail(envMaxWorkflowTasks, "1 is not allowed: a worker needs at least 2 workflow-task slots (or 0 for the SDK's default)")
	}
	if t.MetricsAddr != "" {
		r.address(envMetricsAddr)
	}
	return t
}

func (r *resolver) count(i string) int { return r.countUpTo(i, 10000) }

func (r *resolver) countUpTo(i string, most int) int {
	v := r.values[i].raw
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > most {
		r.fail(i, "%q is not a whole number from 0 to %d", v, most)
	}
	return n
}

// stopTimeout is how long a stopping worker (SIGINT, SIGTERM) lets the
// activities it is running finish before it cancels them. It polls for no
// new tasks meanwhile; workflow tasks are short and go to another worker.
// A platform's grace period before SIGKILL must be longer than this.
const stopTimeout = 30 * time.Second

// WorkerOptions is how hard one worker works: the SDK's defaults unless a
// limit is set, pollers that scale to the backlog, and a graceful stop.
// The sticky cache is the process's, not a worker's: see ApplyProcess.
func (t Tuning) WorkerOptions(heartbeatEvery time.Duration) (worker.Options, error) {
	if t.MaxConcurrentWorkflowTasks == 1 {
		// The SDK panics on 1: its pollers alternate between the sticky
		// and the normal queue and need a slot each.
		return worker.Options{}, errors.New("EHC_MAX_CONCURRENT_WORKFLOW_TASKS (-max-concurrent-workflow-tasks): 1 is not allowed by the Temporal SDK; use 0 (its default) or at least 2")
	}
	// Fixed pollers left most workflow tasks waiting seconds in the
	// queue's backlog under load; scaling them to it took the first step's
	// wait from about 8 s to under one.
	pollers := worker.NewPollerBehaviorAutoscaling(worker.PollerBehaviorAutoscalingOptions{})
	if t.Pollers > 0 {
		pollers = worker.NewPollerBehaviorSimpleMaximum(worker.PollerBehaviorSimpleMaximumOptions{MaximumNumberOfPollers: t.Pollers})
	}
	return worker.Options{
		MaxConcurrentActivityExecutionSize:     t.MaxConcurrentActivities,    // 0: the SDK's default
		MaxConcurrentWorkflowTaskExecutionSize: t.MaxConcurrentWorkflowTasks, // 0: the SDK's default
		WorkflowTaskPollerBehavior:             pollers,
		ActivityTaskPollerBehavior:             pollers,
		WorkerStopTimeout:                      stopTimeout,
		// The SDK sends at most one heartbeat in 0.8 of the timeout by
		// default, leaving a busy server seconds of slack.
		MaxHeartbeatThrottleInterval:     heartbeatEvery,
		DefaultHeartbeatThrottleInterval: heartbeatEvery,
	}, nil
}

// ApplyProcess sets what the SDK keeps for the whole process: the sticky
// cache's size. Call it once, before any worker starts.
func (t Tuning) ApplyProcess() {
	if t.StickyCacheSize > 0 {
		worker.SetStickyWorkflowCacheSize(t.StickyCacheSize)
	}
}
