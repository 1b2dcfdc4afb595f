package config

import "strconv"

// Tuning is how hard one worker works, and where it reports.
type Tuning struct {
	MaxConcurrentActivities    int    // 0: the SDK's default
	MaxConcurrentWorkflowTasks int    // 0: the SDK's default
	MetricsAddr                string // Prometheus /metrics; empty: off
}

const (
	envMaxActivities    = "EHC_MAX_CONCURRENT_ACTIVITIES"
	envMaxWorkflowTasks = "EHC_MAX_CONCURRENT_WORKFLOW_TASKS"
	envMetricsAddr      = "EHC_METRICS_ADDR"
)

var tuningSettings = []Setting{
	{envMaxActivities, "max-concurrent-activities", "0", "`n` activities (notifications, register writes) one worker runs at once; 0 is the SDK's default"},
	{envMaxWorkflowTasks, "max-concurrent-workflow-tasks", "0", "`n` workflow tasks one worker runs at once; 0 is the SDK's default"},
	{envMetricsAddr, "metrics-addr", "", "`host:port` to serve the SDK's Prometheus metrics on (/metrics); empty is off"},
}

func (r *resolver) tuning() Tuning {
	t := Tuning{
		MaxConcurrentActivities:    r.count(envMaxActivities),
		MaxConcurrentWorkflowTasks: r.count(envMaxWorkflowTasks),
		MetricsAddr:                r.str(envMetricsAddr),
	}
	if t.MaxConcurrentWorkflowTasks == 1 {
		r.fail(envMaxWorkflowTasks, "1 is not allowed: a worker needs at least 2 workflow-task slots (or 0 for the SDK's default)")
	}
	if t.MetricsAddr != "" {
		r.address(envMetricsAddr)
	}
	return t
}

func (r *resolver) count(i string) int {
	v := r.values[i].raw
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 10000 {
		r.fail(i, "%q is not a whole number from 0 to 10000", v)
	}
	return n
}
