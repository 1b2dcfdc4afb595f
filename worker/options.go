package main

import (
	"errors"
	"time"

	"go.temporal.io/sdk/worker"

	"github.com/ehc-send/ehc/config"
)

// stopTimeout is how long a stopping worker (SIGINT, SIGTERM) lets the
// activities it is running finish before it cancels them. It polls for no
// new tasks meanwhile; workflow tasks are short and go to another worker.
// A platform's grace period before SIGKILL must be longer than this.
const stopTimeout = 30 * time.Second

// workerOptions is how hard one worker works: the SDK's defaults unless a
// limit is set, and a graceful stop.
func workerOptions(t config.Tuning) (worker.Options, error) {
	if t.MaxConcurrentWorkflowTasks == 1 {
		// The SDK panics on 1: its pollers alternate between the sticky
		// and the normal queue and need a slot each.
		return worker.Options{}, errors.New("EHC_MAX_CONCURRENT_WORKFLOW_TASKS (-max-concurrent-workflow-tasks): 1 is not allowed by the Temporal SDK; use 0 (its default) or at least 2")
	}
	return worker.Options{
		MaxConcurrentActivityExecutionSize:     t.MaxConcurrentActivities,    // 0: the SDK's default
		MaxConcurrentWorkflowTaskExecutionSize: t.MaxConcurrentWorkflowTasks, // 0: the SDK's default
		WorkerStopTimeout:                      stopTimeout,
	}, nil
}
