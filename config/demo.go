package config

import "strconv"

// Demo is the compressed statutory clock, for demonstration and training
// only: production uses real weeks.
type Demo struct {
	Enabled     bool
	WeekSeconds int // one statutory week lasts this many seconds
}

const (
	envDemo            = "EHC_DEMO"
	envDemoWeekSeconds = "EHC_DEMO_WEEK_SECONDS"
	defaultWeekSeconds = 10 // a 20-week case in a little over 3 minutes
)

var demoSettings = []Setting{
	{envDemo, "demo", "false", "demonstration mode (`bool`): demo cases on a compressed statutory clock; never in production"},
	{envDemoWeekSeconds, "demo-week-seconds", strconv.Itoa(defaultWeekSeconds), "in demonstration mode, `seconds` one statutory week lasts"},
}

func (r *resolver) demo() Demo {
	d := Demo{Enabled: r.boolean(envDemo)}
	v := r.values[envDemoWeekSeconds]
	n, err := strconv.Atoi(v.raw)
	switch {
	case err != nil || n < 1 || n > 7*24*3600:
		r.fail(envDemoWeekSeconds, "%q is not a whole number of seconds from 1 to 604800", v.raw)
	case !d.Enabled && n != defaultWeekSeconds:
		r.fail(envDemoWeekSeconds, "a compressed statutory clock is for demonstration and training only: set %s=true, or leave it unset", envDemo)
	}
	d.WeekSeconds = n
	if d.Enabled {
		// Production delivers real letters to real families; the demo's
		// cases are fictional and must never write to anyone.
		if sandbox, _ := strconv.ParseBool(r.str(envSendGridSandbox)); r.str(envSendGridKey) != "" && !sandbox {
			r.fail(envDemo, "demonstration mode is refused with production mail settings (%s without %s=true): its cases are fictional and must not be mailed",
				envSendGridKey, envSendGridSandbox)
		}
	}
	return d
}
