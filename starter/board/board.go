// Package board writes the report a SEND improvement board reads: one
// self-contained HTML file (no script, no font or image fetched, so it
// opens on a council laptop offline and goes with an email), laid out for
// A4, each chart drawn inline as SVG with a one-line reading beside it.
// It names cases by reference only.
package board

import (
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"time"

	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/statute"
)

// Input is what the report is drawn from.
type Input struct {
	Authority string
	Today     statute.Date
	Year      register.Report // the 12 months ending today
	Board     register.Board
	England   float64 // England's 20-week share, excluding exceptions (%)
	Rates     Rates
	// The next long school closure and what it will do to open cases
	// (register.Forecast); Closure.Name is empty when none is near.
	Closure  statute.Closure
	Forecast []register.ForecastItem
	// TermDatesEnd is set when the authority's term dates have all passed:
	// the forecast cannot see the next closure.
	TermDatesEnd statute.Date
	// What families answered to the letters of the 12 months
	// (register.FamilyVoice).
	Voice []register.VoiceMonth
}

// MonthRate is one month's 20-week share, as drawn.
type MonthRate struct {
	Label                  string
	Month                  string // YYYY-MM
	Issued, Within         int
	IssuedExcl, WithinExcl int
	Pct, PctExcl           *float64
}

// Stage is a count of open cases at one stage.
type Stage struct {
	Name  string
	Cases int
}

// Overdue is the open cases past one limit, by caseworker.
type Overdue struct {
	Limit, Caseworker string
	Refs              []string
}

// page is the template's data.
type page struct {
	Input
	Generated                                     string
	Months                                        []MonthRate
	RateChart, FunnelChart, AgeChart, AdviceChart template.HTML
	PlanChart                                     template.HTML
	RateReading, FunnelReading, AgeReading        string
	AdviceReading, PlanReading, ExposureReading   string
	ForecastReading                               string
	Stages                                        []Stage
	Open, PastTwenty                              int
	Overdue                                       []Overdue
	Exposure                                      Exposure
	SlowProviders                                 []register.AdviceTiming
	VoiceChart                                    template.HTML
	VoiceReading                                  string
	VoiceMonths, VoiceStages                      []VoiceRow
}

//go:embed board.html
var pageHTML string

var pageTemplate = template.Must(template.New("board").Funcs(template.FuncMap{
	"date":   func(d statute.Date) string { return d.Time().Format("2 Jan 2006") },
	"pct":    pctText,
	"pounds": pounds,
}).Parse(pageHTML))

// Render writes the board report for in to w.
func Render(w io.Writer, in Input) error {
	p := page{Input: in, Generated: in.Today.Time().Format("Monday 2 January 2006")}
	p.months()
	p.stages()
	p.overdue()
	p.voice()
	p.Exposure = Estimate(in.Board, in.Rates, in.Today)
	p.readings()
	if err := p.charts(); err != nil {
		return fmt.Errorf("drawing the board report's charts: %w", err)
	}
	return pageTemplate.Execute(w, p)
}

func (p *page) months() {
	for _, m := range p.Board.Months {
		t, _ := time.Parse("2006-01", m.Month)
		p.Months = append(p.Months, MonthRate{Label: t.Format("January 2006"), Month: m.Month, Issued: m.Issued, Within: m.Within20Weeks,
			IssuedExcl: m.IssuedExclExceptions, WithinExcl: m.Within20WeeksExclExceptions,
			Pct: share(m.Within20Weeks, m.Issued), PctExcl: share(m.Within20WeeksExclExceptions, m.IssuedExclExceptions)})
	}
}

// stageOrder is the assessment's open stages in the order a case goes.
var stageOrder = []struct{ stage, name string }{
	{"requested", "awaiting the decision to assess"}, {"assessing", "being assessed"},
	{"drafting", "plan being drafted"}, {"draft_served", "draft with the family"},
}

func (p *page) stages() {
	n := map[string]int{}
	for _, c := range p.Board.Open {
		n[c.Stage]++
		if p.Today.DaysSince(c.Day1) > 20*7 {
			p.PastTwenty++
		}
	}
	p.Open = len(p.Board.Open)
	for _, s := range stageOrder {
		p.Stages = append(p.Stages, Stage{s.name, n[s.stage]})
	}
}

func (p *page) overdue() {
	groups := map[[2]string]*Overdue{}
	for _, c := range p.Board.Open {
		if !c.Overdue {
			continue
		}
		k := [2]string{limitTitle(c.OverdueDeadline), c.Caseworker}
		if groups[k] == nil {
			groups[k] = &Overdue{Limit: k[0], Caseworker: k[1]}
		}
		groups[k].Refs = append(groups[k].Refs, c.CaseRef)
	}
	for _, pl := range p.Board.PlansOverdue {
		k := [2]string{LimitPlan, pl.Caseworker}
		if groups[k] == nil {
			groups[k] = &Overdue{Limit: k[0], Caseworker: k[1]}
		}
		groups[k].Refs = append(groups[k].Refs, pl.Ref)
	}
	for _, g := range groups {
		p.Overdue = append(p.Overdue, *g)
	}
	slices.SortFunc(p.Overdue, func(a, b Overdue) int {
		return cmp.Or(cmp.Compare(len(b.Refs), len(a.Refs)), cmp.Compare(a.Limit, b.Limit), cmp.Compare(a.Caseworker, b.Caseworker))
	})
	for _, a := range p.Year.AdviceByProvider {
		if a.Pct != nil {
			p.SlowProviders = append(p.SlowProviders, a)
		}
	}
	slices.SortStableFunc(p.SlowProviders, func(a, b register.AdviceTiming) int { return cmp.Compare(*a.Pct, *b.Pct) })
}

func share(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	v := math.Round(1000*float64(n)/float64(d)) / 10
	return &v
}

func pctText(v *float64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", *v)
}

// pounds is a sum of money as a board paper writes it: £12,400.
func pounds(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return "£" + s
}
