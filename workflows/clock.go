package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/ehc-send/ehc/statute"
)

// alarmHour is the London hour at which a dated alarm fires, so that nobody
// is written to at midnight.
const alarmHour = 9

// today is the workflow's civil date in London.
func today(ctx workflow.Context) statute.Date { return statute.DateOf(workflow.Now(ctx)) }

// untilAlarm is how long to wait before an alarm dated d is due; zero or
// less means it is due now.
func untilAlarm(ctx workflow.Context, d statute.Date) time.Duration {
	return d.At(alarmHour).Sub(workflow.Now(ctx))
}
