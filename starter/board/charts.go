package board

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/ehc-send/ehc/starter/internal/cli"
)

// The charts are drawn by gonum/plot (gonum.org/v1/plot): kept by the
// gonum project, pure Go, and it writes SVG itself, so each chart goes
// inline into the page with no script and no file beside it. Text is set
// in the reader's own sans-serif font: nothing is fetched.

var (
	ink     = color.RGBA{0x0b, 0x0c, 0x0c, 0xff}
	blue    = color.RGBA{0x1d, 0x70, 0xb8, 0xff} // GOV.UK blue
	green   = color.RGBA{0x00, 0x70, 0x3c, 0xff}
	grey    = color.RGBA{0x50, 0x5a, 0x5f, 0xff}
	red     = color.RGBA{0xd4, 0x35, 0x1c, 0xff}
	sans    = font.Font{Typeface: "Liberation", Variant: "Sans"}
	chartW  = 17 * vg.Centimeter // an A4 page's width within its margins
	chartH  = 7 * vg.Centimeter
	percent = plot.TickerFunc(func(min, max float64) []plot.Tick {
		var ts []plot.Tick
		for v := 0.0; v <= 100; v += 20 {
			ts = append(ts, plot.Tick{Value: v, Label: fmt.Sprintf("%.0f%%", v)})
		}
		return ts
	})
)

// newPlot is a plot in the report's style: its text sans-serif and dark.
func newPlot(title, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = yLabel
	for _, s := range []*draw.TextStyle{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle,
		&p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
		s.Font.Typeface, s.Font.Variant, s.Color = sans.Typeface, sans.Variant, ink
	}
	p.Title.TextStyle.Font.Size = vg.Points(11)
	p.Legend.Top = true
	return p
}

// svg writes p as an inline SVG element: the XML prologue the file form
// carries is dropped, and the fonts named are the reader's own.
func svg(p *plot.Plot, h vg.Length) (template.HTML, error) {
	w, err := p.WriterTo(chartW, h, "svg")
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if _, err := w.WriteTo(&b); err != nil {
		return "", err
	}
	s := b.String()
	if i := strings.Index(s, "<svg"); i >= 0 {
		s = s[i:]
	}
	s = strings.Replace(s, "<svg ", `<svg role="img" preserveAspectRatio="xMidYMid meet" `, 1)
	return template.HTML(s), nil // gonum's own output: numbers and the labels given, which are ours
}

// rateChart is the 20-week rate by month, with and without exception
// cases, against England's figure.
func rateChart(months []MonthRate, england float64) (template.HTML, error) {
	p := newPlot("Final plans issued within 20 weeks, by month", "within 20 weeks")
	p.Y.Min, p.Y.Max, p.Y.Tick.Marker = 0, 140, percent // the legend sits above 100%, clear of the lines
	labels := make([]string, len(months))
	var incl, excl plotter.XYs
	for i, m := range months {
		labels[i] = m.Label[:3] // the month; its year below the first and each January
		if i == 0 || strings.HasPrefix(m.Label, "January") {
			labels[i] += "\n" + m.Label[len(m.Label)-4:]
		}
		if m.Pct != nil {
			incl = append(incl, plotter.XY{X: float64(i), Y: *m.Pct})
		}
		if m.PctExcl != nil {
			excl = append(excl, plotter.XY{X: float64(i), Y: *m.PctExcl})
		}
	}
	p.NominalX(labels...)
	p.X.Min, p.X.Max = -0.5, float64(len(months))-0.5
	for _, s := range []struct {
		name string
		xys  plotter.XYs
		c    color.Color
		w    float64
	}{{"including exceptions", incl, blue, 4.5}, {"excluding exceptions", excl, green, 2}} { // the wider line under: both show where they agree
		if len(s.xys) == 0 {
			continue
		}
		l, pts, err := plotter.NewLinePoints(s.xys)
		if err != nil {
			return "", err
		}
		l.Color, pts.Color, l.Width = s.c, s.c, vg.Points(s.w)
		p.Add(l, pts)
		p.Legend.Add(s.name, l, pts)
	}
	ref := plotter.NewFunction(func(float64) float64 { return england })
	ref.Color, ref.Dashes, ref.Width = grey, []vg.Length{vg.Points(4), vg.Points(3)}, vg.Points(1.5)
	p.Add(ref)
	p.Legend.Add(fmt.Sprintf("England %.1f%%", england), ref)
	p.Add(plotter.NewGrid())
	return svg(p, chartH)
}

