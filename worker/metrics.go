package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	prom "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/uber-go/tally/v4"
	tallyprom "github.com/uber-go/tally/v4/prometheus"
	"go.temporal.io/sdk/client"
	sdktally "go.temporal.io/sdk/contrib/tally"

	"github.com/ehc-send/ehc/activities"
)

// metricsReportEvery is how often tally hands what the SDK recorded to the
// Prometheus registry; a scrape sees values at most this old.
const metricsReportEvery = time.Second

// metricsServer serves the SDK's metrics for Prometheus on /metrics, and
// the mail service's health on /healthz.
type metricsServer struct {
	// Mail is set by the outbox (Outbox.Health): whether SendGrid is
	// refusing this worker's key. Never nil.
	Mail *activities.MailHealth
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
	health := &activities.MailHealth{}
	if addr == "" {
		return &metricsServer{Mail: health}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("EHC_METRICS_ADDR (-metrics-addr) %s: %w (is another worker or program using the port?)", addr, err)
	}

	registry := prom.NewRegistry()
	registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prom.NewGaugeFunc(prom.GaugeOpts{Name: "ehc_mail_refused",
			Help: "1 while SendGrid refuses the worker's API key (401/403) and letters are held pending; 0 otherwise."},
			func() float64 {
				if health.Status().Refused {
					return 1
				}
				return 0
			}),
		prom.NewCounterFunc(prom.CounterOpts{Name: "ehc_mail_refused_attempts_total",
			Help: "Attempts to send a letter that SendGrid refused for the API key (401/403) since the worker started."},
			func() float64 { return float64(health.Status().RefusedAttempts) }),
		prom.NewCounterFunc(prom.CounterOpts{Name: "ehc_mail_possible_duplicates_total",
			Help: "Letters sent again after an attempt that may have sent them, which SendGrid's activity feed could not confirm, since the worker started."},
			func() float64 { return float64(health.Status().PossibleDuplicates) }),
		prom.NewGaugeFunc(prom.GaugeOpts{Name: "ehc_mail_relaying",
			Help: "Pending letters only the worker's relay is sending, at its last pass: operators' resends, and letters whose activity gave up after a day (a refusal or outage that long)."},
			func() float64 { return float64(health.Status().Relaying) }),
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
	mux.Handle("/healthz", healthz(health))
	// Go's profiler, for finding where a loaded worker spends its CPU (go
	// tool pprof http://ADDR/debug/pprof/profile); on the same private port.
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
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
		Mail:    health,
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

// healthz is 503, with the reason, while SendGrid refuses the key (letters
// are held pending: a load balancer or an operator's probe should see it),
// and 200 otherwise. The next accepted send clears it, and so does a
// while with no refusal (activities.MailHealth).
func healthz(h *activities.MailHealth) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if st := h.Status(); st.Refused {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, "mail refused since %s (%d refused attempts): %s\n", st.Since.UTC().Format(time.RFC3339), st.RefusedAttempts, st.Reason)
			return
		}
		fmt.Fprintln(w, "ok")
	})
}
