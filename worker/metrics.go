package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	prom "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/uber-go/tally/v4"
	tallyprom "github.com/uber-go/tally/v4/prometheus"
	"go.temporal.io/sdk/client"
	sdktally "go.temporal.io/sdk/contrib/tally"
)

// metricsReportEvery is how often tally hands what the SDK recorded to the
// Prometheus registry; a scrape sees values at most this old.
const metricsReportEvery = time.Second

// metricsServer serves the SDK's metrics for Prometheus on /metrics.
type metricsServer struct {
	// Handler is for client.Options.MetricsHandler; nil when metrics are
	// off, which leaves the SDK's no-op handler.
	Handler client.MetricsHandler
	// Addr is the address actually listened on (a port of 0 is chosen by
	// the system); nil when metrics are off.
	Addr net.Addr

	srv    *http.Server
	served chan struct{} // closed once Serve has returned and let the port go
	scope  io.Closer
}

// serveMetrics listens on addr (host:port; empty turns metrics off) and
// serves there, on /metrics, everything recorded through the returned
// server's Handler, in Prometheus' text format, with the Go runtime's and
// the process' own metrics. The port is taken before the worker starts, so
// a clash stops start-up with a clear message rather than half-way.
//
// The SDK's names follow Prometheus' conventions: counters end in _total,
// timers are histograms in seconds (_seconds_bucket, _sum, _count).
func serveMetrics(addr string, logger *slog.Logger) (*metricsServer, error) {
	if addr == "" {
		return &metricsServer{}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("EHC_METRICS_ADDR (-metrics-addr) %s: %w (is another worker or program using the port?)", addr, err)
	}

	registry := prom.NewRegistry()
	registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	reporter := tallyprom.NewReporter(tallyprom.Options{
		Registerer:       registry,
		DefaultTimerType: tallyprom.HistogramTimerType, // histograms add up across replicas; summaries don't
		// The reporter panics by default when a name comes back with other
		// tags; a metric lost is better than a worker stopped.
		OnRegisterError: func(err error) {
			logger.Warn("a metric could not be registered and is not reported", "error", err)
		},
	})
	// Names and tag keys as Prometheus needs them; tag values keep their
	// dashes and dots, so a task queue or namespace reads as configured.
	sanitize := sdktally.PrometheusSanitizeOptions
	sanitize.ValueCharacters = tally.ValidCharacters{Ranges: tally.AlphanumericRange, Characters: tally.UnderscoreDashDotCharacters}
	scope, closer := tally.NewRootScope(tally.ScopeOptions{
		CachedReporter:         reporter,
		Separator:              tallyprom.DefaultSeparator,
		SanitizeOptions:        &sanitize,
		OmitCardinalityMetrics: true, // tally's own bookkeeping
	}, metricsReportEvery)

	mux := http.NewServeMux()
	mux.Handle("/metrics", reporter.HTTPHandler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan struct{})
	go func() {
		defer close(served)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics server stopped", "error", err)
		}
	}()
	logger.Info("serving Prometheus metrics", "addr", ln.Addr().String(), "path", "/metrics")
	return &metricsServer{
		Handler: sdktally.NewMetricsHandler(sdktally.NewPrometheusNamingScope(scope)),
		Addr:    ln.Addr(),
		srv:     srv,
		served:  served,
		scope:   closer,
	}, nil
}

// Stop reports what is left, stops serving and lets the port go. It does
// nothing when metrics are off.
func (m *metricsServer) Stop() {
	if m.srv == nil {
		return
	}
	_ = m.scope.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = m.srv.Shutdown(ctx)
	<-m.served
}
