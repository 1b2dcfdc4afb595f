package main

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
)

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// scrape fetches /metrics until it holds want, as tally hands values to the
// registry once every metricsReportEvery.
func scrape(t *testing.T, addr net.Addr, want ...string) string {
	t.Helper()
	var body string
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := http.Get("http://" + addr.String() + "/metrics")
		if err != nil {
			t.Fatalf("GET /metrics: %v", err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("reading /metrics: %v", err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /metrics: %s\n%s", resp.Status, b)
		}
		body = string(b)
		missing := ""
		for _, w := range want {
			if !strings.Contains(body, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return body
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics has no %q after 5s:\n%s", missing, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestMetricsServed(t *testing.T) {
	m, err := serveMetrics("127.0.0.1:0", quietLogger())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Stop()

	// Through the SDK's interface, as the worker's client records.
	var h client.MetricsHandler = m.Handler
	h.Counter("ehc_test").Inc(1)
	h.WithTags(map[string]string{"task_queue": "ehc-assessments", "namespace": "ehc.a1b2c"}).Counter("ehc_test_tagged").Inc(2)
	h.Timer("ehc_test_latency").Record(250 * time.Millisecond)
	h.Gauge("ehc_test_slots").Update(3)

	scrape(t, m.Addr,
		"ehc_test_total 1",
		`ehc_test_tagged_total{namespace="ehc.a1b2c",task_queue="ehc-assessments"} 2`,
		"ehc_test_latency_seconds_bucket{le=",
		"ehc_test_latency_seconds_count 1",
		"ehc_test_slots 3",
		"go_goroutines",
	)
}

func TestMetricsOff(t *testing.T) {
	m, err := serveMetrics("", quietLogger())
	if err != nil {
		t.Fatal(err)
	}
	if m.Handler != nil || m.Addr != nil {
		t.Errorf("metrics off: got handler %v at %v, want neither", m.Handler, m.Addr)
	}
	m.Stop() // does nothing, and does not panic
}

func TestMetricsPortTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()

	m, err := serveMetrics(ln.Addr().String(), quietLogger())
	if err == nil {
		m.Stop()
		t.Fatalf("serveMetrics on a taken port %s: no error", ln.Addr())
	}
	for _, want := range []string{"EHC_METRICS_ADDR", ln.Addr().String(), "address already in use"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestMetricsStopFreesPort(t *testing.T) {
	m, err := serveMetrics("127.0.0.1:0", quietLogger())
	if err != nil {
		t.Fatal(err)
	}
	addr := m.Addr.String()
	m.Stop()
	m2, err := serveMetrics(addr, quietLogger())
	if err != nil {
		t.Fatalf("after Stop, %s is still taken: %v", addr, err)
	}
	m2.Stop()
}
