package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vpslink/vpslink/internal/metric"
)

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// authFailures counts requests with a missing or wrong secret.
	authFailures *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		requests: metric.CounterVec("vpslink_http_requests_total",
			"HTTP requests by route template, method and status code.", "route", "method", "code"),
		duration: metric.HistogramVec("vpslink_http_request_duration_seconds",
			"HTTP request duration by route template and method.",
			[]float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}, "route", "method"),
		authFailures: metric.CounterVec("vpslink_http_auth_failures_total",
			"Requests with a missing or wrong API secret, by outcome: refused (401) or limited (429, the client failed too often).",
			"outcome"),
	}
	var err error
	if m.requests, err = register(reg, m.requests); err != nil {
		return nil, err
	}
	if m.duration, err = register(reg, m.duration); err != nil {
		return nil, err
	}
	if m.authFailures, err = register(reg, m.authFailures); err != nil {
		return nil, err
	}
	for _, outcome := range []string{"refused", "limited"} {
		m.authFailures.WithLabelValues(outcome)
	}
	return m, nil
}

// register registers c, or returns the identical collector already
// registered, so that a second Server on one registry shares the series.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	err := reg.Register(c)
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing, nil
		}
	}
	if err != nil {
		return c, fmt.Errorf("register HTTP metrics: %w", err)
	}
	return c, nil
}

// MetricsHandler serves g in the Prometheus exposition format; serve uses
// it for a separate VPSLINK_METRICS_LISTEN listener.
func MetricsHandler(g prometheus.Gatherer) http.Handler {
	return promhttp.HandlerFor(g, promhttp.HandlerOpts{})
}
