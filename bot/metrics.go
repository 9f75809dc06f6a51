package bot

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the bot's Prometheus collectors. A nil *Metrics records
// nothing, which keeps tests and the console free of registries.
type Metrics struct {
	Envelopes     *prometheus.CounterVec   // by type and outcome
	AckLatency    prometheus.Histogram     // seconds from receipt to ack
	HandlerErrors *prometheus.CounterVec   // by route
	HandlerTime   *prometheus.HistogramVec // by kind
	SlackCalls    *prometheus.CounterVec   // Web API calls by method and status

	// The children of the vectors above that every envelope touches,
	// looked up once: WithLabelValues hashes its labels on each call.
	envelopes   sync.Map // envelopeKey → prometheus.Counter
	handlerTime sync.Map // kind → prometheus.Observer
}

type envelopeKey struct{ typ, outcome string }

// envelope counts one envelope of typ with outcome.
func (m *Metrics) envelope(typ, outcome string) {
	if m == nil {
		return
	}
	k := envelopeKey{typ, outcome}
	c, ok := m.envelopes.Load(k)
	if !ok {
		c, _ = m.envelopes.LoadOrStore(k, m.Envelopes.WithLabelValues(typ, outcome))
	}
	c.(prometheus.Counter).Inc()
}

// handlerSeconds records how long a handler of kind ran.
func (m *Metrics) handlerSeconds(kind Kind, seconds float64) {
	if m == nil {
		return
	}
	o, ok := m.handlerTime.Load(kind)
	if !ok {
		o, _ = m.handlerTime.LoadOrStore(kind, m.HandlerTime.WithLabelValues(string(kind)))
	}
	o.(prometheus.Observer).Observe(seconds)
}

// NewMetrics creates the collectors and registers them with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Envelopes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "platformbot_envelopes_total", Help: "Socket Mode envelopes and console requests handled, by type and outcome.",
		}, []string{"type", "outcome"}),
		AckLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "platformbot_ack_latency_seconds", Help: "Time from receiving an envelope to acking it.",
			Buckets: []float64{.0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1, 2, 3},
		}),
		HandlerErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "platformbot_handler_errors_total", Help: "Handler errors that were the bot's fault, by route.",
		}, []string{"route"}),
		HandlerTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "platformbot_handler_seconds", Help: "Handler run time by request kind.",
			Buckets: prometheus.DefBuckets,
		}, []string{"kind"}),
		SlackCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "platformbot_slack_api_calls_total", Help: "Slack Web API calls by method and status (ok, error, 429, 5xx).",
		}, []string{"method", "status"}),
	}
	reg.MustRegister(m.Envelopes, m.AckLatency, m.HandlerErrors, m.HandlerTime, m.SlackCalls)
	return m
}