// barChart is one bar per name, horizontal so long names read.
func barChart(title, xLabel string, names []string, values []float64, c color.Color, pct bool) (template.HTML, error) {
	p := newPlot(title, "")
	p.X.Label.Text = xLabel
	if len(values) == 0 {
		names, values = []string{"none"}, []float64{0}
	}
	bars, err := plotter.NewBarChart(plotter.Values(values), vg.Points(14))
	if err != nil {
		return "", err
	}
	bars.Horizontal, bars.Color, bars.LineStyle.Width = true, c, 0
	p.Add(bars)
	p.NominalY(names...)
	p.X.Min, p.X.Max = 0, math.Max(1, slices.Max(values)) // a chart of noughts still reads from 0
	if pct {
		p.X.Max, p.X.Tick.Marker = 100, percent
	}
	h := vg.Length(len(names))*vg.Points(22) + 2.5*vg.Centimeter
	return svg(p, h)
}

// columnChart is counts in columns, with a line marking each limit.
func columnChart(title, xLabel string, names []string, values []float64, limits map[int]string) (template.HTML, error) {
	p := newPlot(title, "open cases")
	p.X.Label.Text = xLabel
	bars, err := plotter.NewBarChart(plotter.Values(values), vg.Points(28))
	if err != nil {
		return "", err
	}
	bars.LineStyle.Width = 0
	bars.Color = blue
	p.Add(bars)
	p.NominalX(names...)
	for i := range values {
		if _, late := limits[i]; late {
			over, _ := plotter.NewBarChart(plotter.Values(onlyAt(values, i)), vg.Points(28))
			over.Color, over.LineStyle.Width = red, 0
			p.Add(over)
		}
	}
	return svg(p, chartH)
}

func onlyAt(values []float64, i int) []float64 {
	out := make([]float64, len(values))
	out[i] = values[i]
	return out
}

// ageBuckets are open assessments' weeks since the request, cut at the
// limits (6, 16, 20 weeks); the buckets past 20 are drawn red.
var ageBuckets = []struct {
	name     string
	maxWeeks int
}{{"0-6", 6}, {"6-16", 16}, {"16-20", 20}, {"20-26", 26}, {"26-52", 52}, {"over 52", math.MaxInt}}

// charts draws every chart the page shows.
func (p *page) charts() error {
	var err error
	if p.RateChart, err = rateChart(p.Months, p.England); err != nil {
		return err
	}
	var names []string
	var values []float64
	for i := len(p.Stages) - 1; i >= 0; i-- { // the first stage on top
		names, values = append(names, p.Stages[i].Name), append(values, float64(p.Stages[i].Cases))
	}
	if p.FunnelChart, err = barChart("Open assessments by stage", "cases", names, values, blue, false); err != nil {
		return err
	}
	ages := make([]float64, len(ageBuckets))
	for _, c := range p.Board.Open {
		days := p.Today.DaysSince(c.Day1) // a case 140 days in is at its 20 weeks, not past them
		for i, b := range ageBuckets {
			if b.maxWeeks == math.MaxInt || days <= 7*b.maxWeeks {
				ages[i]++
				break
			}
		}
	}
	names = nil
	for _, b := range ageBuckets {
		names = append(names, b.name)
	}
	if p.AgeChart, err = columnChart("Open assessments by weeks since the request", "weeks since the request (red: past the 20-week limit)",
		names, ages, map[int]string{3: "", 4: "", 5: ""}); err != nil {
		return err
	}
	names, values = nil, nil
	for i := len(p.Year.AdviceByKind) - 1; i >= 0; i-- {
		a := p.Year.AdviceByKind[i]
		if a.Pct != nil {
			names, values = append(names, cli.Sentence(strings.ReplaceAll(a.Name, "_", " "))), append(values, *a.Pct)
		}
	}
	if p.AdviceChart, err = barChart("Advice within 6 weeks, by kind", "within 6 weeks", names, values, green, true); err != nil {
		return err
	}
	l := p.Year.PlansInForce
	if p.PlanChart, err = barChart("Plans in force: what is overdue", "plans", []string{"phase transfers", "amendments", "annual reviews"},
		[]float64{float64(l.TransfersOverdue), float64(l.AmendmentsOverdue), float64(l.ReviewsOverdue)}, red, false); err != nil {
		return err
	}
	p.VoiceChart, err = voiceChart(p.VoiceMonths)
	return err
}
