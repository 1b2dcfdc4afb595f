package board

import (
	"fmt"
	"html/template"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/ehc-send/ehc/register"
)

// VoiceRow is what families said of the letters of one month, or of one
// stage over the year: how many letters asked, how many were answered, and
// how many of the answers were "well" or "very well".
type VoiceRow struct {
	Name                           string
	Letters, Answers, KeptInformed int
	Pct                            *float64 // of the answers
	// Steps is, for a month, each step's answers: "final plan 1 of 2".
	Steps []string
}

// voice sums the answers by month (every stage) and by stage (the year).
func (p *page) voice() {
	byMonth := map[string]register.VoiceMonth{}
	steps := map[string][]string{}
	byStage := map[string]*VoiceRow{}
	var stages []string
	for _, v := range p.Voice {
		if v.Stage == "" {
			byMonth[v.Month] = v
			continue
		}
		if v.Answers > 0 {
			steps[v.Month] = append(steps[v.Month], fmt.Sprintf("%s %d of %d", v.Stage, v.KeptInformed, v.Answers))
		}
		if byStage[v.Stage] == nil {
			byStage[v.Stage] = &VoiceRow{Name: v.Stage}
			stages = append(stages, v.Stage)
		}
		s := byStage[v.Stage]
		s.Letters, s.Answers, s.KeptInformed = s.Letters+v.Letters, s.Answers+v.Answers, s.KeptInformed+v.KeptInformed
	}
	for _, m := range p.Months {
		v := byMonth[m.Month]
		p.VoiceMonths = append(p.VoiceMonths, VoiceRow{Name: m.Label, Letters: v.Letters, Answers: v.Answers, KeptInformed: v.KeptInformed,
			Pct: share(v.KeptInformed, v.Answers), Steps: steps[m.Month]})
	}
	for _, name := range stages {
		s := byStage[name]
		s.Pct = share(s.KeptInformed, s.Answers)
		p.VoiceStages = append(p.VoiceStages, *s)
	}
}

func (p *page) voiceReading() string {
	for i := len(p.VoiceMonths) - 1; i >= 0; i-- {
		if m := p.VoiceMonths[i]; m.Answers > 0 {
			return fmt.Sprintf("Of the %s about letters sent in %s, %d (%s) said we kept them well or very well informed; %d of %d letters that asked were answered.",
				plural(m.Answers, "family who answered", "families who answered"), m.Name, m.KeptInformed, pctText(m.Pct), m.Answers, m.Letters)
		}
	}
	return "No family has answered yet. Letters ask the question once the worker's feedback link is set (EHC_FEEDBACK_URL)."
}

// voiceChart is the share answering "well" or "very well", by month: a
// point for each month with answers, none where no family answered (which
// is not 0%).
func voiceChart(months []VoiceRow) (template.HTML, error) {
	p := newPlot("Families who said we kept them well informed, by month of the letter", "of those who answered")
	p.Y.Min, p.Y.Max, p.Y.Tick.Marker = 0, 100, percent
	labels := make([]string, len(months))
	var xys plotter.XYs
	for i, m := range months {
		labels[i] = m.Name[:3]
		if m.Pct != nil {
			xys = append(xys, plotter.XY{X: float64(i), Y: *m.Pct})
		}
	}
	if len(months) == 0 {
		labels = []string{"none"}
	}
	p.Add(plotter.NewGrid())
	if len(xys) > 0 {
		l, pts, err := plotter.NewLinePoints(xys)
		if err != nil {
			return "", err
		}
		l.Color, pts.Color, l.Width, pts.Shape, pts.Radius = green, green, vg.Points(2), draw.CircleGlyph{}, vg.Points(4)
		p.Add(l, pts)
	}
	p.NominalX(labels...)
	p.X.Min, p.X.Max = -0.5, float64(len(labels))-0.5
	return svg(p, chartH)
}
