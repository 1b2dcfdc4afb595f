package main

import (
	"math"
	"strings"
	"testing"
)

func TestJudge(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		name string
		f    figure
		want string
	}{
		{"no target", figure{unit: perSec, runs: []float64{1, 2, 3}}, ""},
		{"at least, median meets", figure{unit: ratioX, runs: []float64{0.7, 0.85, 0.9}, target: atLeast(0.8)}, "met"},
		{"at least, on the line", figure{unit: ratioX, runs: []float64{0.8}, target: atLeast(0.8)}, "met"},
		{"at least, median short", figure{unit: ratioX, runs: []float64{0.39, 0.41, 0.9}, target: atLeast(0.8)}, "NOT met (0.41)"},
		{"at most, met", figure{unit: millis, runs: []float64{0.1, 0.15, 0.3}, target: atMost(0.2)}, "met"},
		{"at most, not met shows the median", figure{unit: millis, runs: []float64{0.25, 0.31, 0.4}, target: atMost(0.2)}, "NOT met (310 ms)"},
		{"worst run judged", figure{unit: count, runs: []float64{0, 0, 2}, target: target{atMost: true, worst: true}}, "NOT met (2)"},
		{"worst run judged, met", figure{unit: count, runs: []float64{0, 0, 0}, target: target{atMost: true, worst: true}}, "met"},
		{"worst of at least is the least", figure{unit: perSec, runs: []float64{40, 29, 50}, target: target{atLeast: true, value: 30, worst: true}}, "NOT met (29.00/s)"},
		{"not measured", figure{unit: seconds, runs: []float64{nan, nan}, target: atMost(1)}, "not measured"},
		{"one run missing, judged on the rest", figure{unit: seconds, runs: []float64{nan, 0.5, 0.7}, target: atMost(1)}, "met"},
		{"memory", figure{unit: megabytes, runs: []float64{614e6}, target: atMost(500e6)}, "NOT met (614 MB)"},
	} {
		if got := c.f.judge(); got != c.want {
			t.Errorf("%s: judge() = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestUnitFormat(t *testing.T) {
	for _, c := range []struct {
		u    unit
		v    float64
		want string
	}{
		{perSec, 1.656, "1.66/s"}, {seconds, 0.554, "0.55 s"}, {millis, 0.0384, "38 ms"},
		{ratioX, 0.3876, "0.39"}, {megabytes, 614e6, "614 MB"}, {count, 2, "2"}, {millis, math.NaN(), "n/a"},
	} {
		if got := c.u.format(c.v); got != c.want {
			t.Errorf("format(%v) = %q, want %q", c.v, got, c.want)
		}
	}
	if got := atLeast(0.8).format(ratioX); got != ">= 0.80" {
		t.Errorf("target: %q", got)
	}
	if got := atMost(0.2).format(millis); got != "<= 200 ms" {
		t.Errorf("target: %q", got)
	}
	if got := (target{}).format(millis); got != "" {
		t.Errorf("no target: %q", got)
	}
}

func TestRender(t *testing.T) {
	var b strings.Builder
	err := render(&b, []figure{
		{name: "lifecycle: assessment ÷ no-op", unit: ratioX, runs: []float64{0.39, 0.41, 0.5}, target: atLeast(0.8)},
		{name: "CLI", unit: millis, runs: []float64{math.NaN()}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `| figure                        | min  | median | max  | target  |                |
| ----------------------------- | ---- | ------ | ---- | ------- | -------------- |
| lifecycle: assessment ÷ no-op | 0.39 | 0.41   | 0.50 | >= 0.80 | NOT met (0.41) |
| CLI                           | n/a  | n/a    | n/a  |         |                |
`
	if b.String() != want {
		t.Errorf("render:\n%s\nwant:\n%s", b.String(), want)
	}
}
