package board

import (
	"fmt"
	"strings"

	"github.com/ehc-send/ehc/register"
)

// readings says in one line what each chart shows, in words a board
// member reads aloud: counts first, then what they mean.
func (p *page) readings() {
	p.RateReading = "No final plans were issued in the last 12 months."
	for i := len(p.Months) - 1; i >= 0; i-- {
		if m := p.Months[i]; m.Issued > 0 {
			t := m.Label
			p.RateReading = fmt.Sprintf("In %s, %d of %d plans were issued within 20 weeks (%s); excluding exception cases, %d of %d (%s), against England's %.1f%%.",
				t, m.Within, m.Issued, pctText(m.Pct), m.WithinExcl, m.IssuedExcl, pctText(m.PctExcl), p.England)
			break
		}
	}
	var parts []string
	for _, s := range p.Stages {
		if s.Cases > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", s.Cases, s.Name))
		}
	}
	p.FunnelReading = fmt.Sprintf("%s open: %s.", plural(p.Open, "assessment is", "assessments are"), orNone(parts))
	p.AgeReading = fmt.Sprintf("%d of %d open assessments are past 20 weeks from the request, the law's limit for the final plan.", p.PastTwenty, p.Open)
	a := p.Year.AdviceTotal
	p.AdviceReading = fmt.Sprintf("Of %d advice requests whose outcome is known, %d (%s) arrived within 6 weeks.", a.Requested-a.StillInTime, a.Within6Weeks, pctText(a.Pct))
	if len(p.SlowProviders) > 0 {
		s := p.SlowProviders[0]
		p.AdviceReading += fmt.Sprintf(" The service holding most cases up is %s: %d of %d on time.", s.Name, s.Within6Weeks, s.Requested-s.StillInTime)
	}
	l := p.Year.PlansInForce
	p.PlanReading = fmt.Sprintf("Of %d plans in force, %d annual reviews, %d amendments and %d phase transfers are overdue.",
		l.InForce, l.ReviewsOverdue, l.AmendmentsOverdue, l.TransfersOverdue)
	p.ForecastReading = "No school closure of 4 weeks or more is near."
	if !p.TermDatesEnd.IsZero() {
		p.ForecastReading = fmt.Sprintf("The authority's term dates end on %s: add the coming year's (EHC_TERM_DATES_FILE) for the forecast to see the next closure.",
			p.TermDatesEnd.Time().Format("2 January 2006"))
	}
	if p.Closure.Name != "" {
		save, excused, inHoliday := 0, 0, 0
		for _, f := range p.Forecast {
			switch f.Kind {
			case register.ForecastSave:
				save++
			default:
				excused++
			}
			if len(f.LimitsInHoliday) > 0 {
				inHoliday++
			}
		}
		p.ForecastReading = fmt.Sprintf("The %s closure touches %s: %d can still be saved by asking the school before its window opens, %d have asked or will ask in the window, and %d have a limit falling due in the holiday.",
			p.Closure.Name, plural(len(p.Forecast), "open case", "open cases"), save, excused, inHoliday)
	}
	p.VoiceReading = p.voiceReading()
	e := p.Exposure
	p.ExposureReading = "No family is waiting past a statutory date, and no plan was issued late in the year."
	if len(e.Items) > 0 {
		p.ExposureReading = fmt.Sprintf("If each of the %s complained today and the Ombudsman upheld it, the authority would likely be asked for about %s.",
			plural(e.Families, "family waiting, or who waited, past a statutory date", "families waiting, or who waited, past a statutory date"), pounds(e.Pounds))
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func orNone(parts []string) string {
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
