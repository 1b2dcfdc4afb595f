package main

import (
	"math"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {1, time.Millisecond}, {0, time.Millisecond}} {
		if got := percentile(ds, c.p); got != c.want.Seconds() {
			t.Errorf("p%g of 1..100 ms = %v s, want %v", c.p, got, c.want.Seconds())
		}
	}
	// Nearest rank, whatever the order: p50 of three is the middle one,
	// p99 of three the largest.
	three := []time.Duration{3 * time.Second, time.Second, 2 * time.Second}
	if got := percentile(three, 50); got != 2 {
		t.Errorf("p50 of 3,1,2 s = %v, want 2", got)
	}
	if got := percentile(three, 99); got != 3 {
		t.Errorf("p99 of 3,1,2 s = %v, want 3", got)
	}
	if three[0] != 3*time.Second {
		t.Error("percentile sorted its argument")
	}
	if got := percentile(nil, 50); !math.IsNaN(got) {
		t.Errorf("p50 of nothing = %v, want NaN", got)
	}
}

func TestSpread(t *testing.T) {
	for _, c := range []struct {
		in          []float64
		lo, med, hi float64
		ok          bool
	}{
		{[]float64{3, 1, 2}, 1, 2, 3, true},
		{[]float64{4, 1, 3, 2}, 1, 2.5, 4, true},
		{[]float64{5}, 5, 5, 5, true},
		{[]float64{math.NaN(), 7, 1}, 1, 4, 7, true}, // a run that did not measure it is left out
		{[]float64{math.NaN()}, 0, 0, 0, false},
		{nil, 0, 0, 0, false},
	} {
		lo, med, hi, ok := spread(c.in)
		if lo != c.lo || med != c.med || hi != c.hi || ok != c.ok {
			t.Errorf("spread(%v) = %v, %v, %v, %v; want %v, %v, %v, %v", c.in, lo, med, hi, ok, c.lo, c.med, c.hi, c.ok)
		}
	}
}

func TestRatioAndRate(t *testing.T) {
	if got := ratio(3, 4); got != 0.75 {
		t.Errorf("ratio(3, 4) = %v", got)
	}
	for _, c := range [][2]float64{{1, 0}, {math.NaN(), 1}, {1, math.NaN()}} {
		if got := ratio(c[0], c[1]); !math.IsNaN(got) {
			t.Errorf("ratio(%v, %v) = %v, want NaN", c[0], c[1], got)
		}
	}
	if got := perSecond(30, 10*time.Second); got != 3 {
		t.Errorf("perSecond(30, 10s) = %v", got)
	}
	if got := perSecond(30, 0); !math.IsNaN(got) {
		t.Errorf("perSecond(30, 0) = %v, want NaN", got)
	}
}
