package plan

import "go.temporal.io/sdk/workflow"

// noticeChange guards what changed after the first plans' histories were
// recorded: the time to appeal, the family's 15 days and the appeal rights
// count from the notice the family is sent; an under-5's interval and a
// transfer review brought forward are the authority's target beside the
// law's limit, not in its place; a limit met late while the run hands over
// still gets its letter. A plan run begun before replays as it ran.
const noticeChange = "plan-notice-dates"

// responseChange guards the limit on the authority's response to a
// family's appeal over a decision on the plan (HESC Rules r.21), chased as
// a refusal's is: a run begun before it watches no such limit.
const responseChange = "plan-appeal-response"

// versions reads, once a run, which changes this run makes.
func (p *plan) versions(ctx workflow.Context) {
	p.noticed = workflow.GetVersion(ctx, noticeChange, workflow.DefaultVersion, 1) >= 1
	p.responds = workflow.GetVersion(ctx, responseChange, workflow.DefaultVersion, 1) >= 1
}
